"""Reading the plain-text lexicons in ``config/lexicons``: one entry per line, ``#`` comments,
alternatives separated by ``|`` (the first is the canonical form)."""

from __future__ import annotations

from pathlib import Path


def read_lines(path: Path) -> list[tuple[str, ...]]:
    """Entries of ``path`` as tuples of stripped alternatives; a missing file reads as empty."""
    path = Path(path)
    if not path.is_file():
        return []
    entries: list[tuple[str, ...]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = tuple(p for p in (part.strip() for part in line.split("|")) if p)
        if parts:
            entries.append(parts)
    return entries
