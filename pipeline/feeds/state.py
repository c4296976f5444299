"""What the pollers remember across restarts, in the compacted topic ``news.feed-state``.

Two kinds of records, both keyed so compaction keeps exactly what we need:

* ``feed:<url>`` - the feed's ETag, Last-Modified, body hash, failure count and next poll time,
  so a restarted poller still sends conditional requests and still honours backoff;
* ``seen:<article id>`` - the content hash and revision last published for that article.

A seen record is written only after the broker acknowledged the article itself, and a feed
record only after all of the poll's articles were marked seen: a crash in between re-publishes
(downstream dedupes by id) but never loses an article.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

# The compacted state topic is created with the pipeline's topics by ``pipeline.topics.ensure_topics``.
from pipeline.topics import FEED_STATE

_FEED = b"feed:"
_SEEN = b"seen:"


class StateError(RuntimeError):
    """The state topic could not be read; polling without it would re-publish everything."""


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    failures: int = 0
    next_poll: float = 0.0  # epoch seconds
    paused: bool = False
    last_success: float | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class Seen:
    content: str  # content hash last published
    revision: int
    feed: str  # the feed that published it; only that feed may publish revisions


@dataclass(slots=True)
class Snapshot:
    feeds: dict[str, FeedState] = dataclasses.field(default_factory=dict)
    seen: dict[str, Seen] = dataclasses.field(default_factory=dict)


def feed_key(url: str) -> bytes:
    return _FEED + url.encode()


def seen_key(article_id: str) -> bytes:
    return _SEEN + article_id.encode()


def encode_feed(state: FeedState) -> bytes:
    return orjson.dumps(dataclasses.asdict(state))


def encode_seen(seen: Seen) -> bytes:
    return orjson.dumps({"c": seen.content, "r": seen.revision, "f": seen.feed})


def apply_record(snapshot: Snapshot, key: bytes | None, value: bytes | None) -> None:
    """Fold one record of the state topic into ``snapshot`` (a None value deletes the key).

    Unreadable records are skipped: one bad record must not stop every feed.
    """
    if key is None:
        return
    try:
        if key.startswith(_FEED):
            url = key[len(_FEED) :].decode()
            if value is None:
                snapshot.feeds.pop(url, None)
                return
            data = orjson.loads(value)
            known = {f.name for f in dataclasses.fields(FeedState)}
            snapshot.feeds[url] = FeedState(**{k: v for k, v in data.items() if k in known})
        elif key.startswith(_SEEN):
            ident = key[len(_SEEN) :].decode()
            if value is None:
                snapshot.seen.pop(ident, None)
                return
            data = orjson.loads(value)
            snapshot.seen[ident] = Seen(str(data["c"]), int(data["r"]), str(data.get("f", "")))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return


def build_snapshot(records: Iterable[tuple[bytes | None, bytes | None]]) -> Snapshot:
    snapshot = Snapshot()
    for key, value in records:
        apply_record(snapshot, key, value)
    return snapshot


class StateStore(Protocol):
    async def load(self) -> Snapshot: ...

    async def save_feed(self, state: FeedState) -> None: ...

    async def save_seen(self, article_id: str, seen: Seen) -> None: ...


class MemoryStateStore:
    """The state kept as the topic's records would be; for tests and ``naba feeds check``."""

    def __init__(self) -> None:
        self.records: list[tuple[bytes, bytes]] = []

    async def load(self) -> Snapshot:
        return build_snapshot(self.records)

    async def save_feed(self, state: FeedState) -> None:
        self.records.append((feed_key(state.url), encode_feed(state)))

    async def save_seen(self, article_id: str, seen: Seen) -> None:
        self.records.append((seen_key(article_id), encode_seen(seen)))


class Sender(Protocol):
    """What KafkaStateStore needs of a producer: aiokafka's ``send_and_wait``."""

    async def send_and_wait(
        self, topic: str, value: bytes | None = None, key: bytes | None = None
    ) -> Any: ...


class KafkaStateStore:
    """The state topic. ``consumer_factory`` makes an unstarted AIOKafkaConsumer with no group."""

    def __init__(
        self,
        producer: Sender,
        consumer_factory: Callable[[], Any],
        *,
        topic: str = FEED_STATE,
        idle: float = 1.0,
        timeout: float = 120.0,
    ) -> None:
        self._producer = producer
        self._consumer_factory = consumer_factory
        self._topic = topic
        self._idle = idle
        self._timeout = timeout

    async def load(self) -> Snapshot:
        """Read the whole topic from the beginning.

        Manual ``assign`` (a group join takes seconds to a minute) and read until each partition's
        high watermark as reported by Fetch responses; ``end_offsets`` (ListOffsets) under-reports
        on Tansu. If a partition never reports a watermark, stop after ``idle`` seconds of nothing.
        """
        from aiokafka import TopicPartition

        consumer = self._consumer_factory()
        await consumer.start()
        snapshot = Snapshot()
        try:
            async with asyncio.timeout(self._timeout):
                topics = await consumer.topics()
                partitions = consumer.partitions_for_topic(self._topic) if self._topic in topics else None
                if not partitions:
                    return snapshot
                tps = [TopicPartition(self._topic, p) for p in sorted(partitions)]
                consumer.assign(tps)
                await consumer.seek_to_beginning(*tps)
                idle_since = asyncio.get_running_loop().time()
                while True:
                    batch = await consumer.getmany(*tps, timeout_ms=200, max_records=5000)
                    now = asyncio.get_running_loop().time()
                    for records in batch.values():
                        for record in records:
                            apply_record(snapshot, record.key, record.value)
                    if any(batch.values()):
                        idle_since = now
                    done = True
                    for tp in tps:
                        high = consumer.highwater(tp)
                        if high is None or await consumer.position(tp) < high:
                            done = False
                    if done or now - idle_since >= self._idle:
                        return snapshot
        except TimeoutError:
            raise StateError(f"could not read {self._topic} within {self._timeout:.0f} s") from None
        finally:
            await consumer.stop()

    async def save_feed(self, state: FeedState) -> None:
        await self._producer.send_and_wait(self._topic, encode_feed(state), key=feed_key(state.url))

    async def save_seen(self, article_id: str, seen: Seen) -> None:
        await self._producer.send_and_wait(self._topic, encode_seen(seen), key=seen_key(article_id))
