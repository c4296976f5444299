"""The tracker folds snapshots into rows with status, time lag and rates, and survives a round trip."""

from __future__ import annotations

import pytest

from pipeline.lag.offsets import PartitionOffsets
from pipeline.lag.status import Rules, Status
from pipeline.lag.tracker import LagTracker


def snap(committed: int | None, high: int) -> list[PartitionOffsets]:
    return [PartitionOffsets("naba", "news.clean", 0, committed, high, agent="enrich")]


def test_rows_carry_lag_time_lag_rates_and_status() -> None:
    tracker = LagTracker(rules=Rules(window=60.0))
    tracker.observe(snap(0, 0), now=0.0)
    tracker.observe(snap(0, 100), now=10.0)
    tracker.observe(snap(50, 200), now=20.0)
    (row,) = tracker.report(now=20.0)
    assert (row.agent, row.lag, row.committed, row.high_watermark) == ("enrich", 150, 50, 200)
    # Offset 50 was the head half-way between t=0 (hw 0, last seen) and t=10 (hw 100).
    assert row.time_lag == pytest.approx(15.0)
    assert row.consumed_rate == pytest.approx(2.5)
    assert row.produced_rate == pytest.approx(10.0)
    assert row.status is Status.WARN
    assert [lag for _, lag, _ in row.spark] == [0, 100, 150]


def test_dump_and_load_keep_the_judgement() -> None:
    tracker = LagTracker(rules=Rules(window=30.0))
    for t in (0.0, 10.0, 20.0):
        tracker.observe(snap(5, 9), now=t)
    restored = LagTracker(rules=Rules(window=30.0))
    restored.load(tracker.dump())
    restored.observe(snap(5, 9), now=40.0)
    assert restored.report(now=40.0)[0].status is Status.STOP


def test_never_committed_partition_lags_by_everything_since_the_log_start() -> None:
    tracker = LagTracker()
    tracker.observe([PartitionOffsets("g", "news.raw", 1, None, 12, log_start=2, agent="clean")], now=1.0)
    (row,) = tracker.report(now=1.0)
    assert (row.lag, row.committed, row.agent) == (10, None, "clean")
