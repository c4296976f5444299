from __future__ import annotations

import pytest

from pipeline.models import (
    DeadLetter,
    EnrichedArticle,
    Entity,
    EventError,
    RawArticle,
    Speaker,
    Statement,
    TopicScore,
    decode,
    encode,
)


def _enriched() -> EnrichedArticle:
    return EnrichedArticle(
        id="a1",
        text="قال الوزير إن الوضع مستقر",
        statements=[
            Statement(
                id="s1",
                speaker=Speaker(name="الوزير", type="person", title="الوزير", mentions=["الوزير"]),
                verb="قال",
                kind="indirect",
                text="الوضع مستقر",
                span=[14, 25],
                topics=["politics"],
            )
        ],
        topics=[TopicScore(label="politics", score=0.5)],
        entities=[Entity(type="person", name="الوزير", forms=["الوزير"], count=1)],
        keywords=["الوضع"],
    )


def test_events_round_trip_through_json_with_nested_records() -> None:
    article = _enriched()
    data = encode(article)
    back = decode(EnrichedArticle, data)
    assert isinstance(back.statements[0], Statement)
    assert isinstance(back.statements[0].speaker, Speaker)
    assert isinstance(back.entities[0], Entity)
    assert back.statements[0].speaker.type == "person"
    assert encode(back) == data
    assert b"__faust" not in data


def test_the_enriched_contract_has_the_public_field_names() -> None:
    import orjson

    obj = orjson.loads(encode(_enriched()))
    assert {
        "id",
        "url",
        "feed",
        "title",
        "published",
        "language",
        "text",
        "statements",
        "topics",
        "entities",
        "keywords",
        "schema",
    } <= set(obj)
    assert obj["schema"] == "naba.enriched/1"
    assert set(obj["statements"][0]) >= {"id", "speaker", "verb", "kind", "text", "span", "via"}
    assert set(obj["statements"][0]["speaker"]) == {"name", "title", "type", "mentions"}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (None, "empty message"),
        (b"   ", "empty message"),
        (b"\xff\xfe{}", "invalid UTF-8 at byte 0"),
        (b'{"id": "x", "text": "abc', "malformed JSON"),
        (b"[1, 2]", "expected a JSON object, got list"),
        (b'{"id": "x"}', "missing field: text"),
        (b'{"id": "x", "text": 5}', "field 'text' must be a string, got int"),
        (b'{"id": "x", "text": "t", "revision": "2"}', "field 'revision' must be an integer"),
        (b'{"id": "x", "text": "t", "schema": "naba.raw/2"}', "unsupported schema 'naba.raw/2'"),
    ],
)
def test_bad_events_are_refused_with_a_clear_reason(data: bytes | None, reason: str) -> None:
    with pytest.raises(EventError, match=reason.replace("(", r"\(")):
        decode(RawArticle, data)


def test_unknown_fields_from_newer_producers_are_ignored() -> None:
    article = decode(RawArticle, b'{"id": "x", "text": "t", "mood": "sunny"}')
    assert article.text == "t"


def test_dead_letters_keep_the_original_bytes_exactly() -> None:
    letter = DeadLetter.of(
        stage="clean", error="bad", topic="news.raw", partition=3, offset=7, key=b"\x00k", value=b"\xff\x00v"
    )
    back = decode(DeadLetter, encode(letter))
    assert back.original_key() == b"\x00k"
    assert back.original_value() == b"\xff\x00v"
    assert back.at.endswith("Z")
