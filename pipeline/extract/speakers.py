"""Who is speaking: parse the phrase after a reporting verb, resolve mentions within an article.

A mention is parsed into a type and, for people, a title and a name ("وزير الخارجية السعودي
الأمير فيصل بن فرحان" → title "وزير الخارجية السعودي", name "فيصل بن فرحان"). The registry then
resolves later mentions by surname ("أنتونوف"), by title only ("السفير الروسي"، "الوزير") or by
head noun ("الوزارة") to the entity already seen, and names each entity by the fullest name seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
_TITLE_PREPOSITIONS = frozenset({"لدي", "في", "باسم", "ب", "عن", "الي", "من", "ل"})
_NAME_MAX_TOKENS = 6
_CONJUNCTIONS = frozenset({"و"})


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


def parse_mention(keys: list[str], displays: list[str], lexicons: Lexicons) -> Mention | None:
    """Parse a speaker phrase given as parallel key and display tokens (words only)."""
    if not keys:
        return None
    surface = " ".join(displays)
    first = keys[0]
    if lexicons.documents.match(keys, 0):
        return Mention(DOCUMENT, surface, surface, tuple(keys), None, ())
    if lexicons.groups.match(keys, 0):
        return Mention(GROUP, surface, surface, tuple(keys), None, ())
    if lexicons.organizations.match(keys, 0) or lexicons.media.match(keys, 0):
        return Mention(ORGANIZATION, surface, surface, tuple(keys), None, ())
    if lexicons.anonymous.match(keys, 0) and not first.startswith("ال"):
        return Mention(ANONYMOUS, surface, surface, tuple(keys), None, ())
    if strip_article(first) in lexicons.titles or first in lexicons.honorifics:
        return _parse_person(keys, displays, lexicons, surface)
    return Mention(PERSON, surface, surface, tuple(keys), None, ())


def _parse_person(keys: list[str], displays: list[str], lexicons: Lexicons, surface: str) -> Mention:
    # Title region: title words, their genitives and adjectives, prepositions with their object.
    index = 0
    last_title = 0
    expect_genitive = False
    while index < len(keys):
        token = keys[index]
        bare = strip_article(token)
        definite = token.startswith(("ال", "لل"))
        if bare in lexicons.titles or token in lexicons.honorifics:
            expect_genitive = not definite
            index += 1
            last_title = index
            continue
        if token in _TITLE_PREPOSITIONS and index + 1 < len(keys):
            index += 2
            expect_genitive = False
            continue
        if expect_genitive or definite:
            # An indefinite genitive (وزير خارجية مصر) takes one more genitive after it.
            expect_genitive = expect_genitive and not definite
            index += 1
            continue
        break
    del last_title
    title_end = index
    # Honorifics right before the name (الأمير، الشيخ) leave the title when a title remains.
    while title_end > 1 and keys[title_end - 1] in lexicons.honorifics and title_end < len(keys):
        title_end -= 1
    name_keys = keys[index : index + _NAME_MAX_TOKENS]
    name_displays = displays[index : index + _NAME_MAX_TOKENS]
    title = " ".join(displays[:title_end]) or None
    if not name_keys:
        # Title only ("السفير الروسي"): the registry resolves it to someone seen with that title.
        return Mention(PERSON, surface, surface, (), title, tuple(keys[:title_end]))
    return Mention(PERSON, surface, " ".join(name_displays), tuple(name_keys), title, tuple(keys[:title_end]))


@dataclass(slots=True)
class _Entity:
    type: str
    name: str
    name_keys: tuple[str, ...]
    title: str | None
    title_words: set[str]
    mentions: list[str] = field(default_factory=list)
    last_seen: int = 0


class SpeakerRegistry:
    """The speakers of one article; ``resolve`` returns an entity id, ``speaker`` the final Speaker."""

    def __init__(self) -> None:
        self._entities: list[_Entity] = []
        self._clock = 0

    def resolve(self, mention: Mention) -> int:
        self._clock += 1
        found = self._find(mention)
        if found is None:
            entity = _Entity(
                mention.type,
                mention.name,
                mention.name_keys,
                mention.title,
                {strip_article(k) for k in mention.title_keys},
            )
            self._entities.append(entity)
            found = len(self._entities) - 1
        else:
            entity = self._entities[found]
            if mention.name_keys and len(mention.name_keys) > len(entity.name_keys):
                entity.name, entity.name_keys = mention.name, mention.name_keys
            if (
                mention.title
                and (entity.title is None or not entity.name_keys or len(mention.title) > len(entity.title))
                and (mention.name_keys or entity.title is None)
            ):
                entity.title = mention.title
            entity.title_words.update(strip_article(k) for k in mention.title_keys)
        entity.last_seen = self._clock
        if mention.surface not in entity.mentions:
            entity.mentions.append(mention.surface)
        return found

    def speaker(self, entity_id: int) -> Speaker:
        entity = self._entities[entity_id]
        name = entity.name or (entity.title or "")
        return Speaker(name, entity.title, entity.type, tuple(entity.mentions))

    def _find(self, mention: Mention) -> int | None:
        best: int | None = None
        best_score = 0
        for index, entity in enumerate(self._entities):
            score = _match_score(entity, mention)
            if score and (
                score > best_score
                or (
                    score == best_score
                    and best is not None
                    and entity.last_seen > self._entities[best].last_seen
                )
            ):
                best, best_score = index, score
        return best


def _match_score(entity: _Entity, mention: Mention) -> int:
    if mention.type == PERSON and entity.type == PERSON:
        if mention.name_keys and entity.name_keys:
            if _contiguous(mention.name_keys, entity.name_keys) or _contiguous(
                entity.name_keys, mention.name_keys
            ):
                return 100
            return 0
        if not mention.name_keys and mention.title_keys:
            words = [strip_article(k) for k in mention.title_keys]
            head = words[0]
            known = entity.title_words | {strip_article(k) for k in entity.name_keys}
            if head not in known:
                return 0
            overlap = sum(1 for w in words if w in known)
            if overlap < len(words) and not _compatible_title(words, known):
                return 0
            return 10 + overlap
        return 0
    if mention.type != entity.type or mention.type == PERSON:
        return 0
    mention_words = [strip_article(k) for k in mention.name_keys]
    entity_words = [strip_article(k) for k in entity.name_keys]
    if mention_words == entity_words:
        return 100
    if mention_words and entity_words and mention_words[0] == entity_words[0]:
        return 50 if len(mention_words) == 1 or len(entity_words) == 1 else 20
    return 0


def _compatible_title(words: list[str], known: set[str]) -> bool:
    """A title-only mention may add a place (السفير الروسي في واشنطن) but not a different office."""
    unknown = [w for w in words if w not in known]
    return len(unknown) <= 2 and words[0] in known and (len(words) > 1 and words[1] in known)


def _contiguous(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    if len(part) > len(whole):
        return False
    stripped_whole = [strip_article(w) for w in whole]
    stripped_part = [strip_article(w) for w in part]
    return any(stripped_whole[i : i + len(part)] == stripped_part for i in range(len(whole) - len(part) + 1))
