"""`naba lag`: read offsets, fold them into the history kept between runs, report and judge."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from pipeline.lag.offsets import HighWatermarks, read_offsets
from pipeline.lag.status import ERRORS, Rules, Status, worst
from pipeline.lag.tracker import LagTracker, PartitionLag
from pipeline.settings import Settings

log = logging.getLogger(__name__)

EXIT_OK, EXIT_WARN, EXIT_ERROR = 0, 1, 2


def history_path(settings: Settings) -> Path:
    return settings.data_dir / "lag-history.json"


def load_tracker(path: Path, settings: Settings, rules: Rules) -> LagTracker:
    """The history of earlier runs on the same cluster; a fresh one when there is none or it is unreadable."""
    tracker = LagTracker(rules=rules)
    try:
        data = orjson.loads(path.read_bytes())
        if data.get("bootstrap") == settings.bootstrap:
            tracker.load(data)
    except FileNotFoundError:
        pass
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        log.warning("ignoring the unreadable lag history %s (%s)", path, exc)
        tracker = LagTracker(rules=rules)
    return tracker


def save_tracker(path: Path, settings: Settings, tracker: LagTracker) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(orjson.dumps({"bootstrap": settings.bootstrap, **tracker.dump()}))
    temporary.replace(path)  # atomic: a concurrent run reads the old or the new file, never half


async def check(
    settings: Settings,
    groups: Sequence[str] | None,
    *,
    rules: Rules,
    watch: float | None = None,
    show: Callable[[list[PartitionLag]], None] | None = None,
) -> list[PartitionLag]:
    """One sample (or, with ``watch`` seconds, one every so often, calling ``show(rows)`` each time)."""
    path = history_path(settings)
    tracker = load_tracker(path, settings, rules)
    async with HighWatermarks(settings) as watermarks:
        while True:
            offsets, _ = await read_offsets(settings, watermarks, groups)
            now = time.time()
            tracker.observe(offsets, now)
            with contextlib.suppress(OSError):  # a read-only data dir still gets a report
                save_tracker(path, settings, tracker)
            rows = tracker.report(now)
            if groups is not None:
                rows = [row for row in rows if row.group in groups]
            if watch is None:
                return rows
            if show is not None:
                show(rows)
            await asyncio.sleep(watch)


def exit_code(rows: Sequence[PartitionLag]) -> int:
    status = worst([row.status for row in rows])
    if status in ERRORS:
        return EXIT_ERROR
    return EXIT_WARN if status is Status.WARN else EXIT_OK


def as_json(rows: Sequence[PartitionLag]) -> bytes:
    status = worst([row.status for row in rows])
    return orjson.dumps({"status": status.value, "partitions": [row.as_dict() for row in rows]})


def format_table(rows: Sequence[PartitionLag]) -> str:
    header = ("GROUP", "AGENT", "TOPIC", "PART", "COMMITTED", "HIGH-WM", "LAG", "LAG-S", "MSG/S", "STATUS")
    lines = [header]
    for row in rows:
        lines.append(
            (
                row.group,
                row.agent or "-",
                row.topic,
                str(row.partition),
                "-" if row.committed is None else str(row.committed),
                str(row.high_watermark),
                str(row.lag),
                "?" if row.time_lag is None else f"{row.time_lag:.1f}",
                f"{row.consumed_rate:.1f}",
                row.status.value,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
    status = worst([row.status for row in rows])
    total = sum(row.lag for row in rows)
    return f"{text}\nstatus {status.value}, total lag {total} message(s) over {len(rows)} partition(s)"
