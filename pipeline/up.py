"""`naba up`: the whole pipeline in one command, on the embedded broker unless Kafka is configured.

Starts (or reuses) the broker, creates the topics, starts a worker child process, replays the seeds
and prints each statement as it comes out. Everything it started is stopped on the way out, on
Ctrl-C and on errors too; the worker child also dies with us if we are killed (PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka import TopicPartition

from pipeline import topics
from pipeline.broker import running_broker
from pipeline.clients import consumer
from pipeline.models import DeadLetter, EnrichedArticle, EventError, StatementEvent, TopicEvent, decode
from pipeline.processes import die_with_parent, stop_process
from pipeline.replay import replay
from pipeline.settings import Settings
from pipeline.tail import format_event
from pipeline.topics import ensure_topics, partition_counts

WORKER_STOP_TIMEOUT = 20.0


@dataclass(slots=True)
class Tally:
    """What came out for the replayed articles (duplicates of at-least-once delivery count once)."""

    expected: set[str]
    enriched: dict[str, set[str]] = field(default_factory=dict)  # article id -> its statement ids
    statement_ids: dict[str, set[str]] = field(default_factory=dict)  # article id -> statements seen
    topic_events: set[tuple[str, str]] = field(default_factory=set)  # (article id, label)
    failed: dict[str, str] = field(default_factory=dict)
    dead_letters: int = 0

    @property
    def missing(self) -> set[str]:
        return self.expected - set(self.enriched)

    @property
    def statements(self) -> int:
        return sum(len(self.statement_ids.get(article, ())) for article in self.expected)

    @property
    def settled(self) -> bool:
        """Every article enriched or dead-lettered, and every statement of each enriched one read."""
        if self.expected - set(self.enriched) - set(self.failed):
            return False
        return all(ids <= self.statement_ids.get(article, set()) for article, ids in self.enriched.items())


def run_up(settings: Settings, *, once: bool, timeout: float, quiet: bool, config: str | None) -> int:
    started = time.monotonic()
    log_path = settings.data_dir / "worker.log"
    signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops as cleanly as Ctrl-C
    try:
        with running_broker(settings) as broker:
            where = broker.address if broker else settings.bootstrap
            _say(f"broker on {where}" + (" (embedded, memory only)" if settings.embedded else ""))
            created = ensure_topics(settings)
            _say(f"topics ready ({len(created)} created, {settings.partitions} partitions each)")
            worker = start_worker(settings, config, log_path)
            try:
                web = f"http://{settings.web_host}:{settings.web_port}"
                _say(f"worker started (pid {worker.pid}, log {log_path}); web on {web}/")
                _say(f"dashboard on {web}/dashboard (metrics on {web}/metrics; `naba lag` in another shell)")
                tally = asyncio.run(_follow(settings, worker, once=once, timeout=timeout, quiet=quiet))
            finally:
                # The worker stops before the broker, so it can commit and leave its group cleanly.
                if not stop_process(worker, WORKER_STOP_TIMEOUT):
                    _say(f"the worker did not stop within {WORKER_STOP_TIMEOUT:.0f} s and was killed")
    except KeyboardInterrupt:
        _say("stopping")
        return 130
    return _summary(tally, time.monotonic() - started, once)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def start_worker(settings: Settings, config: str | None, log_path: Path) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pipeline.cli", *(["--config", config] if config else []), "worker"]
    with log_path.open("ab") as log:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
            process_group=0,  # Ctrl-C reaches `naba up` only: it stops the worker, then the broker
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


async def _follow(
    settings: Settings, worker: subprocess.Popen[bytes], *, once: bool, timeout: float, quiet: bool
) -> Tally:
    reader = consumer(settings)
    await reader.start()
    try:
        watched = (topics.ENRICHED, topics.STATEMENTS, topics.TOPICS, topics.DLQ)
        counts = partition_counts(settings, watched)
        partitions = [TopicPartition(name, p) for name in watched for p in range(counts[name])]
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        ids = await replay(settings, [str(settings.seeds)], progress=False)
        tally = Tally(expected=set(ids))
        _say(f"replayed {len(ids)} seed article(s) from {settings.seeds}")
        deadline = time.monotonic() + timeout
        while not (once and tally.settled):
            if worker.poll() is not None:
                raise SystemExit(f"naba: error: the worker exited with code {worker.returncode}; see its log")
            if once and time.monotonic() > deadline:
                break
            batches = await reader.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    _take(tally, record.topic, record.value, quiet)
        return tally
    finally:
        await reader.stop()


def _take(tally: Tally, topic: str, value: bytes | None, quiet: bool) -> None:
    with contextlib.suppress(EventError):
        if topic == topics.ENRICHED:
            article = decode(EnrichedArticle, value)
            if article.id in tally.expected:
                tally.enriched[article.id] = {statement.id for statement in article.statements}
        elif topic == topics.STATEMENTS:
            statement = decode(StatementEvent, value)
            seen = tally.statement_ids.setdefault(statement.article_id, set())
            if statement.id not in seen:  # a redelivered duplicate prints once
                seen.add(statement.id)
                if not quiet:
                    print(format_event(statement, color=sys.stdout.isatty()) + "\n", flush=True)
        elif topic == topics.TOPICS:
            event = decode(TopicEvent, value)
            if event.article_id in tally.expected:
                tally.topic_events.add((event.article_id, event.label))
        elif topic == topics.DLQ:
            letter = decode(DeadLetter, value)
            tally.dead_letters += 1
            key = (letter.original_key() or b"").decode("utf-8", "replace")
            if key in tally.expected:
                tally.failed[key] = letter.error
            _say(f"dead letter from {letter.stage}: {letter.error}")


def _summary(tally: Tally, seconds: float, once: bool) -> int:
    _say(
        f"summary: {len(tally.enriched)}/{len(tally.expected)} articles enriched, "
        f"{tally.statements} statements, {len(tally.topic_events)} topic events, "
        f"{tally.dead_letters} dead letters, "
        f"{seconds:.1f} s"
    )
    for article_id, error in tally.failed.items():
        _say(f"article {article_id} was dead-lettered: {error}")
    if once and tally.missing:
        _say(f"missing: {', '.join(sorted(tally.missing))}")
        return 1
    return 0


def _say(message: str) -> None:
    print(f"naba: {message}", file=sys.stderr, flush=True)
