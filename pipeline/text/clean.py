"""Display text: what users read.

Strips HTML tags, scripts/styles and entities, bidi and zero-width marks, tatweel; folds Arabic
presentation forms (ﻻ → لا); turns every space variant into a plain space and every paragraph into
one line. Keeps hamza, ة, ى, diacritics (optional) and the original quote marks.

Every step is one linear pass (bounded regex repetitions or ``str.find`` scans), so hostile input
cannot make it backtrack. ``clean_display`` is idempotent: tags are matched up to the first ``>``
so stripping cannot create a new tag, and entities nested in ``&amp;`` chains decode in one go.
"""

from __future__ import annotations

import html
import re
import unicodedata

from pipeline.text.normalize import DIACRITICS, replace_chars

# Tags whose end means a paragraph break; any other tag vanishes (inline) or becomes a space.
# Shared with the feed parser (pipeline/feeds/parse.py), which turns summaries into plain text.
BLOCK_TAGS = frozenset(
    [
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "table",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "hr",
        "pre",
        "dd",
        "dt",
        "dl",
    ]
)
_INLINE_TAGS = frozenset(
    [
        "a",
        "b",
        "i",
        "u",
        "em",
        "strong",
        "span",
        "font",
        "sup",
        "sub",
        "small",
        "mark",
        "abbr",
        "cite",
        "q",
        "s",
        "strike",
    ]
)
# A tag: '<' then a letter, '/', '!' or '?', up to the first '>' at most 4000 characters on.
_TAG_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz/!?")
_TAG_MAX_BODY = 4000
_TAG_NAME_RE = re.compile(r"/?\s{0,5}([A-Za-z][A-Za-z0-9]{0,15})")
# Entities, with any '&amp;' / '&#38;' chain in front collapsed (double-escaped feeds).
_ENTITY_RE = re.compile(
    r"&(?:amp;|#0{0,5}38;|#[xX]0{0,5}26;){0,64}(#[0-9]{1,7};?|#[xX][0-9A-Fa-f]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)"
)
_ENTITY_TAIL_RE = re.compile(r"#[0-9]{1,7};?|#[xX][0-9A-Fa-f]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?")
_INVISIBLE = tuple(
    (char, "")
    for char in "\u00ad\u061c\u0640\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufff9\ufffa\ufffb"
)
_DROP_DIACRITICS = tuple((mark, "") for mark in DIACRITICS)
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]+")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
_LINE_BREAKS_RE = re.compile("\r\n|[\r\u2028\u2029\x85\v\f]")
# Runs of spaces, or any single space other than U+0020 (matching single plain spaces is slow).
_SPACE_CHARS = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_SPACES_RE = re.compile(f"[ {_SPACE_CHARS}]{{2,}}|[{_SPACE_CHARS}]")
_DOUBLE_SPACES_RE = re.compile(" {2,}")
# Any code point from U+FB50 up: scanning for this ASCII-free class is the cheap pre-test.
_HIGH_RE = re.compile("[\ufb50-\U0010ffff]")
_UNUSUAL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufb50-\ufdff\ufe70-\ufefc]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]+")
# Elements whose content is never text to read (code, styles, fallbacks for embeds).
RAW_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object"})
_RAW_TAG_BLOCKS = tuple(sorted(RAW_TEXT_TAGS))


def clean_display(raw: str, *, keep_diacritics: bool = True) -> str:
    """The display text of ``raw``: one paragraph per line, no empty lines, no outer spaces."""
    text = raw
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from a broken decoder
        text = _SURROGATE_RE.sub("", text)
    # Invisible marks go before tags are found: "<\u200f/>" must not become a tag on a second pass.
    text = replace_chars(text, _INVISIBLE)
    if "<" in text:
        text = _drop_raw_blocks(text)
    if "&" in text:
        text = replace_chars(_unescape(text), _INVISIBLE)  # entities can encode invisible marks
    if "<" in text:
        text = _strip_tags(text)
    # isprintable() is a C scan: true means no controls, odd line breaks, spaces other than U+0020
    # or invisible format marks (all Unicode "Other"/"Separator"), so their regex passes are skipped.
    printable = text.replace("\n", " ").isprintable()
    if (not printable or _has_presentation_forms(text)) and _UNUSUAL_RE.search(text):
        text = _PRESENTATION_RE.sub(_fold_presentation, text)
        text = _CONTROL_RE.sub(" ", _LINE_BREAKS_RE.sub("\n", text))
    if not keep_diacritics:
        text = replace_chars(text, _DROP_DIACRITICS)
    if not printable:
        text = _SPACES_RE.sub(" ", text)
    elif "  " in text:
        text = _DOUBLE_SPACES_RE.sub(" ", text)
    lines = (line.strip(" ") for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _has_presentation_forms(text: str) -> bool:
    """Presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFC) are rare: a scan for any code point
    from U+FB50 up (a one-range class, fast) decides whether the exact scan is needed."""
    return _HIGH_RE.search(text) is not None and _PRESENTATION_RE.search(text) is not None


def _unescape(text: str) -> str:
    def decode(match: re.Match[str]) -> str:
        entity = match.group(1)
        decoded = html.unescape("&" + entity)
        if decoded == "&" + entity:  # unknown entity: keep it as written (minus the &amp; chain)
            return "&" + entity
        # A decoded '<' must not start a tag on the next pass, nor a decoded '&' a new entity.
        decoded = decoded.replace("<", "‹").replace(">", "›")
        if "&" in decoded:
            tail = _ENTITY_TAIL_RE.match(match.string, match.end())
            if tail and html.unescape("&" + tail.group(0)) != "&" + tail.group(0):
                decoded = decoded.replace("&", "＆")
        return decoded

    return _ENTITY_RE.sub(decode, text)


def _strip_tags(text: str) -> str:
    """Replace every tag ('<' + letter, '/', '!' or '?' up to the first '>' within 4000 chars).

    The same result as substituting ``<[A-Za-z/!?][^>]{0,4000}>`` but linear: a regex would rescan
    4000 characters from every '<' that never closes ("<p <p <p …"); here the next '>' is found
    once and reused.
    """
    out: list[str] = []
    position = 0
    next_close = -1
    length = len(text)
    start = text.find("<")
    while 0 <= start < length - 1:
        if text[start + 1] in _TAG_START:
            if next_close < start:
                next_close = text.find(">", start)
                if next_close < 0:
                    break  # no '>' anywhere after: no more tags
            if next_close - start - 2 <= _TAG_MAX_BODY:
                out.append(text[position:start])
                out.append(_replacement(text[start + 1 : next_close]))
                position = next_close + 1
                start = text.find("<", position)
                continue
        start = text.find("<", start + 1)
    out.append(text[position:])
    return "".join(out)


def _replacement(inside: str) -> str:
    name = _TAG_NAME_RE.match(inside)
    tag = name.group(1).lower() if name else ""
    if tag in BLOCK_TAGS:
        return "\n"
    if tag in _INLINE_TAGS:
        return ""
    return " "


def _drop_raw_blocks(text: str) -> str:
    """Remove <script>…</script> and friends with their content (str.find scans: linear)."""
    lower = text.lower()
    if not any(f"<{tag}" in lower for tag in _RAW_TAG_BLOCKS):
        return text
    out: list[str] = []
    position = 0
    while True:
        starts = [(lower.find(f"<{tag}", position), tag) for tag in _RAW_TAG_BLOCKS]
        found = [(start, tag) for start, tag in starts if start >= 0]
        if not found:
            break
        start, tag = min(found)
        closing = lower.find(f"</{tag}", start)
        out.append(text[position:start])
        if closing < 0:
            position = len(text)
            break
        end = lower.find(">", closing)
        position = len(text) if end < 0 else end + 1
        out.append(" ")
    out.append(text[position:])
    return "".join(out)


def _fold_presentation(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group(0))
