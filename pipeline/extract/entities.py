"""Persons, organisations and locations of an article, each with a canonical name, the surface
forms seen and a mention count.

One automaton pass over the folded key finds gazetteer names (countries from CLDR via babel,
``config/lexicons/locations.txt``, ``organizations.txt``, ``persons.txt``) and the triggers of
two patterns: a person title (``السفير الروسي لدى الولايات المتحدة أناتولي أنتونوف``) and an
organisation head noun (``وزارة الخارجية``, ``وكالة “تاس”``). Names after triggers are read with a
bounded token walk, so the whole extraction stays linear in the text. Statement speakers can be
passed in as persons. A person's surname alone (``أنتونوف``) counts as a mention of the person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from pipeline.extract.automaton import PROCLITICS, Matcher
from pipeline.extract.lexicon_lines import read_lines
from pipeline.extract.stopwords import Stopwords, load_stopwords
from pipeline.text.document import Document
from pipeline.text.normalize import DIACRITICS, matching_key

PERSON, ORGANIZATION, LOCATION = "person", "organization", "location"
TYPES = (PERSON, ORGANIZATION, LOCATION)

LOCATIONS_FILE = "lexicons/locations.txt"
ORGANIZATIONS_FILE = "lexicons/organizations.txt"
PERSONS_FILE = "lexicons/persons.txt"
TITLES_FILE = "lexicons/person_titles.txt"
HEADS_FILE = "lexicons/organization_heads.txt"

# Matcher values: (kind, index). Kinds:
_NAME, _TITLE, _HEAD = 0, 1, 2

_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|\n|[^\w\s]")
_STRIP_DIACRITICS = dict.fromkeys(map(ord, DIACRITICS))
# Words between a title and the name that take one object: "السفير لدى واشنطن ...".
_PREPOSITIONS = frozenset(("لدي", "في", "باسم", "عن", "من", "داخل"))
# Name particles after which a word with the article still belongs to the name.
_CONNECTORS = frozenset(("عبد", "ابو", "ابي", "ابن", "بن", "بنت", "ال", "ذو", "نور", "سيف", "شمس"))
_MAX_NAME_TOKENS = 3
_MAX_ORG_WORDS = 3
_MAX_SKIP = 8


@dataclass(frozen=True, slots=True)
class Entity:
    type: str
    name: str
    forms: tuple[str, ...]
    count: int


@dataclass(frozen=True, slots=True)
class Gazetteer:
    matcher: Matcher[tuple[int, int]]
    canon: tuple[tuple[str, str], ...]  # index -> (type, canonical name)
    aliases: Mapping[str, int]  # folded name or alias -> canon index
    proper_heads: frozenset[int]  # head indices that may take a name without the article
    title_words: frozenset[str]  # folded words of titles and heads: never part of a name
    stopwords: Stopwords


def load_gazetteer(config_dir: Path, stopwords: Stopwords | None = None) -> Gazetteer:
    """Read the lexicons under ``config_dir`` and CLDR country names; build one automaton."""
    config_dir = Path(config_dir)
    stopwords = stopwords if stopwords is not None else load_stopwords(config_dir)
    canon: list[tuple[str, str]] = []
    aliases: dict[str, int] = {}

    def add(kind: str, names: Sequence[str]) -> None:
        folded = [matching_key(n) for n in names]
        index = next((aliases[f] for f in folded if f in aliases and canon[aliases[f]][0] == kind), None)
        if index is None:
            index = len(canon)
            canon.append((kind, _clean(names[0])))
        for f in folded:
            aliases.setdefault(" ".join(f.split()), index)

    location_lines = read_lines(config_dir / LOCATIONS_FILE)
    dropped = {matching_key(line[0][1:]) for line in location_lines if line[0].startswith("!")}
    for name in _country_names():
        if matching_key(name) not in dropped:
            add(LOCATION, [name])
    for line in location_lines:
        if not line[0].startswith("!"):
            add(LOCATION, line)
    for line in read_lines(config_dir / ORGANIZATIONS_FILE):
        add(ORGANIZATION, line)
    for line in read_lines(config_dir / PERSONS_FILE):
        add(PERSON, line)

    entries: list[tuple[str, tuple[int, int]]] = [(alias, (_NAME, i)) for alias, i in aliases.items()]
    title_words: set[str] = set()
    for i, line in enumerate(read_lines(config_dir / TITLES_FILE)):
        for title in line:
            entries.append((title, (_TITLE, i)))
            title_words.update(matching_key(title).split())
    proper: set[int] = set()
    for i, line in enumerate(read_lines(config_dir / HEADS_FILE)):
        head = line[0].rstrip("+").strip()
        if line[0].endswith("+"):
            proper.add(i)
        entries.append((head, (_HEAD, i)))
        title_words.update(matching_key(head).split())
    return Gazetteer(
        matcher=Matcher(entries),
        canon=tuple(canon),
        aliases=MappingProxyType(aliases),
        proper_heads=frozenset(proper),
        title_words=frozenset(title_words),
        stopwords=stopwords,
    )


def _country_names() -> list[str]:
    """Arabic country and territory names from CLDR (two-letter region codes only)."""
    try:
        from babel import Locale
    except ImportError:  # babel is a dependency; without it, only config/ locations are known
        return []
    names = []
    for code, name in Locale("ar").territories.items():
        if len(code) == 2 and code.isalpha() and " - " not in name and "(" not in name:
            names.append(name)
    return names


def _clean(name: str) -> str:
    return " ".join(name.translate(_STRIP_DIACRITICS).replace('"', " ").split())


@dataclass(slots=True)
class _Found:
    type: str
    name: str
    first: int
    forms: dict[str, None] = field(default_factory=dict)
    count: int = 0


@dataclass(slots=True)
class _Collector:
    doc: Document
    gazetteer: Gazetteer
    found: dict[str, _Found] = field(default_factory=dict)  # folded canonical -> entity
    covered: list[tuple[int, int]] = field(default_factory=list)

    def add(self, kind: str, name: str, start: int, end: int, form: str | None = None) -> None:
        """Record a mention at key span [start, end) of an entity of ``kind`` named ``name``."""
        folded = " ".join(matching_key(name).split())
        index = self.gazetteer.aliases.get(folded)
        if index is not None and self.gazetteer.canon[index][0] == kind:
            name = self.gazetteer.canon[index][1]
            folded = " ".join(matching_key(name).split())
        entity = self.found.get(folded)
        if entity is None:
            entity = self.found[folded] = _Found(kind, _clean(name), start)
        entity.count += 1
        entity.forms[_clean(form if form is not None else self.display(start, end))] = None
        self.covered.append((start, end))

    def display(self, start: int, end: int) -> str:
        s, e = self.doc.text_span(start, end)
        return self.doc.text[s:e]


def extract_entities(doc: Document, gazetteer: Gazetteer, speakers: Sequence[str] = ()) -> list[Entity]:
    """Persons, organisations and locations of ``doc``: most mentioned first within each type."""
    key = doc.key
    collector = _Collector(doc, gazetteer)
    if not key:
        return []
    names: list[tuple[int, int, int]] = []
    triggers: list[tuple[int, int, int, int]] = []
    for hit in gazetteer.matcher.find(key):
        kind, index = hit.value
        if kind == _NAME:
            names.append((hit.start, hit.end, index))
        else:
            triggers.append((hit.start, hit.end, kind, index))
    # Longest name wins where names overlap ("جنوب السودان" over "السودان").
    names.sort(key=lambda n: (n[0], -n[1]))
    starts: dict[int, tuple[int, int, int]] = {}
    last_end = -1
    for start, end, index in names:
        if start >= last_end:
            starts[start] = (start, end, index)
            last_end = end
    # Triggers: the longest at each start, skipping those inside a name.
    triggers.sort(key=lambda t: (t[0], -t[1]))
    found: list[tuple[str, str, int, int]] = []  # (type, name, start, end) from patterns
    last_end = -1
    for start, end, kind, index in triggers:
        if start < last_end or _inside(start, starts):
            continue
        last_end = end
        if kind == _TITLE:
            for p_start, p_end in _persons_after(key, end, gazetteer, starts):
                found.append((PERSON, collector.display(p_start, p_end), p_start, p_end))
        else:
            org = _organization_after(key, start, end, index, gazetteer, starts)
            if org is not None:
                o_start, o_end, inner = org
                name = collector.display(start, end) + " " + collector.display(*inner)
                found.append((ORGANIZATION, name, o_start, o_end))
                # A name inside an organisation's name is part of it ("جامعة القاهرة").
                for inside in [n for n in starts if o_start <= n < o_end]:
                    del starts[inside]
    for start, end, index in starts.values():
        entity_type, canonical = gazetteer.canon[index]
        collector.add(entity_type, canonical, start, end)
    for entity_type, name, f_start, f_end in found:
        collector.add(entity_type, name, f_start, f_end)
    for speaker in speakers:
        _add_speaker(collector, speaker)
    _add_surnames(collector)
    order = {t: i for i, t in enumerate(TYPES)}
    ranked = sorted(collector.found.values(), key=lambda f: (order.get(f.type, 3), -f.count, f.first))
    return [Entity(f.type, f.name, tuple(f.forms), f.count) for f in ranked]


def _inside(position: int, starts: Mapping[int, tuple[int, int, int]]) -> bool:
    # Names are few; a linear check keeps this simple.
    return any(s <= position < e for s, e, _ in starts.values())


def _tokens(key: str, position: int) -> tuple[int, int] | None:
    match = _TOKEN_RE.search(key, position)
    return (match.start(), match.end()) if match else None


def _persons_after(
    key: str, position: int, gazetteer: Gazetteer, starts: Mapping[int, tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """Names after a title: skip modifiers (words with the article, a preposition and its object,
    known places and organisations), then read the name. ``والاميركي جو بايدن`` after a name
    continues with a second person (plural titles: الرئيسين الروسي ... والأميركي ...)."""
    persons: list[tuple[int, int]] = []
    expecting_object = after_name = False
    for _ in range(_MAX_SKIP):
        token = _tokens(key, position)
        if token is None:
            break
        s, e = token
        known = starts.get(s)
        if known is not None:
            if gazetteer.canon[known[2]][0] == PERSON:
                if after_name:
                    break
                after_name = True  # a known person: the gazetteer counted it
            elif after_name:
                break
            position, expecting_object = known[1], False
            continue
        word = key[s:e]
        if not word.isalpha():
            break
        if expecting_object:
            position, expecting_object = e, False
            continue
        if word in _PREPOSITIONS:
            position, expecting_object = e, True
            continue
        if word.startswith(("ال", "لل")) or word in gazetteer.title_words:
            position = e
            continue
        if after_name and word.startswith("وال"):
            position, after_name = e, False  # "والأميركي": a second person follows
            continue
        if after_name or word in gazetteer.stopwords:
            break
        name = _name(key, s, gazetteer, starts)
        if name is None:
            break
        persons.append(name)
        position, after_name = name[1], True
    return persons


def _name(
    key: str, position: int, gazetteer: Gazetteer, starts: Mapping[int, tuple[int, int, int]]
) -> tuple[int, int] | None:
    tokens: list[tuple[int, int]] = []
    previous = ""
    while len(tokens) < _MAX_NAME_TOKENS + (previous in _CONNECTORS):
        token = _tokens(key, position)
        if token is None:
            break
        s, e = token
        word = key[s:e]
        if (
            not word.isalpha()
            or len(word) < 2
            or (tokens and s in starts)
            or word in gazetteer.stopwords
            or word in gazetteer.title_words
            or (tokens and word.startswith("و") and previous not in _CONNECTORS)
            or (word.startswith("ال") and previous not in _CONNECTORS)
        ):
            break
        tokens.append(token)
        previous = word
        position = e
    while tokens and key[tokens[-1][0] : tokens[-1][1]] in _CONNECTORS:
        tokens.pop()
    if not tokens:
        return None
    return tokens[0][0], tokens[-1][1]


def _organization_after(
    key: str,
    head_start: int,
    head_end: int,
    head: int,
    gazetteer: Gazetteer,
    starts: Mapping[int, tuple[int, int, int]],
) -> tuple[int, int, tuple[int, int]] | None:
    """``(start, end, name span)`` of an organisation opened by a head noun, or None."""
    token = _tokens(key, head_end)
    if token is None:
        return None
    s, e = token
    word = key[s:e]
    if word == '"':  # وكالة "تاس"
        inner_start = position = e
        inner_end = -1
        for _ in range(6):
            token = _tokens(key, position)
            if token is None or key[token[0]] == "\n":
                return None
            if key[token[0] : token[1]] == '"':
                break
            inner_end, position = token[1], token[1]
        else:
            return None
        if inner_end < 0:
            return None
        inner_start = _tokens(key, inner_start)[0]  # type: ignore[index]
        return head_start, position + 1, (inner_start, inner_end)
    proper = head in gazetteer.proper_heads
    definite = word.startswith("ال")
    if not word.isalpha() or word in gazetteer.stopwords or word in gazetteer.title_words:
        return None
    if not definite and not proper:
        return None
    if not definite and s in starts:
        return None  # شركة + a known name: the name is the entity
    end = e
    position = e
    words = 1
    while words < (_MAX_ORG_WORDS if definite else 2):
        token = _tokens(key, position)
        if token is None:
            break
        ts, te = token
        nxt = key[ts:te]
        if not nxt.isalpha() or nxt in gazetteer.stopwords:
            break
        if definite != nxt.startswith("ال"):
            break
        end = position = te
        words += 1
    return head_start, end, (s, end)


def _word_hits(key: str, word: str) -> list[tuple[int, int]]:
    """Whole-word occurrences of ``word`` (folded) in ``key``, proclitics allowed."""
    hits = []
    position = key.find(word)
    while position >= 0:
        end = position + len(word)
        if end >= len(key) or not key[end].isalnum():
            p = position
            while p > 0 and key[p - 1].isalnum() and position - p < 3:
                p -= 1
            if (p == 0 or not key[p - 1].isalnum()) and (p == position or key[p:position] in PROCLITICS):
                hits.append((position, end))
        position = key.find(word, end)
    return hits


def _free(collector: _Collector, start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e in collector.covered)


def _add_speaker(collector: _Collector, speaker: str) -> None:
    folded = " ".join(matching_key(speaker).split())
    if not any(char.isalpha() for char in folded) or folded.startswith("ال"):
        return  # no name at all, or a description ("المتحدث باسم الوزارة")
    index = collector.gazetteer.aliases.get(folded)
    if index is not None and collector.gazetteer.canon[index][0] != PERSON:
        return
    if folded in collector.found or (
        index is not None and _canonical_key(collector, index) in collector.found
    ):
        return
    for known, entity in collector.found.items():
        if entity.type == PERSON and (known.endswith(" " + folded) or known.startswith(folded + " ")):
            return  # the surname or first name of a known person
    hits = [h for h in _word_hits(collector.doc.key, folded) if _free(collector, *h)]
    if not hits:
        collector.add(PERSON, speaker, 0, 0, form=speaker)
        collector.covered.pop()
        return
    for s, e in hits:
        collector.add(PERSON, collector.display(s, e), s, e)


def _canonical_key(collector: _Collector, index: int) -> str:
    return " ".join(matching_key(collector.gazetteer.canon[index][1]).split())


def _add_surnames(collector: _Collector) -> None:
    """Count a person's last name alone as a mention of that person (أنتونوف)."""
    for folded, entity in list(collector.found.items()):
        if entity.type != PERSON or " " not in folded:
            continue
        surname = folded.rsplit(" ", 1)[1]
        if len(surname) < 3 or surname in collector.gazetteer.stopwords or surname in collector.found:
            continue
        for s, e in _word_hits(collector.doc.key, surname):
            if _free(collector, s, e):
                entity.count += 1
                entity.forms[_clean(collector.display(s, e))] = None
                collector.covered.append((s, e))
