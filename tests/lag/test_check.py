"""`naba lag`'s verdict, table and history file: exit codes a cron job can use."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from pipeline.lag.check import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_WARN,
    as_json,
    exit_code,
    format_table,
    load_tracker,
    save_tracker,
)
from pipeline.lag.offsets import PartitionOffsets
from pipeline.lag.status import Rules, Status
from pipeline.lag.tracker import LagTracker, PartitionLag
from pipeline.settings import Settings


def row(status: Status, lag: int = 3, time_lag: float | None = 1.5) -> PartitionLag:
    return PartitionLag("naba", "enrich", "news.clean", 0, 7, 7 + lag, lag, time_lag, status, 0.5, 1.0, [])


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ([Status.OK, Status.OK], EXIT_OK),
        ([Status.OK, Status.WARN], EXIT_WARN),
        ([Status.WARN, Status.STALL], EXIT_ERROR),
        ([Status.STOP], EXIT_ERROR),
        ([Status.REWIND, Status.OK], EXIT_ERROR),
        ([], EXIT_OK),
    ],
)
def test_exit_codes(statuses: list[Status], code: int) -> None:
    assert exit_code([row(s) for s in statuses]) == code


def test_json_and_table_carry_the_numbers() -> None:
    rows = [row(Status.WARN), row(Status.OK, lag=0, time_lag=None)]
    data = orjson.loads(as_json(rows))
    assert data["status"] == "WARN"
    assert [p["lag"] for p in data["partitions"]] == [3, 0]
    table = format_table(rows)
    assert "news.clean" in table and "WARN" in table and "?" in table
    assert table.splitlines()[-1] == "status WARN, total lag 3 message(s) over 2 partition(s)"


def test_history_survives_between_runs_for_the_same_cluster_only(tmp_path: Path) -> None:
    path = tmp_path / "lag-history.json"
    tracker = LagTracker(rules=Rules(window=30))
    tracker.observe([PartitionOffsets("naba", "news.clean", 0, 4, 9, agent="enrich")], now=10.0)
    save_tracker(path, Settings(), tracker)
    again = load_tracker(path, Settings(), Rules(window=30))
    assert [r.lag for r in again.report(now=11.0)] == [5]
    elsewhere = load_tracker(path, Settings(broker="kafka:9092"), Rules(window=30))
    assert elsewhere.report(now=11.0) == []
    path.write_text("{not json")
    assert load_tracker(path, Settings(), Rules(window=30)).report(now=11.0) == []
