"""The matching key: display text folded for lexicon matching, with an exact offset map.

Folding: diacritics (harakat, tanwin, shadda, sukun, dagger alef) are dropped; أ إ آ ٱ → ا,
ى → ي, ة → ه, ؤ → و, ئ → ي; Arabic-Indic and Persian digits → ASCII; every quote mark → '"'.
Everything but the dropped marks maps one to one, so the offset map is exact.
"""

from __future__ import annotations

import re
from array import array

# U+064B..U+0652 harakat/tanwin/shadda/sukun, U+0670 dagger alef, U+0653..U+0655 maddah/hamza marks.
DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0656)) + "\u0670"
_DIACRITICS_RE = re.compile(f"[{DIACRITICS}]")

QUOTE_MARKS = '"“”„‟«»‹›〝〞＂'

_FOLD = str.maketrans(
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
    }
)


def fold(text: str) -> tuple[str, array[int]]:
    """Return ``(key, key_map)``: the folded key and, per key character, its display offset.

    ``key_map`` has ``len(key) + 1`` entries; the last is ``len(text)``.
    """
    if not _DIACRITICS_RE.search(text):
        key_map = array("i", range(len(text) + 1))
        return text.translate(_FOLD), key_map
    kept: list[str] = []
    key_map = array("i")
    position = 0
    for match in _DIACRITICS_RE.finditer(text):
        kept.append(text[position : match.start()])
        key_map.extend(range(position, match.start()))
        position = match.end()
    kept.append(text[position:])
    key_map.extend(range(position, len(text)))
    key_map.append(len(text))
    return "".join(kept).translate(_FOLD), key_map


def matching_key(text: str) -> str:
    """The folded key of ``text`` without the offset map (for lexicon entries and queries)."""
    return _DIACRITICS_RE.sub("", text).translate(_FOLD)
