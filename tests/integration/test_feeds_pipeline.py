"""A local Arabic feed polled by `naba poll --once` comes out of news.enriched, once per article."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from aiohttp import web

from pipeline import topics
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.conftest import env_for
from tests.integration.helpers import collect, start_worker, stop_worker

pytestmark = pytest.mark.integration

ITEM = (
    "<item><title>{title}</title><link>https://news.example/{n}</link><guid>https://news.example/{n}</guid>"
    "<pubDate>Sun, 29 Nov 2026 10:0{n}:00 GMT</pubDate>"
    "<description><![CDATA[<p>{body}</p>]]></description></item>"
)
BODIES = [
    "قال وزير الخارجية إن المحادثات “تسير في الاتجاه الصحيح”، مؤكداً أن الجولة المقبلة ستعقد الشهر المقبل.",
    "أكدت وزارة الصحة في بيان أن عدد الإصابات تراجع خلال الأسبوع الماضي.",
    "وقال المتحدث باسم الحكومة: “لن نقبل بأي تدخل في شؤوننا الداخلية”.",
]


class FeedServer:
    """An RSS feed on 127.0.0.1 whose items the test can change between polls."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_get("/feed.xml", self._feed)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())

    async def _feed(self, request: web.Request) -> web.Response:
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>أخبار</title>'
            f"<link>https://news.example/</link>{''.join(self.items)}</channel></rss>"
        )
        return web.Response(body=body.encode(), content_type="application/rss+xml")

    def start(self) -> None:
        self._thread.start()
        self._ready.wait(10)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture()
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    server.start()
    yield server
    server.stop()


def _poll(settings_env: dict[str, str], feeds: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "poll", "--once", "--feeds", str(feeds)],
        env=env_for(settings_env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_polled_articles_are_enriched_once_across_polls_and_restarts(
    feed_server: FeedServer, settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        f'[[feed]]\nname = "local"\nurl = "http://127.0.0.1:{feed_server.port}/feed.xml"\n'
        'language = "ar"\nenabled = true\nallow_private = true\n'
    )
    feed_server.items = [ITEM.format(n=n, title=f"خبر {n}", body=BODIES[n]) for n in range(2)]
    ensure_topics(settings)
    first = _poll(settings_env, feeds)
    assert first.returncode == 0, first.stderr
    assert "2 article(s) published" in first.stdout
    again = _poll(settings_env, feeds)  # a new process: the state comes back from news.feed-state
    assert again.returncode == 0, again.stderr
    assert "0 article(s) published" in again.stdout
    feed_server.items.append(ITEM.format(n=2, title="خبر 2", body=BODIES[2]))
    third = _poll(settings_env, feeds)
    assert "1 article(s) published" in third.stdout, third.stdout

    raw = asyncio.run(collect(settings, topics.RAW, lambda records: False, timeout=3))
    assert len(raw) == 3
    worker = start_worker(settings_env, tmp_path / "worker.log")
    try:
        enriched = asyncio.run(collect(settings, topics.ENRICHED, lambda r: len(r) >= 3, worker=worker))
    finally:
        stop_worker(worker)
    articles = {orjson.loads(value)["url"]: orjson.loads(value) for _, value in enriched}
    assert set(articles) == {f"https://news.example/{n}" for n in range(3)}
    assert articles["https://news.example/0"]["statements"], "the minister's quote is a statement"
    assert all(article["feed"] == "local" for article in articles.values())
