"""What each agent did, counted on the hot path: plain integers and one bisect per event, no locks.

The event loop is single-threaded, so nothing here needs a lock; /metrics renders the counts when
scraped (pipeline/lag/metrics.py).
"""

from __future__ import annotations

import bisect
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline import topics
from pipeline.stages import Output

#: Processing-latency buckets, seconds (upper bounds; +Inf is implicit).
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True, slots=True)
class ErrorNote:
    time: float  # epoch seconds
    stage: str
    kind: str  # "invalid" (bad input) or "internal" (a bug)
    error: str
    topic: str
    partition: int
    offset: int


@dataclass(slots=True)
class StageMetrics:
    stage: str  # the agent's name; also the stage named in its dead letters
    consumed: Counter[tuple[str, int]] = field(default_factory=Counter)  # (topic, partition)
    produced: Counter[str] = field(default_factory=Counter)  # output topic
    errors: Counter[str] = field(default_factory=Counter)  # kind
    latency_buckets: list[int] = field(default_factory=lambda: [0] * (len(BUCKETS) + 1))
    latency_sum: float = 0.0
    recent_errors: deque[ErrorNote] = field(default_factory=lambda: deque(maxlen=20))

    def observe(self, topic: str, partition: int, seconds: float, outputs: Sequence[Output]) -> None:
        """One event processed in ``seconds``, whatever came out of it (dead letters included)."""
        self.consumed[topic, partition] += 1
        self.latency_buckets[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.latency_sum += seconds
        self.produced.update(output.topic for output in outputs)  # counted in C

    def failed(self, kind: str, error: str, topic: str, partition: int, offset: int) -> None:
        """The stage rejected an event (it goes to the dead-letter topic)."""
        self.errors[kind] += 1
        self.recent_errors.append(
            ErrorNote(time.time(), self.stage, kind, error[:300], topic, partition, offset)
        )

    @property
    def statements(self) -> int:
        return self.produced[topics.STATEMENTS]

    @property
    def dead_letters(self) -> int:
        return self.produced[topics.DLQ]
