"""`naba lag` on the embedded broker: lag N while the worker is away, back to 0 and OK after."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import TopicPartition

from pipeline import topics
from pipeline.clients import producer
from pipeline.identity import stable_id
from pipeline.lag.offsets import HighWatermarks
from pipeline.models import RawArticle, encode
from pipeline.settings import Settings
from pipeline.stages import Limits, clean_stage
from pipeline.topics import ensure_topics
from tests.conftest import SEED, env_for
from tests.integration.helpers import collect, produce, start_worker, stop_worker

pytestmark = pytest.mark.integration


def naba_lag(settings_env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "lag", "--json", *args],
        env=env_for(settings_env),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode in (0, 1, 2), done.stderr.decode()[-2000:]
    return done.returncode, orjson.loads(done.stdout)


def lag_of(report: dict[str, Any], agent: str) -> int:
    return sum(row["lag"] for row in report["partitions"] if row["agent"] == agent)


def clean_articles(count: int, tag: str) -> list[tuple[bytes | None, bytes | None]]:
    text = SEED.read_text(encoding="utf-8")
    out: list[tuple[bytes | None, bytes | None]] = []
    for i in range(count):
        body = f"{text}\n\n{tag} {i}"
        raw = RawArticle(id=stable_id(body), text=body, feed="test")
        (cleaned,) = clean_stage(raw.id.encode(), encode(raw), Limits(max_article_bytes=2_000_000))
        out.append((cleaned.key, cleaned.value))
    return out


def wait_for(check: Any, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(1.0)


def test_lag_while_the_worker_is_away_then_back_to_zero(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    first = clean_articles(3, "warm-up")
    worker = start_worker(settings_env, tmp_path / "worker-1.log")
    try:
        asyncio.run(produce(settings, topics.CLEAN, first))
        asyncio.run(collect(settings, topics.ENRICHED, lambda r: len(r) >= len(first), worker=worker))
        # Caught up: the group's commits reach the head (Faust commits every few seconds).
        assert wait_for(lambda: lag_of(naba_lag(settings_env)[1], "enrich") == 0) is True
    finally:
        stop_worker(worker)

    paused = clean_articles(7, "paused")
    asyncio.run(produce(settings, topics.CLEAN, paused))
    code, report = naba_lag(settings_env)
    assert lag_of(report, "enrich") == len(paused)
    assert lag_of(report, "clean") == 0
    rows = [row for row in report["partitions"] if row["topic"] == topics.CLEAN]
    assert {row["group"] for row in rows} == {settings.app_id}
    assert sum(row["high_watermark"] for row in rows) == len(first) + len(paused)

    worker = start_worker(settings_env, tmp_path / "worker-2.log")
    try:

        def caught_up() -> tuple[int, dict[str, Any]] | None:
            answer = naba_lag(settings_env)
            return answer if lag_of(answer[1], "enrich") == 0 else None

        final = wait_for(caught_up)
    finally:
        stop_worker(worker)
    assert final is not None, "the enrich agent did not catch up"
    code, report = final
    assert report["status"] == "OK" and code == 0
    assert all(row["time_lag"] == 0.0 for row in report["partitions"])


def test_high_watermarks_come_from_fetch_and_match_what_was_produced(settings: Settings) -> None:
    ensure_topics(settings)

    async def scenario() -> dict[TopicPartition, tuple[int, int]]:
        client = producer(settings, linger_ms=200)  # several records per batch: ListOffsets under-reports
        await client.start()
        try:
            sent = [await client.send(topics.CLEAN, b"x%d" % i, partition=i % 3) for i in range(3 * 11)]
            await asyncio.gather(*sent)
            single = await client.send_and_wait(topics.CLEAN, b"alone", partition=1)
            assert single.offset == 11
        finally:
            await client.stop()
        async with HighWatermarks(settings) as marks:
            parts = await marks.partitions([topics.CLEAN])
            return await marks.read(parts)

    marks = asyncio.run(scenario())
    highs = {tp.partition: high for tp, (_, high) in marks.items()}
    assert highs == {0: 11, 1: 12, 2: 11, **{p: 0 for p in range(3, settings.partitions)}}
