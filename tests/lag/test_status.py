"""Burrow-style rules on synthetic commit histories: one history per status, and the edges."""

from __future__ import annotations

from pipeline.lag.status import Rules, Sample, Status, evaluate, worst

RULES = Rules(window=60.0, min_samples=3)


def history(*points: tuple[float, int, int]) -> list[Sample]:
    return [Sample(time, offset, lag) for time, offset, lag in points]


def test_ok_when_the_consumer_keeps_up() -> None:
    samples = history((0, 100, 5), (10, 110, 3), (20, 120, 4), (30, 131, 2))
    assert evaluate(samples, now=30, rules=RULES) is Status.OK


def test_ok_when_lag_is_zero_even_if_offsets_stand_still() -> None:
    samples = history((0, 50, 0), (100, 50, 0), (200, 50, 0))
    assert evaluate(samples, now=200, rules=RULES) is Status.OK


def test_warn_when_offsets_move_but_lag_grows_at_every_step() -> None:
    samples = history((0, 100, 10), (10, 105, 20), (20, 110, 20), (30, 115, 35))
    assert evaluate(samples, now=30, rules=RULES) is Status.WARN


def test_no_warn_when_lag_fell_once_in_the_window() -> None:
    samples = history((0, 100, 10), (10, 105, 20), (20, 130, 5), (30, 135, 35))
    assert evaluate(samples, now=30, rules=RULES) is Status.OK


def test_stall_when_commits_are_stuck_while_lag_stays() -> None:
    samples = history((0, 100, 7), (10, 100, 7), (20, 100, 9))
    assert evaluate(samples, now=20, rules=RULES) is Status.STALL


def test_stop_when_no_commit_for_longer_than_the_window() -> None:
    samples = history((0, 100, 7), (10, 100, 7), (70, 100, 7))
    assert evaluate(samples, now=70.5, rules=RULES) is Status.STOP


def test_stop_needs_the_offset_unchanged_for_the_whole_window() -> None:
    # It moved 30 s ago: not stopped, and too few samples since then to judge a trend.
    samples = history((0, 100, 7), (40, 101, 9), (70, 101, 9))
    assert evaluate(samples, now=70, rules=RULES) is Status.OK


def test_rewind_when_the_committed_offset_goes_back() -> None:
    samples = history((0, 100, 0), (10, 120, 0), (20, 90, 30))
    assert evaluate(samples, now=20, rules=RULES) is Status.REWIND


def test_a_rewind_older_than_the_window_is_forgotten() -> None:
    samples = history((0, 120, 0), (10, 90, 30), (100, 130, 0))
    assert evaluate(samples, now=100, rules=RULES) is Status.OK


def test_too_few_samples_judge_no_trend() -> None:
    samples = history((0, 100, 7), (10, 100, 9))
    assert evaluate(samples, now=10, rules=RULES) is Status.OK
    assert evaluate([], now=10, rules=RULES) is Status.OK


def test_worst_orders_by_severity() -> None:
    assert worst([Status.OK, Status.WARN]) is Status.WARN
    assert worst([Status.STALL, Status.WARN, Status.STOP]) is Status.STOP
    assert worst([]) is Status.OK
