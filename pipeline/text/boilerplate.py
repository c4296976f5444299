"""Publisher boilerplate that is not the article (trailers, share/print/ads lines).

The markers are data (``config/lexicons/boilerplate.txt``); see that file for the three kinds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pipeline import PROJECT_ROOT
from pipeline.text.normalize import matching_key

DEFAULT_MARKERS_FILE = PROJECT_ROOT / "config" / "lexicons" / "boilerplate.txt"
_SHORT_LINE_WORDS = 6
_KINDS = ("cut", "line", "short")


@dataclass(frozen=True, slots=True)
class BoilerplateMarkers:
    cut: tuple[str, ...] = ()
    line: tuple[str, ...] = ()
    short: tuple[str, ...] = ()


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


def strip_boilerplate(text: str, markers: BoilerplateMarkers) -> str:
    """Drop boilerplate lines of a text that has one paragraph per line."""
    kept: list[str] = []
    for line in text.split("\n"):
        key = _line_key(line)
        if any(key.startswith(marker) for marker in markers.cut):
            break
        if any(key.startswith(marker) for marker in markers.line):
            continue
        if len(key.split()) <= _SHORT_LINE_WORDS and any(_starts_word(key, m) for m in markers.short):
            continue
        kept.append(line)
    return "\n".join(kept)


def _starts_word(key: str, marker: str) -> bool:
    return key.startswith(marker) and (len(key) == len(marker) or not key[len(marker)].isalnum())


def _line_key(line: str) -> str:
    return " ".join(matching_key(line).casefold().split())
