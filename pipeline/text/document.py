"""The cleaned article every extractor works on.

Positions are character offsets into ``Document.text`` (the display text), half-open ``[start, end)``.
``key`` is the matching key (folded for lexicon matching); ``key_map[i]`` is the display offset of
key character ``i`` and ``key_map[len(key)] == len(text)``, so a match found on the key maps back
exactly to the display text with :meth:`Document.text_span`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.text.normalize import KeyMap
from pipeline.text.quotes import Quote


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph or a heading of the display text."""

    start: int
    end: int
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    text: str
    key: str
    key_map: Sequence[int]
    blocks: tuple[Block, ...]
    sentences: tuple[tuple[int, int], ...]
    #: Quotations of ``text`` (sorted by start) and closing marks that close nothing.
    quotes: tuple[Quote, ...] = ()
    stray_quote_marks: tuple[int, ...] = ()

    def text_span(self, key_start: int, key_end: int) -> tuple[int, int]:
        """Map a half-open span of the key to the display text."""
        key_map = self.key_map
        if isinstance(key_map, KeyMap):
            return key_map.text_span(key_start, key_end)
        start = key_map[key_start]
        end = key_map[key_end - 1] + 1 if key_end > key_start else start
        return start, end

    def key_offset(self, text_offset: int) -> int:
        """The first key position at or after a display offset (inverse of ``key_map``)."""
        if isinstance(self.key_map, KeyMap):
            return self.key_map.key_index(text_offset)
        return bisect_left(self.key_map, text_offset)
