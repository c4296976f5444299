"""Persons, organisations, locations and dates of an article, each with a canonical name, the
surface forms seen and a mention count (a date's name is its ISO 8601 form).

One automaton pass over the folded key finds gazetteer names (countries from CLDR via babel,
``config/lexicons/locations.txt``, ``organizations.txt``, ``persons.txt``) and the triggers of
two patterns: a person title (``السفير الروسي لدى الولايات المتحدة أناتولي أنتونوف``) and an
organisation head noun (``وزارة الخارجية``, ``وكالة “تاس”``). Names after triggers are read with a
bounded token walk, so the whole extraction stays linear in the text. Statement speakers can be
passed in as persons. A person's surname alone (``أنتونوف``) counts as a mention of the person.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pipeline.extract.automaton import PROCLITICS, Matcher
from pipeline.extract.dates import MONTHS_FILE, dates_from_hits
from pipeline.extract.lexicon_lines import read_lines
from pipeline.extract.stopwords import Stopwords, load_stopwords
from pipeline.text.document import Document
from pipeline.text.normalize import DIACRITICS, fold, matching_key

PERSON, ORGANIZATION, LOCATION, DATE = "person", "organization", "location", "date"
TYPES = (PERSON, ORGANIZATION, LOCATION)  # named entities; dates come after them

LOCATIONS_FILE = "lexicons/locations.txt"
ORGANIZATIONS_FILE = "lexicons/organizations.txt"
PERSONS_FILE = "lexicons/persons.txt"
TITLES_FILE = "lexicons/person_titles.txt"
# The statement extractor's titles, written without the article (رئيس, سفير): used too.
SPEAKER_TITLES_FILE = "lexicons/titles.txt"
HEADS_FILE = "lexicons/organization_heads.txt"
# Outlets named by a common word (الشروق, الرأي): an organisation only between quotation marks.
OUTLETS_FILE = "lexicons/outlets.txt"
# Nouns of regions before a place's name (ولاية تيرس زمور, وادي حضرموت).
REGIONS_FILE = "lexicons/region_nouns.txt"
# Words that end outlets' names (السومرية نيوز, المصدر أونلاين).
OUTLET_SUFFIXES_FILE = "lexicons/outlet_suffixes.txt"

# Matcher values: (kind, index). Kinds (a month's index is its number):
_NAME, _TITLE, _HEAD, _DEFINITE_HEAD, _MONTH, _REGION, _DEFINITE_REGION, _OUTLET_SUFFIX = range(8)

_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|\n|[^\w\s]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_STRIP_DIACRITICS = dict.fromkeys(map(ord, DIACRITICS))
# Words between a title and the name that take one object: "السفير لدى واشنطن ...".
_PREPOSITIONS = frozenset(("لدي", "في", "باسم", "عن", "من", "داخل"))
# Name particles after which a word with the article still belongs to the name.
# Mauritanian patronymics: محمد ولد أحمد سالم, مريم منت أحمد ("ولد" is also "was born": ولد في).
_SON_OF = frozenset(("ولد", "منت"))
_CONNECTORS = frozenset(("عبد", "ابو", "ابي", "ابن", "بن", "بنت", "ال", "ذو", "نور", "سيف", "شمس", *_SON_OF))
_MAX_NAME_TOKENS = 3
# Second words of compound given names (حسام الدين, سيف الإسلام).
_COMPOUND_SECONDS = frozenset(("الدين", "الاسلام"))
_GIVEN_NAME_STARTS = frozenset(("عبد", "ابو", "ابي"))
_PATRONYMICS = frozenset(("بن", "ابن", "بنت", *_SON_OF))
# Nouns a title's modifiers use that never start a name (وزير الطاقة في حكومة ...، مدير الغابات
# لولاية الطارف).
_MODIFIER_NOUNS = frozenset(
    matching_key(w) for w in ("ولاية", "محافظة", "مدينة", "منطقة", "بلدية", "إقليم", "قضاء", "دائرة", "حكومة")
)
# A stopword after folding that is a name when written with ي (علي), not ى (على).
_NAME_NOT_PREPOSITION = frozenset(("علي",))
_FUTURE = ("سي", "ست", "سن")
_MAX_ORG_WORDS = 4  # words after the head noun, a complement (لكرة القدم) counting two
_MAX_SKIP = 8
_FEW_NAMES = 8


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
    canon_keys: tuple[str, ...]  # index -> folded canonical name
    aliases: Mapping[str, int]  # folded name or alias -> canon index
    proper_heads: frozenset[int]  # head indices that may take a name without the article
    title_words: frozenset[str]  # folded words of titles and heads: never part of a name
    head_words: frozenset[str]  # folded organisation head nouns
    stopwords: Stopwords
    entries: tuple[tuple[str, tuple[int, int]], ...]  # for automata shared with other lexicons
    # Folded names written with a final ة: the key folds ة to ه, so "زواره" (his visitors)
    # would read as زوارة; the display text tells them apart.
    ta_marbuta: frozenset[str] = frozenset()
    region_marks: tuple[str, ...] = ()  # region noun index -> "", "?" or "=" (region_nouns.txt)


def load_gazetteer(config_dir: Path, stopwords: Stopwords | None = None) -> Gazetteer:
    """Read the lexicons under ``config_dir`` and CLDR country names; build one automaton."""
    config_dir = Path(config_dir)
    stopwords = stopwords if stopwords is not None else load_stopwords(config_dir)
    canon: list[tuple[str, str]] = []
    aliases: dict[str, int] = {}
    ta_marbuta: set[str] = set()
    plain_ha: set[str] = set()

    def add(kind: str, names: Sequence[str]) -> None:
        folded = [matching_key(n) for n in names]
        index = next((aliases[f] for f in folded if f in aliases and canon[aliases[f]][0] == kind), None)
        if index is None:
            index = len(canon)
            canon.append((kind, _clean(names[0])))
        for name, f in zip(names, folded, strict=True):
            single = " ".join(f.split())
            aliases.setdefault(single, index)
            if single.endswith("ه"):
                (ta_marbuta if _clean(name).endswith("ة") else plain_ha).add(single)

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
    for line in read_lines(config_dir / OUTLETS_FILE):  # لـ«الشروق», «النهار»: quoted forms only
        index = len(canon)
        canon.append((ORGANIZATION, _clean(line[0])))
        for name in line:
            aliases.setdefault(_folded(name), index)
            entries.append((f'"{name}"', (_NAME, index)))
    title_words: set[str] = set()
    for i, line in enumerate(read_lines(config_dir / TITLES_FILE)):
        for title in line:
            entries.append((title, (_TITLE, i)))
            # not the preposition of "المتحدث باسم": باسم is also a given name (باسم العوادي)
            title_words.update(w for w in matching_key(title).split() if w not in _PREPOSITIONS)
    for line in read_lines(config_dir / SPEAKER_TITLES_FILE):
        for title in line:
            for form in (title, "ال" + title):
                entries.append((form, (_TITLE, -1)))
    proper: set[int] = set()
    head_words: set[str] = set()
    for i, line in enumerate(read_lines(config_dir / HEADS_FILE)):
        head = line[0].rstrip("+-").strip()
        if line[0].endswith("+"):
            proper.add(i)
        if not line[0].endswith("-"):  # "-": with the article only (الإدارة العامة للجمارك)
            entries.append((head, (_HEAD, i)))
        entries.append(("ال" + head, (_DEFINITE_HEAD, i)))
        title_words.update(matching_key(head).split())
        head_words.add(matching_key(head))
    for line in read_lines(config_dir / MONTHS_FILE):
        if line[0].isdigit() and 1 <= int(line[0]) <= 12:
            entries.extend((name, (_MONTH, int(line[0]))) for name in line[1:])
    region_marks: list[str] = []
    for line in read_lines(config_dir / REGIONS_FILE) if (config_dir / REGIONS_FILE).exists() else ():
        noun, _, mark = line[0].partition(" ")
        entries += [
            (noun, (_REGION, len(region_marks))),
            ("ال" + noun, (_DEFINITE_REGION, len(region_marks))),
        ]
        region_marks.append(mark.strip())
    suffixes = config_dir / OUTLET_SUFFIXES_FILE
    entries += [
        (form, (_OUTLET_SUFFIX, 0))
        for line in (read_lines(suffixes) if suffixes.exists() else ())
        for form in line
    ]
    return Gazetteer(
        matcher=Matcher(entries),
        canon=tuple(canon),
        canon_keys=tuple(" ".join(matching_key(name).split()) for _, name in canon),
        aliases=MappingProxyType(aliases),
        proper_heads=frozenset(proper),
        title_words=frozenset(title_words),
        head_words=frozenset(head_words),
        stopwords=stopwords,
        entries=tuple(entries),
        ta_marbuta=frozenset(ta_marbuta - plain_ha),
        region_marks=tuple(region_marks),
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


# Names and their surface forms recur within an article and across articles: fold each once.
@lru_cache(maxsize=1 << 14)
def _clean(name: str) -> str:
    return " ".join(name.translate(_STRIP_DIACRITICS).replace('"', " ").split())


@lru_cache(maxsize=1 << 14)
def _folded(name: str) -> str:
    """The matching key of a name, single-spaced."""
    return " ".join(matching_key(name).split())


@dataclass(slots=True)
class _Found:
    type: str
    name: str
    first: int
    forms: dict[str, str | tuple[int, int]] = field(default_factory=dict)  # key form -> form or span
    count: int = 0


@dataclass(slots=True)
class _Collector:
    doc: Document
    gazetteer: Gazetteer
    covered: bytearray  # key positions already counted as a mention
    found: dict[str, _Found] = field(default_factory=dict)  # folded canonical -> entity

    def add(
        self, kind: str, name: str, start: int, end: int, form: str | None = None, index: int = -1
    ) -> None:
        """Record a mention at key span [start, end) of an entity of ``kind`` named ``name``
        (or of gazetteer entry ``index``); ``form`` overrides the surface form."""
        if index < 0:
            folded = _folded(name)
            index = self.gazetteer.aliases.get(folded, -1)
            if index >= 0 and self.gazetteer.canon[index][0] != kind:
                index = -1
        if index >= 0:
            name, folded = self.gazetteer.canon[index][1], self.gazetteer.canon_keys[index]
        entity = self.found.get(folded)
        if entity is None:
            clean = _clean(name)
            if not clean:
                return
            entity = self.found[folded] = _Found(kind, clean, start)
        entity.count += 1
        # Surface forms by their key text; the display text is looked up once per form at the end.
        entity.forms.setdefault(self.doc.key[start:end] if form is None else form, form or (start, end))
        self.covered[start:end] = b"\x01" * (end - start)

    def surface(self, entity: _Found) -> tuple[str, ...]:
        forms = (f if isinstance(f, str) else self.display(*f) for f in entity.forms.values())
        return tuple(dict.fromkeys(map(_clean, forms)))

    def free(self, start: int, end: int) -> bool:
        return self.covered.find(1, start, end) < 0

    def display(self, start: int, end: int) -> str:
        s, e = self.doc.text_span(start, end)
        return self.doc.text[s:e]


def extract_entities(doc: Document, gazetteer: Gazetteer, speakers: Sequence[str] = ()) -> list[Entity]:
    """Persons, organisations and locations of ``doc``: most mentioned first within each type.

    ``speakers`` are statement speakers' names, taken as persons. Names in the title count too.
    """
    title_hits = gazetteer.matcher.find(matching_key(doc.title)) if doc.title else []
    return entities_from_hits(doc, gazetteer, gazetteer.matcher.find(doc.key), title_hits, speakers)


def entities_from_hits(
    doc: Document,
    gazetteer: Gazetteer,
    hits: Iterable[tuple[int, int, tuple[int, int]]],
    title_hits: Iterable[tuple[int, int, tuple[int, int]]],
    speakers: Sequence[str] = (),
) -> list[Entity]:
    """:func:`extract_entities` from gazetteer hits already found in ``doc.key`` and the title key
    (so one automaton pass can serve several extractors)."""
    key = doc.key
    collector = _Collector(doc, gazetteer, bytearray(len(key)))
    if not key and not doc.title:
        return []
    names: list[tuple[int, int, int]] = []
    triggers: list[tuple[int, int, int, int]] = []
    months: list[tuple[int, int, int]] = []
    regions: list[tuple[int, int, int, int]] = []
    outlets: list[tuple[int, int]] = []
    ta_marbuta = gazetteer.ta_marbuta
    for start, end, (kind, index) in hits:
        if kind == _NAME:
            if key[end - 1] == "ه" and key[start:end] in ta_marbuta and _written_ha(doc, end - 1):
                continue
            names.append((start, end, index))
        elif kind == _MONTH:
            months.append((start, end, index))
        elif kind == _OUTLET_SUFFIX:
            outlets.append((start, end))
        elif kind >= _REGION:
            regions.append((start, end, kind, index))
        else:
            triggers.append((start, end, kind, index))
    starts = _resolve(names, len(key))
    places = _regions(doc, regions, gazetteer, starts)
    named_outlets = _outlets(key, outlets, gazetteer, starts)
    found = _patterns(key, triggers, gazetteer, starts, collector)
    for start, end, index in starts.values():
        entity_type, canonical = gazetteer.canon[index]
        collector.add(entity_type, canonical, start, end, index=index)
    for start, end, name in places:
        if collector.free(start, end):
            collector.add(LOCATION, name, start, end)
    for start, end in named_outlets:
        if collector.free(start, end):
            collector.add(ORGANIZATION, collector.display(start, end), start, end)
    for entity_type, name, f_start, f_end in found:
        if entity_type != PERSON or collector.free(f_start, f_end):  # not a region's name
            collector.add(entity_type, name, f_start, f_end)
    if doc.title:
        title, title_map = fold(doc.title)
        in_title = [(s, e, v[1]) for s, e, v in title_hits if v[0] == _NAME]
        for start, end, index in _resolve(in_title, len(title)).values():
            entity_type, canonical = gazetteer.canon[index]
            form = doc.title[title_map[start] : title_map[end - 1] + 1]
            collector.add(entity_type, canonical, 0, 0, form=form, index=index)
    _add_names(collector, speakers)
    _merge_prefixes(collector.found)
    ranked = sorted(collector.found.values(), key=lambda f: (_ORDER.get(f.type, 3), -f.count, f.first))
    return [Entity(f.type, f.name, collector.surface(f), f.count) for f in ranked] + _dates(doc, months)


_ORDER = {t: i for i, t in enumerate(TYPES)}


def _written_ha(doc: Document, key_position: int) -> bool:
    return doc.text[doc.key_map[key_position]] == "ه"


def _written_alef_maqsura(doc: Document, key_position: int) -> bool:
    return doc.text[doc.key_map[key_position]] == "ى"


def _dates(doc: Document, months: list[tuple[int, int, int]]) -> list[Entity]:
    """Dates as entities named by their ISO 8601 form (``2021-06-16``; ``--06-16`` without a
    year), so ``16 يونيو`` and ``١٦ حزيران`` are one entity; in order of first mention."""
    if not months:
        return []
    found: dict[str, list[str]] = {}
    for mention in dates_from_hits(doc, months):
        found.setdefault(mention.iso, []).append(_clean(doc.text[mention.start : mention.end]))
    return [Entity(DATE, iso, tuple(dict.fromkeys(forms)), len(forms)) for iso, forms in found.items()]


def _resolve(names: list[tuple[int, int, int]], length: int) -> dict[int, tuple[int, int, int]]:
    """Longest names first, then any name not overlapping a kept one ("أرامكو السعودية" over
    "شركة أرامكو" and "السعودية"; "جنوب السودان" over "السودان"). Keyed by start."""
    names.sort(key=lambda n: (n[0] - n[1], n[0]))
    occupied = bytearray(length)
    starts: dict[int, tuple[int, int, int]] = {}
    for start, end, index in names:
        if occupied.find(1, start, end) < 0:
            starts[start] = (start, end, index)
            occupied[start:end] = b"\x01" * (end - start)
    return dict(sorted(starts.items()))


# Compass adjectives that make a region noun with the article a name (المنطقة الشرقية).
_COMPASS = frozenset(matching_key(w) for w in ("الشرقية", "الغربية", "الشمالية", "الجنوبية", "الوسطى"))
_MAX_REGION_WORDS = 3
_DIRECTIONS = frozenset(("شمال", "جنوب", "شرق", "غرب", "وسط", "شرقي", "غربي", "شمالي", "جنوبي"))


def _regions(
    doc: Document,
    regions: list[tuple[int, int, int, int]],
    gazetteer: Gazetteer,
    starts: dict[int, tuple[int, int, int]],
) -> list[tuple[int, int, str]]:
    """Places named with a region noun, as ``(start, end, name)``: a compass adjective after the
    noun with the article (المحافظة الشمالية), or one to three name words after the noun without
    it (ولاية تيرس زمور → تيرس زمور; جهة فاس مكناس → فاس مكناس; وادي حضرموت keeps its noun). A
    known place read into a longer name is no mention of its own there (``starts`` loses it)."""
    key = doc.key
    places: list[tuple[int, int, str]] = []
    nouns = {start for start, _, _, _ in regions}  # another region noun starts another name
    for start, end, kind, index in regions:
        if start in starts or (places and start < places[-1][1]):
            continue
        token = _tokens(key, end)
        if token is None or key[end : token[0]] != " ":
            continue
        if kind == _DEFINITE_REGION:
            if key[token[0] : token[1]] in _COMPASS and token[0] not in starts:
                places.append((start, token[1], _display(doc, start, token[1])))
            continue
        mark = gazetteer.region_marks[index]
        words: list[tuple[int, int, bool]] = []  # (start, end, known place)
        position = end
        while len(words) < _MAX_REGION_WORDS and (token := _tokens(key, position)) is not None:
            s, e = token
            known = starts.get(s)
            if known is not None:
                if gazetteer.canon[known[2]][0] != LOCATION:
                    break
                words.append((s, known[1], True))
            elif (
                (not words and mark == "?")
                or (words and words[-1][2] and mark != "?")  # ولاية صفاقس جنوب ...: the place ends
                or (words and key[s] == "و")  # ولاية أدرار وتمنراست: a second place
                or s in nouns
                or not _place_word(doc, s, e, gazetteer, compound=mark == "?")
            ):
                break
            else:
                words.append((s, e, False))
            position = words[-1][1]
        unknown = sum(not w[2] for w in words)
        if not words or (len(words) == 1 and not unknown and mark != "="):
            continue  # ولاية الخرطوم: the gazetteer's name is the mention
        first = start if mark == "=" else words[0][0]
        places.append((first, words[-1][1], _display(doc, first, words[-1][1])))
        for s, _, known_place in words:
            if known_place:
                starts.pop(s)
    return places


def _outlets(
    key: str, suffixes: list[tuple[int, int]], gazetteer: Gazetteer, starts: dict[int, tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """Outlets named by a word and a suffix (السومرية نيوز), as key spans; a known name that is
    the word (مصر نيوز) is no mention of its own there."""
    spans = []
    for start, end in suffixes:
        before = key[:start].rstrip(" ")
        if len(before) != start - 1:
            continue  # one space between the word and the suffix, no punctuation
        word_start = max(before.rfind(" "), before.rfind("\n")) + 1
        word = before[word_start:]
        if (
            len(word) < 2
            or not word.isalpha()
            or word in gazetteer.stopwords
            or word in gazetteer.title_words
            or (word_start in starts and starts[word_start][1] != len(before))
        ):
            continue
        starts.pop(word_start, None)
        spans.append((word_start, end))
    return spans


def _display(doc: Document, start: int, end: int) -> str:
    s, e = doc.text_span(start, end)
    return doc.text[s:e]


def _place_word(doc: Document, s: int, e: int, gazetteer: Gazetteer, compound: bool = False) -> bool:
    """An unknown word that can be part of a place's name: not a stopword, title, head noun,
    adjective, participle (مختصة) or possessive (مدتها). ``علي`` written with ي is a name (إقليم
    علي صبيح); in a compound region after a known place (جهة الدار البيضاء سطات) the word's shape
    does not matter."""
    word = doc.key[s:e]
    if word in _NAME_NOT_PREPOSITION and not _written_alef_maqsura(doc, e - 1):
        return True
    return (
        word.isalpha()
        and len(word) >= 3
        and not word.startswith(("ال", "لل"))
        and word not in gazetteer.stopwords
        and word not in gazetteer.title_words
        and word not in _MODIFIER_NOUNS
        and word not in _DIRECTIONS
        and (compound or not _participle_or_adjective(word))
    )


def _participle_or_adjective(word: str) -> bool:
    """ثانية, مختصة, وافدة, جديدة, مدتها: words after a region noun in its common senses."""
    return (
        _adjective_or_plural(word)
        or word.endswith(("ها", "هم", "هما", "كم"))
        or (
            word.endswith("ه")
            and (word[0] == "م" or (len(word) == 5 and (word[1] == "ا" or word[2] in "اي")))
        )
    )


def _patterns(
    key: str,
    triggers: list[tuple[int, int, int, int]],
    gazetteer: Gazetteer,
    starts: dict[int, tuple[int, int, int]],
    collector: _Collector,
) -> list[tuple[str, str, int, int]]:
    """Persons after titles and organisations after head nouns, as ``(type, name, start, end)``.
    Gazetteer names inside an organisation's name become part of it (``جامعة القاهرة``); a
    longer organisation replaces a shorter known one (``مجلس الأمن السيبراني``). Organisations
    are read first, so one inside a title's modifiers counts and the title's walk steps over it
    (``المتحدث باسم وزارة الصحة في صنعاء أنيس الأصبحي``)."""
    triggers.sort(key=lambda t: (t[0], -t[1]))
    name_starts = sorted(starts)
    named = bytearray(len(key))  # positions inside a gazetteer name
    for start, end, _ in starts.values():
        named[start:end] = b"\x01" * (end - start)
    in_title = bytearray(len(key))  # positions inside a title itself (رئيس مجلس ...): no heads
    for start, end, kind, _ in triggers:
        if kind == _TITLE:
            in_title[start + 1 : end] = b"\x01" * (end - start - 1)
    found: list[tuple[str, str, int, int]] = []
    orgs: dict[int, int] = {}  # organisation start -> end
    last_end = -1
    for start, end, kind, index in triggers:
        if kind == _TITLE or start < last_end or in_title[start]:
            continue
        known = starts.get(start)
        if (known is None and named[start]) or (
            known is not None and gazetteer.canon[known[2]][0] != ORGANIZATION
        ):
            continue
        org = _organization_after(key, end, index, kind == _DEFINITE_HEAD, gazetteer, starts)
        if org is None or (
            known is not None and (org[1] <= known[1] or not _nisba_only(key, known[1], org[1]))
        ):
            continue
        last_end = org[1]
        inner_start, inner_end = org[2]
        if inner_start == end:
            name = collector.display(start, inner_end)
        else:  # a quoted name: drop the quote marks
            name = collector.display(start, end) + " " + collector.display(inner_start, inner_end)
        if kind == _DEFINITE_HEAD and not key.startswith("ال", start):
            name = "ال" + name  # للهيئة الوطنية ...: لل is ل + ال, the name is الهيئة الوطنية ...
        found.append((ORGANIZATION, name, start, org[1]))
        orgs[start] = org[1]
        for inside in name_starts[bisect_left(name_starts, start) : bisect_left(name_starts, org[1])]:
            starts.pop(inside, None)
    in_org = bytearray(len(key))
    for start, end in orgs.items():
        in_org[start:end] = b"\x01" * (end - start)
    last_end = -1
    for start, end, kind, _ in triggers:
        if kind != _TITLE or start < last_end or in_org[start] or start in starts or named[start]:
            continue
        last_end = end
        for p_start, p_end in _persons_after(key, end, gazetteer, starts, orgs, collector.doc):
            found.append((PERSON, collector.display(p_start, p_end), p_start, p_end))
            last_end = p_end  # a title word inside the name (حسن شيخ محمود) is no trigger
    return found


def _nisba_only(key: str, start: int, end: int) -> bool:
    """Every word of ``key[start:end]`` is a nisba adjective (السيبراني, القومية)."""
    return all(w.endswith(("ي", "يه")) for w in key[start:end].split())


def _tokens(key: str, position: int) -> tuple[int, int] | None:
    match = _TOKEN_RE.search(key, position)
    return (match.start(), match.end()) if match else None


def _persons_after(
    key: str,
    position: int,
    gazetteer: Gazetteer,
    starts: Mapping[int, tuple[int, int, int]],
    orgs: Mapping[int, int],
    doc: Document,
) -> list[tuple[int, int]]:
    """Names after a title: skip modifiers (words with the article, coordinated ones, a
    preposition and its object, known places and organisations), then read the name.
    ``والأميركي جو بايدن`` after a name continues with a second person (plural titles:
    الرئيسين الروسي ... والأميركي ...)."""
    persons: list[tuple[int, int]] = []
    expecting_object = after_name = False
    for _ in range(_MAX_SKIP):
        token = _tokens(key, position)
        if token is None:
            break
        s, e = token
        org_end = orgs.get(s)
        if org_end is not None:  # an organisation found by its head noun: a modifier
            if after_name:
                break
            position, expecting_object = org_end, False
            continue
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
        if word in _MODIFIER_NOUNS:
            position = e
            continue
        if word[0] in "بل" and (word[1:] in gazetteer.head_words or word[1:] in _MODIFIER_NOUNS):
            position = e  # بمجلس النواب, لولاية الطارف: a prepositional modifier, then its complement
            continue
        if after_name:
            if not word.startswith("وال"):
                break
            position, after_name = e, False  # "والأميركي": a second person follows
            continue
        if word.startswith(("ال", "لل", "وال")) or word in gazetteer.title_words:
            position = e
            continue
        if word in gazetteer.stopwords and not (
            word in _NAME_NOT_PREPOSITION and not _written_alef_maqsura(doc, e - 1)
        ):
            break
        if _glued_lam(word):
            following = _name(doc, e, gazetteer, starts)
            if following is not None and _long_name(key[following[0] : following[1]]):
                position = e  # الرئيس التنفيذي لهايدروم عبدالعزيز بن سعيد ...: the title's object
                continue
        name = _name(doc, s, gazetteer, starts)
        if name is None:
            break
        persons.append(name)
        position, after_name = name[1], True
    return persons


def _name(
    doc: Document, position: int, gazetteer: Gazetteer, starts: Mapping[int, tuple[int, int, int]]
) -> tuple[int, int] | None:
    """A personal name of two or three parts starting at ``position``, or None.

    A part is a word without the article, or a connector and the next word (عبد الفتاح, بن سلمان).
    A family name with the article ends the name (فراس الهواري): after one part always, after two
    only a nisba (محمد شياع السوداني). A third part that looks like a verbal noun (توسيع, إطلاق) is
    the object of the sentence's verb, not a name."""
    key = doc.key
    parts: list[tuple[int, int]] = []
    part_start = -1
    pending = False  # a connector waits for its word
    connected = False  # the last part is a connector and its word (بن أحمد)
    while len(parts) < _MAX_NAME_TOKENS:
        token = _tokens(key, position)
        if token is None:
            break
        s, e = token
        word = key[s:e]
        if (
            not word.isalpha()
            or len(word) < 2
            or ((parts or pending) and s in starts)
            or (
                word in gazetteer.stopwords
                and not pending
                and not (word in _NAME_NOT_PREPOSITION and not _written_alef_maqsura(doc, e - 1))
            )
            or (word in gazetteer.title_words and not pending)  # عبد الله
            or word in _MODIFIER_NOUNS
            or ((parts or pending) and word.startswith("و") and word not in _SON_OF)
            or (
                pending
                and word in gazetteer.stopwords
                and not word.startswith("ال")
                and key[part_start:s].strip() in _SON_OF
            )
            or (len(parts) != 1 and not pending and word.startswith(_FUTURE) and len(word) >= 5)
        ):
            break
        if len(parts) == 1 and not connected and word in _COMPOUND_SECONDS:
            parts[0] = (parts[0][0], e)  # حسام الدين: one given name, the family name follows
            position = e
            continue
        if word.startswith("ال") and not pending:
            # سلطان بن أحمد الجابر: a family name after a connector part need not be a nisba
            if not parts or (len(parts) == 2 and not word.endswith("ي") and not connected):
                break
            if word.endswith("ات") or _derived_verbal_noun(word[2:]):
                break  # ملف الاستيطان, علم الاجتماع, ... المعلومات: a noun phrase, no family name
            parts.append((s, e))
            break
        if len(parts) == 2 and not pending and (_verbal_noun(word) or _with_preposition(word)):
            break
        if pending and word in _GIVEN_NAME_STARTS:
            pass  # بن عبد الله: the patronymic's name is itself a compound, its word follows
        elif pending:
            parts.append((part_start, e))
            pending, connected = False, key[part_start:s].strip() in _PATRONYMICS
        elif word in _CONNECTORS:
            part_start, pending = s, True
        else:
            parts.append((s, e))
            connected = False
        position = e
    if len(parts) < 2:
        return None
    return parts[0][0], parts[-1][1]


def _glued_lam(word: str) -> bool:
    """لهايدروم: a word that may be لـ glued to a name (لمياء is a name too)."""
    return len(word) >= 4 and word[0] == "ل" and word[1] != "ل"


def _long_name(folded: str) -> bool:
    """Three words or more, not starting with a patronymic: after a glued لـ word, a name this
    long means the word is no part of it (a shorter rest, as بالقايد قيقة after لمياء, or one
    that needs the word, as بن حميدة after ليلى, leaves the word its own)."""
    return folded.count(" ") >= 2 and folded.split(" ", 1)[0] not in _PATRONYMICS


def _with_preposition(word: str) -> bool:
    """بجائزة, لمنصب: a preposition on a longer word ends a name (ريم بسيوني بجائزة)."""
    return len(word) >= 5 and word[0] in "بلكف"


def _derived_verbal_noun(word: str) -> bool:
    """استفعال / افتعال / انفعال shapes (after folding): استيطان, اجتماع, انتخاب."""
    n = len(word)
    return (n == 7 and word.startswith("است") and word[5] == "ا") or (
        n == 6 and word[0] == "ا" and word[2] in "تن" and word[4] == "ا"
    )


def _verbal_noun(word: str) -> bool:
    """تفعيل / إفعال / استفعال / افتعال shapes (after folding)."""
    n = len(word)
    return (
        (n == 5 and word[0] == "ت" and word[3] == "ي")
        or (n == 5 and word[0] == "ا" and word[3] == "ا")
        or (n == 7 and word.startswith("است") and word[5] == "ا")
        or (n == 6 and word[0] == "ا" and word[2] == "ت" and word[4] == "ا")
    )


def _organization_after(
    key: str,
    head_end: int,
    head: int,
    definite: bool,
    gazetteer: Gazetteer,
    starts: Mapping[int, tuple[int, int, int]],
) -> tuple[int, int, tuple[int, int]] | None:
    """``(start, end, name span)`` of an organisation whose head noun ends at ``head_end``.

    The name is a quoted name (وكالة "تاس"); or words with the article, coordinated words (والماء),
    complements (للانتخابات, لكرة القدم) and known places (جامعة القاهرة); or, after a head that
    takes proper names, one or two words without the article (شركة أرامكو). A head with the
    article (الهيئة, الحزب) needs two words after it: "الحزب الحاكم" is a description, not a name.
    """
    token = _tokens(key, head_end)
    if token is None:
        return None
    s, e = token
    word = key[s:e]
    if word == '"':  # وكالة "تاس"; after الحكومة a quotation is what it says, not a name
        if definite:
            return None
        position, inner = e, None
        for _ in range(6):
            token = _tokens(key, position)
            if token is None or key[token[0]] == "\n":
                return None
            if key[token[0] : token[1]] == '"':
                break
            inner = (inner[0] if inner else token[0], token[1])
            position = token[1]
        else:
            return None
        return None if inner is None else (head_end, token[1], inner)
    known = starts.get(s)
    eponym = -1 if definite else _eponym_end(key, s, e, gazetteer, known)
    if eponym < 0 and known is not None and gazetteer.canon[known[2]][0] != LOCATION:
        return None  # "شركة أرامكو": the known name is the entity
    proper = head in gazetteer.proper_heads and not definite
    after = _tokens(key, e)
    # جماعة نصرة الإسلام (a construct), not جامعة بورتسموث البريطانية (an adjective)
    construct = (
        after is not None
        and key.startswith("ال", after[0])
        and not key[after[0] : after[1]].endswith(("ي", "يه"))
    )
    if (
        known is None
        and eponym < 0
        and proper
        and not construct
        and word.isalpha()
        and not word.startswith(("ال", "لل"))
        and word not in gazetteer.stopwords
        and word not in gazetteer.title_words
        and not _adjective_or_plural(word)
    ):
        end = e
        nxt = _tokens(key, e)
        if nxt is not None:
            w2 = key[nxt[0] : nxt[1]]
            if (
                w2.isalpha()
                and not w2.startswith(("ال", "و", "لل"))
                and w2 not in gazetteer.stopwords
                and not _adjective_or_plural(w2)
                and nxt[0] not in starts
            ):
                end = nxt[1]
        adjective = _tokens(key, end)
        if adjective is not None and _nisba_not_nationality(key[adjective[0] : adjective[1]], gazetteer):
            end = adjective[1]  # مهرجان لوكارنو السينمائي, but جامعة بورتسموث (البريطانية)
        return s, end, (s, end)
    words, end, position = (0, -1, head_end) if eponym < 0 else (1, eponym, eponym)
    while words < _MAX_ORG_WORDS + 1:
        token = _tokens(key, position)
        if token is None:
            break
        ts, te = token
        w = key[ts:te]
        place = starts.get(ts)
        if place is not None:
            if gazetteer.canon[place[2]][0] != LOCATION:
                break
            end = position = place[1]
            words += 1
            continue
        if not w.isalpha() or w in gazetteer.stopwords or w in gazetteer.title_words:
            break
        after_lil = starts.get(ts + 2) if w.startswith("لل") else None
        if after_lil is not None and gazetteer.canon[after_lil[2]][0] == ORGANIZATION:
            break  # الهيئة البرلمانية للحزب المصري الديمقراطي: the known party is the entity
        if definite and not words and not w.endswith(_ADJECTIVE_ENDINGS) and w not in _GENERAL:
            break  # "الحزب الدستوري" names a party; "الهيئة النتائج" is a verb's subject and object
        if words and w.startswith("بال") and (ts + 1) in starts:
            # الجامعة الأمريكية بالقاهرة: a known place after "بـ" belongs to the name
            end = position = starts[ts + 1][1]
            words += 1
            continue
        if w.startswith("وال") and w[3:] in gazetteer.head_words:
            break  # "... والمجمع الفقهي": a second organisation, not part of this name
        if words and _relative_participle(key, w, te):
            break  # جماعة ... المرتبطة بتنظيم القاعدة: the participle opens a relative phrase
        if 0 <= eponym == end and w.startswith("ال") and not w.endswith(_ADJECTIVE_ENDINGS):
            break  # مؤسسة محمد السادس المشروع: after a person's name only an adjective belongs
        if w.startswith("ال") or (words and w.startswith(("وال", "لل"))):
            end = position = te
            words += 1
            continue
        nxt = _tokens(key, te)
        follows_definite = nxt is not None and key.startswith("ال", nxt[0]) and nxt[0] not in starts
        if (
            0 <= eponym == end
            and w.startswith("ل")
            and nxt is not None
            and _location_at(nxt[0], starts, gazetteer)
        ):
            end = position = starts[nxt[0]][1]  # بعثة الأمم المتحدة لمساعدة العراق: a complement
            words += 2
            continue
        if words and follows_definite and nxt is not None and w.startswith("و") and len(w) >= 4:
            # وزارة الاتصالات وتكنولوجيا المعلومات: a coordinated construct continues the name
            end = position = nxt[1]
            words += 2
            continue
        if (
            follows_definite
            and nxt is not None
            and (words or not definite)
            and w.startswith("ل") == bool(words)
        ):
            # لكرة القدم (a complement) after a word; حماية الصحفيين (a construct) right after the head
            end = position = nxt[1]
            words += 2
            continue
        break
    if end < 0 or words < (2 if definite else 1):
        return None
    first = _tokens(key, head_end)
    return (head_end, end, (first[0] if first else head_end, end))


# Titles of the persons institutions are named after: مستشفى الملك فهد, جامعة الأمير سلطان.
_EPONYM_TITLES = frozenset(
    matching_key(w) for w in ("الملك", "الملكة", "الأمير", "الأميرة", "الشيخ", "الشيخة", "السلطان", "الإمام")
)


def _eponym_end(key: str, s: int, e: int, gazetteer: Gazetteer, known: tuple[int, int, int] | None) -> int:
    """End of the person an institution is named after, starting at token ``key[s:e]`` right
    after a head noun: a known person (مؤسسة محمد السادس), or a royal or religious title and a
    name (مستشفى الملك حمد, جامعة الأمير محمد بن فهد); or of a known organisation whose body it
    is, when a لـ complement follows (مكتب الأمم المتحدة لتنسيق ...); -1 if there is none."""
    if known is not None:
        kind = gazetteer.canon[known[2]][0]
        after = _tokens(key, known[1]) if kind == ORGANIZATION else None
        if kind == PERSON or (after is not None and key[after[0]] == "ل" and after[1] - after[0] >= 4):
            return known[1]
        return -1
    if key[s:e] not in _EPONYM_TITLES:
        return -1
    end, position, pending = -1, e, False
    for _ in range(_MAX_NAME_TOKENS + 2):
        token = _tokens(key, position)
        if token is None:
            break
        word = key[token[0] : token[1]]
        stop = not word.isalpha() or (
            not pending and (word.startswith(("ال", "لل")) or word in gazetteer.stopwords)
        )
        if stop and (word != "ال" or end < 0):  # آل مكتوم: "آل" folds to "ال", a connector
            break
        pending = word in _CONNECTORS and not pending
        position = token[1]
        if not pending:
            end = position
    return end


def _location_at(position: int, starts: Mapping[int, tuple[int, int, int]], gazetteer: Gazetteer) -> bool:
    known = starts.get(position)
    return known is not None and gazetteer.canon[known[2]][0] == LOCATION


def _nisba_not_nationality(word: str, gazetteer: Gazetteer) -> bool:
    """السينمائي, التذكاري: a nisba adjective with the article that names no known place's people
    (البريطانية: بريطانيا, المصري: مصر, العمانية: عمان, السعودية: السعودية)."""
    if not (word.startswith("ال") and word.endswith(("ي", "يه")) and len(word) >= 5):
        return False
    stem = word[2:].removesuffix("ه").removesuffix("ي")
    forms = (stem, "ال" + stem, stem + "ا", "ال" + stem + "ا", stem + "يا", stem + "يه", "ال" + stem + "يه")
    for form in forms:
        index = gazetteer.aliases.get(form)
        if index is not None and gazetteer.canon[index][0] == LOCATION:
            return False
    return True


_ADJECTIVE_ENDINGS = ("ي", "يه", "يا", "ا")
_GENERAL = frozenset(("العام", "العامه"))  # المديرية العامة للغابات, المؤسسة العامة لمياه الشرب


def _relative_participle(key: str, word: str, end: int) -> bool:
    """المرتبطة/المدعومة followed by بـ or لـ (not بال/لل): a relative phrase, not the name."""
    if not (word.startswith("الم") and len(word) >= 6 and word.endswith("ه")):
        return False
    nxt = _tokens(key, end)
    if nxt is None:
        return False
    following = key[nxt[0] : nxt[1]]
    return following[0] in "بل" and not following.startswith(("بال", "لل"))


def _adjective_or_plural(word: str) -> bool:
    return word.endswith(("ي", "يه", "ين", "ون", "ات"))


def _word_hits(key: str, word: str) -> list[tuple[int, int]]:
    """Whole-word occurrences of ``word`` (folded) in ``key``, proclitics (و ف ب ل ك) allowed."""
    hits = []
    size = len(word)
    position = key.find(word)
    while position >= 0:
        end = position + size
        if end >= len(key) or not key[end].isalnum():
            p = position
            while p > 0 and key[p - 1].isalnum() and position - p < 3:
                p -= 1
            if (p == 0 or not key[p - 1].isalnum()) and (p == position or key[p:position] in PROCLITICS):
                hits.append((position, end))
        position = key.find(word, end)
    return hits


def _plausible_name(folded: str, gazetteer: Gazetteer) -> bool:
    """Two to five words, none a stopword, a title or head word, or a known place or
    organisation (a speaker the statement extractor named by a description is no person)."""
    words = folded.split()
    if not 2 <= len(words) <= 5:
        return False
    for word in words:
        if (
            not word.isalpha()
            or (word in gazetteer.stopwords and word not in _CONNECTORS and word not in _NAME_NOT_PREPOSITION)
            or word in gazetteer.title_words
            or word in _MODIFIER_NOUNS
        ):
            return False
        index = gazetteer.aliases.get(word)
        if index is not None and gazetteer.canon[index][0] != PERSON:
            return False
    return True


def _merge_prefixes(found: dict[str, _Found]) -> None:
    """A person whose name begins another person's (سهام البوغديري, سهام البوغديري نمصية) is
    that person: fold its mentions into the longer name."""
    keys = sorted(k for k, e in found.items() if e.type == PERSON)
    for i, key in enumerate(keys[:-1]):
        longer = keys[i + 1]
        if longer.startswith(key + " "):
            shorter, target = found.pop(key), found[longer]
            # Often one mention read twice (a title's walk stopped early, the speaker is whole).
            target.count = max(target.count, shorter.count)
            target.first = min(target.first, shorter.first)
            for form, where in shorter.forms.items():
                target.forms.setdefault(form, where)


def _add_names(collector: _Collector, speakers: Sequence[str]) -> None:
    """Speakers as persons, and a person's last name alone as a mention of that person
    (أنتونوف), found with one small automaton over all the names (linear in the text however
    many persons there are)."""
    gazetteer = collector.gazetteer
    parts: dict[str, str] = {}  # first or last name of a known person -> that person's key
    for known, entity in collector.found.items():
        if entity.type == PERSON and " " in known:
            parts.setdefault(known.split(" ", 1)[0], known)
            parts.setdefault(known.rsplit(" ", 1)[1], known)
    searched: dict[str, tuple[str, str]] = {}  # folded name -> (kind, speaker or person key)
    for speaker in dict.fromkeys(speakers):  # a speaker of many statements is looked at once
        folded = _folded(speaker)
        first, _, rest = folded.partition(" ")
        if _glued_lam(first) and _long_name(rest) and _plausible_name(rest, gazetteer):
            speaker, folded = speaker.split(None, 1)[1], rest  # لهايدروم عبدالعزيز بن سعيد ...
        if _LETTER_RE.search(folded) is None or folded.startswith("ال"):
            continue  # no name at all, or a description ("المتحدث باسم الوزارة")
        index = gazetteer.aliases.get(folded)
        if index is not None and gazetteer.canon[index][0] != PERSON:
            continue
        if folded in collector.found or folded in parts or folded in searched:
            continue
        if index is None and not _plausible_name(folded, gazetteer):
            continue  # "خبراء", "جيسوس في", "مدير الغابات لولاية الطارف": not a name
        if index is not None and gazetteer.canon_keys[index] in collector.found:
            continue
        searched[folded] = ("speaker", speaker)
    persons = [k for k, e in collector.found.items() if e.type == PERSON]
    persons += [k for k, (kind, _) in searched.items() if kind == "speaker"]
    for known in persons:
        if " " not in known:
            continue
        surname = known.rsplit(" ", 1)[1]
        if len(surname) < 3 or surname in gazetteer.stopwords or surname in collector.found:
            continue
        searched.setdefault(surname, ("surname", known))
    if not searched:
        return
    key = collector.doc.key
    if len(searched) <= _FEW_NAMES:  # a few C-level finds beat building an automaton
        hits = [(s, e, target) for name, target in searched.items() for s, e in _word_hits(key, name)]
    else:  # many names (hostile input): one pass, still linear
        hits = Matcher(searched.items()).find(key)
    # Speakers' full names first, longest first; then last names.
    hits.sort(key=lambda h: (h[2][0] != "speaker", h[0] - h[1], h[0]))
    seen: set[str] = set()
    for start, end, (kind, target) in hits:
        if not collector.free(start, end):
            continue
        if kind == "speaker":
            collector.add(PERSON, collector.display(start, end), start, end)
            seen.add(target)
            continue
        if target not in collector.found:  # a speaker named by the extractor only
            speaker = searched[target][1]
            collector.add(PERSON, speaker, 0, 0, form=speaker)
            seen.add(speaker)
        entity = collector.found[target]
        entity.count += 1
        entity.forms.setdefault(collector.doc.key[start:end], (start, end))
        collector.covered[start:end] = b"\x01" * (end - start)
    for kind, target in searched.values():
        if kind == "speaker" and target not in seen:
            collector.add(PERSON, target, 0, 0, form=target)  # named by the extractor only
