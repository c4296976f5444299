"""End to end on the embedded broker: naba and two passthrough baselines on the same messages.

Every run gets a fresh broker (memory storage: nothing carries over), the same N raw messages
pre-loaded on ``news.raw``, then the contestant's process(es). An observer in this process reads the
contestant's output topic and notes when each message arrives; throughput is measured from the first
output to the N-th, so group joins and start-up are left out (they are reported apart). CPU seconds
and peak RSS of the contestant's processes come from /proc.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from benchmarks.corpus import PROJECT, raw_message, raw_messages, seed_text
from benchmarks.processes import cpu_seconds, peak_rss_mb
from benchmarks.timing import percentile
from pipeline import topics
from pipeline.broker import EmbeddedBroker
from pipeline.processes import die_with_parent, stop_process
from pipeline.settings import Settings, load_settings
from pipeline.topics import TopicSpec, ensure_topics
from pipeline.transport import FETCH_MAX_WAIT_MS

PASS_TARGET = "bench.out"
PARTITIONS = 8

Messages = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class Contestant:
    name: str
    target: str
    #: argv and environment of worker number i, given the broker's settings.
    command: Callable[[Settings, int], tuple[list[str], dict[str, str]]]
    #: The source tree the processes run from (another revision of naba for a before/after run).
    project: Path = PROJECT


def _naba_worker(settings: Settings, index: int, project: Path = PROJECT) -> tuple[list[str], dict[str, str]]:
    env = {
        "NABA_BROKER": "embedded",
        "NABA_EMBEDDED_PORT": str(settings.embedded_port),
        "NABA_WEB_PORT": str(_free_port()),
        "NABA_DATA_DIR": str(settings.data_dir / f"worker-{index}"),
        "NABA_APP_ID": settings.app_id,
        "NABA_LOG_LEVEL": "warning",
        "NABA_CONFIG_DIR": str(project / "config"),
    }
    return [sys.executable, "-m", "pipeline.cli", "worker"], env


def _passthrough(kind: str) -> Callable[[Settings, int], tuple[list[str], dict[str, str]]]:
    def command(settings: Settings, index: int) -> tuple[list[str], dict[str, str]]:
        del index
        argv = [sys.executable, "-m", "benchmarks.passthrough", kind, "--bootstrap", settings.bootstrap]
        argv += ["--source", topics.RAW, "--target", PASS_TARGET, "--group", f"{settings.app_id}-{kind}"]
        return argv, {}

    return command


NABA = Contestant("naba", topics.ENRICHED, _naba_worker)


def naba_from(project: Path, name: str) -> Contestant:
    """naba's worker run from another source tree (e.g. ``git archive`` of an earlier revision)."""
    return Contestant(name, topics.ENRICHED, partial(_naba_worker, project=project), project)


AIOKAFKA = Contestant("aiokafka", PASS_TARGET, _passthrough("aiokafka"))
FAUST = Contestant("faust", PASS_TARGET, _passthrough("faust"))
CONTESTANTS = {c.name: c for c in (AIOKAFKA, FAUST, NABA)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _settings(port: int, data_dir: Path) -> Settings:
    return load_settings(
        environ={
            "NABA_BROKER": "embedded",
            "NABA_EMBEDDED_PORT": str(port),
            "NABA_DATA_DIR": str(data_dir),
            "NABA_APP_ID": f"bench-{port}",
            "NABA_PARTITIONS": str(PARTITIONS),
        }
    )


class Run:
    """A fresh broker with ``news.raw`` (and the other topics) ready; a context manager."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.broker = EmbeddedBroker(_free_port(), log_path=workdir / "broker.log")
        self.settings = _settings(self.broker.port, workdir / "naba")
        self.processes: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Run:
        self.broker.start()
        ensure_topics(self.settings, [TopicSpec(PASS_TARGET, PARTITIONS)])
        return self

    def __exit__(self, *_: object) -> None:
        for process in self.processes:
            stop_process(process, timeout=10)
        self.broker.stop()

    def broker_cpu(self) -> float:
        process = self.broker.process
        return cpu_seconds(process.pid) if process is not None else 0.0

    def start(self, contestant: Contestant, workers: int) -> list[subprocess.Popen[bytes]]:
        for index in range(workers):
            argv, extra = contestant.command(self.settings, index)
            env = {k: v for k, v in os.environ.items() if not k.startswith("NABA_")}
            env.update(extra)
            env["PYTHONPATH"] = str(contestant.project) + os.pathsep + env.get("PYTHONPATH", "")
            log = (self.workdir / f"{contestant.name}-{index}.log").open("ab")
            self.processes.append(
                subprocess.Popen(
                    argv,
                    env=env,
                    cwd=contestant.project,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=die_with_parent,
                )
            )
            log.close()
        return self.processes


async def produce(settings: Settings, messages: Messages) -> float:
    """Load ``news.raw`` as fast as possible; returns the seconds it took."""
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap, acks="all", linger_ms=20, max_batch_size=1_048_576
    )
    await producer.start()
    start = time.monotonic()
    try:
        futures = [await producer.send(topics.RAW, value, key=key) for key, value in messages]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return time.monotonic() - start


async def _observer(settings: Settings, topic: str) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,  # the embedded broker answers late on longer waits
    )
    await consumer.start()
    partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
    consumer.assign(partitions)
    await consumer.seek_to_beginning(*partitions)
    return consumer


def _check_alive(processes: list[subprocess.Popen[bytes]], name: str) -> None:
    for process in processes:
        if process.poll() is not None:
            raise RuntimeError(f"{name}: a worker exited with code {process.returncode}; see its log")


async def throughput(
    contestant: Contestant, messages: Messages, workers: int = 1, timeout: float = 900.0
) -> dict[str, object]:
    """Run ``contestant`` over ``messages`` on a fresh broker; its throughput, CPU and memory."""
    count = len(messages)
    with tempfile.TemporaryDirectory(prefix=f"naba-bench-{contestant.name}-") as tmp, Run(Path(tmp)) as run:
        load_seconds = await produce(run.settings, messages)
        observer = await _observer(run.settings, contestant.target)
        try:
            started = time.monotonic()
            processes = run.start(contestant, workers)
            arrivals: list[float] = []
            cpu_at_first = broker_at_first = observer_at_first = 0.0
            deadline = started + timeout
            while len(arrivals) < count:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{contestant.name}: {len(arrivals)}/{count} outputs after {timeout} s"
                    )
                _check_alive(processes, contestant.name)
                batches = await observer.getmany(timeout_ms=200)
                now = time.monotonic()
                if not arrivals and any(batches.values()):
                    cpu_at_first = sum(cpu_seconds(p.pid) for p in processes)
                    broker_at_first, observer_at_first = run.broker_cpu(), time.process_time()
                arrivals.extend(now for records in batches.values() for _ in records)
            cpu = sum(cpu_seconds(p.pid) for p in processes)
            broker_cpu = run.broker_cpu() - broker_at_first
            observer_cpu = time.process_time() - observer_at_first
            rss = [peak_rss_mb(p.pid) for p in processes]
        finally:
            await observer.stop()
    first, last = arrivals[0], arrivals[count - 1]
    window = max(last - first, 1e-9)
    return {
        "contestant": contestant.name,
        "workers": workers,
        "articles": count,
        "articles_per_s": (count - 1) / window,
        "seconds": window,
        "seconds_to_first_output": first - started,
        "seconds_incl_startup": last - started,
        "cpu_seconds": cpu,
        # CPU of the worker processes while they moved the articles (start-up left out): on a shared
        # machine this varies less than the wall-clock rate.
        "cpu_ms_per_article": (cpu - cpu_at_first) / (count - 1) * 1000 if count > 1 else float("nan"),
        "cpu_seconds_startup": cpu_at_first,
        # Where the rest of the two cores went while the articles moved.
        "broker_cpu_ms_per_article": broker_cpu / (count - 1) * 1000 if count > 1 else float("nan"),
        "observer_cpu_ms_per_article": observer_cpu / (count - 1) * 1000 if count > 1 else float("nan"),
        "peak_rss_mb": rss,
        "load_seconds": load_seconds,
    }


async def latency(
    messages: Messages,
    rate: float,
    workers: int = 1,
    drain_timeout: float = 120.0,
    contestant: Contestant = NABA,
) -> dict[str, object]:
    """Offer ``messages`` to a running naba at ``rate`` articles/s; raw -> enriched latency percentiles.

    A message's latency runs from the moment it was due to be offered (not when the offering loop got
    to it: a late offerer must not hide a slow pipeline) to reading its enriched event back. The clock
    starts only once the group is stable with every worker in it and every partition has carried one
    article through (a worker joining late would rebalance in the middle of the measurement).
    """
    with tempfile.TemporaryDirectory(prefix="naba-bench-latency-") as tmp, Run(Path(tmp)) as run:
        processes = run.start(contestant, workers)
        producer = AIOKafkaProducer(bootstrap_servers=run.settings.bootstrap, acks="all", linger_ms=0)
        await producer.start()
        observer = await _observer(run.settings, topics.ENRICHED)
        sent: dict[bytes, float] = {}
        latencies: list[float] = []
        late: list[float] = []
        try:
            await _wait_for_group(run.settings.app_id, run.settings, workers, processes)
            await _warm_up(producer, observer, processes)

            async def offer() -> None:
                start = time.monotonic()
                for index, (key, value) in enumerate(messages):
                    due = start + index / rate
                    delay = due - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    else:
                        late.append(-delay)
                    sent[key] = due
                    await producer.send(topics.RAW, value, key=key)

            offering = asyncio.create_task(offer())
            offer_started = time.monotonic()
            drain_deadline: float | None = None
            while len(latencies) < len(messages):
                if offering.done() and drain_deadline is None:
                    await offering
                    drain_deadline = time.monotonic() + drain_timeout
                if drain_deadline is not None and time.monotonic() > drain_deadline:
                    break
                _check_alive(processes, contestant.name)
                batches = await observer.getmany(timeout_ms=50)
                now = time.monotonic()
                for records in batches.values():
                    for record in records:
                        if record.key in sent:
                            latencies.append(now - sent.pop(record.key))
            elapsed = time.monotonic() - offer_started
            rss = [peak_rss_mb(p.pid) for p in processes]
        finally:
            await observer.stop()
            await producer.stop()
    return {
        "contestant": contestant.name,
        "rate": rate,
        "workers": workers,
        "offered": len(messages),
        "delivered": len(latencies),
        "achieved_articles_per_s": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p90_ms": percentile(latencies, 90) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "max_ms": max(latencies, default=float("nan")) * 1000,
        # How far behind schedule the benchmark's own offering loop fell (counted in the latencies).
        "offer_late_max_ms": max(late, default=0.0) * 1000,
        "peak_rss_mb": rss,
    }


async def _wait_for_group(
    group: str,
    settings: Settings,
    members: int,
    processes: list[subprocess.Popen[bytes]],
    timeout: float = 120,
) -> None:
    """Until the consumer group is Stable with ``members`` members."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap)
    await admin.start()
    try:
        deadline = time.monotonic() + timeout
        while True:
            _check_alive(processes, group)
            (response,) = await admin.describe_consumer_groups([group])
            (description,) = response.groups
            if description[2] == "Stable" and len(description[5]) == members:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"group {group}: not stable with {members} members after {timeout} s")
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


async def _warm_up(
    producer: AIOKafkaProducer,
    observer: AIOKafkaConsumer,
    processes: list[subprocess.Popen[bytes]],
    timeout: float = 120,
) -> None:
    """One article through every partition: each worker has started its streams and loaded its caches."""
    warm = [raw_message(seed_text(), 9_000_000 + partition) for partition in range(PARTITIONS)]
    for partition, (key, value) in enumerate(warm):
        await producer.send_and_wait(topics.RAW, value, key=key, partition=partition)
    keys = {key for key, _ in warm}  # an enriched event's key is its article's id, as here
    deadline = time.monotonic() + timeout
    while keys:
        _check_alive(processes, "warm-up")
        if time.monotonic() > deadline:
            raise RuntimeError(f"no enriched output for {len(keys)} warm-up article(s) within {timeout} s")
        for records in (await observer.getmany(timeout_ms=200)).values():
            keys.difference_update(record.key for record in records)


def messages_for(count: int, text: str | None = None) -> Messages:
    return raw_messages(count, text)
