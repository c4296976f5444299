"""Which script an article is written in (enough to refuse articles that are not Arabic).

Speed: a regex pass costs mostly per match, so counting one match per letter (``findall`` of a
one-character class) is slow. Arabic runs here take their spaces with them: an Arabic paragraph
is a few matches (one per punctuation-delimited stretch), and ``str.count`` (a C loop) gives back
the spaces. Only what is left (punctuation, digits, other scripts) is searched for letters.
"""

from __future__ import annotations

import re

_ARABIC_RANGES = (
    (0x0621, 0x064A),
    (0x0671, 0x06D3),
    (0x06FA, 0x06FC),
    (0x0750, 0x077F),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFC),
)
_ARABIC = "".join(f"{chr(first)}-{chr(last)}" for first, last in _ARABIC_RANGES)
_LETTER_RE = re.compile(r"[^\W\d_]")
_LETTER_RUN_RE = re.compile(r"[^\W\d_]+")
_ARABIC_OR_SPACE_RUN_RE = re.compile(f"[{_ARABIC} ]+")
# Code points of the Arabic ranges that are not letters (ornate parentheses, the rial sign, symbols
# among the presentation forms): counted as Arabic but not as letters.
_ARABIC_NON_LETTERS = "".join(
    char
    for first, last in _ARABIC_RANGES
    for char in map(chr, range(first, last + 1))
    if not _LETTER_RE.match(char)
)
_ARABIC_NON_LETTER_RE = re.compile(f"[{re.escape(_ARABIC_NON_LETTERS)}]")


def arabic_share(text: str, sample: int = 20_000) -> float:
    """Share of Arabic letters among the letters of (a prefix of) ``text``; 0.0 without letters.

    "Arabic" is any character of the Arabic letter ranges (presentation forms included); a letter
    is a word character that is neither a digit nor ``_``.
    """
    head = text[:sample]
    if head.isascii():
        return 0.0
    rest = _ARABIC_OR_SPACE_RUN_RE.sub("", head)
    arabic = len(head) - len(rest) - (head.count(" ") - rest.count(" "))
    letters = arabic + len(rest) - len(_LETTER_RUN_RE.sub("", rest))  # + letters of other scripts
    if arabic:
        letters -= len(_ARABIC_NON_LETTER_RE.findall(head))
    return arabic / letters if letters else 0.0
