from __future__ import annotations

import orjson

from pipeline.feeds.state import (
    FeedState,
    MemoryStateStore,
    Seen,
    build_snapshot,
    encode_feed,
    encode_seen,
    feed_key,
    seen_key,
)
from pipeline.settings import Settings
from pipeline.topics import FEED_STATE, FEED_STATE_CONFIG, pipeline_specs


def test_state_topic_is_created_compacted_with_one_partition() -> None:
    spec = next(s for s in pipeline_specs(Settings()) if s.name == FEED_STATE)
    assert FEED_STATE == "news.feed-state" and spec.partitions == 1
    assert spec.config == FEED_STATE_CONFIG == {"cleanup.policy": "compact"}


def test_records_round_trip_and_later_records_win() -> None:
    feed = FeedState(
        url="https://a.example/rss",
        etag='"x"',
        last_modified="Wed",
        body_hash="h",
        failures=2,
        next_poll=12.5,
        paused=True,
        last_success=3.0,
        last_error="http: 500",
    )
    snapshot = build_snapshot(
        [
            (feed_key(feed.url), encode_feed(FeedState(url=feed.url))),
            (feed_key(feed.url), encode_feed(feed)),
            (seen_key("id1"), encode_seen(Seen("c1", 0, "a"))),
            (seen_key("id1"), encode_seen(Seen("c2", 1, "a"))),
            (seen_key("id2"), encode_seen(Seen("c3", 0, "b"))),
            (seen_key("id2"), None),  # tombstone
        ]
    )
    assert snapshot.feeds == {feed.url: feed}
    assert snapshot.seen == {"id1": Seen("c2", 1, "a")}


def test_unreadable_records_are_skipped() -> None:
    snapshot = build_snapshot(
        [
            (None, b"{}"),
            (b"other:key", b"{}"),
            (seen_key("bad"), b"not json"),
            (seen_key("half"), orjson.dumps({"c": "x"})),
            (feed_key("u"), orjson.dumps({"etag": "no url"})),
            (b"seen:\xff", encode_seen(Seen("c", 0, "f"))),
            (seen_key("good"), encode_seen(Seen("c", 0, "f"))),
        ]
    )
    assert snapshot.seen == {"good": Seen("c", 0, "f")} and snapshot.feeds == {}


def test_feed_records_from_newer_versions_keep_known_fields() -> None:
    snapshot = build_snapshot([(feed_key("u"), orjson.dumps({"url": "u", "etag": "e", "added_later": 1}))])
    assert snapshot.feeds["u"] == FeedState(url="u", etag="e")


async def test_memory_store() -> None:
    store = MemoryStateStore()
    await store.save_feed(FeedState(url="u", failures=1))
    await store.save_seen("i", Seen("c", 0, "f"))
    snapshot = await store.load()
    assert snapshot.feeds["u"].failures == 1 and snapshot.seen["i"] == Seen("c", 0, "f")
