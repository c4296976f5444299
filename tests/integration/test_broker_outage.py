"""The broker absent at start, then gone for 30 s: worker, poller and tail wait, retry, resume.

Each process logs one line per broker state change (waiting / answers / lost / answers again),
not a stack of client errors per second. The embedded broker keeps nothing across a restart: it
comes back on the same port, the topics are created again, and new articles flow end to end.

The article published after the outage is chosen to share article 1's partition (same keys, same
partition in every topic): in the emptied log it lands at offset 0, below the offsets the readers had
reached. A reader that kept its old position would never see it (the embedded broker answers a fetch
beyond the log end with nothing, not OFFSET_OUT_OF_RANGE).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiokafka.partitioner import DefaultPartitioner

from pipeline.broker import EmbeddedBroker
from pipeline.feeds.identity import article_id
from pipeline.processes import die_with_parent, stop_process
from pipeline.settings import load_settings
from pipeline.topics import ensure_topics
from tests.conftest import env_for, free_port
from tests.feeds.server import FeedServer
from tests.integration.helpers import log_tail

pytestmark = [pytest.mark.integration, pytest.mark.slow]

OUTAGE = 30.0
WAIT = "120"


def guid(n: int) -> str:
    # A global GUID: the article id (the Kafka key) does not depend on the feed server's port.
    return f"tag:news.example,2026:outage-{n}"


def sharing_partition_with(first: int, partitions: int) -> int:
    """The smallest article number after ``first`` whose key hashes to ``first``'s partition."""

    def partition(n: int) -> int:
        key = article_id(guid=guid(n), link=None, title=None, published=None, feed_url="").encode()
        return int(DefaultPartitioner()(key, list(range(partitions)), list(range(partitions))))

    return next(n for n in range(first + 1, first + 1000) if partition(n) == partition(first))


def rss(*numbers: int) -> bytes:
    items = "".join(
        f"<item><title>خبر رقم {n}</title><link>https://news.example/outage/{n}</link>"
        f"<guid isPermaLink='false'>{guid(n)}</guid>"
        f"<description>قال وزير الخارجية إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة، الخبر رقم {n}."
        "</description></item>"
        for n in numbers
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>أخبار</title>'
    return f"{head}{items}</channel></rss>".encode()


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", *args],
            env=env_for({**env, "PYTHONUNBUFFERED": "1"}),
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )


async def until(
    condition: object, timeout: float, what: str, processes: dict[str, tuple[subprocess.Popen[bytes], Path]]
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        for name, (process, log) in processes.items():
            assert process.poll() is None, f"{name} exited with {process.returncode}:\n{log_tail(log)}"
        assert time.monotonic() < deadline, f"{what} did not happen in {timeout:.0f} s:\n" + "\n".join(
            f"--- {name}\n{log_tail(log, 15)}" for name, (_, log) in processes.items()
        )
        await asyncio.sleep(0.3)


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


async def _run(tmp_path: Path) -> dict[str, str]:
    port = free_port()
    env = {
        "NABA_BROKER": "embedded",
        "NABA_EMBEDDED_PORT": str(port),
        "NABA_WEB_PORT": str(free_port()),
        "NABA_DATA_DIR": str(tmp_path / "naba"),
        "NABA_APP_ID": f"naba-outage-{tmp_path.name}",
        "NABA_LOG_LEVEL": "info",
    }
    settings = load_settings(environ=env)
    async with FeedServer() as server:
        server.static("/feed", rss(1))
        feeds = tmp_path / "feeds.toml"
        feeds.write_text(
            f'[[feed]]\nname = "local"\nurl = "{server.url("/feed")}"\nallow_private = true\n'
            "interval = 1\nmin_interval = 1\nbackoff_base = 1\nbackoff_max = 4\n"
            "connect_timeout = 10\nread_timeout = 10\ntotal_timeout = 20\n"
        )
        logs = {name: tmp_path / f"{name}.log" for name in ("worker", "poller", "tail")}
        out = tmp_path / "tail.out"
        processes = {
            "worker": spawn(["worker", "--wait", WAIT], env, logs["worker"]),
            "poller": spawn(
                ["poll", "--wait", WAIT, "--feeds", str(feeds), "--metrics-port", str(free_port())],
                env,
                logs["poller"],
            ),
        }
        with out.open("wb") as tail_out, logs["tail"].open("ab") as tail_err:
            processes["tail"] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pipeline.cli",
                    "tail",
                    "enriched",
                    "--json",
                    "--from-beginning",
                    "--wait",
                    WAIT,
                ],
                env=env_for({**env, "PYTHONUNBUFFERED": "1"}),
                stdout=tail_out,
                stderr=tail_err,
                preexec_fn=die_with_parent,
            )
        watched = {name: (process, logs[name]) for name, process in processes.items()}
        broker = EmbeddedBroker(port, log_path=tmp_path / "broker.log")
        try:
            await until(
                lambda: all("waiting up to" in text(log) for log in logs.values()), 60, "waiting", watched
            )
            await asyncio.sleep(2)  # a while without a broker: still one line each
            # Blocking calls run in threads: the feed server shares this event loop.
            await asyncio.to_thread(broker.start)
            await until(lambda: "خبر رقم 1" in text(out), 120, "article 1 end to end", watched)

            await asyncio.to_thread(broker.stop)
            await asyncio.sleep(OUTAGE)
            broker = EmbeddedBroker(port, log_path=tmp_path / "broker.log")
            await asyncio.to_thread(broker.start)
            # Memory only: the restarted broker has no topics.
            await asyncio.to_thread(ensure_topics, settings)
            after = sharing_partition_with(1, settings.partitions)
            server.static("/feed", rss(after, 1))
            await until(
                lambda: f"خبر رقم {after}" in text(out), 150, f"article {after} after the outage", watched
            )
            # Each process's probe says so on its own backoff schedule (a probe ~36 s after the loss
            # can come just after the article did): wait for the line rather than race it.
            await until(
                lambda: all("answers again after" in text(log) for log in logs.values()),
                60,
                "'answers again' in every log",
                watched,
            )
        finally:
            for process in processes.values():
                stop_process(process, 20)
            broker.stop()
    return {name: text(log) for name, log in logs.items()}


def test_worker_poller_and_tail_wait_for_the_broker_and_survive_an_outage(tmp_path: Path) -> None:
    logs = asyncio.run(_run(tmp_path))
    for name, log in logs.items():
        lines = log.splitlines()
        errors = [line for line in lines if " ERROR " in line or "[ERROR]" in line]
        print(
            f"\n{name}: {len(lines)} log lines, {len(errors)} error lines, "
            f"{log.count('lost the broker')} 'lost', {log.count('answers again after')} 'answers again'"
        )
        assert log.count("no broker answers at") == 1, (name, log[-3000:])
        assert log.count("answers after") == 1, (name, log[-3000:])
        assert 1 <= log.count("lost the broker") <= 3, (name, log[-3000:])
        assert log.count("answers again after") >= 1, (name, log[-3000:])
        assert "Traceback" not in log, (name, log[-3000:])
        # One line per state change, not one per failed attempt: the outage lasted 30 s.
        assert len(errors) <= 10, (name, errors[:20])
