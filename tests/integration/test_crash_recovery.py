"""Kill -9 a worker in the middle of 5 000 articles, start another: every article comes out enriched.

At-least-once: the killed worker's uncommitted events are processed again by the next one, so
duplicates are expected (and counted); a missing id would be a loss.
"""

from __future__ import annotations

import asyncio
import collections
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pipeline import topics
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.integration.articles import messages
from tests.integration.helpers import TopicReader, log_tail, produce_many, start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLES = 5_000
KILL_AFTER = 600  # enriched ids seen before the SIGKILL: well into the stream, far from its end


async def _run(settings: Settings, settings_env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    ensure_topics(settings)
    batch = messages(ARTICLES, prefix="crash")
    expected = {key.decode() for key, _ in batch if key is not None}
    await produce_many(settings, topics.RAW, batch)

    seen: collections.Counter[str] = collections.Counter()
    first = start_worker(settings_env, tmp_path / "worker-1.log")
    second: subprocess.Popen[bytes] | None = None
    try:
        async with TopicReader(settings, topics.ENRICHED) as reader:
            deadline = time.monotonic() + 120
            while len(seen) < KILL_AFTER:
                assert first.poll() is None, log_tail(tmp_path / "worker-1.log")
                assert time.monotonic() < deadline, "the first worker enriched too little in time"
                seen.update(record.key.decode() for record in await reader.read() if record.key)
            first.send_signal(signal.SIGKILL)
            first.wait()
            at_kill = len(seen)

            second = start_worker(settings_env, tmp_path / "worker-2.log")
            restarted = time.monotonic()
            deadline = restarted + 180
            while not expected <= seen.keys() and time.monotonic() < deadline:
                assert second.poll() is None, log_tail(tmp_path / "worker-2.log")
                seen.update(record.key.decode() for record in await reader.read() if record.key)
            recovered = time.monotonic() - restarted
    finally:
        if second is not None:
            stop_worker(second)
        stop_worker(first)
    return {"seen": seen, "expected": expected, "at_kill": at_kill, "recovered": recovered}


def test_kill_9_mid_replay_loses_nothing(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    result = asyncio.run(_run(settings, settings_env, tmp_path))
    seen: collections.Counter[str] = result["seen"]  # type: ignore[assignment]
    expected: set[str] = result["expected"]  # type: ignore[assignment]
    duplicates = sum(count - 1 for count in seen.values() if count > 1)
    print(
        f"\ncrash recovery: {len(expected)} articles, {result['at_kill']} enriched before SIGKILL, "
        f"{len(expected & seen.keys())} enriched in the end, {duplicates} duplicate(s) "
        f"({sum(1 for c in seen.values() if c > 1)} id(s) twice or more), "
        f"second worker finished in {result['recovered']:.1f} s"
    )
    assert result["at_kill"] < len(expected), "the worker finished before it was killed: nothing was tested"
    missing = expected - seen.keys()
    assert not missing, f"{len(missing)} article(s) lost, e.g. {sorted(missing)[:5]}; see worker-2.log"
    assert seen.keys() <= expected
