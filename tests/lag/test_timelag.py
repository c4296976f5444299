"""Time lag by interpolation over (high watermark, time) points, as Kafka Lag Exporter does."""

from __future__ import annotations

import pytest

from pipeline.lag.timelag import Point, Table, time_lag


def test_interpolates_between_the_bracketing_points() -> None:
    points = [Point(0, 100.0), Point(100, 200.0), Point(300, 300.0)]
    # Offset 200 was the head half-way between t=200 and t=300.
    assert time_lag(points, committed=200, now=310.0) == pytest.approx(60.0)
    assert time_lag(points, committed=50, now=310.0) == pytest.approx(160.0)


def test_at_or_past_the_head_there_is_no_time_lag() -> None:
    points = [Point(0, 100.0), Point(100, 200.0)]
    assert time_lag(points, committed=100, now=500.0) == 0.0


def test_before_the_first_point_it_extrapolates_with_the_average_rate() -> None:
    points = [Point(100, 100.0), Point(200, 200.0)]  # one record per second
    assert time_lag(points, committed=50, now=200.0) == pytest.approx(150.0)


def test_unknown_without_a_rate() -> None:
    assert time_lag([], committed=5, now=10.0) is None
    assert time_lag([Point(10, 5.0)], committed=5, now=10.0) is None


def test_table_keeps_the_latest_time_of_a_standing_head_and_forgets_a_recreated_topic() -> None:
    table = Table(capacity=3)
    table.add(10, 1.0)
    table.add(10, 2.0)
    assert table.points == [Point(10, 2.0)]
    for offset, time in ((20, 3.0), (30, 4.0), (40, 5.0)):
        table.add(offset, time)
    assert [p.offset for p in table.points] == [20, 30, 40]
    table.add(3, 6.0)
    assert table.points == [Point(3, 6.0)]
