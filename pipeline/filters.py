"""PURE predicates over events: which events a subscriber wants (`naba tail`, `naba.subscribe`).

Text is compared on the matching key (diacritics dropped, alef/ya/ta-marbuta forms folded), so
``أنتونوف`` finds ``أناتولي انتونوف``. A speaker query matches whole words in order (``أنتونوف``
matches ``أناتولي أنتونوف``, ``أنتون`` does not); ``contains`` is a plain substring of the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.models import (
    CleanArticle,
    DeadLetter,
    EnrichedArticle,
    Model,
    RawArticle,
    Speaker,
    Statement,
    StatementEvent,
    TopicEvent,
)
from pipeline.text.normalize import matching_key

KINDS = ("direct", "indirect", "mixed")

#: Which filters make sense for which event type (the others are a usage error, not "no match").
APPLICABLE: dict[type[Model], frozenset[str]] = {
    StatementEvent: frozenset({"speaker", "topic", "contains", "kind"}),
    EnrichedArticle: frozenset({"speaker", "topic", "contains", "kind"}),
    TopicEvent: frozenset({"topic", "contains"}),
    RawArticle: frozenset({"contains"}),
    CleanArticle: frozenset({"contains"}),
    DeadLetter: frozenset({"contains"}),
}


class FilterError(ValueError):
    """A filter that cannot apply to the events asked for, or an invalid value."""


def words(text: str) -> tuple[str, ...]:
    return tuple(matching_key(text).split())


@dataclass(frozen=True, slots=True)
class Filter:
    """What to keep; every given criterion must hold (an empty Filter keeps everything)."""

    speaker: tuple[str, ...] = ()  # query words, already folded
    topic: str | None = None
    contains: str | None = None  # folded
    kind: str | None = None

    @classmethod
    def of(
        cls,
        *,
        speaker: str | None = None,
        topic: str | None = None,
        contains: str | None = None,
        kind: str | None = None,
    ) -> Filter:
        if kind is not None and kind not in KINDS:
            raise FilterError(f"kind {kind!r}: use one of {', '.join(KINDS)}")
        speaker_words = words(speaker) if speaker is not None else ()
        if speaker is not None and not speaker_words:
            raise FilterError("speaker: give at least one word")
        if contains is not None and not contains.strip():
            raise FilterError("contains: give some text")
        return cls(
            speaker=speaker_words,
            topic=topic.strip() if topic is not None else None,
            contains=matching_key(contains) if contains is not None else None,
            kind=kind,
        )

    @property
    def given(self) -> frozenset[str]:
        names = {"speaker": bool(self.speaker), "topic": self.topic is not None}
        names |= {"contains": self.contains is not None, "kind": self.kind is not None}
        return frozenset(name for name, on in names.items() if on)

    def check(self, model: type[Model]) -> None:
        """Raise FilterError when a given criterion cannot apply to ``model`` events."""
        unusable = sorted(self.given - APPLICABLE.get(model, frozenset()))
        if unusable:
            names = ", ".join(f"--{name}" for name in unusable)
            raise FilterError(f"{names} cannot apply to {model.__name__} events")

    def __call__(self, event: Model) -> bool:
        return matches(self, event)


def matches(wanted: Filter, event: Model) -> bool:
    if isinstance(event, StatementEvent):
        return (
            _statement_ok(wanted, event.speaker, event.kind)
            and (wanted.topic is None or wanted.topic in event.topics)
            and _contains(wanted, event.text, event.speaker.name, event.title)
        )
    if isinstance(event, EnrichedArticle):
        return (
            (
                not (wanted.speaker or wanted.kind)
                or any(_statement_ok(wanted, st.speaker, st.kind) for st in _statements(event))
            )
            and (wanted.topic is None or any(t.label == wanted.topic for t in event.topics))
            and _contains(wanted, event.text, event.title)
        )
    if isinstance(event, TopicEvent):
        return (wanted.topic is None or event.label == wanted.topic) and _contains(wanted, event.title)
    if isinstance(event, RawArticle | CleanArticle):
        return not (wanted.speaker or wanted.kind or wanted.topic) and _contains(
            wanted, event.text, event.title
        )
    if isinstance(event, DeadLetter):
        return not (wanted.speaker or wanted.kind or wanted.topic) and _contains(
            wanted, event.error, event.stage, event.topic
        )
    return not wanted.given


def _statements(article: EnrichedArticle) -> Sequence[Statement]:
    return article.statements


def speaker_matches(query: tuple[str, ...], speaker: Speaker) -> bool:
    """The query's words appear, consecutive and in order, in the speaker's name or a mention."""
    return any(_has_run(words(name), query) for name in (speaker.name, *speaker.mentions))


def _has_run(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


def _statement_ok(wanted: Filter, speaker: Speaker, kind: str) -> bool:
    return (not wanted.speaker or speaker_matches(wanted.speaker, speaker)) and (
        wanted.kind is None or kind == wanted.kind
    )


def _contains(wanted: Filter, *texts: str | None) -> bool:
    if wanted.contains is None:
        return True
    return any(text and wanted.contains in matching_key(text) for text in texts)
