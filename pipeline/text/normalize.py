"""The matching key: display text folded for lexicon matching, with an exact offset map.

Folding: diacritics (harakat, tanwin, shadda, sukun, dagger alef) are dropped; أ إ آ ٱ → ا,
ى → ي, ة → ه, ؤ → و, ئ → ي; Arabic-Indic and Persian digits → ASCII; every quote mark → '"'.
Everything but the dropped marks maps one to one, so the offset map is exact.

Speed: ``str.translate`` looks every character up in a dict (about 30 ns a character); a chain of
``in``/``replace`` for the few characters that fold runs as C loops and is ~30x faster.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import overload

# U+064B..U+0652 harakat/tanwin/shadda/sukun, U+0670 dagger alef, U+0653..U+0655 maddah/hamza marks.
DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0656)) + "\u0670"
_DIACRITICS_RE = re.compile(f"[{DIACRITICS}]")

QUOTE_MARKS = '"“”„‟«»‹›〝〞＂'

_FOLD_PAIRS: tuple[tuple[str, str], ...] = tuple(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        "ؤ": "و",
        "ئ": "ي",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
        **dict.fromkeys(QUOTE_MARKS, '"'),
    }.items()
)


def replace_chars(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    """``str.translate`` for a few single characters, much faster: ``str.translate`` looks every
    character up in a dict, while ``in`` and ``replace`` run as C loops over the string."""
    for old, new in pairs:
        if old in text:
            text = text.replace(old, new)
    return text


_DROP_DIACRITICS: tuple[tuple[str, str], ...] = tuple((mark, "") for mark in DIACRITICS)


class KeyMap(Sequence[int]):
    """Key index -> display offset, stored as the runs of kept characters.

    Diacritics are sparse, so a few runs describe the whole map: building it costs one entry per
    dropped mark instead of one per character, and a lookup is a bisect over the runs. It has
    ``len(key) + 1`` entries; the last is ``len(text)``.
    """

    __slots__ = ("_key_starts", "_length", "_text_starts")

    def __init__(self, key_starts: list[int], text_starts: list[int], key_length: int) -> None:
        self._key_starts = key_starts  # run j starts at key index key_starts[j] ...
        self._text_starts = text_starts  # ... and display offset text_starts[j]; the last run is the end
        self._length = key_length + 1

    def __len__(self) -> int:
        return self._length

    @property
    def identity(self) -> bool:
        """No character was dropped: key index == display offset (most articles)."""
        return self._key_starts[-1] == self._text_starts[-1]

    def lookup(self, indices: list[int]) -> list[int]:
        """``[self[i] for i in indices]`` for sorted ``indices``, in one merge over the runs."""
        if self.identity:
            return indices
        out: list[int] = []
        key_starts, text_starts = self._key_starts, self._text_starts
        run = 0
        last = len(key_starts) - 1
        for index in indices:
            while run < last and key_starts[run + 1] <= index:
                run += 1
            out.append(text_starts[run] + index - key_starts[run])
        return out

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("key map index out of range")
        run = bisect_right(self._key_starts, index) - 1
        return self._text_starts[run] + index - self._key_starts[run]

    def text_span(self, key_start: int, key_end: int) -> tuple[int, int]:
        """The display span of the half-open key span: ``self[key_start]`` to ``self[key_end - 1] + 1``
        (empty at ``self[key_start]``), with two bisects and no per-index method calls (the
        extractors map a few dozen spans per article)."""
        key_starts, text_starts = self._key_starts, self._text_starts
        if key_starts[-1] == text_starts[-1]:  # identity
            return key_start, key_end
        if not 0 <= key_start < key_end <= self._length:  # empty or out of range: as indexing does
            start = self[key_start]
            return start, (self[key_end - 1] + 1 if key_end > key_start else start)
        run = bisect_right(key_starts, key_start) - 1
        start = text_starts[run] + key_start - key_starts[run]
        last = key_end - 1
        run = bisect_right(key_starts, last, run) - 1
        return start, text_starts[run] + last - key_starts[run] + 1

    def key_index(self, text_offset: int) -> int:
        """The first key index whose display offset is at or after ``text_offset`` (when nothing
        was dropped: the offset itself, clamped to ``[0, len(self)]``)."""
        run = bisect_right(self._text_starts, text_offset) - 1
        if run < 0:
            return 0
        if run + 1 >= len(self._key_starts):  # at or past the end of the text
            return self._length - 1 if text_offset <= self._text_starts[-1] else self._length
        width = self._key_starts[run + 1] - self._key_starts[run]
        offset = text_offset - self._text_starts[run]
        return self._key_starts[run] + offset if offset < width else self._key_starts[run + 1]


def fold(text: str) -> tuple[str, KeyMap]:
    """Return ``(key, key_map)``: the folded key and, per key character, its display offset.

    ``key_map`` has ``len(key) + 1`` entries; the last is ``len(text)``.
    """
    key_starts = [0]
    text_starts = [0]
    kept: list[str] = []
    position = 0
    key_length = 0
    if any(mark in text for mark in DIACRITICS):
        for match in _DIACRITICS_RE.finditer(text):
            if match.start() > position:
                kept.append(text[position : match.start()])
                key_length += match.start() - position
            position = match.end()
            key_starts.append(key_length)
            text_starts.append(position)
    kept.append(text[position:])
    key_length += len(text) - position
    key_starts.append(key_length)
    text_starts.append(len(text))
    key = "".join(kept) if len(kept) > 1 else kept[0]
    return replace_chars(key, _FOLD_PAIRS), KeyMap(key_starts, text_starts, key_length)


def matching_key(text: str) -> str:
    """The folded key of ``text`` without the offset map (for lexicon entries and queries)."""
    return replace_chars(replace_chars(text, _DROP_DIACRITICS), _FOLD_PAIRS)
