"""The worker's /metrics (parsed by prometheus_client) and its live /dashboard in a real headless chromium."""

from __future__ import annotations

import asyncio
import os
import time
import urllib.request
from pathlib import Path

import orjson
import pytest
from aiokafka import TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from pipeline import topics
from pipeline.clients import consumer
from pipeline.feeds.state import FeedState, encode_feed, feed_key
from pipeline.identity import stable_id
from pipeline.models import RawArticle, encode
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.conftest import SEED
from tests.integration.browser import Browser, chromium
from tests.integration.helpers import collect, produce, start_worker, stop_worker

pytestmark = pytest.mark.integration

PROBE = "naba-probe"  # a second group on news.clean that nobody consumes for: its lag only grows


def get(settings: Settings, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{settings.web_port}{path}", timeout=10) as response:
        return bytes(response.read())


def wait_for_json(settings: Settings, ready: object, timeout: float = 90.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    data: object = None
    while True:
        try:
            data = orjson.loads(get(settings, "/lag.json"))
            if callable(ready) and ready(data):
                return dict(data)  # type: ignore[call-overload]
        except OSError:
            pass
        assert time.monotonic() < deadline, f"the worker's /lag.json never got ready: {_brief(data)}"
        time.sleep(1.0)


def raw_articles(count: int) -> list[tuple[bytes | None, bytes | None]]:
    text = SEED.read_text(encoding="utf-8")
    out: list[tuple[bytes | None, bytes | None]] = []
    for i in range(count):
        article = RawArticle(id=stable_id(f"{text}{i}"), text=f"{text}\n\n{i}", feed="test")
        out.append((article.id.encode(), encode(article)))
    out.append((b"broken", b"{not json"))
    return out


async def commit_probe(settings: Settings, offset: int) -> None:
    client = consumer(settings, group_id=PROBE)
    await client.start()
    try:
        partition = TopicPartition(topics.CLEAN, 0)
        client.assign([partition])
        await client.commit({partition: offset})
    finally:
        await client.stop()


def test_metrics_parse_and_count_what_was_produced(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    articles = raw_articles(3)
    worker = start_worker(settings_env, tmp_path / "worker.log")
    try:
        asyncio.run(produce(settings, topics.RAW, articles))
        asyncio.run(collect(settings, topics.ENRICHED, lambda r: len(r) >= 3, worker=worker))
        statements = len(asyncio.run(collect(settings, topics.STATEMENTS, lambda r: False, timeout=3)))
        wait_for_json(settings, lambda d: d["dlq"]["total"] == 1 and d["agents"]["enrich"]["consumed"] == 3)
        text = get(settings, "/metrics").decode()
    finally:
        stop_worker(worker)

    families = {family.name: family for family in text_string_to_metric_families(text)}

    def total(name: str, **labels: str) -> float:
        return sum(
            s.value
            for s in families[name].samples
            if s.name == f"{name}_total" and all(s.labels.get(k) == v for k, v in labels.items())
        )

    assert total("naba_agent_events_consumed", agent="clean", topic=topics.RAW) == len(articles)
    assert total("naba_agent_events_consumed", agent="enrich", topic=topics.CLEAN) == 3
    assert total("naba_agent_events_produced", agent="clean", topic=topics.CLEAN) == 3
    assert total("naba_dlq_events", stage="clean") == 1
    assert total("naba_agent_errors", stage="clean", kind="invalid") == 1
    assert total("naba_statements_extracted", agent="enrich") == statements > 0
    latency = families["naba_agent_processing_seconds"]
    count = [s.value for s in latency.samples if s.name.endswith("_count") and s.labels["agent"] == "enrich"]
    assert count == [3.0]
    lag = [s for s in families["naba_consumer_offset_lag"].samples if s.labels["group"] == settings.app_id]
    assert {s.labels["topic"] for s in lag} == {topics.RAW, topics.CLEAN}
    assert all(s.value >= 0 for s in lag)
    assert [s.value for s in families["naba_dlq_topic_records"].samples] == [1.0]


FEED_URL = "https://news.example/rss.xml"


async def publish_feed_state(settings: Settings) -> None:
    """What a poller saves after two failed polls: the dashboard shows it as feed health."""
    now = time.time()
    state = FeedState(FEED_URL, failures=2, next_poll=now + 600, last_success=now - 900, last_error="timeout")
    await produce(settings, topics.FEED_STATE, [(feed_key(FEED_URL), encode_feed(state))])


@pytest.mark.skipif(chromium() is None, reason="Debian chromium is not installed (make test installs it)")
def test_dashboard_in_headless_chromium(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    asyncio.run(commit_probe(settings, 0))
    asyncio.run(publish_feed_state(settings))
    worker = start_worker(settings_env, tmp_path / "worker.log")
    url = f"http://127.0.0.1:{settings.web_port}/dashboard"
    row = f"document.querySelector('tr[data-key=\"{PROBE}|{topics.CLEAN}|0\"] td.lag')"
    # NABA_SCREENSHOTS=docs keeps the pictures for the README.
    shots = Path(os.environ.get("NABA_SCREENSHOTS", tmp_path))

    async def scenario() -> tuple[list[str], str, str, int, list[tuple[str, str]]]:
        async with Browser(tmp_path / "profile") as browser:
            wait_for_json(settings, lambda d: any(p["group"] == PROBE for p in d["partitions"]))
            await browser.open(url)
            before = await browser.wait_for(f"{row}?.textContent")
            await produce(settings, topics.RAW, raw_articles(4))
            after = await browser.wait_for(f"({row}?.textContent ?? '0') !== '{before}' && {row}.textContent")
            agents = await browser.evaluate("document.querySelectorAll('#lag tbody tr[data-key]').length")
            await browser.wait_for("document.getElementById('dlq-total').textContent === '1'")
            feed = await browser.wait_for("document.querySelector('#feeds tbody').textContent")
            languages = []
            for _ in range(2):  # both languages, whichever the browser starts in
                direction = await browser.evaluate("document.documentElement.dir")
                title = await browser.evaluate("document.querySelector('[data-t=title]').textContent")
                languages.append((direction, title))
                await browser.screenshot(shots / f"dashboard-{'ar' if direction == 'rtl' else 'en'}.png")
                await browser.evaluate("document.getElementById('lang').click()")
            assert FEED_URL in feed and "timeout" in feed, feed
            return browser.errors, before, after, agents, languages

    try:
        errors, before, after, rows, languages = asyncio.run(scenario())
    finally:
        stop_worker(worker)
    assert errors == []
    assert before == "0"
    assert after not in ("0", "", None), f"the probe group's lag stayed {before}"
    # The app's group: one row per partition of news.raw and news.clean; plus the probe's partitions.
    assert rows == 2 * settings.partitions + settings.partitions
    assert {direction for direction, _ in languages} == {"rtl", "ltr"}
    for direction, title in languages:
        arabic = any("\u0600" <= char <= "\u06ff" for char in title)
        assert arabic == (direction == "rtl"), (direction, title)
    for name in ("dashboard-ar.png", "dashboard-en.png"):
        assert (shots / name).stat().st_size > 10_000


def _brief(data: object) -> str:
    if not isinstance(data, dict):
        return repr(data)
    return repr({key: data.get(key) for key in ("status", "sample_error", "agents", "dlq")})
