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

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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
_BEFORE_LAM_LAM = frozenset(("و", "ف"))

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
# The letters or digits after a hit (one more than any suffix, to tell a longer word), and
# those before it up to the hit (at most one more than any proclitic sequence).
_TAIL_RUN = re.compile(rf"[^\W_]{{1,{_MAX_SUFFIX + 1}}}")
_HEAD_RUN = re.compile(r"[^\W_]+\Z")


@dataclass(frozen=True, slots=True)
class Policy:
    """How entries of one group attach to words.

    ``article``: the entry may also be written with the article (``امن`` matches ``الامن``).
    ``suffixes``: endings accepted after the entry.
    """

    article: bool = False
    suffixes: frozenset[str] = NO_SUFFIXES


# Per automaton key: (key length, slots); a slot is one group's entries under that key:
# (group, prefixes accepted, suffixes accepted, stem?, values, characters to skip at the start).
_Slot = tuple[int, frozenset[str], frozenset[str], bool, tuple[Any, ...], int]


class Matcher(Generic[T]):
    """An immutable Aho-Corasick automaton over folded entries in one or more groups, each with
    its own :class:`Policy`, so several lexicons share one pass over the text.

    ``find`` returns ``(start, end, value)`` for group 0; ``find_groups`` returns
    ``(group, start, end, value)`` for all. ``start``/``end`` delimit the entry in the key,
    without proclitics or suffix; hits come in order of their end.
    """

    __slots__ = ("_automaton", "_groups", "size")

    def __init__(
        self,
        entries: Iterable[tuple[str, T]] = (),
        *,
        article: bool = False,
        suffixes: frozenset[str] = NO_SUFFIXES,
        groups: Sequence[tuple[Iterable[tuple[str, Any]], Policy]] = (),
    ) -> None:
        all_groups = list(groups) if groups else [(entries, Policy(article, suffixes))]
        # (key, group, stem, lam_lam) -> values. An entry with the article is also indexed as
        # لل + the rest (للولايات): ل + ال drops the alef; such hits start 2 characters later.
        table: dict[tuple[str, int, bool, bool], list[Any]] = {}
        for group, (group_entries, _policy) in enumerate(all_groups):
            for raw, value in group_entries:
                stem = raw.rstrip().endswith("*")
                key = " ".join(matching_key(raw.strip().rstrip("*")).split())
                if not key:
                    continue
                table.setdefault((key, group, stem, False), []).append(value)
                if key.startswith("ال") and len(key) > 3:
                    table.setdefault(("لل" + key[2:], group, stem, True), []).append(value)
        slots: dict[str, list[_Slot]] = {}
        for (key, group, stem, lam_lam), values in table.items():
            policy = all_groups[group][1]
            if lam_lam:
                prefixes, skip = _BEFORE_LAM_LAM, 2
            else:
                prefixes, skip = (PROCLITICS_WITH_ARTICLE if policy.article else PROCLITICS), 0
            slots.setdefault(key, []).append((group, prefixes, policy.suffixes, stem, tuple(values), skip))
        automaton = ahocorasick.Automaton()
        for key, key_slots in slots.items():
            whole = tuple((slot[0], slot[5], value) for slot in key_slots for value in slot[4])
            # Does any slot take letters after the key (a stem or suffixes)? If not, a hit inside a
            # longer word is dropped without reading the rest of the word.
            tails = any(slot[3] or slot[2] for slot in key_slots)
            automaton.add_word(key, (len(key), tuple(key_slots), whole, tails))
        if slots:
            automaton.make_automaton()
        self._automaton = automaton
        self._groups = len(all_groups)
        self.size = len(slots)

    def find(self, key: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, T]]:
        """Boundary-checked hits of group 0 in ``key[start:end]``."""
        return self.find_split(key, start, end)[0] if self._groups else []

    def find_split(
        self, key: str, start: int = 0, end: int | None = None
    ) -> list[list[tuple[int, int, Any]]]:
        """Boundary-checked hits in ``key[start:end]``, one list per group."""
        lists: list[list[tuple[int, int, Any]]] = [[] for _ in range(self._groups)]
        self._scan(key, start, end, tuple(hits.append for hits in lists))
        return lists

    def find_groups(
        self, key: str, start: int = 0, end: int | None = None
    ) -> list[tuple[int, int, int, Any]]:
        """Boundary-checked hits of every group in ``key[start:end]``, as ``(group, start, end,
        value)``, in order of their end."""
        hits = [(g, s, e, v) for g, hits in enumerate(self.find_split(key, start, end)) for s, e, v in hits]
        hits.sort(key=lambda h: h[2])
        return hits

    def _scan(
        self, key: str, start: int, end: int | None, appends: tuple[Callable[[Any], None], ...]
    ) -> None:
        """Pass each boundary-checked hit ``(start, end, value)`` to its group's append."""
        stop = len(key) if end is None else min(end, len(key))
        if not self.size or start >= stop:
            return
        # A trailing space makes text[e] always valid, and text[-1] (before a hit at 0) a boundary.
        text = (key if start == 0 and stop == len(key) else key[start:stop]) + " "
        tail_run = _TAIL_RUN.match
        head_run = _HEAD_RUN.search
        # This loop runs for every raw hit of every article: locals only, and the whole-word
        # case (most hits) takes one branch and a precomputed list of what to emit.
        for last, (length, key_slots, whole, tails) in self._automaton.iter(text):
            e = last + 1
            s = e - length
            # Right side: None at a boundary, else the rest of the word ("*" if too long).
            tail: str | None = None
            if text[e].isalnum():
                if not tails:
                    continue  # inside a longer word, and no entry here takes an ending
                run = tail_run(text, e)
                tail = "*" if run is None or run.end() - e > _MAX_SUFFIX else run.group()
                for slot in key_slots:
                    if slot[3] or tail in slot[2]:
                        break
                else:
                    continue  # inside a longer word ("امير" in "الاميركي"): no need to look left
            elif not text[s - 1].isalnum():
                # A whole word on both sides (the common case): every slot accepts.
                for group, skip, value in whole:
                    appends[group]((s + skip + start, e + start, value))
                continue
            # Left side: None at a boundary, else the proclitics before the entry ("" if too long).
            prefix: str | None = None
            if text[s - 1].isalnum():
                floor = s - _MAX_PREFIX - 1
                window = text[floor if floor > 0 else 0 : s]
                if window.isalnum():  # no boundary in reach: too long, unless the text starts there
                    prefix = "" if floor >= 0 else window
                else:
                    prefix = window.rpartition(" ")[2]
                    if not prefix.isalnum():  # a mark, not a space, before the word
                        run = head_run(window)
                        prefix = "" if run is None else run.group()
            for group, prefixes, suffixes, stem, values, skip in key_slots:
                if tail is not None and not stem and tail not in suffixes:
                    continue
                if prefix is not None and prefix not in prefixes:
                    continue
                add = appends[group]
                for value in values:
                    add((s + skip + start, e + start, value))
