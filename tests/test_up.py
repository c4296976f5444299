"""The bookkeeping of `naba up --once` (pure): when is every replayed article really out?"""

from __future__ import annotations

from pipeline import topics
from pipeline.models import (
    DeadLetter,
    EnrichedArticle,
    Speaker,
    Statement,
    StatementEvent,
    TopicEvent,
    encode,
)
from pipeline.up import Tally, _take


def _statement(article: str, number: int) -> StatementEvent:
    return StatementEvent(
        id=f"{article}-{number}",
        article_id=article,
        speaker=Speaker(name="الوزير", type="person"),
        verb="قال",
        kind="direct",
        text="نص",
        span=[0, 2],
    )


def _enriched(article: str, statements: int) -> EnrichedArticle:
    return EnrichedArticle(
        id=article,
        text="نص",
        statements=[
            Statement(
                id=f"{article}-{n}",
                speaker=Speaker(name="الوزير", type="person"),
                verb="قال",
                kind="direct",
                text="نص",
                span=[0, 2],
            )
            for n in range(statements)
        ],
    )


def test_once_waits_for_the_statements_of_an_enriched_article_not_just_the_article() -> None:
    tally = Tally(expected={"a"})
    _take(tally, topics.ENRICHED, encode(_enriched("a", 2)), quiet=True)
    assert not tally.settled  # the article is out, its two statements are not yet read
    _take(tally, topics.STATEMENTS, encode(_statement("a", 0)), quiet=True)
    _take(tally, topics.STATEMENTS, encode(_statement("a", 0)), quiet=True)  # a redelivery
    assert not tally.settled
    _take(tally, topics.STATEMENTS, encode(_statement("a", 1)), quiet=True)
    assert tally.settled
    assert tally.statements == 2
    assert not tally.missing


def test_a_dead_lettered_article_settles_but_stays_missing() -> None:
    tally = Tally(expected={"a", "b"})
    _take(tally, topics.ENRICHED, encode(_enriched("a", 0)), quiet=True)
    letter = DeadLetter.of(
        stage="clean", error="bad", topic=topics.RAW, partition=0, offset=0, key=b"b", value=b"{"
    )
    _take(tally, topics.DLQ, encode(letter), quiet=True)
    assert tally.settled
    assert tally.missing == {"b"}
    assert tally.failed == {"b": "bad"}


def test_events_of_other_articles_do_not_count() -> None:
    tally = Tally(expected={"a"})
    _take(tally, topics.ENRICHED, encode(_enriched("old", 1)), quiet=True)
    _take(tally, topics.STATEMENTS, encode(_statement("old", 0)), quiet=True)
    _take(tally, topics.TOPICS, encode(TopicEvent(label="economy", score=0.5, article_id="old")), quiet=True)
    assert tally.missing == {"a"}
    assert tally.statements == 0
    assert not tally.topic_events
