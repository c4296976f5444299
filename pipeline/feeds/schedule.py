"""When to poll a feed next: intervals, <ttl>, Cache-Control, Retry-After, backoff and pausing.

Pure functions of the feed's configuration, its failure count, what the last poll gave and the
time; ``rand`` (0 <= rand < 1) is passed in so tests are exact.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Literal

from pipeline.feeds.config import FeedConfig

# max-age=N in a Cache-Control header (bounded digits: linear, and no absurd numbers).
_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s{0,4}=\s{0,4}\"?(\d{1,10})", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|[,\s])(?:no-cache|no-store)(?:$|[,\s])", re.IGNORECASE)


def parse_max_age(cache_control: str | None) -> float | None:
    """Seconds of max-age in a Cache-Control header (None if absent, or if no-cache/no-store)."""
    if not cache_control or _NO_CACHE.search(cache_control):
        return None
    found = _MAX_AGE.search(cache_control)
    return float(found.group(1)) if found else None


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date. None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit() and len(value) <= 10:
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def backoff_delay(failures: int, base: float, cap: float, rand: float) -> float:
    """Exponential backoff with "equal jitter": between half and all of min(cap, base * 2**(n-1))."""
    ceiling = min(cap, base * 2.0 ** min(max(failures, 1) - 1, 60))
    return ceiling / 2 + ceiling / 2 * rand


def success_delay(feed: FeedConfig, ttl_minutes: int | None, max_age: float | None, rand: float) -> float:
    """The feed's interval, lengthened by <ttl> or max-age (never polled sooner than they ask).

    A +-10% spread keeps feeds configured alike from polling in lockstep.
    """
    delay = feed.interval
    if ttl_minutes is not None:
        delay = max(delay, ttl_minutes * 60.0)
    if max_age is not None:
        delay = max(delay, max_age)
    delay *= 0.9 + 0.2 * rand
    return min(max(delay, feed.min_interval), feed.max_interval)


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: Literal["ok", "not_modified", "error"]
    ttl_minutes: int | None = None
    max_age: float | None = None
    retry_after: float | None = None  # seconds, from a 429/503


@dataclass(frozen=True, slots=True)
class Plan:
    failures: int
    next_poll: float  # epoch seconds
    paused: bool
    delay: float


def plan(feed: FeedConfig, failures: int, outcome: Outcome, now: float, rand: float) -> Plan:
    """The feed's failure count and next poll time after ``outcome``."""
    if outcome.kind != "error":
        delay = success_delay(feed, outcome.ttl_minutes, outcome.max_age, rand)
        return Plan(0, now + delay, False, delay)
    failures += 1
    if failures >= feed.max_failures:
        # Paused: one probe after `pause`; a failing probe pauses again (failures stays >= max).
        return Plan(failures, now + feed.pause, True, feed.pause)
    delay = backoff_delay(failures, feed.backoff_base, feed.backoff_max, rand)
    if outcome.retry_after is not None:
        # Honour the server's wish, but not beyond a pause: a year-long Retry-After is a bug.
        delay = max(delay, min(outcome.retry_after, feed.pause))
    return Plan(failures, now + delay, False, delay)


class HostLimiter:
    """At most ``per_host`` concurrent requests to one host (feeds and their article pages)."""

    def __init__(self, per_host: int) -> None:
        self._per_host = per_host
        self._semaphores: dict[str, asyncio.Semaphore] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore = self._semaphores.setdefault(host.lower(), asyncio.Semaphore(self._per_host))
        async with semaphore:
            yield
