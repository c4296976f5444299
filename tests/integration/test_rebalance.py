"""Two workers share the partitions; SIGTERM one mid-stream: the other takes over, nothing is lost.

The stopped worker must shut down gracefully within a bounded time: Faust waits for in-flight
events, commits what was processed, flushes its producer, leaves the group, and exits 0.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline import topics
from pipeline.settings import Settings
from pipeline.topics import admin_client, ensure_topics
from tests.conftest import free_port
from tests.integration.articles import messages
from tests.integration.helpers import TopicReader, log_tail, produce_many, start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 3_000
CHUNK = 100  # produced every PACE seconds: the stream is still flowing when the worker is stopped
PACE = 0.5
STOP_BOUND = 30.0  # seconds a SIGTERMed worker may take to exit


def _owns_partitions(log: Path) -> bool:
    """After its latest rebalance, did this worker get partitions? (Faust logs which branch it took.)"""
    text = log.read_text(errors="replace")
    return text.rfind("Seek stream partitions to committed offsets") > text.rfind(
        "Resuming streams with empty assignment"
    )


def _rebalances(log: Path) -> int:
    return log.read_text(errors="replace").count("Executing _on_partitions_assigned")


async def _stream(settings: Settings, batch: list[tuple[bytes | None, bytes | None]]) -> None:
    for start in range(0, len(batch), CHUNK):
        await produce_many(settings, topics.RAW, batch[start : start + CHUNK])
        await asyncio.sleep(PACE)


async def _ready(log: Path, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while "Worker ready" not in log.read_text(errors="replace"):
        assert process.poll() is None, log_tail(log)
        assert time.monotonic() < deadline, f"worker not ready in {timeout} s:\n{log_tail(log)}"
        await asyncio.sleep(0.2)


async def _run(settings: Settings, settings_env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    ensure_topics(settings)
    batch = messages(ARTICLES, prefix="rebalance")
    expected = {key.decode() for key, _ in batch if key is not None}
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    stopped = start_worker(settings_env, logs[0])
    seen: collections.Counter[str] = collections.Counter()
    dup_partitions: collections.Counter[int] = collections.Counter()
    survivor: subprocess.Popen[bytes] | None = None
    try:
        await _ready(logs[0], stopped)
        # The second member joins once the first is ready: one rebalance splits the partitions.
        survivor = start_worker({**settings_env, "NABA_WEB_PORT": str(free_port())}, logs[1])
        await _ready(logs[1], survivor)
        async with TopicReader(settings, topics.ENRICHED) as reader:
            producing = asyncio.create_task(_stream(settings, batch))
            deadline = time.monotonic() + 90
            while len(seen) < ARTICLES // 5:
                assert time.monotonic() < deadline, "too little enriched in time"
                assert stopped.poll() is None and survivor.poll() is None
                for r in await reader.read():
                    if r.key:
                        if r.key.decode() in seen:
                            dup_partitions[r.partition] += 1
                        seen[r.key.decode()] += 1
            # Both members own partitions (and events flow) before one of them is stopped.
            assert _owns_partitions(logs[0]) and _owns_partitions(logs[1]), log_tail(logs[0])
            rebalances = _rebalances(logs[1])
            at_stop = len(seen)
            stopped.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            exit_seconds = None
            deadline = time.monotonic() + 180
            while not expected <= seen.keys() and time.monotonic() < deadline:
                assert survivor.poll() is None, log_tail(logs[1])
                if exit_seconds is None and stopped.poll() is not None:
                    exit_seconds = time.monotonic() - signalled
                assert exit_seconds is not None or time.monotonic() - signalled < STOP_BOUND, (
                    f"the SIGTERMed worker did not exit within {STOP_BOUND} s:\n{log_tail(logs[0])}"
                )
                for r in await reader.read():
                    if r.key:
                        if r.key.decode() in seen:
                            dup_partitions[r.partition] += 1
                        seen[r.key.decode()] += 1
            await producing
            taken_over = _rebalances(logs[1]) > rebalances and _owns_partitions(logs[1])
            if exit_seconds is None:
                stopped.wait(max(0.1, STOP_BOUND - (time.monotonic() - signalled)))
                exit_seconds = time.monotonic() - signalled
    finally:
        if survivor is not None:
            stop_worker(survivor)
        stop_worker(stopped)
    return {
        "seen": seen,
        "expected": expected,
        "at_stop": at_stop,
        "exit_seconds": exit_seconds,
        "exit_code": stopped.returncode,
        "taken_over": taken_over,
        "dup_partitions": dup_partitions,
        "log": logs[0].read_text(errors="replace"),
    }


def test_sigterm_one_of_two_workers_survivor_takes_over(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    result = asyncio.run(_run(settings, settings_env, tmp_path))
    seen: collections.Counter[str] = result["seen"]
    expected: set[str] = result["expected"]
    duplicates = sum(count - 1 for count in seen.values() if count > 1)
    print(
        f"\nrebalance: {len(expected)} articles, {result['at_stop']} enriched before SIGTERM, "
        f"{len(expected & seen.keys())} in the end, {duplicates} duplicate(s); stopped worker exited "
        f"with {result['exit_code']} after {result['exit_seconds']:.1f} s; duplicates by partition "
        f"{dict(sorted(result['dup_partitions'].items()))}"
    )
    assert result["at_stop"] < len(expected), "everything was done before the stop: nothing was tested"
    missing = expected - seen.keys()
    assert not missing, f"{len(missing)} article(s) lost, e.g. {sorted(missing)[:5]}"
    # Graceful: exited by itself, in bounded time, after waiting for its streams and flushing.
    assert result["exit_code"] == 0, result["log"][-3000:]
    assert result["exit_seconds"] < STOP_BOUND
    log = result["log"]
    assert log.index("Signal received: 15") < log.index("Wait for streams") < log.index("Flush producer")
    # The survivor rebalanced after the stop and took partitions: the articles produced after the
    # stop onto the stopped worker's partitions are in `seen` only because it processes them now.
    assert result["taken_over"]


async def _graceful(settings: Settings, settings_env: dict[str, str], log: Path) -> dict[str, Any]:
    ensure_topics(settings)
    batch = messages(ARTICLES, prefix="graceful")
    worker = start_worker(settings_env, log)
    producing = asyncio.create_task(_stream(settings, batch))
    try:
        await _ready(log, worker)
        async with TopicReader(settings, topics.CLEAN) as reader:
            cleaned = 0
            deadline = time.monotonic() + 90
            while cleaned < ARTICLES // 4:
                assert time.monotonic() < deadline and worker.poll() is None, log_tail(log)
                cleaned += len(await reader.read())
        worker.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        worker.wait(STOP_BOUND)
        exit_seconds = time.monotonic() - signalled
    finally:
        producing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await producing
        stop_worker(worker)
    admin = admin_client(settings)
    try:
        committed = {
            (tp.topic, tp.partition): meta.offset
            for tp, meta in admin.list_group_offsets(settings.app_id)[settings.app_id].items()
        }
    finally:
        admin.close()
    # What the worker produced, per output topic and partition (the source partition: same key, same
    # partition count). The clean agent sends an article's news.clean and news.enriched events in one pass.
    produced: collections.Counter[tuple[str, int]] = collections.Counter()
    async with TopicReader(settings, topics.CLEAN, topics.ENRICHED) as reader:
        for _ in range(10):  # a few empty reads in a row: everything there was has been read
            records = await reader.read(timeout_ms=500)
            produced.update((r.topic, r.partition) for r in records)
    return {
        "committed": committed,
        "produced": produced,
        "exit_seconds": exit_seconds,
        "code": worker.returncode,
    }


def test_sigterm_mid_stream_commits_exactly_what_was_produced(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    """In-flight events are finished and committed, their outputs flushed; nothing else is committed.

    For each news.raw partition: its news.clean and news.enriched outputs == its committed offset.
    Fewer outputs would be a loss on restart (committed but never produced); more would mean processed
    work left uncommitted.
    """
    result = asyncio.run(_graceful(settings, settings_env, tmp_path / "worker.log"))
    committed, produced = result["committed"], result["produced"]
    print(
        f"\ngraceful stop: exit {result['code']} after {result['exit_seconds']:.1f} s; "
        f"committed {sum(committed.values())} offsets, produced {sum(produced.values())} outputs"
    )
    assert result["code"] == 0
    assert sum(committed.get((topics.RAW, p), 0) for p in range(settings.partitions)) < ARTICLES
    for partition in range(settings.partitions):
        done = committed.get((topics.RAW, partition), 0)
        for output in (topics.CLEAN, topics.ENRICHED):
            assert produced[output, partition] == done, (output, partition, produced[output, partition], done)
        # The enrich agent passes by the news.clean events enriched in that pass: it commits no further.
        assert committed.get((topics.CLEAN, partition), 0) <= produced[topics.CLEAN, partition]
