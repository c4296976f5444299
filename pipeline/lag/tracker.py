"""The lag history of every partition: samples in, status/time lag/throughput rows out. Pure state.

The worker keeps one in memory (dashboard, /metrics); ``naba lag`` keeps one in a JSON file between
runs, so that a command run from cron sees trends too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.lag.offsets import PartitionOffsets
from pipeline.lag.status import Rules, Sample, Status, evaluate, worst
from pipeline.lag.timelag import Point, Table, time_lag

#: The dashboard's sparklines cover this much history.
SPARK_SECONDS = 900.0


@dataclass(frozen=True, slots=True)
class PartitionLag:
    group: str
    agent: str
    topic: str
    partition: int
    committed: int | None
    high_watermark: int
    lag: int
    time_lag: float | None  # seconds; None when the history cannot tell yet
    status: Status
    consumed_rate: float  # committed offsets per second over the window
    produced_rate: float  # high watermark growth per second over the window
    spark: list[tuple[float, int, float]]  # (time, lag, consumed per second) over SPARK_SECONDS

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "agent": self.agent,
            "topic": self.topic,
            "partition": self.partition,
            "committed": self.committed,
            "high_watermark": self.high_watermark,
            "lag": self.lag,
            "time_lag": self.time_lag,
            "status": self.status.value,
            "consumed_rate": self.consumed_rate,
            "produced_rate": self.produced_rate,
        }


Key = tuple[str, str, int]  # group, topic, partition


@dataclass(slots=True)
class _History:
    agent: str = ""
    committed: int | None = None
    high_watermark: int = 0
    samples: list[Sample] = field(default_factory=list)


@dataclass(slots=True)
class LagTracker:
    rules: Rules = field(default_factory=Rules)
    keep: float = SPARK_SECONDS  # seconds of samples kept (at least the window)
    _partitions: dict[Key, _History] = field(default_factory=dict)
    _tables: dict[tuple[str, int], Table] = field(default_factory=dict)

    def observe(self, rows: Iterable[PartitionOffsets], now: float) -> None:
        horizon = now - max(self.keep, 2 * self.rules.window)
        for row in rows:
            table = self._tables.setdefault((row.topic, row.partition), Table())
            if table.points and row.high_watermark < table.points[-1].offset:
                # Topic recreated: its old history (and that of every group on it) means nothing now.
                for key, history in self._partitions.items():
                    if key[1:] == (row.topic, row.partition):
                        history.samples.clear()
            table.add(row.high_watermark, now)
            history = self._partitions.setdefault((row.group, row.topic, row.partition), _History())
            history.agent, history.committed, history.high_watermark = (
                row.agent,
                row.committed,
                row.high_watermark,
            )
            position = row.high_watermark - row.lag
            history.samples.append(Sample(now, position, row.lag))
            cut = next((i for i, s in enumerate(history.samples) if s.time >= horizon), len(history.samples))
            # Keep one sample older than the horizon: "unchanged since" needs to reach back that far.
            del history.samples[: max(0, cut - 1)]

    def report(self, now: float) -> list[PartitionLag]:
        rows = []
        for (group, topic, partition), history in sorted(self._partitions.items()):
            if not history.samples:
                continue
            last = history.samples[-1]
            points = self._tables.get((topic, partition), Table()).points
            rows.append(
                PartitionLag(
                    group=group,
                    agent=history.agent,
                    topic=topic,
                    partition=partition,
                    committed=history.committed,
                    high_watermark=history.high_watermark,
                    lag=last.lag,
                    time_lag=0.0 if last.lag == 0 else time_lag(points, last.offset, now),
                    status=evaluate(history.samples, now, self.rules),
                    consumed_rate=_rate(
                        [(s.time, s.offset) for s in history.samples], now, self.rules.window
                    ),
                    produced_rate=_rate([(p.time, p.offset) for p in points], now, self.rules.window),
                    spark=_spark(history.samples, now),
                )
            )
        return rows

    def status(self, now: float) -> Status:
        return worst([row.status for row in self.report(now)])

    # Persistence for `naba lag` between runs: plain JSON-ready values.
    def dump(self) -> dict[str, Any]:
        return {
            "partitions": [
                {
                    "group": g,
                    "topic": t,
                    "partition": p,
                    "agent": h.agent,
                    "committed": h.committed,
                    "high_watermark": h.high_watermark,
                    "samples": [[s.time, s.offset, s.lag] for s in h.samples],
                }
                for (g, t, p), h in self._partitions.items()
            ],
            "tables": [
                {"topic": t, "partition": p, "points": [[pt.offset, pt.time] for pt in table.points]}
                for (t, p), table in self._tables.items()
            ],
        }

    def load(self, data: Mapping[str, Any]) -> None:
        """Restore a ``dump()``; raises KeyError/TypeError/ValueError on a malformed one."""
        for item in data["partitions"]:
            key = (str(item["group"]), str(item["topic"]), int(item["partition"]))
            samples = [Sample(float(t), int(o), int(lag)) for t, o, lag in item["samples"]]
            committed = item["committed"]
            self._partitions[key] = _History(
                str(item["agent"]),
                None if committed is None else int(committed),
                int(item["high_watermark"]),
                samples,
            )
        for item in data["tables"]:
            table = Table(points=[Point(int(o), float(t)) for o, t in item["points"]])
            self._tables[(str(item["topic"]), int(item["partition"]))] = table


def _rate(series: list[tuple[float, int]], now: float, window: float) -> float:
    """Average growth per second over the window (0 with fewer than two points in it)."""
    inside = [(t, v) for t, v in series if t >= now - window]
    if len(inside) < 2 or inside[-1][0] <= inside[0][0]:
        return 0.0
    return max(0.0, (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0]))


def _spark(samples: list[Sample], now: float) -> list[tuple[float, int, float]]:
    recent = [s for s in samples if s.time >= now - SPARK_SECONDS]
    out: list[tuple[float, int, float]] = []
    for previous, sample in zip([None, *recent], recent, strict=False):
        rate = 0.0
        if previous is not None and sample.time > previous.time:
            rate = max(0.0, (sample.offset - previous.offset) / (sample.time - previous.time))
        out.append((round(sample.time, 3), sample.lag, round(rate, 3)))
    return out
