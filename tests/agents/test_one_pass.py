"""The clean agent enriches in the same pass; the enrich agent enriches only what it did not."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import orjson
import pytest
from aiokafka import ConsumerRecord

from pipeline import topics
from pipeline.models import RawArticle, encode
from pipeline.settings import Settings
from pipeline.stages import ENRICHED_HEADER, Limits, already_enriched, clean_stage
from pipeline.topics import ensure_topics
from tests.conftest import SEED
from tests.integration.helpers import TopicReader, log_tail, produce, start_worker, stop_worker

pytestmark = pytest.mark.integration


def test_each_article_is_enriched_once_whichever_agent_enriches_it(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    text = SEED.read_text(encoding="utf-8")
    raw = RawArticle(id="from-raw", text=text, feed="test")
    # Another producer's news.clean event (no header): the enrich agent must enrich it itself.
    (outside,) = clean_stage(b"outside", encode(RawArticle(id="outside", text=text)), Limits())
    log = tmp_path / "worker.log"
    worker = start_worker(settings_env, log)
    try:
        asyncio.run(produce(settings, topics.RAW, [(b"from-raw", encode(raw))]))
        asyncio.run(produce(settings, topics.CLEAN, [(outside.key, outside.value)]))
        records = asyncio.run(_read_until_enriched(settings, {"from-raw", "outside"}, log))
    finally:
        stop_worker(worker)

    enriched = [orjson.loads(r.value) for r in records if r.topic == topics.ENRICHED]
    assert sorted(article["id"] for article in enriched) == ["from-raw", "outside"]
    clean = {r.key: r for r in records if r.topic == topics.CLEAN}
    assert already_enriched(clean[b"from-raw"].headers)
    assert not already_enriched(clean[b"outside"].headers)
    assert dict(clean[b"from-raw"].headers) == {ENRICHED_HEADER: b"1"}
    statements = [orjson.loads(r.value) for r in records if r.topic == topics.STATEMENTS]
    for article in enriched:
        mine = [event["id"] for event in statements if event["article_id"] == article["id"]]
        assert sorted(mine) == sorted(st["id"] for st in article["statements"])  # each exactly once


async def _read_until_enriched(
    settings: Settings, ids: set[str], log: Path
) -> list[ConsumerRecord[bytes, bytes]]:
    deadline = time.monotonic() + 120
    async with TopicReader(settings, topics.CLEAN, topics.ENRICHED, topics.STATEMENTS) as reader:
        records: list[ConsumerRecord[bytes, bytes]] = []
        while {orjson.loads(r.value)["id"] for r in records if r.topic == topics.ENRICHED} != ids:
            assert time.monotonic() < deadline, log_tail(log)
            records.extend(await reader.read())
        # A grace period: a second enrichment of either article would arrive within it.
        records.extend(await reader.read(timeout_ms=3000))
        return records


def test_with_one_pass_off_the_enrich_agent_enriches_every_article(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    raw = RawArticle(id="two-hops", text=SEED.read_text(encoding="utf-8"), feed="test")
    log = tmp_path / "worker.log"
    worker = start_worker({**settings_env, "NABA_ONE_PASS": "false"}, log)
    try:
        asyncio.run(produce(settings, topics.RAW, [(b"two-hops", encode(raw))]))
        records = asyncio.run(_read_until_enriched(settings, {"two-hops"}, log))
    finally:
        stop_worker(worker)

    (clean,) = [r for r in records if r.topic == topics.CLEAN]
    assert not already_enriched(clean.headers)  # a plain news.clean event: the enrich agent's work
    enriched = [orjson.loads(r.value) for r in records if r.topic == topics.ENRICHED]
    assert [article["id"] for article in enriched] == ["two-hops"]
    assert enriched[0]["statements"]
