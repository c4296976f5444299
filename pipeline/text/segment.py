"""Paragraphs, headings and sentences of the display text.

Sentences end at . ؟ ? ! ؛ ; and at line breaks, never inside a quotation, between digits (3.5)
or after a one-letter abbreviation (د. for doctor). A heading is a short line that does not end
like a sentence, e.g. a subheading “نزاع مسلح”.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from pipeline.text.document import Block
from pipeline.text.quotes import Quote

_SENTENCE_END_RE = re.compile(r"[.!?؟؛;…]+")
_HEADING_MAX_WORDS = 8
_HEADING_MAX_CHARS = 70
_SENTENCE_LIKE_END = frozenset(".!?؟؛;:،,…")
_QUOTE_CHARS = frozenset("\"“”„‟«»‹›〝〞＂'")
_CLOSERS = _QUOTE_CHARS | {")"}


def blocks_of(text: str) -> tuple[Block, ...]:
    blocks: list[Block] = []
    position = 0
    for line in text.split("\n"):
        start, end = position, position + len(line)
        position = end + 1
        if line.strip():
            blocks.append(Block(start, end, heading=is_heading(line)))
    return tuple(blocks)


def is_heading(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > _HEADING_MAX_CHARS or ":" in stripped:
        return False
    last = stripped.rstrip("".join(_QUOTE_CHARS))[-1:]
    if not last or last in _SENTENCE_LIKE_END:
        return False
    return len(stripped.split()) <= _HEADING_MAX_WORDS


def sentences_of(
    text: str, blocks: tuple[Block, ...], quotes: tuple[Quote, ...]
) -> tuple[tuple[int, int], ...]:
    # Closed quotations as sorted, non-overlapping ranges (outermost only) for a bisect lookup.
    starts: list[int] = []
    ends: list[int] = []
    for quote in quotes:
        if not quote.closed:
            continue
        if ends and quote.start < ends[-1]:
            continue  # nested in the previous one
        starts.append(quote.start)
        ends.append(quote.end)
    sentences: list[tuple[int, int]] = []
    for block in blocks:
        cursor = block.start
        for match in _SENTENCE_END_RE.finditer(text, block.start, block.end):
            at = match.start()
            index = bisect_right(starts, at) - 1
            if index >= 0 and at < ends[index]:
                continue  # inside a quotation
            if match.group(0) == "." and _keeps_sentence(text, at, block.start):
                continue
            end = match.end()
            while end < block.end and text[end] in _CLOSERS:
                end += 1
            if text[cursor:end].strip():
                sentences.append(_trim(text, cursor, end))
            cursor = end
        if text[cursor : block.end].strip():
            sentences.append(_trim(text, cursor, block.end))
    return tuple(sentences)


def _keeps_sentence(text: str, at: int, floor: int) -> bool:
    """A '.' that does not end a sentence: 3.5, or after a one-letter abbreviation (د.)."""
    before = text[at - 1] if at > floor else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if before.isdigit() and after.isdigit():
        return True
    return before.isalpha() and (at - 1 == floor or not text[at - 2].isalpha())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
