"""`naba tail` and `naba.subscribe` on the embedded broker: exact results, filters, following."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from pipeline import topics
from pipeline.client import subscribe
from pipeline.clients import producer
from pipeline.identity import stable_id
from pipeline.models import RawArticle, Speaker, StatementEvent, encode
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.conftest import SEED, env_for
from tests.integration.helpers import collect, produce, start_worker, stop_worker
from tests.test_schemas import assert_valid

pytestmark = pytest.mark.integration


def naba(settings_env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        env=env_for(settings_env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def json_lines(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert result.returncode == 0, result.stderr
    return [orjson.loads(line) for line in result.stdout.splitlines()]


def test_tail_returns_exactly_the_seed_statements_and_filters_select_subsets(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    text = SEED.read_text(encoding="utf-8")
    seed = RawArticle(id=stable_id(text), text=text, feed="test")
    worker = start_worker(settings_env, tmp_path / "worker.log")
    try:
        asyncio.run(produce(settings, topics.RAW, [(seed.id.encode(), encode(seed))]))
        enriched = asyncio.run(collect(settings, topics.ENRICHED, lambda r: len(r) >= 1, worker=worker))
        article = orjson.loads(enriched[0][1])
        expected = article["statements"]
        asyncio.run(collect(settings, topics.STATEMENTS, lambda r: len(r) >= len(expected), worker=worker))
    finally:
        stop_worker(worker)
    ids = [st["id"] for st in expected]

    limited = json_lines(
        naba(settings_env, "tail", "statements", "--from-beginning", "--json", "--limit", str(len(ids)))
    )
    assert [event["id"] for event in limited] == ids
    assert all(event["article_id"] == seed.id for event in limited)
    # Real events from this end-to-end run match the committed JSON Schemas.
    for event in [article, *limited]:
        assert_valid(event)
    # Without a limit, --no-follow stops at the end: nothing more than the seed's statements.
    assert [
        e["id"]
        for e in json_lines(
            naba(settings_env, "tail", "statements", "--from-beginning", "--json", "--no-follow")
        )
    ] == ids

    antonov = [st["id"] for st in expected if "أنتونوف" in st["speaker"]["name"]]
    assert 0 < len(antonov) < len(ids)
    for query in ("أنتونوف", "انتونوف"):  # with and without the hamza: the matching key folds them
        result = naba(
            settings_env,
            "tail",
            "statements",
            "--from-beginning",
            "--no-follow",
            "--json",
            "--speaker",
            query,
        )
        assert [event["id"] for event in json_lines(result)] == antonov

    cyber = [st["id"] for st in expected if "cybersecurity" in st["topics"]]
    assert 0 < len(cyber) < len(ids)
    result = naba(
        settings_env,
        "tail",
        "news.statements",
        "--from-beginning",
        "--no-follow",
        "--json",
        "--topic",
        "cybersecurity",
    )
    assert [event["id"] for event in json_lines(result)] == cyber

    direct = [st["id"] for st in expected if st["kind"] == "direct"]
    events = list(
        subscribe("statements", settings=settings, from_beginning=True, follow=False, kind="direct")
    )
    assert [event.id for event in events] == direct
    assert all(isinstance(event, StatementEvent) for event in events)

    readable = naba(settings_env, "tail", "statements", "--from-beginning", "--no-follow", "--limit", "1")
    assert readable.returncode == 0, readable.stderr
    assert expected[0]["text"] in readable.stdout
    assert "\u200f" in readable.stdout  # the Arabic lines are marked right to left

    topic_events = json_lines(
        naba(settings_env, "tail", "topics", "--from-beginning", "--no-follow", "--json")
    )
    for event in topic_events:
        assert_valid(event)
    assert sorted(event["label"] for event in topic_events) == sorted(t["label"] for t in article["topics"])


def _statement(number: int) -> StatementEvent:
    return StatementEvent(
        id=f"st-{number}",
        article_id="a-1",
        speaker=Speaker(name="أناتولي أنتونوف", type="person"),
        verb="قال",
        kind="direct",
        text=f"نص رقم {number}",
        span=[0, 5],
    )


async def produce_batch(settings: Settings, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    """Several records in one batch (sent together, then flushed)."""
    client = producer(settings, linger_ms=200)
    await client.start()
    try:
        sent = [await client.send(topic, value, key=key) for key, value in messages]
        await asyncio.gather(*sent)
    finally:
        await client.stop()


def test_tail_follows_only_new_events_and_stops_cleanly_on_ctrl_c(
    settings: Settings, settings_env: dict[str, str]
) -> None:
    ensure_topics(settings)
    # Several old events in one partition (one batch: the embedded broker's "latest" offset is wrong there).
    asyncio.run(
        produce_batch(settings, topics.STATEMENTS, [(b"a-1", encode(_statement(n))) for n in range(5)])
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "tail", "statements", "--json"],
        env=env_for(settings_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None and process.stdout is not None
        ready = process.stderr.readline()
        assert "reading statements" in ready, ready
        asyncio.run(produce(settings, topics.STATEMENTS, [(b"a-1", encode(_statement(99)))]))
        line = process.stdout.readline()
        assert orjson.loads(line)["id"] == "st-99"
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode in (0, 130)
    assert "Traceback" not in errors


def test_tail_since_a_time_skips_older_events(settings: Settings, settings_env: dict[str, str]) -> None:
    ensure_topics(settings)
    asyncio.run(produce(settings, topics.STATEMENTS, [(b"a-1", encode(_statement(n))) for n in range(3)]))
    time.sleep(1.5)
    since = time.time() - 0.5
    asyncio.run(produce(settings, topics.STATEMENTS, [(b"a-1", encode(_statement(n))) for n in range(3, 5)]))

    moment = datetime.fromtimestamp(since, UTC).isoformat()
    result = naba(settings_env, "tail", "statements", "--since", moment, "--no-follow", "--json")
    assert [event["id"] for event in json_lines(result)] == ["st-3", "st-4"]
