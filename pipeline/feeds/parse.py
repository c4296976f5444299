"""Feed bytes to plain-text items: feedparser, encoding repair and sanitising.

feedparser does the XML work (RSS 0.9x/1.0/2.0, Atom, RDF; its own entity and DTD handling, and
its fallback to a loose parser for broken XML). We add what Arabic feeds need: when the decoded text
is mojibake (Latin-1 letters where Arabic was expected: windows-1256 bytes read as windows-1252),
decode the bytes with a better charset and parse again; and we reduce every HTML field to plain text.
"""

from __future__ import annotations

import calendar
import codecs
import io
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import feedparser

from pipeline.feeds.items import FeedItem
from pipeline.text.clean import BLOCK_TAGS, RAW_TEXT_TAGS

#: Charsets tried when the text came out as mojibake, in order of preference on a tie.
ARABIC_CHARSETS = ("windows-1256", "utf-8", "iso-8859-6")

# `encoding="..."` in the XML declaration at the start of the document; bounded, so linear.
_XML_DECL = re.compile(
    rb"^\s{0,64}<\?xml[^>]{0,200}?encoding\s{0,8}=\s{0,8}[\"']([A-Za-z0-9._:-]{1,40})[\"']"
)
_XML_DECL_ENCODING = re.compile(
    r"^(\s{0,64}<\?xml[^>]{0,200}?encoding\s{0,8}=\s{0,8}[\"'])([A-Za-z0-9._:-]{1,40})"
)
_CHARSET = re.compile(r"charset\s{0,8}=\s{0,8}[\"']?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n[ \n]*\n")
# Letters windows-1252 makes of Arabic windows-1256 (and UTF-8) bytes: À-ÿ, and its 0x80-0x9F letters.
_MOJIBAKE = re.compile("[\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]")
_ARABIC = re.compile("[\u0621-\u064a\u0660-\u0669\u0671-\u06d3\u06f0-\u06f9]")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    version: str  # feedparser's format name: rss20, atom10, rss10 (RDF), ... ; "" if not a feed
    encoding: str  # the charset the text was finally decoded with
    declared_encoding: str | None  # what the HTTP header or XML declaration claimed
    ttl: int | None  # RSS <ttl>, minutes
    items: tuple[FeedItem, ...]
    problems: tuple[str, ...]

    @property
    def is_feed(self) -> bool:
        return bool(self.version) or bool(self.items)


def declared_charsets(body: bytes, content_type: str | None) -> tuple[str | None, str | None]:
    """(charset of the Content-Type header, encoding of the XML declaration), each if present."""
    http = None
    if content_type:
        found = _CHARSET.search(content_type)
        http = found.group(1).lower() if found else None
    head = body[:1024].removeprefix(codecs.BOM_UTF8)
    decl = _XML_DECL.match(head)
    xml = decl.group(1).decode("ascii").lower() if decl else None
    return http, xml


def _codec(name: str | None) -> str | None:
    """Python's canonical name for a charset, or None if Python has no such codec."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def count_arabic(text: str) -> int:
    # subn, not findall: a list of one str per letter of a 15 MiB feed costs gigabytes.
    return _ARABIC.subn("", text)[1]


def count_mojibake(text: str) -> int:
    return _MOJIBAKE.subn("", text)[1]


def looks_mojibake(text: str) -> bool:
    """Latin-1 letters outnumber Arabic ones: Arabic bytes decoded with a Latin charset."""
    wrong = count_mojibake(text)
    return wrong >= 3 and wrong > count_arabic(text)


def choose_charset(body: bytes, candidates: tuple[str, ...]) -> tuple[str, str] | None:
    """The candidate that decodes ``body`` strictly into the most Arabic and least mojibake.

    Returns (charset as given, decoded text), or None if no candidate decodes the body at all.

    A strict UTF-8 decoding that gives Arabic wins outright: windows-1256 text is practically never
    valid UTF-8, while UTF-8 Arabic read as windows-1256 is Arabic-*looking* mojibake ("ط§ظ„")
    that the letter count alone would prefer.
    """
    if any(_codec(c) == "utf-8" for c in candidates):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            if count_arabic(text) > count_mojibake(text):
                return "utf-8", text
    best: tuple[int, str, str] | None = None
    tried: set[str] = set()
    for candidate in candidates:
        name = _codec(candidate)
        if name is None or name in tried:
            continue
        tried.add(name)
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        score = count_arabic(text) - count_mojibake(text)
        if best is None or score > best[0]:
            best = (score, candidate.lower(), text)
    return None if best is None else (best[1], best[2])


def as_utf8_document(text: str) -> bytes:
    """A decoded document re-encoded as UTF-8, its XML declaration saying so."""
    text = text.removeprefix("\ufeff")
    return _XML_DECL_ENCODING.sub(r"\g<1>utf-8", text, count=1).encode("utf-8")


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment; block elements become line breaks."""

    # The text core's sets, so feeds and the clean stage agree on what a paragraph is.
    _BLOCKS = BLOCK_TAGS
    _SKIP = RAW_TEXT_TAGS

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def plain_text(fragment: str) -> str:
    """HTML (or text with entities) to plain text: tags and scripts gone, paragraphs on their own lines."""
    if "<" not in fragment and "&" not in fragment:
        text = fragment
    else:
        extractor = _TextExtractor()
        extractor.feed(fragment)
        extractor.close()
        text = "".join(extractor.parts)
    return tidy_text(text)


def tidy_text(text: str) -> str:
    """Runs of spaces to one, lines trimmed, at most one blank line between paragraphs."""
    text = _SPACES.sub(" ", text)
    text = _BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in text.split("\n")))
    return text.strip()


def _iso(parsed: time.struct_time | None) -> str | None:
    if parsed is None:
        return None
    try:
        seconds = calendar.timegm(parsed)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
    except (OverflowError, ValueError, TypeError):
        return None


def _entry_text(entry: Any) -> str:
    contents = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, Mapping)]
    best = max(contents, key=len, default="")
    summary = entry.get("summary", "") or ""
    raw = best if len(plain_text(best)) >= len(plain_text(summary)) else summary
    return plain_text(raw or summary)


def _items(result: Any) -> tuple[FeedItem, ...]:
    items = []
    for entry in result.entries:
        guid = entry.get("id") or None
        items.append(
            FeedItem(
                guid=str(guid).strip() if guid else None,
                link=(entry.get("link") or "").strip() or None,
                title=plain_text(entry.get("title", "") or ""),
                published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
                text=_entry_text(entry),
            )
        )
    return tuple(items)


def _sample(result: Any) -> str:
    parts = [str(result.feed.get("title", ""))]
    for entry in result.entries[:50]:
        parts.append(str(entry.get("title", "")))
        parts.append(str(entry.get("summary", ""))[:2000])
    return "\n".join(parts)


def _ttl(result: Any) -> int | None:
    raw = str(result.feed.get("ttl", "")).strip()
    return int(raw) if raw.isdigit() and len(raw) <= 7 else None


def _feedparser(body: bytes, response_headers: dict[str, str]) -> Any:
    """feedparser on a body, always as a stream.

    Given bytes, feedparser first tries ``open(body)``: a response whose body is "/etc/passwd" or
    "/dev/zero" would make it read a local file. A file object is read as data, never opened.
    """
    return feedparser.parse(io.BytesIO(body), response_headers=response_headers, sanitize_html=True)


def parse_feed(
    body: bytes, headers: Mapping[str, str], url: str, *, expect_arabic: bool = True
) -> ParsedFeed:
    """Parse a feed body. Never raises for bad input: problems are reported in the result."""
    content_type = headers.get("content-type")
    http_charset, xml_charset = declared_charsets(body, content_type)
    response_headers = {"content-location": url}
    if content_type:
        response_headers["content-type"] = content_type
    problems: list[str] = []
    result = _feedparser(body, response_headers)
    encoding = str(result.get("encoding") or "")
    sample = _sample(result) if expect_arabic else ""
    if looks_mojibake(sample):
        candidates = tuple(c for c in (xml_charset, *ARABIC_CHARSETS) if c and _codec(c) != _codec(encoding))
        choice = choose_charset(body, candidates)
        if choice is not None:
            charset, text = choice
            # Drop the mojibake parse first: two parses of a large feed at once double the memory.
            del result, choice
            document = as_utf8_document(text)
            del text
            repaired = _feedparser(
                document, {"content-location": url, "content-type": "application/xml; charset=utf-8"}
            )
            del document
            if count_arabic(_sample(repaired)) > count_arabic(sample):
                declared = http_charset or xml_charset or "nothing"
                problems.append(
                    f"text decoded as {encoding} was mojibake; re-decoded as {charset} (declared: {declared})"
                )
                result, encoding = repaired, charset
            else:  # rare: the repair was no better; keep what the feed said
                del repaired
                result = _feedparser(body, response_headers)
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        # An encoding override is normal for mislabelled feeds and already reported above.
        if exc is not None and not isinstance(exc, feedparser.CharacterEncodingOverride):
            problems.append(f"malformed feed: {type(exc).__name__}: {exc}")
        elif exc is not None and not problems:
            problems.append(f"declared encoding overridden: {exc}")
    version = str(result.get("version") or "")
    if not version and not result.entries:
        problems.append("not a feed: no RSS, Atom or RDF content found")
    return ParsedFeed(
        title=plain_text(str(result.feed.get("title", ""))),
        version=version,
        encoding=encoding,
        declared_encoding=http_charset or xml_charset,
        ttl=_ttl(result),
        items=_items(result),
        problems=tuple(problems),
    )
