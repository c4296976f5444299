"""End to end on the embedded broker: news.raw -> worker -> enriched, statements, topics, dlq."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import orjson
import pytest

from pipeline import topics
from pipeline.identity import stable_id
from pipeline.models import RawArticle, encode
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.conftest import SEED
from tests.integration.helpers import collect, produce, start_worker, stop_worker

pytestmark = pytest.mark.integration

BAD_MESSAGES: dict[str, bytes] = {
    "malformed": b'{"id": "bad-json", "text": "\xd9\x82\xd8\xa7\xd9\x84',
    "invalid-utf8": b'{"id": "bad-utf8", "text": "\xff\xfe\xfa"}',
    "empty": b"",
}


def test_seed_article_comes_out_enriched_and_bad_input_is_dead_lettered(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    text = SEED.read_text(encoding="utf-8")
    seed = RawArticle(id=stable_id(text), text=text, feed="test")
    messages: list[tuple[bytes | None, bytes | None]] = [
        (key.encode(), value) for key, value in BAD_MESSAGES.items()
    ]
    messages.append((seed.id.encode(), encode(seed)))
    worker = start_worker(settings_env, tmp_path / "worker.log")
    try:
        asyncio.run(produce(settings, topics.RAW, messages))
        enriched = asyncio.run(
            collect(settings, topics.ENRICHED, lambda records: len(records) >= 1, worker=worker)
        )
        dead = asyncio.run(
            collect(settings, topics.DLQ, lambda records: len(records) >= len(BAD_MESSAGES), worker=worker)
        )
        article = orjson.loads(enriched[0][1])
        statements = asyncio.run(
            collect(settings, topics.STATEMENTS, lambda records: len(records) >= len(article["statements"]))
        )
        # A short grace period shows that nothing more arrives than expected.
        enriched = asyncio.run(collect(settings, topics.ENRICHED, lambda records: False, timeout=2))
    finally:
        stop_worker(worker)

    assert [key for key, _ in enriched] == [seed.id.encode()]
    assert article["schema"] == "naba.enriched/1"
    assert article["id"] == seed.id
    assert len(article["statements"]) >= 15
    speakers = [st["speaker"]["name"] for st in article["statements"]]
    assert speakers.count("أناتولي أنتونوف") > len(speakers) / 2
    for st in article["statements"]:
        start, end = st["span"]
        assert article["text"][start:end] == st["text"]

    assert len(statements) == len(article["statements"])
    events = [orjson.loads(value) for _, value in statements]
    assert {event["id"] for event in events} == {st["id"] for st in article["statements"]}
    assert all(event["article_id"] == seed.id for event in events)
    assert all(key == seed.id.encode() for key, _ in statements)

    letters = {key.decode(): orjson.loads(value) for key, value in dead if key is not None}
    assert set(letters) == set(BAD_MESSAGES)
    for name, original in BAD_MESSAGES.items():
        letter = letters[name]
        assert letter["stage"] == "clean"
        assert letter["topic"] == topics.RAW
        assert base64.b64decode(letter["value"]) == original
    assert "malformed JSON" in letters["malformed"]["error"]
    assert "invalid UTF-8" in letters["invalid-utf8"]["error"]
    assert "empty" in letters["empty"]["error"]
