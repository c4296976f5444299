"""Lexicons for statement extraction: data in ``config/lexicons/*.txt``, loaded once, immutable.

Every file is UTF-8 text, one entry a line, ``#`` starts a comment. Entries are stored as matching
keys (``pipeline.text.normalize.matching_key``), so a lexicon written with or without hamza,
diacritics or tanwin matches every spelling of the text. Each file's header says what it holds.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from pipeline.text.normalize import matching_key

if TYPE_CHECKING:  # speakers imports this module
    from pipeline.extract.speakers import Mention

LEXICON_DIR = "lexicons"
_VERB_PREFIXES = ("", "و", "ف")
# No dual ending ا: "طالباً" (asking) must not read as "طالبا" (the two demanded).
_VERB_ENDINGS = ("", "ت", "وا", "تا")


@dataclass(frozen=True, slots=True)
class Trigger:
    """A word that introduces reported speech."""

    lemma: str  # as written in the lexicon
    kind: str  # verb | participle | document (جاء في البيان) | carrier (نقلت رويترز عن) | attribution (حسب)
    prepositions: frozenset[str]  # keys of prepositions that introduce nominal content
    prefixed: bool  # the form carries و/ف: it starts a new clause
    # "+=" in the lexicon: the direct object opens the content ("متهمة الجيش باستهداف القوافل").
    object_content: bool = False


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """Phrases as key-token tuples, indexed by their first token, longest first."""

    by_first: Mapping[str, tuple[tuple[str, ...], ...]]
    # The same phrases by first token and then by length (longest first): a match builds one slice
    # per distinct length and looks it up, instead of comparing every phrase (في starts 34 stops).
    _by_length: dict[str, tuple[tuple[int, frozenset[tuple[str, ...]]], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by_length: dict[str, tuple[tuple[int, frozenset[tuple[str, ...]]], ...]] = {}
        for first, phrases in self.by_first.items():
            lengths: dict[int, set[tuple[str, ...]]] = {}
            for phrase in phrases:
                lengths.setdefault(len(phrase), set()).add(phrase)
            by_length[first] = tuple(
                (length, frozenset(group)) for length, group in sorted(lengths.items(), reverse=True)
            )
        object.__setattr__(self, "_by_length", by_length)

    def match(self, tokens: list[str], index: int, end: int | None = None) -> int:
        """Length in tokens of the longest phrase starting at ``tokens[index]`` (0 if none)."""
        if index >= len(tokens):
            return 0
        groups = self._by_length.get(tokens[index])
        if groups is None:  # the common case: return before any other work
            return 0
        stop = len(tokens) if end is None else min(end, len(tokens))
        for length, phrases in groups:
            if index + length > stop:
                continue
            if length == 1:
                return 1
            if tuple(tokens[index : index + length]) in phrases:
                return length
        return 0

    def __contains__(self, token: object) -> bool:
        groups = self._by_length.get(token) if isinstance(token, str) else None
        return groups is not None and groups[-1][0] == 1  # a one-token phrase (the shortest)


ROLE_TRIGGER, ROLE_TITLE, ROLE_CARRIER, ROLE_POINTER = 1, 2, 4, 8


@dataclass(frozen=True)
class Lexicons:
    triggers: Mapping[str, Trigger]  # key form (with its prefix) -> trigger
    titles: frozenset[str]  # keys of title words without ال
    honorifics: frozenset[str]
    title_forms: frozenset[str]  # every key that is a title word: titles with and without ال, honorifics
    organizations: PhraseSet
    groups: PhraseSet
    documents: PhraseSet
    anonymous: PhraseSet
    media: PhraseSet
    carriers: PhraseSet
    subject_stops: PhraseSet
    complement_blockers: frozenset[str]
    clause_ends: PhraseSet
    current_speaker_words: frozenset[str]
    content_nouns: frozenset[str]  # without ال
    speaker_cues: frozenset[str]
    # Common nouns of places that take a genitive inside a title ("مدير المياه في ريف دمشق").
    place_heads: frozenset[str] = frozenset()
    # Phrases that point back at a quotation instead of a reporting verb ("«…»، بهذه الكلمات افتتح…").
    quote_pointers: PhraseSet = PhraseSet({})

    @functools.cached_property
    def roles(self) -> Mapping[str, int]:
        """Key -> bit set of ROLE_* (trigger, title, carrier, pointer): one lookup finds them all.
        Read-only like every lexicon (a mappingproxy over a dict built once)."""
        return MappingProxyType(self._roles)

    @functools.cached_property
    def role_of(self) -> Callable[[str], int | None]:
        """``roles.get`` at dict speed: a mappingproxy's ``get`` is a method call on the dict behind
        it, twice the cost, and the extractor calls it once per token."""
        return self._roles.get

    @functools.cached_property
    def mention_memo(self) -> dict[tuple[object, ...], Mention | None]:
        """Speaker phrases already parsed with these lexicons: a phrase parses the same way in every
        article (a pure function), and titles recur from article to article. The extractor fills
        and bounds it."""
        return {}

    @functools.cached_property
    def _roles(self) -> dict[str, int]:
        roles: dict[str, int] = {}
        for words, role in (
            (self.triggers, ROLE_TRIGGER),
            (self.title_forms, ROLE_TITLE),
            (self.carriers.by_first, ROLE_CARRIER),
            (self.quote_pointers.by_first, ROLE_POINTER),
        ):
            for word in words:
                roles[word] = roles.get(word, 0) | role
        return roles


def read_entries(path: Path) -> list[str]:
    """Non-empty lines of a lexicon file without comments; a missing file is an empty lexicon."""
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    entries = (line.split("#", 1)[0].strip() for line in source.splitlines())
    return [entry for entry in entries if entry]


def phrase_set(entries: Iterable[str]) -> PhraseSet:
    grouped: dict[str, set[tuple[str, ...]]] = {}
    for entry in entries:
        tokens = tuple(key_tokens(entry))
        if tokens:
            grouped.setdefault(tokens[0], set()).add(tokens)
    return PhraseSet(
        MappingProxyType(
            {first: tuple(sorted(group, key=len, reverse=True)) for first, group in grouped.items()}
        )
    )


def key_tokens(text: str) -> list[str]:
    """Key tokens the way the extractor sees them (tatweel-free, folded, split on spaces)."""
    return matching_key(text.replace("ـ", "")).split()


def strip_article(token: str) -> str:
    return token[2:] if token.startswith("ال") and len(token) > 3 else token


def _triggers(
    verbs: list[str],
    participles: list[str],
    document_verbs: list[str],
    carrier_verbs: list[str],
    attribution_words: list[str],
) -> dict[str, Trigger]:
    found: dict[str, Trigger] = {}

    def add(form: str, trigger: Trigger) -> None:
        found.setdefault(form, trigger)

    for line in verbs:
        forms, preps, objects = _verb_line(line)
        if not forms:
            continue
        lemma, base = forms[0], matching_key(forms[0])
        variants = [base + ending for ending in _VERB_ENDINGS] + [matching_key(f) for f in forms[1:]]
        for variant in variants:
            for prefix in _VERB_PREFIXES:
                add(prefix + variant, Trigger(lemma, "verb", preps, bool(prefix), objects))
    for line in participles:
        forms, preps, objects = _verb_line(line)
        if not forms:
            continue
        lemma, base = forms[0], matching_key(forms[0])
        stem = base[:-1] if base.endswith("ا") else base
        for variant in (base, stem + "ه", stem + "ين", stem + "ون", stem + "تين", stem + "ات"):
            add(variant, Trigger(lemma, "participle", preps, False, objects))
            add("و" + variant, Trigger(lemma, "participle", preps, True, objects))
    for kind, lines in (("document", document_verbs), ("carrier", carrier_verbs)):
        for line in lines:
            for form in line.split():
                base = matching_key(form)
                for variant in (base, base + "ت"):
                    for prefix in _VERB_PREFIXES:
                        found[prefix + variant] = Trigger(form, kind, frozenset(), bool(prefix))
    for line in attribution_words:
        words = line.split()
        if words:
            base = matching_key(words[0])
            for prefix in _VERB_PREFIXES:
                found.setdefault(prefix + base, Trigger(words[0], "attribution", frozenset(), bool(prefix)))
    return found


def _verb_line(line: str) -> tuple[list[str], frozenset[str], bool]:
    """Forms, content prepositions (+على) and the object flag (+=) of a verb or participle line."""
    words = line.split()
    forms = [w for w in words if not w.startswith("+")]
    preps = frozenset(matching_key(w[1:]) for w in words if w.startswith("+") and len(w) > 1 and w != "+=")
    return forms, preps, "+=" in words


def load_lexicons(config_dir: Path) -> Lexicons:
    """Read ``config_dir/lexicons/*.txt`` once; the result is shared by every extraction."""
    base = Path(config_dir) / LEXICON_DIR

    def entries(name: str) -> list[str]:
        return read_entries(base / f"{name}.txt")

    titles = frozenset(strip_article(key_tokens(e)[0]) for e in entries("titles") if key_tokens(e))
    honorifics = frozenset(matching_key(e) for e in entries("honorifics"))
    return Lexicons(
        triggers=MappingProxyType(
            _triggers(
                entries("reporting_verbs"),
                entries("participles"),
                entries("document_verbs"),
                entries("carrier_verbs"),
                entries("attribution_words"),
            )
        ),
        titles=titles,
        honorifics=honorifics,
        title_forms=titles | frozenset("ال" + t for t in titles if len(t) > 1) | honorifics,
        organizations=phrase_set(entries("speaker_organizations")),
        groups=phrase_set(entries("groups")),
        documents=phrase_set(entries("documents")),
        anonymous=phrase_set(entries("anonymous")),
        media=phrase_set(entries("media")),
        carriers=phrase_set(entries("carriers")),
        subject_stops=phrase_set(entries("subject_stops")),
        complement_blockers=frozenset(matching_key(e) for e in entries("complement_blockers")),
        clause_ends=phrase_set(entries("clause_ends")),
        current_speaker_words=frozenset(matching_key(e) for e in entries("current_speaker_words")),
        content_nouns=frozenset(strip_article(matching_key(e)) for e in entries("content_nouns")),
        speaker_cues=frozenset(matching_key(e) for e in entries("speaker_cues")),
        place_heads=frozenset(strip_article(matching_key(e)) for e in entries("place_heads")),
        quote_pointers=phrase_set(entries("quote_pointers")),
    )
