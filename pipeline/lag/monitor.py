"""The worker's view of the pipeline: its agents' counters, the group's lag, dead letters, feed health.

``Monitor`` holds the state (read by /metrics, /lag.json and the dashboard); ``Sampler`` is the Faust
service that refreshes it every few seconds, off the agents' hot path.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiokafka import TopicPartition
from mode import Service

from pipeline import topics
from pipeline.clients import consumer
from pipeline.lag.agentstats import StageMetrics
from pipeline.lag.offsets import HighWatermarks, OffsetsError, read_offsets
from pipeline.lag.status import worst
from pipeline.lag.tracker import LagTracker
from pipeline.settings import Settings

log = logging.getLogger(__name__)

SAMPLE_INTERVAL = 5.0
_FEED_KEY = b"feed:"


@dataclass(slots=True)
class Monitor:
    settings: Settings
    stages: dict[str, StageMetrics] = field(default_factory=dict)
    tracker: LagTracker = field(default_factory=LagTracker)
    dlq_total: int = 0  # records in the dead-letter topic (every worker's, from its high watermarks)
    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)  # url -> last state the pollers saved
    sampled_at: float | None = None
    sample_error: str | None = None

    def stage(self, name: str) -> StageMetrics:
        return self.stages.setdefault(name, StageMetrics(name))

    def snapshot(self, now: float) -> dict[str, Any]:
        """Everything the dashboard shows, JSON-ready."""
        # The app's own group (the agents) first, then any other group on the pipeline's topics.
        rows = sorted(self.tracker.report(now), key=lambda row: row.group != self.settings.app_id)
        errors = sorted(
            (note for stage in self.stages.values() for note in stage.recent_errors),
            key=lambda note: note.time,
            reverse=True,
        )[:10]
        return {
            "now": now,
            "group": self.settings.app_id,
            "status": worst([row.status for row in rows]).value,
            "sampled_at": self.sampled_at,
            "sample_error": self.sample_error,
            "partitions": [{**row.as_dict(), "spark": row.spark} for row in rows],
            "agents": {
                name: {
                    "consumed": sum(stage.consumed.values()),
                    "produced": sum(stage.produced.values()),
                    "errors": sum(stage.errors.values()),
                    "dead_letters": stage.dead_letters,
                    "statements": stage.statements,
                }
                for name, stage in sorted(self.stages.items())
            },
            "dlq": {
                "total": self.dlq_total,
                "recent": [
                    {
                        "time": note.time,
                        "stage": note.stage,
                        "kind": note.kind,
                        "error": note.error,
                        "where": f"{note.topic}[{note.partition}]@{note.offset}",
                    }
                    for note in errors
                ],
            },
            "feeds": [{**state, "backoff": _backoff(state, now)} for _, state in sorted(self.feeds.items())],
        }


def _backoff(state: dict[str, Any], now: float) -> float:
    """Seconds until a failing feed is polled again (0 when healthy)."""
    if not state.get("failures"):
        return 0.0
    return max(0.0, float(state.get("next_poll") or 0.0) - now)


class Sampler(Service):
    """Samples the group's offsets and the dead-letter topic, and tails the pollers' feed state."""

    def __init__(self, monitor: Monitor, interval: float = SAMPLE_INTERVAL, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.monitor = monitor
        self.interval = interval
        self._marks: HighWatermarks | None = None

    async def on_stop(self) -> None:
        if self._marks is not None:
            await self._marks.stop()

    @Service.task
    async def _sample(self) -> None:
        settings = self.monitor.settings
        while not self.should_stop:
            try:
                if self._marks is None:
                    self._marks = HighWatermarks(settings)
                    await self._marks.start()
                # Every group of the pipeline: the app's own and any other group committing on its topics.
                rows, marks = await read_offsets(settings, self._marks, extra=[topics.DLQ])
                dlq = {tp: mark for tp, mark in marks.items() if tp.topic == topics.DLQ}
                now = time.time()
                self.monitor.tracker.observe(rows, now)
                self.monitor.dlq_total = sum(high - start for start, high in dlq.values())
                self.monitor.sampled_at, self.monitor.sample_error = now, None
            except (TimeoutError, OffsetsError, OSError, RuntimeError) as exc:
                self.monitor.sample_error = str(exc) or type(exc).__name__
                log.warning("lag sample failed: %s", self.monitor.sample_error)
            except Exception as exc:  # the monitor must never take the worker down
                self.monitor.sample_error = f"{type(exc).__name__}: {exc}"
                log.exception("lag sample failed")
            await self.sleep(self.interval)

    @Service.task
    async def _tail_feed_state(self) -> None:
        """Follow news.feed-state's feed records: the pollers' own account of each feed's health."""
        reader = consumer(self.monitor.settings)
        try:
            await reader.start()
            partition = TopicPartition(topics.FEED_STATE, 0)
            reader.assign([partition])
            await reader.seek_to_beginning(partition)
            while not self.should_stop:
                batches = await reader.getmany(timeout_ms=1000)
                for records in batches.values():
                    for record in records:
                        self._fold_feed(record.key, record.value)
        except Exception:  # feed health is optional: the lag keeps flowing without it
            log.exception("cannot follow %s", topics.FEED_STATE)
        finally:
            await reader.stop()

    def _fold_feed(self, key: bytes | None, value: bytes | None) -> None:
        if not key or not key.startswith(_FEED_KEY):
            return
        url = key[len(_FEED_KEY) :].decode("utf-8", "replace")
        if value is None:
            self.monitor.feeds.pop(url, None)
            return
        try:
            state = orjson.loads(value)
        except orjson.JSONDecodeError:
            return
        if isinstance(state, dict):
            keep = ("url", "failures", "next_poll", "paused", "last_success", "last_error")
            self.monitor.feeds[url] = {name: state.get(name) for name in keep} | {"url": url}


def sampler_for(monitor: Monitor) -> type[Sampler]:
    """A Sampler class bound to ``monitor``: Faust's ``app.service`` instantiates classes itself."""

    class BoundSampler(Sampler):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(monitor, **kwargs)

    return BoundSampler
