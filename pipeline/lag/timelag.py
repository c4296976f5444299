"""Lag in seconds, estimated as Kafka Lag Exporter does. Pure.

Each partition keeps a short table of (high watermark, time) points. The time lag of a committed
offset is how long ago that offset was the head of the partition: find the two points whose high
watermarks bracket it and interpolate linearly; older than the table, extrapolate with the table's
overall rate. A consumer at the head has no time lag.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Point:
    offset: int  # high watermark
    time: float  # epoch seconds when it was observed


@dataclass(slots=True)
class Table:
    """(high watermark, time) points, oldest first, offsets strictly increasing."""

    capacity: int = 120
    points: list[Point] = field(default_factory=list)

    def add(self, offset: int, time: float) -> None:
        if self.points and offset < self.points[-1].offset:
            self.points.clear()  # the topic was recreated (the embedded broker forgets on restart)
        if self.points and offset == self.points[-1].offset:
            # The latest time the head still stood here: the head moved on after it.
            self.points[-1] = Point(offset, time)
            return
        self.points.append(Point(offset, time))
        del self.points[: -self.capacity]


def time_lag(points: Sequence[Point], committed: int, now: float) -> float | None:
    """Seconds since ``committed`` was the head; None when the table cannot tell."""
    if not points:
        return None
    if committed >= points[-1].offset:
        return 0.0
    for older, newer in itertools.pairwise(points):
        if older.offset <= committed < newer.offset:
            return max(0.0, now - _interpolate(older, newer, committed))
    first, last = points[0], points[-1]
    if len(points) < 2 or last.time <= first.time:
        return None
    # Before the table's first point: extrapolate with the average rate over the table.
    rate = (last.offset - first.offset) / (last.time - first.time)
    when = first.time - (first.offset - committed) / rate
    return max(0.0, now - when)


def _interpolate(older: Point, newer: Point, offset: int) -> float:
    share = (offset - older.offset) / (newer.offset - older.offset)
    return older.time + share * (newer.time - older.time)
