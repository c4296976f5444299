from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import orjson
import pytest
from aiohttp import web

from pipeline.feeds.config import FeedConfig, FeedsConfig, PollerConfig
from pipeline.feeds.fetch import HttpClient, Limits
from pipeline.feeds.metrics import Metrics
from pipeline.feeds.poller import Poller
from pipeline.feeds.state import MemoryStateStore, Seen
from tests.feeds.server import FeedServer, fixture, reply

FAST = Limits(connect_timeout=1.0, read_timeout=1.0, total_timeout=2.0)
NOW = 1_714_000_000.0


class FakePublisher:
    """Acknowledges every record (or raises once ``fail_after`` records were accepted)."""

    def __init__(self) -> None:
        self.records: list[tuple[bytes, dict[str, Any]]] = []
        self.fail_after: int | None = None

    async def publish(self, key: bytes, value: bytes) -> None:
        if self.fail_after is not None and len(self.records) >= self.fail_after:
            raise ConnectionError("broker unavailable")
        self.records.append((key, orjson.loads(value)))


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def rss(*items: tuple[str, str, str]) -> bytes:
    """A feed of (guid, title, description) items, newest first."""
    body = "".join(
        f"<item><title>{t}</title><link>https://news.example/{g}</link><guid isPermaLink='false'>{g}</guid>"
        f"<description>{d}</description></item>"
        for g, t, d in items
    )
    doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>أخبار</title>{body}'
    return (doc + "</channel></rss>").encode()


ONE = ("n1", "الخبر الأول", "نص الخبر الأول")
TWO = ("n2", "الخبر الثاني", "نص الخبر الثاني")
THREE = ("n3", "الخبر الثالث", "نص الخبر الثالث")


class Setup:
    def __init__(self, server: FeedServer, client: HttpClient, **feed: Any) -> None:
        self.server = server
        self.client = client
        self.publisher = FakePublisher()
        self.store = MemoryStateStore()
        self.clock = Clock()
        self.metrics = Metrics()
        defaults: dict[str, Any] = {
            "name": "test",
            "url": server.url("/feed"),
            "allow_private": True,
            "interval": 600,
            "min_interval": 60,
            "backoff_base": 60,
            "max_failures": 3,
            "limits": FAST,
        }
        self.feed = FeedConfig(**{**defaults, **feed})
        self.poller = self.restart()

    def restart(self) -> Poller:
        config = FeedsConfig(PollerConfig(), (self.feed,))
        return Poller(
            config,
            client=self.client,
            publisher=self.publisher,
            store=self.store,
            metrics=self.metrics,
            clock=self.clock,
            rand=lambda: 0.5,
            extract=lambda body, url, ctype: None,
        )

    @property
    def titles(self) -> list[str]:
        return [record["title"] for _, record in self.publisher.records]


def serve_versioned(server: FeedServer, body: bytes, etag: str | None = None) -> None:
    """Serve ``body`` with an ETag and honour If-None-Match, as a well-behaved server does."""

    async def handler(request: web.Request) -> web.Response:
        headers = {"Content-Type": "application/rss+xml"}
        if etag:
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers=headers)

    server.routes["/feed"] = handler


async def test_poll_twice_new_item_restart_and_revision() -> None:
    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client)
        await s.poller.load()
        serve_versioned(server, rss(TWO, ONE), etag='"v1"')

        first = await s.poller.poll(s.feed)
        assert (first.status, first.new) == ("published", 2)
        assert s.titles == ["الخبر الأول", "الخبر الثاني"]  # oldest first
        key, record = s.publisher.records[0]
        assert key.decode() == record["id"] and len(record["id"]) == 32
        assert record["schema"] == "naba.raw/1" and record["revision"] == 0
        assert record["feed"] == "test" and record["language"] == "ar" and record["text"] == "نص الخبر الأول"
        assert record["url"] == "https://news.example/n1" and record["fetched_at"] == "2024-04-24T23:06:40Z"

        # Second poll: the server answers 304 to our If-None-Match; nothing is published.
        second = await s.poller.poll(s.feed)
        assert second.status == "not_modified" and len(s.publisher.records) == 2
        assert server.requests[-1].headers["If-None-Match"] == '"v1"'

        # A new item: exactly one new record.
        serve_versioned(server, rss(THREE, TWO, ONE), etag='"v2"')
        third = await s.poller.poll(s.feed)
        assert (third.new, third.duplicates) == (1, 2) and s.titles[-1] == "الخبر الثالث"

        # Restart: state comes back from the store; conditional GET and seen ids survive.
        s.poller = s.restart()
        await s.poller.load()
        again = await s.poller.poll(s.feed)
        assert again.status == "not_modified" and server.requests[-1].headers["If-None-Match"] == '"v2"'
        # Same items in a changed document (a new lastBuildDate): all duplicates.
        rebuilt = rss(THREE, TWO, ONE).replace(
            b"<channel>", b"<channel><lastBuildDate>Thu, 25 Apr 2024</lastBuildDate>"
        )
        serve_versioned(server, rebuilt, etag='"v3"')
        again = await s.poller.poll(s.feed)
        assert (again.status, again.duplicates) == ("unchanged", 3) and len(s.publisher.records) == 3

        # An edited item is published again under the same id with revision 1.
        edited = (TWO[0], TWO[1], "نص الخبر الثاني بعد التعديل")
        serve_versioned(server, rss(THREE, edited, ONE), etag='"v4"')
        revised = await s.poller.poll(s.feed)
        assert (revised.new, revised.revised) == (0, 1)
        _, record = s.publisher.records[-1]
        assert record["revision"] == 1 and record["text"] == "نص الخبر الثاني بعد التعديل"
        assert record["id"] == s.publisher.records[1][1]["id"]

        m = s.poller.metrics.snapshot()["test"]
        assert (m["polls"], m["not_modified"], m["new_items"], m["revisions"]) == (6, 2, 3, 1)
        assert m["duplicates"] == 2 + 3 + 2 and m["last_success"] == NOW and m["errors"] == {}


async def test_unchanged_body_without_etag_counts_as_not_modified() -> None:
    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client)
        await s.poller.load()
        server.static("/feed", rss(ONE))
        assert (await s.poller.poll(s.feed)).new == 1
        assert (await s.poller.poll(s.feed)).status == "not_modified"
        # A 200 carrying the ETag we already have is "not modified" too.
        server.static("/feed", rss(ONE, TWO), ETag='"same"')
        await s.poller.poll(s.feed)
        assert (await s.poller.poll(s.feed)).status == "not_modified"


async def test_error_backoff_then_recovery() -> None:
    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client)
        await s.poller.load()
        server.routes["/feed"] = reply(500)
        failed = await s.poller.poll(s.feed)
        assert (failed.status, failed.error_kind) == ("error", "http")
        assert failed.next_poll == NOW + 45  # 60 s backoff, equal jitter with rand=0.5
        # --once keeps the manners: the feed is skipped while backing off.
        skipped = (await s.poller.poll_once()).results[0]
        assert skipped.status == "skipped" and skipped.error_kind == "backoff"
        s.clock.now += 46
        server.static("/feed", rss(ONE))
        summary = await s.poller.poll_once()
        assert summary.published == 1 and summary.errors == 0
        assert s.poller.state(s.feed).failures == 0
        m = s.poller.metrics.snapshot()["test"]
        assert m["errors"] == {"http": 1} and m["consecutive_failures"] == 0 and m["backoff"] == 0


async def test_retry_after_is_honoured_and_remembered() -> None:
    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client)
        await s.poller.load()
        server.routes["/feed"] = reply(429, **{"Retry-After": "1800"})
        result = await s.poller.poll(s.feed)
        assert result.next_poll == NOW + 1800
        s.poller = s.restart()
        await s.poller.load()  # a restarted poller still waits
        assert (await s.poller.poll_once()).results[0].status == "skipped"
        assert s.poller.metrics.snapshot()["test"]["consecutive_failures"] == 1


async def test_feed_failing_repeatedly_is_paused_and_reported() -> None:
    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client)
        await s.poller.load()
        server.static("/feed", fixture("not-a-feed.html"), content_type="text/html")
        results = []
        for _ in range(3):
            s.clock.now = s.poller.state(s.feed).next_poll
            results.append(await s.poller.poll(s.feed))
        assert [r.error_kind for r in results] == ["parse"] * 3
        assert [r.paused for r in results] == [False, False, True]
        assert results[-1].next_poll == s.clock.now + s.feed.pause and s.poller.state(s.feed).paused
        s.clock.now = s.poller.state(s.feed).next_poll
        summary = await s.poller.poll_once()  # due for its one probe after the pause
        assert summary.results[0].paused  # and it fails again: paused again
        s.clock.now += 60
        summary = await s.poller.poll_once()
        assert summary.results[0].status == "skipped" and summary.results[0].error_kind == "paused"
        assert "(paused)" in summary.format()
        assert s.poller.metrics.snapshot()["test"]["paused"] is True


async def test_publish_failure_loses_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="pipeline.feeds.poller")
    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client)
        await s.poller.load()
        serve_versioned(server, rss(THREE, TWO, ONE), etag='"v1"')
        s.publisher.fail_after = 1
        failed = await s.poller.poll(s.feed)
        assert failed.error_kind == "publish" and len(s.publisher.records) == 1
        # The ETag was not saved, so the next poll fetches the whole feed again ...
        assert s.poller.state(s.feed).etag is None
        s.publisher.fail_after = None
        s.clock.now = s.poller.state(s.feed).next_poll
        recovered = await s.poller.poll(s.feed)
        # ... and publishes exactly the two that were not acknowledged.
        assert (recovered.new, recovered.duplicates) == (2, 1)
        # The log says so: after "publish: ...; retry in N s", a line for the poll that worked.
        assert "feed test: published after 1 failure(s) - 2 new, 0 revised" in caplog.messages
        assert s.titles == ["الخبر الأول", "الخبر الثاني", "الخبر الثالث"]
        # A broker outage is not the feed's fault: it never pauses the feed.
        s.publisher.fail_after = 0
        serve_versioned(server, rss(("n9", "جديد", "نص")), etag='"v9"')
        for _ in range(5):
            s.clock.now = s.poller.state(s.feed).next_poll
            assert not (await s.poller.poll(s.feed)).paused


class FlakySeenStore(MemoryStateStore):
    """Saves feed records; fails to save seen records while ``failing`` (a broker error)."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = True

    async def save_seen(self, article_id: str, seen: Seen) -> None:
        if self.failing:
            raise ConnectionError("state topic unavailable")
        await super().save_seen(article_id, seen)


async def test_seen_mark_failure_is_reported_as_state_not_as_a_failed_publish() -> None:
    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client)
        s.store = FlakySeenStore()
        s.poller = s.restart()
        await s.poller.load()
        serve_versioned(server, rss(TWO, ONE), etag='"v1"')
        failed = await s.poller.poll(s.feed)
        # Both articles are in the topic; the error says what did not work.
        assert s.titles == ["الخبر الأول", "الخبر الثاني"]
        assert failed.error_kind == "state" and not failed.paused
        assert failed.error == (
            "2 article(s) published but not marked seen: ConnectionError: state topic unavailable"
        )
        s.store.failing = False
        s.clock.now = s.poller.state(s.feed).next_poll
        again = await s.poller.poll(s.feed)
        # Not published twice by this process: it remembers what the broker acknowledged.
        assert (again.status, again.new, again.duplicates) == ("unchanged", 0, 2)
        assert len(s.publisher.records) == 2


async def test_items_sharing_a_guid_and_cross_feed_copies() -> None:
    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client)
        await s.poller.load()
        server.static("/feed", fixture("same-guid.xml"))
        assert (await s.poller.poll(s.feed)).new == 3
        # Another feed carrying the same articles (same links, other text) publishes nothing new,
        # and does not flip-flop revisions with the first feed.
        other = dataclasses.replace(s.feed, name="other", url=server.url("/other"))
        server.static("/other", fixture("same-guid.xml").replace("أ".encode(), "نص آخر".encode()))
        result = await s.poller.poll(other)
        assert (result.new, result.revised, result.duplicates) == (0, 0, 3)


async def test_full_text_from_the_article_page_with_fallback() -> None:
    from pipeline.feeds.fulltext import extract_main_text

    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client, full_text=True)
        s.poller = s.restart()
        s.poller._extract = extract_main_text
        await s.poller.load()
        page = server.url("/article/1")
        missing = server.url("/article/2")
        feed = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<item><title>الحكومة تعلن خطة جديدة للإسكان</title><link>{page}</link>"
            "<description>مقتطف</description></item>"
            f"<item><title>خبر بلا صفحة</title><link>{missing}</link>"
            "<description>نص من الخلاصة</description></item>"
            "</channel></rss>"
        )
        server.static("/feed", feed.encode())
        server.static("/article/1", fixture("article-undeclared-1256.html"), content_type="text/html")
        result = await s.poller.poll(s.feed)
        assert result.new == 2
        texts = {r["title"]: r["text"] for _, r in s.publisher.records}
        # The page was windows-1256 without any declaration: still extracted as Arabic.
        assert texts["الحكومة تعلن خطة جديدة للإسكان"].startswith("أعلنت الحكومة اليوم عن خطة جديدة")
        assert "جميع الحقوق محفوظة" not in texts["الحكومة تعلن خطة جديدة للإسكان"]  # boilerplate gone
        assert texts["خبر بلا صفحة"] == "نص من الخلاصة"
        assert any("article/2" in p and "using the feed's text" in p for p in result.problems)


async def test_run_polls_on_schedule_until_stopped() -> None:
    async with FeedServer() as server, HttpClient() as client:
        s = Setup(server, client, interval=0.05, min_interval=0.05)
        s.poller = Poller(
            FeedsConfig(PollerConfig(), (s.feed,)), client=client, publisher=s.publisher, store=s.store
        )
        await s.poller.load()
        server.static("/feed", rss(ONE))
        stop = asyncio.Event()
        runner = asyncio.create_task(s.poller.run(stop))
        for _ in range(200):
            if len(server.requests) >= 3:
                break
            await asyncio.sleep(0.02)
        stop.set()
        await asyncio.wait_for(runner, 2)
        assert len(server.requests) >= 3 and len(s.publisher.records) == 1
        assert s.poller.summary().results[0].status == "not_modified"
