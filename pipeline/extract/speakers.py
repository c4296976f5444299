"""Who is speaking: parse the phrase after a reporting verb, resolve mentions within an article.

A mention is parsed into a type and, for people, a title and a name ("وزير الخارجية السعودي
الأمير فيصل بن فرحان" → title "وزير الخارجية السعودي", name "فيصل بن فرحان"). The registry then
resolves later mentions by surname ("أنتونوف"), by title only ("السفير الروسي"، "الوزير") or by
head noun ("الوزارة") to the entity already seen, and names each entity by the fullest name seen
(names seen outside statements count too: "نظيرته الألمانية أنالينا بيربوك").
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pipeline.extract.lexicon import Lexicons, strip_article

PERSON, ORGANIZATION, GROUP, DOCUMENT, ANONYMOUS, UNKNOWN = (
    "person",
    "organization",
    "group",
    "document",
    "anonymous",
    "unknown",
)
SPEAKER_TYPES = (PERSON, ORGANIZATION, GROUP, DOCUMENT, ANONYMOUS, UNKNOWN)
# Prepositions inside a title: the word after them belongs to the title (السفير لدى الولايات المتحدة).
# Not على: folded, it is also the name علي.
TITLE_PREPOSITIONS = frozenset({"لدي", "في", "باسم", "عن", "الي", "من", "ل", "ب"})
# Name parts that bind to the next word: عبد الرحمن، بن سلمان، أبو مازن.
_NAME_LINKS = frozenset({"عبد", "بن", "ابن", "بنت", "ابو", "ابي", "ال", "ام", "ولد"})
# Prepositions never inside a name: "جيسوس في المؤتمر الصحفي" names جيسوس. (باسم is also a name.)
_NAME_BREAKS = frozenset({"في", "من", "عن", "الي", "لدي", "خلال"})
# Titles that speak on behalf of someone: after them باسم is a preposition, elsewhere a name.
_SPOKESPERSON = frozenset({"متحدث", "متحدثه", "ناطق", "ناطقه"})
# Titles that are also given names: after a complete title they start the name (الفنان أمير
# كرارة); any other title word there is a second office (رئيس مجلس الوزراء وزير الخارجية).
_NAME_LIKE_TITLES = frozenset(
    {"امين", "امير", "اميره", "سلطان", "ملك", "ملكه", "شيخ", "شيخه", "عميد", "قايد", "مرشد", "نايب"}
)
_NAME_MAX_TOKENS = 7  # محمد بن عبدالرحمن بن جاسم آل ثاني
_SEARCH_WINDOW = 200
_DEFINITE_PREFIXES = ("ال", "لل", "وال", "بال", "فال", "كال")


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    title: str | None
    type: str  # person | organization | group | document | anonymous | unknown
    mentions: tuple[str, ...]  # surface forms seen in the article


UNKNOWN_SPEAKER = Speaker("", None, UNKNOWN, ())


@dataclass(frozen=True, slots=True)
class Mention:
    """A parsed speaker phrase. ``*_keys`` are key tokens; display strings come from the text."""

    type: str
    surface: str
    name: str
    name_keys: tuple[str, ...]
    title: str | None
    title_keys: tuple[str, ...]
    current: bool = False  # refers back to the current speaker (سموه، المسؤول ذاته)


def is_definite(token: str) -> bool:
    return token.startswith(_DEFINITE_PREFIXES) and len(token) > 3


def is_title_word(token: str, lexicons: Lexicons) -> bool:
    return token in lexicons.title_forms


def parse_mention(
    keys: list[str], displays: list[str], lexicons: Lexicons, *, loose: bool = False
) -> Mention | None:
    """Parse a speaker phrase given as parallel key and display tokens (words only).

    ``loose`` is for a phrase cut out of running text rather than bounded by a verb and its
    complement: a name then has at most two parts unless joined by بن/عبد.
    """
    if not keys:
        return None
    surface = " ".join(displays)
    first = keys[0]
    if not lexicons.current_speaker_words.isdisjoint(keys):
        # "سموه"، "المسؤول ذاته": the current speaker, unless a name comes with it.
        kept = [i for i, k in enumerate(keys) if k not in lexicons.current_speaker_words]
        rest = [keys[i] for i in kept]
        if not rest or not is_title_word(rest[0], lexicons):
            return Mention(PERSON, surface, "", (), None, (), current=True)
        person = _parse_person(rest, [displays[i] for i in kept], lexicons, surface)
        if not person.name_keys:
            return Mention(PERSON, surface, "", (), None, (), current=True)
        return person
    if lexicons.documents.match(keys, 0):
        return Mention(DOCUMENT, surface, surface, tuple(keys), None, ())
    if lexicons.groups.match(keys, 0):
        return Mention(GROUP, surface, surface, tuple(keys), None, ())
    if lexicons.organizations.match(keys, 0) or lexicons.media.match(keys, 0):
        return Mention(ORGANIZATION, surface, surface, tuple(keys), None, ())
    bare = [strip_article(k) for k in keys[:8]]  # anonymous phrases are short
    # "عضو اللجنة المالية" (an office with a definite genitive) is someone specific; "عضو في
    # اللجنة"، "مسؤول أردني" are not.
    office = bare[0] in lexicons.titles and (
        is_definite(first) or (len(keys) > 1 and is_definite(keys[1]) and not _is_nisba(keys[1]))
    )
    if lexicons.anonymous.match(bare, 0) and not office:
        return Mention(ANONYMOUS, surface, surface, tuple(keys), None, ())
    if is_title_word(first, lexicons):
        return _parse_person(keys, displays, lexicons, surface, loose)
    if len(keys) > 1 and _is_nisba(first) and not is_definite(keys[1]) and keys[1] not in _NAME_LINKS:
        # A nationality before a name ("البرتغالي جورجي جيسوس مدرب الهلال"): part of the title.
        person = _parse_name_first(keys[1:], displays[1:], lexicons, surface)
        title = f"{person.title} {displays[0]}" if person.title else displays[0]
        return replace(person, title=title, title_keys=(*person.title_keys, first))
    return _parse_name_first(keys, displays, lexicons, surface)


def _is_nisba(token: str) -> bool:
    """A definite relative adjective (البرتغالي، الروسي): a nationality or origin."""
    return is_definite(token) and token.endswith("ي") and len(token) >= 6


def merge_apposition(main: Mention | None, apposition: Mention | None) -> Mention | None:
    """ "الدكتور خالد عبد الغفار، وزير الصحة،" / "المدير العام، العقيد بوعلام بوغلاف،": one person;
    "عضو اللجنة المالية، جمال كوجر،": a named member is no longer an anonymous source."""
    named = apposition is not None and apposition.type == PERSON and bool(apposition.name_keys)
    if main is not None and main.type == ANONYMOUS and named:
        title_keys = main.name_keys
        main = replace(main, type=PERSON, name="", name_keys=(), title=main.surface, title_keys=title_keys)
    if main is None or apposition is None or main.type != PERSON or apposition.type != PERSON:
        return main
    surface = f"{main.surface}، {apposition.surface}"
    if main.name_keys and not apposition.name_keys and apposition.title:
        return replace(main, surface=surface, title=apposition.title, title_keys=apposition.title_keys)
    if not main.name_keys and apposition.name_keys:
        return replace(
            apposition,
            surface=surface,
            title=main.title or apposition.title,
            title_keys=main.title_keys + apposition.title_keys,
        )
    return main


def _parse_person(
    keys: list[str], displays: list[str], lexicons: Lexicons, surface: str, loose: bool = False
) -> Mention:
    # Title region: title words, their genitives and adjectives, prepositions with their object.
    # An indefinite title takes up to two genitives (وزير خارجية مصر); an institution after a
    # preposition takes one (الناطق باسم حركة حماس); a definite word ends the chain.
    index = 0
    genitives = 0
    while index < len(keys):
        token = keys[index]
        # A bare title is indefinite even when it looks definite: والي (a governor), not و+الي.
        definite = is_definite(token) and token not in lexicons.titles
        if is_title_word(token, lexicons) and not (
            index > 0
            and not definite
            and not genitives
            and is_definite(keys[index - 1])
            and token in _NAME_LIKE_TITLES
        ):
            genitives = 0 if definite else 2
            index += 1
            continue
        if token == "باسم" and not _speaks_for(keys[:index]):
            break  # the name باسم ("النائب باسم كامل"), not "on behalf of"
        if token in TITLE_PREPOSITIONS and index + 1 < len(keys):
            following = keys[index + 1]
            # An institution or a place noun takes one genitive (باسم حركة حماس، في ريف دمشق).
            genitives = 1 if _institution(following, lexicons) or following in lexicons.place_heads else 0
            index += 2
            continue
        if _attached_preposition(token, lexicons) and index + 1 < len(keys):
            genitives = 0 if is_definite(token[1:]) else 1
            index += 1
            continue
        if genitives or definite:
            genitives = 0 if definite else genitives - 1
            index += 1
            continue
        break
    title_end = index
    # Honorifics right before the name (الأمير، الشيخ) leave the title when a title remains.
    while title_end > 1 and keys[title_end - 1] in lexicons.honorifics and title_end < len(keys):
        title_end -= 1
    name_end = _name_end(keys, index, lexicons, 2 if loose else 4)
    title = " ".join(displays[:title_end]) or None
    title_keys = tuple(keys[:title_end])
    if name_end < len(keys) and is_title_word(keys[name_end], lexicons) and name_end > index:
        # A title after the name ("فيصل بن فرحان وزير الخارجية") is the real title.
        trailing = _parse_person(keys[name_end:], displays[name_end:], lexicons, surface)
        honorific_only = title is None or all(k in lexicons.honorifics for k in title_keys)
        if trailing.title and not trailing.name_keys and honorific_only:
            title, title_keys = trailing.title, trailing.title_keys
    if name_end == index:
        # Title only ("السفير الروسي"): the registry resolves it to someone seen with that title.
        return Mention(PERSON, surface, "", (), title or surface, tuple(keys[:title_end]) or tuple(keys))
    return Mention(
        PERSON, surface, " ".join(displays[index:name_end]), tuple(keys[index:name_end]), title, title_keys
    )


def _parse_name_first(keys: list[str], displays: list[str], lexicons: Lexicons, surface: str) -> Mention:
    """A bare name ("أنتونوف"), possibly followed by a title ("فيصل بن فرحان وزير الخارجية")."""
    name_end = max(1, _name_end(keys, 0, lexicons))
    title: str | None = None
    title_keys: tuple[str, ...] = ()
    if name_end < len(keys) and is_title_word(keys[name_end], lexicons):
        trailing = _parse_person(keys[name_end:], displays[name_end:], lexicons, surface)
        title, title_keys = trailing.title, trailing.title_keys
    return Mention(PERSON, surface, " ".join(displays[:name_end]), tuple(keys[:name_end]), title, title_keys)


def _name_end(keys: list[str], start: int, lexicons: Lexicons, max_units: int = 4) -> int:
    """End of the name at ``start``: two name units, a third only after بن/عبد (سلطان بن أحمد الجابر)."""
    index = start
    units = 0
    linked = False  # the previous token binds to this one (عبد ← الرحمن)
    unit_was_linked = False  # the last unit started with a link word (بن أحمد)
    while index < len(keys) and index - start < _NAME_MAX_TOKENS:
        token = keys[index]
        if (
            index > start
            and not linked
            and (is_title_word(token, lexicons) or token.startswith("وال") or token in _NAME_BREAKS)
        ):
            break
        if not linked:
            if is_definite(token) and units >= 2 and not unit_was_linked:
                break
            if units >= max_units and not unit_was_linked:
                break
            units += 1
            unit_was_linked = token in _NAME_LINKS
        linked = token in _NAME_LINKS
        index += 1
    return index


def _speaks_for(title: list[str]) -> bool:
    """باسم is "on behalf of" once, after a spokesperson: "المتحدث باسم الحكومة باسم العوادي"."""
    return "باسم" not in title and any(strip_article(k) in _SPOKESPERSON for k in title)


def _institution(token: str, lexicons: Lexicons) -> bool:
    """حكومة، حركة، وزارة…: a common noun that takes a genitive (حكومة تصريف الأعمال)."""
    return not is_definite(token) and bool(lexicons.organizations.match([token], 0))


def _attached_preposition(token: str, lexicons: Lexicons) -> bool:
    """بمجلس، لوزارة، بالاتحاد: a preposition glued to an institution inside a title."""
    if len(token) < 4 or token[0] not in "بل":
        return False
    rest = token[1:]
    return is_definite(rest) or bool(lexicons.organizations.match([rest], 0))


@dataclass(slots=True)
class _Entity:
    type: str
    name: str
    name_keys: tuple[str, ...]
    title: str | None
    title_words: set[str]
    mentions: list[str] = field(default_factory=list)
    last_seen: int = 0
    bare_name: tuple[str, ...] = ()  # name_keys without ال, kept in step with them


@dataclass(slots=True)  # internal, never changed: a frozen __init__ costs 4x
class _Words:
    """A mention's words without ال, computed once per resolution rather than per entity compared."""

    name: tuple[str, ...]
    title: tuple[str, ...]


class SpeakerRegistry:
    """The speakers of one article; ``resolve`` returns an entity id, ``speaker`` the final Speaker."""

    def __init__(self) -> None:
        self._entities: list[_Entity] = []
        self._clock = 0

    def observe(self, mention: Mention) -> None:
        """A named person seen outside a statement: known for resolution, not made current."""
        if mention.type == PERSON and mention.name_keys:
            self._merge(mention, recent=False)

    def resolve(self, mention: Mention) -> int:
        return self._merge(mention, recent=True)

    def speaker(self, entity_id: int) -> Speaker:
        entity = self._entities[entity_id]
        name = entity.name or (entity.title or "")
        return Speaker(name, entity.title, entity.type, tuple(entity.mentions))

    def _merge(self, mention: Mention, recent: bool) -> int:
        words = _Words(
            tuple(map(strip_article, mention.name_keys)), tuple(map(strip_article, mention.title_keys))
        )
        found = self._find(mention, words)
        if found is None:
            entity = _Entity(
                mention.type,
                mention.name,
                mention.name_keys,
                mention.title,
                set(words.title),
                bare_name=words.name,
            )
            self._entities.append(entity)
            found = len(self._entities) - 1
        else:
            entity = self._entities[found]
            if mention.name_keys and len(mention.name_keys) > len(entity.name_keys):
                entity.name, entity.name_keys, entity.bare_name = mention.name, mention.name_keys, words.name
            if mention.title and (
                entity.title is None or (mention.name_keys and len(mention.title) > len(entity.title))
            ):
                entity.title = mention.title
            entity.title_words.update(words.title)
        if recent:
            self._clock += 1
            entity.last_seen = self._clock
        if mention.surface not in entity.mentions:
            entity.mentions.append(mention.surface)
        return found

    def _find(self, mention: Mention, words: _Words) -> int | None:
        best: int | None = None
        best_key = (0, 0)
        # Only the most recent entities: enough for any article, and linear on hostile input.
        first = max(0, len(self._entities) - _SEARCH_WINDOW)
        for index in range(first, len(self._entities)):
            entity = self._entities[index]
            score = _match_score(entity, mention, words)
            if score and (score, entity.last_seen) > best_key:
                best, best_key = index, (score, entity.last_seen)
        return best


def _match_score(entity: _Entity, mention: Mention, words: _Words) -> int:
    if mention.type == PERSON and entity.type == PERSON:
        if mention.name_keys and entity.name_keys:
            if _contiguous(words.name, entity.bare_name) or _contiguous(entity.bare_name, words.name):
                return 100
            return 0
        if not mention.name_keys and mention.title_keys:
            title = words.title
            known = entity.title_words
            if title[0] not in known:
                return 0
            overlap = sum(1 for w in title if w in known)
            if overlap < len(title) and not _compatible_title(title, known):
                return 0
            return 10 + overlap
        return 0
    if mention.type != entity.type or mention.type == PERSON:
        return 0
    mention_words, entity_words = words.name, entity.bare_name
    if mention_words == entity_words:
        return 100
    if mention_words and entity_words and mention_words[0] == entity_words[0]:
        return 50 if len(mention_words) == 1 or len(entity_words) == 1 else 20
    return 0


def _compatible_title(words: tuple[str, ...], known: set[str]) -> bool:
    """A title-only mention may add a place (السفير الروسي في واشنطن) but not a different office."""
    unknown = [w for w in words if w not in known]
    return len(unknown) <= 2 and len(words) > 1 and words[1] in known


def _contiguous(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """``part`` occurs in ``whole`` as a run (both without ال)."""
    if len(part) > len(whole):
        return False
    return any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))
