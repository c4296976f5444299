"""Producers outrun the agents: the worker's memory plateaus (Faust pauses fetching when its
buffers are full) and nothing is dropped. A measurement of memory, not of time."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from pipeline import topics
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.integration.articles import messages
from tests.integration.helpers import TopicReader, log_tail, produce_many, start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 10_000
# Each raw article carries 30 KB of padding in a field the stages ignore: a 300 MB backlog that costs
# little CPU to process. A worker that buffered its whole backlog would hold it all in memory.
PADDING = 30_000
CAP_MB = 400.0
GROWTH = 1.3


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


async def _run(settings: Settings, settings_env: dict[str, str], log: Path) -> dict[str, object]:
    ensure_topics(settings)
    worker = start_worker(settings_env, log)
    samples: list[float] = []
    try:
        deadline = time.monotonic() + 90
        while "Worker ready" not in log.read_text(errors="replace"):
            assert worker.poll() is None and time.monotonic() < deadline, log_tail(log)
            await asyncio.sleep(0.2)
        idle = rss_mb(worker.pid)
        pad = b',"padding":"' + b"x" * PADDING + b'"}'
        batch = [(key, value[:-1] + pad) for key, value in messages(ARTICLES, prefix="flood") if value]
        backlog_mb = sum(len(value) for _, value in batch) / 1e6
        expected = {key.decode() for key, _ in batch if key is not None}
        started = time.monotonic()
        await produce_many(settings, topics.RAW, batch)  # the whole backlog at once, as fast as it goes
        produced_in = time.monotonic() - started
        seen: set[str] = set()
        duplicates = 0
        async with TopicReader(settings, topics.ENRICHED) as reader:
            deadline = time.monotonic() + 240
            while not expected <= seen and time.monotonic() < deadline:
                assert worker.poll() is None, log_tail(log)
                samples.append(rss_mb(worker.pid))
                for record in await reader.read(timeout_ms=500):
                    key = (record.key or b"").decode()
                    duplicates += key in seen
                    seen.add(key)
        consumed_in = time.monotonic() - started
    finally:
        stop_worker(worker)
    return {
        "idle": idle,
        "backlog_mb": backlog_mb,
        "samples": samples,
        "missing": expected - seen,
        "duplicates": duplicates,
        "produced_in": produced_in,
        "consumed_in": consumed_in,
    }


def test_worker_memory_plateaus_under_a_flood_and_nothing_is_dropped(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    result = asyncio.run(_run(settings, settings_env, tmp_path / "worker.log"))
    samples: list[float] = result["samples"]  # type: ignore[assignment]
    half = len(samples) // 2
    first, second = max(samples[:half]), max(samples[half:])
    backlog: float = result["backlog_mb"]  # type: ignore[assignment]
    print(
        f"\nbackpressure: {ARTICLES} articles ({backlog:.0f} MB) produced in {result['produced_in']:.1f} s, "
        "all enriched after "
        f"{result['consumed_in']:.1f} s; worker RSS idle {result['idle']:.0f} MB, max first half "
        f"{first:.0f} MB, max second half {second:.0f} MB ({len(samples)} samples), "
        f"{result['duplicates']} duplicate(s)"
    )
    assert not result["missing"], f"{len(result['missing'])} article(s) dropped"  # type: ignore[arg-type]
    assert len(samples) >= 10, "too few samples to tell a plateau"
    assert second <= GROWTH * first, f"RSS still growing: {first:.0f} MB -> {second:.0f} MB"
    assert max(samples) <= CAP_MB
    # Bounded: the worker never held more than a fraction of what waited for it.
    assert max(samples) - float(result["idle"]) <= backlog / 3  # type: ignore[arg-type]
