"""Prometheus text exposition for the worker (agents, lag, dead letters) and the pollers (feeds).

Counts live in plain objects (agentstats, tracker, feeds.Metrics) and become metric families only when
scraped. Base units (seconds), ``_total`` counters, low-cardinality labels: agent, topic, partition,
stage, kind, feed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from pipeline.feeds.metrics import Metrics as FeedMetrics
from pipeline.lag.agentstats import BUCKETS
from pipeline.lag.monitor import Monitor
from pipeline.lag.status import Status

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class WorkerCollector(Collector):
    def __init__(self, monitor: Monitor) -> None:
        self.monitor = monitor

    def collect(self) -> Iterator[Metric]:
        yield from _agent_families(self.monitor)
        yield from _lag_families(self.monitor, time.time())


class FeedCollector(Collector):
    def __init__(self, feeds: FeedMetrics) -> None:
        self.feeds = feeds

    def collect(self) -> Iterator[Metric]:
        yield from _feed_families(self.feeds.snapshot())


def exposition(*collectors: Collector) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)


def _agent_families(monitor: Monitor) -> Iterator[Metric]:
    consumed = CounterMetricFamily(
        "naba_agent_events_consumed",
        "Events an agent took from its input",
        labels=["agent", "topic", "partition"],
    )
    produced = CounterMetricFamily(
        "naba_agent_events_produced", "Events an agent sent, by output topic", labels=["agent", "topic"]
    )
    errors = CounterMetricFamily(
        "naba_agent_errors",
        "Events a stage rejected (invalid input or internal error)",
        labels=["stage", "kind"],
    )
    dlq = CounterMetricFamily("naba_dlq_events", "Dead letters sent, by stage", labels=["stage"])
    statements = CounterMetricFamily("naba_statements_extracted", "Statements extracted", labels=["agent"])
    latency = HistogramMetricFamily(
        "naba_agent_processing_seconds", "Time from taking an event to sending its outputs", labels=["agent"]
    )
    for name, stage in sorted(monitor.stages.items()):
        for (topic, partition), count in sorted(stage.consumed.items()):
            consumed.add_metric([name, topic, str(partition)], count)
        for topic, count in sorted(stage.produced.items()):
            produced.add_metric([name, topic], count)
        for kind in ("invalid", "internal"):
            errors.add_metric([name, kind], stage.errors[kind])
        dlq.add_metric([name], stage.dead_letters)
        statements.add_metric([name], stage.statements)
        cumulative, buckets = 0, []
        for bound, count in zip([*map(_le, BUCKETS), "+Inf"], stage.latency_buckets, strict=True):
            cumulative += count
            buckets.append((bound, cumulative))
        latency.add_metric([name], buckets, stage.latency_sum)
    yield from (consumed, produced, errors, dlq, statements, latency)


def _le(bound: float) -> str:
    return repr(float(bound))


def _lag_families(monitor: Monitor, now: float) -> Iterator[Metric]:
    labels = ["group", "agent", "topic", "partition"]
    offset_lag = GaugeMetricFamily("naba_consumer_offset_lag", "Records not yet processed", labels=labels)
    time_lag = GaugeMetricFamily(
        "naba_consumer_time_lag_seconds", "How long ago the committed offset was the head", labels=labels
    )
    committed = GaugeMetricFamily("naba_consumer_committed_offset", "Committed offset", labels=labels)
    high = GaugeMetricFamily(
        "naba_topic_high_watermark", "High watermark (from Fetch)", labels=["topic", "partition"]
    )
    status = GaugeMetricFamily(
        "naba_consumer_status", "Burrow-style status, 1 for the current one", labels=[*labels, "status"]
    )
    seen: set[tuple[str, int]] = set()
    for row in monitor.tracker.report(now):
        values = [row.group, row.agent, row.topic, str(row.partition)]
        offset_lag.add_metric(values, row.lag)
        if row.time_lag is not None:
            time_lag.add_metric(values, row.time_lag)
        if row.committed is not None:
            committed.add_metric(values, row.committed)
        if (row.topic, row.partition) not in seen:
            seen.add((row.topic, row.partition))
            high.add_metric([row.topic, str(row.partition)], row.high_watermark)
        for name in Status:
            status.add_metric([*values, name.value], 1.0 if row.status is name else 0.0)
    dlq_records = GaugeMetricFamily(
        "naba_dlq_topic_records", "Records in the dead-letter topic (all workers)"
    )
    dlq_records.add_metric([], monitor.dlq_total)
    sampled = GaugeMetricFamily(
        "naba_lag_last_sample_timestamp_seconds", "When the worker last read its group's offsets"
    )
    sampled.add_metric([], monitor.sampled_at or 0.0)
    yield from (offset_lag, time_lag, committed, high, status, dlq_records, sampled)


_FEED_COUNTERS = {
    "polls": "Polls made",
    "not_modified": "Polls answered 304 Not Modified",
    "new_items": "New articles published",
    "revisions": "Revised articles published",
    "duplicates": "Items skipped as already published",
}


def _feed_families(snapshot: dict[str, dict[str, Any]]) -> Iterator[Metric]:
    counters = {
        name: CounterMetricFamily(f"naba_feed_{name}", text, labels=["feed"])
        for name, text in _FEED_COUNTERS.items()
    }
    errors = CounterMetricFamily("naba_feed_errors", "Failed polls, by kind", labels=["feed", "kind"])
    last_success = GaugeMetricFamily(
        "naba_feed_last_success_timestamp_seconds",
        "When the feed was last polled successfully",
        labels=["feed"],
    )
    failures = GaugeMetricFamily("naba_feed_consecutive_failures", "Failed polls in a row", labels=["feed"])
    backoff = GaugeMetricFamily(
        "naba_feed_backoff_seconds", "Delay before retrying a failing feed", labels=["feed"]
    )
    paused = GaugeMetricFamily(
        "naba_feed_paused", "1 when the feed is paused after many failures", labels=["feed"]
    )
    for feed, values in snapshot.items():
        for name, family in counters.items():
            family.add_metric([feed], values[name])
        for kind, count in sorted(values["errors"].items()):
            errors.add_metric([feed, kind], count)
        if values["last_success"] is not None:
            last_success.add_metric([feed], values["last_success"])
        failures.add_metric([feed], values["consecutive_failures"])
        backoff.add_metric([feed], values["backoff"])
        paused.add_metric([feed], 1.0 if values["paused"] else 0.0)
    yield from (*counters.values(), errors, last_success, failures, backoff, paused)
