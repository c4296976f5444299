"""Small timing helpers shared by the benchmarks: repeat, take medians, say how noisy it was."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence


def per_call(
    fn: Callable[[], object],
    min_seconds: float = 0.5,
    rounds: int = 5,
    clock: Callable[[], float] = time.process_time,
) -> dict[str, float]:
    """Seconds per call of ``fn``: ``rounds`` rounds of at least ``min_seconds`` each; median and spread.

    The default clock is this process's CPU time: on a machine shared with other work, time spent
    waiting for a core is not the code's cost (wall time would count it).
    """
    fn()  # warm caches (regexes, automata, lazy imports)
    calls = 1
    while True:  # calibrate the calls per round
        start = clock()
        for _ in range(calls):
            fn()
        elapsed = clock() - start
        if elapsed >= min_seconds / 4:
            break
        calls *= 2
    calls = max(1, int(calls * min_seconds / max(elapsed, 1e-9)))
    samples = []
    for _ in range(rounds):
        start = clock()
        for _ in range(calls):
            fn()
        samples.append((clock() - start) / calls)
    return summary(samples)


def summary(samples: Sequence[float]) -> dict[str, float]:
    median = statistics.median(samples)
    return {
        "median": median,
        "min": min(samples),
        "max": max(samples),
        # Spread of the rounds around their median: the noise the shared machine added.
        "spread": (max(samples) - min(samples)) / median if median else 0.0,
        "n": len(samples),
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]
