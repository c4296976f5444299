"""A poller killed between fetching a feed and publishing its articles re-publishes them when it
restarts: nothing it fetched is remembered as seen (nor the feed's ETag) before the broker acked."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from aiohttp import web

from pipeline import topics
from pipeline.processes import die_with_parent
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.conftest import env_for
from tests.feeds.server import FeedServer
from tests.integration.helpers import TopicReader, log_tail

pytestmark = pytest.mark.integration

ETAG = '"v1"'


def poll(settings_env: dict[str, str], feeds: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "poll", "--once", "--feeds", str(feeds)],
            env=env_for({**settings_env, "PYTHONUNBUFFERED": "1"}),
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )


async def _run(settings: Settings, settings_env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    ensure_topics(settings)
    release = asyncio.Event()
    page_requested = asyncio.Event()
    feed_requests: list[str | None] = []
    async with FeedServer() as server:
        page = server.url("/article/1")
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>أخبار</title>'
            f"<item><title>الوزير يعلن خطة جديدة</title><link>{page}</link><guid>restart-1</guid>"
            "<description>قال الوزير إن الخطة ستعلن قريبا.</description></item></channel></rss>"
        ).encode()

        async def feed(request: web.Request) -> web.Response:
            feed_requests.append(request.headers.get("If-None-Match"))
            if request.headers.get("If-None-Match") == ETAG:
                return web.Response(status=304)
            return web.Response(body=body, headers={"Content-Type": "application/rss+xml", "ETag": ETAG})

        async def article(request: web.Request) -> web.Response:
            page_requested.set()
            await release.wait()  # the first poller never gets past this: it is killed here
            text = "قال الوزير إن الخطة الجديدة ستعلن الأسبوع المقبل."
            html = f"<html><body><article><p>{text}</p></article></body></html>"
            return web.Response(text=html, content_type="text/html")

        server.routes["/feed"] = feed
        server.routes["/article/1"] = article
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(
            f'[[feed]]\nname = "local"\nurl = "{server.url("/feed")}"\nallow_private = true\n'
            "full_text = true\nconnect_timeout = 5\nread_timeout = 60\ntotal_timeout = 90\n"
        )
        first = poll(settings_env, feeds, tmp_path / "poll-1.log")
        try:
            await asyncio.wait_for(page_requested.wait(), 60)
        except TimeoutError:
            raise AssertionError(log_tail(tmp_path / "poll-1.log")) from None
        first.send_signal(signal.SIGKILL)  # fetched and parsed, about to publish
        first.wait()
        async with TopicReader(settings, topics.RAW) as reader:
            before = await reader.drain()

        release.set()
        second = poll(settings_env, feeds, tmp_path / "poll-2.log")
        deadline = time.monotonic() + 60
        while second.poll() is None:
            assert time.monotonic() < deadline, log_tail(tmp_path / "poll-2.log")
            await asyncio.sleep(0.2)
        async with TopicReader(settings, topics.RAW) as reader:
            after = await reader.drain()
    return {
        "before": before,
        "after": [orjson.loads(record.value) for record in after],
        "feed_requests": feed_requests,
        "code": second.returncode,
        "log": (tmp_path / "poll-2.log").read_text(),
    }


def test_poller_killed_between_fetch_and_publish_republishes(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    result = asyncio.run(_run(settings, settings_env, tmp_path))
    assert result["before"] == [], "the killed poller published: the kill came too late to test anything"
    assert result["code"] == 0, result["log"]
    (article,) = result["after"]  # type: ignore[misc]
    assert article["title"] == "الوزير يعلن خطة جديدة"
    assert "الأسبوع المقبل" in article["text"]  # the full text, fetched by the restarted poller
    # The killed poller did not save the ETag: the restarted one fetched the feed unconditionally.
    assert result["feed_requests"] == [None, None]
