from __future__ import annotations

import asyncio

import pytest

from pipeline.feeds.config import FeedConfig
from pipeline.feeds.schedule import (
    HostLimiter,
    Outcome,
    backoff_delay,
    parse_max_age,
    parse_retry_after,
    plan,
    success_delay,
)

FEED = FeedConfig(
    name="f",
    url="http://f/",
    interval=900,
    min_interval=60,
    max_interval=6 * 3600,
    backoff_base=60,
    backoff_max=3600,
    max_failures=4,
    pause=86400,
)
NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Tue, 14 Nov 2023 22:15:00 GMT", 100.0),  # NOW + 100 s
        ("Tue, 14 Nov 2023 22:00:00 GMT", 0.0),  # in the past
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
        ("9" * 40, None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("max-age=600", 600.0),
        ("public, s-maxage=10, max-age=300", 300.0),
        ('max-age="60"', 60.0),
        ("no-cache, max-age=600", None),
        ("private", None),
        (None, None),
    ],
)
def test_parse_max_age(header: str | None, seconds: float | None) -> None:
    assert parse_max_age(header) == seconds


def test_backoff_doubles_with_equal_jitter_and_caps() -> None:
    assert [backoff_delay(n, 60, 3600, 1.0) for n in range(1, 8)] == [60, 120, 240, 480, 960, 1920, 3600]
    assert backoff_delay(1, 60, 3600, 0.0) == 30  # half the ceiling at the lowest
    assert backoff_delay(10_000, 60, 3600, 0.5) == 2700  # no overflow for absurd counts


def test_success_delay_honours_ttl_and_max_age_within_bounds() -> None:
    assert success_delay(FEED, None, None, 0.5) == 900
    assert success_delay(FEED, 60, None, 0.5) == 3600  # <ttl>60</ttl> minutes
    assert success_delay(FEED, None, 1800, 0.5) == 1800
    assert success_delay(FEED, 100_000, None, 0.5) == 6 * 3600  # capped
    assert success_delay(FEED, None, None, 0.0) == 810  # -10% spread
    tiny = FeedConfig(name="t", url="http://t/", interval=1, min_interval=60)
    assert success_delay(tiny, None, None, 0.5) == 60


def test_plan_success_resets_failures() -> None:
    p = plan(FEED, 3, Outcome("ok", ttl_minutes=30), NOW, 0.5)
    assert (p.failures, p.paused, p.next_poll) == (0, False, NOW + 1800)


def test_plan_error_backs_off_then_pauses() -> None:
    delays = []
    failures = 0
    for _ in range(3):
        p = plan(FEED, failures, Outcome("error"), NOW, 1.0)
        failures = p.failures
        delays.append(p.delay)
        assert not p.paused
    assert delays == [60, 120, 240]
    p = plan(FEED, failures, Outcome("error"), NOW, 1.0)
    assert p.paused and p.failures == 4 and p.next_poll == NOW + 86400
    # The probe after the pause fails again: paused again at once.
    assert plan(FEED, p.failures, Outcome("error"), NOW, 1.0).paused


def test_plan_honours_retry_after_but_not_forever() -> None:
    assert plan(FEED, 0, Outcome("error", retry_after=600), NOW, 1.0).delay == 600
    assert plan(FEED, 0, Outcome("error", retry_after=5), NOW, 1.0).delay == 60  # backoff is longer
    assert plan(FEED, 0, Outcome("error", retry_after=10**9), NOW, 1.0).delay == 86400


async def test_host_limiter_bounds_concurrency_per_host() -> None:
    limiter = HostLimiter(2)
    active: dict[str, int] = {"a": 0, "b": 0}
    peak: dict[str, int] = {"a": 0, "b": 0}

    async def job(host: str) -> None:
        async with limiter.slot(host.upper()):
            active[host] += 1
            peak[host] = max(peak[host], active[host])
            await asyncio.sleep(0.01)
            active[host] -= 1

    await asyncio.gather(*(job(h) for h in "aaaaabbbbb"))
    assert peak == {"a": 2, "b": 2}
