"""Burrow-style partition status over a sliding window of samples. Pure.

Lag alone says little (a busy partition always has some); the status reads its trend:

* REWIND - the committed offset went back inside the window;
* OK     - the latest lag is zero, or nothing below applies;
* STOP   - lag > 0 and the committed offset has not moved for longer than the window;
* STALL  - lag > 0, the committed offset did not move over the window's samples and lag is not
  falling: the consumer is stuck (STOP once this lasts longer than the window);
* WARN   - the offset moves but lag grew at every step of the window: the consumer falls behind.

A sample is one observation (time, committed position, lag); ``naba lag`` and the worker take one every
few seconds, so "a commit" here is a change of the committed offset between observations.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    OK = "OK"
    WARN = "WARN"
    STALL = "STALL"
    STOP = "STOP"
    REWIND = "REWIND"


#: Statuses that mean the consumer is broken, not merely slow (exit code 2 of ``naba lag``).
ERRORS = frozenset({Status.STALL, Status.STOP, Status.REWIND})

#: Severity order, for the worst status of several partitions.
SEVERITY = {Status.OK: 0, Status.WARN: 1, Status.STALL: 2, Status.STOP: 3, Status.REWIND: 4}


@dataclass(frozen=True, slots=True)
class Sample:
    time: float  # epoch seconds
    offset: int  # committed offset (the log start when the group never committed)
    lag: int


@dataclass(frozen=True, slots=True)
class Rules:
    window: float = 120.0  # seconds
    min_samples: int = 3  # fewer samples in the window: trends are not judged (only REWIND/STOP)


def evaluate(samples: Sequence[Sample], now: float, rules: Rules = Rules()) -> Status:
    """The status of one partition from its samples (oldest first, possibly older than the window)."""
    if not samples:
        return Status.OK
    last = samples[-1]
    window = [s for s in samples if s.time >= now - rules.window]
    if any(b.offset < a.offset for a, b in itertools.pairwise(window)):
        return Status.REWIND
    if last.lag == 0:
        return Status.OK
    if now - unchanged_since(samples) > rules.window:
        return Status.STOP
    if len(window) < rules.min_samples:
        return Status.OK
    steps = list(itertools.pairwise(window))
    if all(s.offset == last.offset for s in window) and all(b.lag >= a.lag for a, b in steps):
        return Status.STALL
    if all(b.lag >= a.lag for a, b in steps) and window[-1].lag > window[0].lag:
        return Status.WARN
    return Status.OK


def unchanged_since(samples: Sequence[Sample]) -> float:
    """When the latest committed offset was first seen (the oldest sample when it never changed)."""
    since = samples[-1].time
    for sample in reversed(samples):
        if sample.offset != samples[-1].offset:
            break
        since = sample.time
    return since


def worst(statuses: Sequence[Status]) -> Status:
    return max(statuses, key=SEVERITY.__getitem__, default=Status.OK)
