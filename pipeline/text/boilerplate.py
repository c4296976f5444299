"""Publisher boilerplate that is not the article (trailers, share/print/ads lines).

The markers are data (``config/lexicons/boilerplate.txt``); see that file for the three kinds.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline import PROJECT_ROOT
from pipeline.text.normalize import matching_key

DEFAULT_MARKERS_FILE = PROJECT_ROOT / "config" / "lexicons" / "boilerplate.txt"
_SHORT_LINE_WORDS = 8
_HEAD_CHARS = 80
_WORD_RE = re.compile(r"\w+")
_KINDS = ("cut", "line", "short")


@dataclass(frozen=True, slots=True)
class BoilerplateMarkers:
    cut: tuple[str, ...] = ()
    line: tuple[str, ...] = ()
    short: tuple[str, ...] = ()

    @property
    def short_first_words(self) -> frozenset[str]:
        return frozenset(marker.split(" ", 1)[0] for marker in self.short)


def parse_markers(source: str) -> BoilerplateMarkers:
    found: dict[str, list[str]] = {kind: [] for kind in _KINDS}
    for raw in source.splitlines():
        entry = raw.split("#", 1)[0].strip()
        kind, _, marker = entry.partition(" ")
        if kind in found and marker.strip():
            found[kind].append(_line_key(marker))
    return BoilerplateMarkers(*(tuple(found[kind]) for kind in _KINDS))


def load_markers(path: Path) -> BoilerplateMarkers:
    return parse_markers(path.read_text(encoding="utf-8"))


@functools.cache
def default_markers() -> BoilerplateMarkers:
    """The project's markers, read once; none when the file is missing."""
    try:
        return load_markers(DEFAULT_MARKERS_FILE)
    except OSError:
        return BoilerplateMarkers()


def strip_boilerplate(text: str, markers: BoilerplateMarkers, key: str | None = None) -> str:
    """Drop boilerplate lines of a text that has one paragraph per line; ``text`` itself when none
    is dropped. ``key`` is ``matching_key(text)`` when the caller has it already."""
    lines = text.split("\n")
    # One fold of the whole text (diacritics never hold a line break, so key lines match lines).
    keys = (matching_key(text) if key is None else key).split("\n")
    kept: list[str] = []
    short_first = markers.short_first_words
    for line, raw_key in zip(lines, keys, strict=False):
        # Display lines are single-spaced and stripped already: only the case needs folding.
        key = raw_key[:_HEAD_CHARS].casefold()
        if key.startswith(markers.cut):
            break
        if key.startswith(markers.line):
            continue
        first = _WORD_RE.match(key) if len(line) < _HEAD_CHARS else None
        if first and first.group() in short_first and _only_markers(key, markers.short):
            continue
        kept.append(line)
    return text if len(kept) == len(lines) else "\n".join(kept)


def _only_markers(key: str, markers: tuple[str, ...]) -> bool:
    """The line holds nothing but these markers and punctuation ("شارك: فيسبوك تويتر")."""
    words = _WORD_RE.findall(key)
    if not words:
        return False
    singles = {m for m in markers if " " not in m}
    rest = " ".join(w for w in words if w not in singles)
    for marker in sorted((m for m in markers if " " in m), key=len, reverse=True):
        rest = rest.replace(marker, " ")
    return not rest.strip()


def _line_key(line: str) -> str:  # for markers: tidy spaces, fold, lower-case
    return " ".join(matching_key(line).casefold().split())
