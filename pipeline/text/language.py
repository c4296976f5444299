"""Which script an article is written in (enough to refuse articles that are not Arabic)."""

from __future__ import annotations

import re

_ARABIC_LETTER_RE = re.compile(
    r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FC\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFC]"
)
_LETTER_RE = re.compile(r"[^\W\d_]")


def arabic_share(text: str, sample: int = 20_000) -> float:
    """Share of Arabic letters among the letters of (a prefix of) ``text``; 0.0 without letters."""
    head = text[:sample]
    letters = len(_LETTER_RE.findall(head))
    if not letters:
        return 0.0
    return len(_ARABIC_LETTER_RE.findall(head)) / letters
