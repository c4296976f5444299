from __future__ import annotations

from pipeline.feeds.check import check_feed
from pipeline.feeds.fetch import Limits
from tests.feeds.server import FeedServer, fixture, redirect

FAST = Limits(connect_timeout=1.0, read_timeout=1.0, total_timeout=2.0)


async def test_check_reports_items_encoding_and_problems() -> None:
    async with FeedServer() as server:
        server.static("/feed", fixture("rss-mislabelled-1252.xml"), ETag='"e1"')
        server.routes["/old"] = redirect("/feed", 301)
        report = await check_feed(server.url("/old"), allow_private=True, limits=FAST)
    assert report.ok and report.final_url == server.url("/feed")
    assert [i.item.title for i in report.items] == [
        "الحكومة تعلن خطة جديدة للإسكان",
        "افتتاح مهرجان الفيلم العربي",
    ]
    text = report.format()
    assert "final url: " + server.url("/feed") in text
    assert "declared windows-1252, decoded as windows-1256" in text
    assert "الحكومة تعلن خطة جديدة للإسكان" in text and "https://cp.example/n/1" in text
    assert "mojibake" in text and "2 of 2 item(s) without a date" in text
    assert 'ETag "e1"' in text


async def test_check_refuses_private_addresses_unless_allowed() -> None:
    async with FeedServer() as server:
        server.static("/feed", fixture("rss20.xml"))
        report = await check_feed(server.url("/feed"), limits=FAST)
    assert not report.ok and report.error_kind == "blocked"
    assert "ERROR (blocked)" in report.format() and "127.0.0.1 is a loopback address" in report.format()
    assert "--allow-private" in report.format()
    assert server.requests == []


async def test_check_reports_http_errors_and_non_feeds() -> None:
    async with FeedServer() as server:
        server.static("/page", fixture("not-a-feed.html"), content_type="text/html")
        missing = await check_feed(server.url("/missing"), allow_private=True, limits=FAST)
        page = await check_feed(server.url("/page"), allow_private=True, limits=FAST)
    assert (missing.error_kind, missing.status) == ("http", 404)
    assert not page.ok and any("not a feed" in p for p in page.problems)
    assert "items:     0" in page.format()
