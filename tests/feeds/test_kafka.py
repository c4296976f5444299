"""The state topic and ``run_pollers`` on a real (embedded Tansu) broker started by this module."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline.broker import EmbeddedBroker
from pipeline.feeds.poller import run_pollers
from pipeline.feeds.publish import RAW, kafka_producer, state_consumer_factory
from pipeline.feeds.state import FeedState, KafkaStateStore, Seen
from pipeline.settings import Settings
from tests.conftest import free_port
from tests.feeds.server import FeedServer

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def settings() -> Iterator[Settings]:
    with EmbeddedBroker(free_port()) as broker:
        yield Settings(broker=broker.address)


async def read_all(settings: Settings, topic: str) -> list[tuple[bytes | None, Any]]:
    """Every record of ``topic`` so far (assign + read to the high watermark)."""
    from aiokafka import TopicPartition

    consumer = state_consumer_factory(settings)()
    await consumer.start()
    out: list[tuple[bytes | None, Any]] = []
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer.topics()
            partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        idle = 0
        while idle < 5:
            batch = await consumer.getmany(*tps, timeout_ms=200)
            records = [r for rs in batch.values() for r in rs]
            out.extend((r.key, orjson.loads(r.value) if r.value else None) for r in records)
            done = True
            for tp in tps:
                high = consumer.highwater(tp)
                done = done and high is not None and await consumer.position(tp) >= high
            idle = 0 if records else idle + 1
            if done and not records:
                break
    finally:
        await consumer.stop()
    return out


async def test_state_store_round_trip(settings: Settings) -> None:
    topic = "test.feed-state-roundtrip"
    async with kafka_producer(settings) as producer:
        store = KafkaStateStore(producer, state_consumer_factory(settings), topic=topic)
        assert (await store.load()).seen == {}  # topic does not exist yet
        await store.save_feed(FeedState(url="http://a/", etag='"1"', failures=2, next_poll=5.0))
        await store.save_feed(FeedState(url="http://a/", etag='"2"'))
        for i in range(50):
            await store.save_seen(f"id{i}", Seen(f"c{i}", 0, "a"))
        await store.save_seen("id7", Seen("c7b", 1, "a"))
        await producer.send_and_wait(topic, None, key=b"seen:id8")  # a tombstone
        snapshot = await KafkaStateStore(producer, state_consumer_factory(settings), topic=topic).load()
    assert snapshot.feeds == {"http://a/": FeedState(url="http://a/", etag='"2"')}
    assert len(snapshot.seen) == 49 and "id8" not in snapshot.seen
    assert snapshot.seen["id7"] == Seen("c7b", 1, "a")


def rss(*items: str) -> bytes:
    body = "".join(
        f"<item><title>خبر رقم {n}</title><link>https://news.example/{n}</link>"
        f"<description>نص الخبر رقم {n}</description></item>"
        for n in items
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>أخبار</title>'
    return f"{head}{body}</channel></rss>".encode()


async def test_poll_twice_new_item_restart_on_the_broker(settings: Settings, tmp_path: Path) -> None:
    async with FeedServer() as server:
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(
            f'[[feed]]\nname = "local"\nurl = "{server.url("/feed")}"\nallow_private = true\n'
            "connect_timeout = 2\nread_timeout = 2\ntotal_timeout = 5\n"
        )
        server.static("/feed", rss("2", "1"), ETag='"a"')

        first = await run_pollers(settings, once=True, feeds_file=feeds)
        assert first.published == 2, first.format()
        second = await run_pollers(settings, once=True, feeds_file=feeds)  # a restarted poller
        assert second.published == 0 and second.results[0].status == "not_modified", second.format()
        assert server.requests[-1].headers.get("If-None-Match") == '"a"'  # state came from the topic

        server.static("/feed", rss("3", "2", "1"), ETag='"b"')
        third = await run_pollers(settings, once=True, feeds_file=feeds)
        assert third.published == 1, third.format()
        # A new ETag on the same bytes: the remembered body hash says "not modified".
        server.static("/feed", rss("3", "2", "1"), ETag='"c"')
        fourth = await run_pollers(settings, once=True, feeds_file=feeds)
        assert fourth.published == 0 and fourth.results[0].status == "not_modified", fourth.format()
        # The same items in a new document: all three recognised from the seen ids in the topic.
        server.static("/feed", rss("3", "2", "1").replace(b"<title>", b"<title>\n", 1), ETag='"d"')
        fifth = await run_pollers(settings, once=True, feeds_file=feeds)
        assert fifth.published == 0 and fifth.results[0].duplicates == 3, fifth.format()

    raw = await read_all(settings, RAW)
    assert sorted(r["title"] for _, r in raw) == ["خبر رقم 1", "خبر رقم 2", "خبر رقم 3"]
    assert all(key is not None and key.decode() == r["id"] for key, r in raw)


async def test_run_until_stopped(settings: Settings, tmp_path: Path) -> None:
    async with FeedServer() as server:
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(
            f'[[feed]]\nname = "loop"\nurl = "{server.url("/loop")}"\nallow_private = true\n'
            "interval = 0.1\nmin_interval = 0.1\n"
        )
        server.static("/loop", rss("x1"))
        stop = asyncio.Event()
        task = asyncio.create_task(run_pollers(settings, once=False, stop=stop, feeds_file=feeds))
        for _ in range(300):
            if len(server.requests) >= 2:
                break
            await asyncio.sleep(0.05)
        stop.set()
        summary = await asyncio.wait_for(task, 10)
    assert len(server.requests) >= 2 and summary.results[0].feed == "loop"
