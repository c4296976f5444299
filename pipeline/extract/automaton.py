"""One pass of a multi-pattern automaton over the matching key, on Arabic word boundaries.

Arabic attaches proclitics (و ف ب ل ك and the article ال) to the next word and suffixes
(ة/ه, ات, ين, ون, ي, ها, هم ...) to the end, so plain substring hits are wrong both ways:
``نووي`` must match ``والنووية`` but ``امن`` must not fire inside ``ثامن``. A hit is accepted when
the text before it is a word boundary or a proclitic sequence that itself starts at a boundary,
and the text after it is a boundary or one of the allowed suffixes followed by a boundary.
Both checks look at no more than a few characters, so matching stays linear in the text.

Entries are folded with :func:`pipeline.text.normalize.matching_key` when the matcher is built.
A trailing ``*`` on an entry makes it a stem: any word continuation is accepted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

from pipeline.text.normalize import matching_key

T = TypeVar("T")

# Conjunction/preposition proclitics, optionally followed by the article. "لل" is ل + ال with the
# article's alef dropped; entries that start with ال are also indexed without it for that case.
_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك")
PROCLITICS_WITH_ARTICLE = frozenset(
    (*_CLITICS[1:], *(c + "ال" for c in _CLITICS if c != "ل"), "لل", "ولل", "فلل")
)
PROCLITICS = frozenset(_CLITICS[1:])
_LAM_LAM = frozenset(("لل", "ولل", "فلل"))

# Noun and adjective endings after folding (ة → ه): feminine, plurals, duals, nisba, possessives.
NOUN_SUFFIXES = frozenset(
    (
        "ه", "ي", "يه", "ين", "ون", "ان", "ات", "يين", "يون", "يات", "ها", "هم", "هما", "نا",
        "كم", "ته", "تها", "تهم", "تنا", "تين", "تان", "يا", "ا",
    )
)  # fmt: skip
NO_SUFFIXES: frozenset[str] = frozenset()

_MAX_PREFIX = max(map(len, PROCLITICS_WITH_ARTICLE))
_MAX_SUFFIX = max(map(len, NOUN_SUFFIXES))


@dataclass(frozen=True, slots=True)
class Hit(Generic[T]):
    """``start``/``end`` delimit the matched entry in the key, without proclitics or suffix."""

    start: int
    end: int
    value: T


class Matcher(Generic[T]):
    """An immutable Aho-Corasick automaton over folded entries; ``find`` yields boundary hits.

    ``article``: the entry may also be written with the article (``امن`` matches ``الامن``).
    ``suffixes``: endings accepted after the entry.
    """

    __slots__ = ("_automaton", "_prefixes", "_suffixes", "size")

    def __init__(
        self,
        entries: Iterable[tuple[str, T]],
        *,
        article: bool = False,
        suffixes: frozenset[str] = NO_SUFFIXES,
    ) -> None:
        # key -> (entry length, stem?, values anywhere, values only after لل)
        table: dict[str, tuple[int, bool, list[T], list[T]]] = {}
        for raw, value in entries:
            stem = raw.rstrip().endswith("*")
            key = " ".join(matching_key(raw.strip().rstrip("*")).split())
            if not key:
                continue
            table.setdefault(key, (len(key), stem, [], []))[2].append(value)
            if key.startswith("ال") and len(key) > 3:
                bare = key[2:]
                table.setdefault(bare, (len(bare), stem, [], []))[3].append(value)
        automaton = ahocorasick.Automaton()
        for key, (length, stem, anywhere, after_ll) in table.items():
            automaton.add_word(key, (length, stem, tuple(anywhere), tuple(after_ll)))
        if table:
            automaton.make_automaton()
        self._automaton = automaton
        self._prefixes = PROCLITICS_WITH_ARTICLE if article else PROCLITICS
        self._suffixes = suffixes
        self.size = len(table)

    def find(self, key: str, start: int = 0, end: int | None = None) -> Iterator[Hit[T]]:
        """Boundary-checked hits in ``key[start:end]``, in order of their end position."""
        if not self.size:
            return
        stop = len(key) if end is None else min(end, len(key))
        prefixes, suffixes = self._prefixes, self._suffixes
        for last, (length, stem, anywhere, after_ll) in self._automaton.iter(key, start, stop):
            e = last + 1
            s = e - length
            # Right side: boundary, or an allowed suffix then a boundary (stems take any continuation).
            if not stem and e < stop and key[e].isalnum():
                j = e
                limit = min(stop, e + _MAX_SUFFIX + 1)
                while j < limit and key[j].isalnum():
                    j += 1
                if (j < stop and key[j].isalnum()) or key[e:j] not in suffixes:
                    continue
            # Left side: boundary, or a proclitic sequence that starts at a boundary.
            if s == start or not key[s - 1].isalnum():
                if anywhere:
                    for value in anywhere:
                        yield Hit(s, e, value)
                continue
            p = s - 1
            floor = max(start, s - _MAX_PREFIX)
            while p > floor and key[p - 1].isalnum():
                p -= 1
            if p > start and key[p - 1].isalnum():
                continue
            prefix = key[p:s]
            if anywhere and prefix in prefixes:
                for value in anywhere:
                    yield Hit(s, e, value)
            if after_ll and prefix in _LAM_LAM:
                for value in after_ll:
                    yield Hit(s, e, value)
