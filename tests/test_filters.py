"""Filters: speaker on the matching key (whole words), topic labels, text, kind; per event type."""

from __future__ import annotations

import pytest

from pipeline.filters import Filter, FilterError
from pipeline.models import (
    DeadLetter,
    EnrichedArticle,
    RawArticle,
    Speaker,
    Statement,
    StatementEvent,
    TopicEvent,
    TopicScore,
)

ANTONOV = Speaker(name="أناتولي أنتونوف", type="person", mentions=["السفير الروسي"])


def statement_event(
    speaker: Speaker = ANTONOV, kind: str = "direct", topics: list[str] | None = None
) -> StatementEvent:
    return StatementEvent(
        id="s1",
        article_id="a1",
        speaker=speaker,
        verb="قال",
        kind=kind,
        text="نعتقد أنه من الضروريّ بذل كل جهد",
        span=[0, 10],
        topics=topics or ["diplomacy"],
        title="السفير الروسي في واشنطن",
    )


@pytest.mark.parametrize(
    "query", ["أنتونوف", "انتونوف", "أناتولي أنتونوف", "اناتولى انتونوف", "السفير الروسي"]
)
def test_speaker_matches_whole_words_on_the_matching_key(query: str) -> None:
    assert Filter.of(speaker=query)(statement_event())


@pytest.mark.parametrize("query", ["أنتون", "أنتونوف أناتولي", "لافروف"])
def test_speaker_does_not_match_parts_of_words_or_other_orders(query: str) -> None:
    assert not Filter.of(speaker=query)(statement_event())


def test_topic_contains_and_kind_on_statements() -> None:
    event = statement_event(kind="indirect", topics=["diplomacy", "security"])
    assert Filter.of(topic="security")(event)
    assert not Filter.of(topic="economy")(event)
    assert Filter.of(contains="الضروري")(event)  # the shadda in the event does not matter
    assert not Filter.of(contains="النووي")(event)
    assert Filter.of(kind="indirect")(event)
    assert not Filter.of(kind="direct")(event)
    assert not Filter.of(speaker="أنتونوف", kind="direct")(event)  # every criterion must hold


def test_enriched_article_needs_one_statement_with_both_speaker_and_kind() -> None:
    other = Speaker(name="البيان", type="document")
    article = EnrichedArticle(
        id="a1",
        text="نص",
        statements=[
            Statement(id="1", speaker=ANTONOV, verb="قال", kind="indirect", text="x", span=[0, 1]),
            Statement(id="2", speaker=other, verb="ورد", kind="direct", text="y", span=[1, 2]),
        ],
        topics=[TopicScore(label="nuclear", score=0.9)],
    )
    assert Filter.of(speaker="أنتونوف", kind="indirect")(article)
    assert not Filter.of(speaker="أنتونوف", kind="direct")(article)
    assert Filter.of(topic="nuclear")(article)
    assert not Filter.of(topic="economy")(article)


def test_topic_events_match_their_label() -> None:
    event = TopicEvent(label="nuclear", score=0.9, article_id="a1", title="عنوان")
    assert Filter.of(topic="nuclear")(event)
    assert not Filter.of(topic="economy")(event)


def test_filters_that_cannot_apply_are_an_error_not_an_empty_result() -> None:
    with pytest.raises(FilterError, match="--speaker"):
        Filter.of(speaker="أنتونوف").check(TopicEvent)
    with pytest.raises(FilterError, match="--kind"):
        Filter.of(kind="direct").check(RawArticle)
    Filter.of(contains="x").check(DeadLetter)
    with pytest.raises(FilterError):
        Filter.of(kind="quoted")
    with pytest.raises(FilterError):
        Filter.of(speaker="  ")


def test_an_empty_filter_keeps_everything() -> None:
    assert Filter.of()(statement_event())
    assert Filter.of()(RawArticle(id="a", text="t"))
