"""Exposition of the worker's and the pollers' metrics, read back with prometheus_client's parser."""

from __future__ import annotations

import asyncio
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from pipeline import topics
from pipeline.feeds.metrics import Metrics
from pipeline.lag.agentstats import BUCKETS
from pipeline.lag.metrics import FeedCollector, WorkerCollector, exposition
from pipeline.lag.monitor import Monitor
from pipeline.lag.offsets import PartitionOffsets
from pipeline.lag.serve import metrics_server
from pipeline.settings import Settings
from pipeline.stages import Output
from tests.conftest import free_port


def samples(text: str) -> list[Sample]:
    return [sample for family in text_string_to_metric_families(text) for sample in family.samples]


def value(found: list[Sample], name: str, **labels: str) -> float:
    (match,) = [s for s in found if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]
    return float(match.value)


def test_worker_metrics_round_trip() -> None:
    monitor = Monitor(Settings())
    stage = monitor.stage("enrich")
    outputs = [Output(topics.ENRICHED, b"k", b"v"), *[Output(topics.STATEMENTS, b"k", b"v")] * 3]
    stage.observe(topics.CLEAN, 2, 0.004, outputs)
    stage.observe(topics.CLEAN, 2, 30.0, [Output(topics.DLQ, b"k", b"v")])
    stage.failed("invalid", "malformed JSON", topics.CLEAN, 2, 7)
    monitor.tracker.observe(
        [PartitionOffsets("naba", topics.CLEAN, 2, 5, 9, agent="enrich")], now=time.time()
    )
    found = samples(exposition(WorkerCollector(monitor)).decode())

    assert value(found, "naba_agent_events_consumed_total", agent="enrich", partition="2") == 2
    assert value(found, "naba_agent_events_produced_total", agent="enrich", topic=topics.STATEMENTS) == 3
    assert value(found, "naba_statements_extracted_total", agent="enrich") == 3
    assert value(found, "naba_dlq_events_total", stage="enrich") == 1
    assert value(found, "naba_agent_errors_total", stage="enrich", kind="invalid") == 1
    assert value(found, "naba_agent_processing_seconds_bucket", agent="enrich", le="0.005") == 1
    last_bound = str(BUCKETS[-1])
    assert value(found, "naba_agent_processing_seconds_bucket", agent="enrich", le=last_bound) == 1
    assert value(found, "naba_agent_processing_seconds_bucket", agent="enrich", le="+Inf") == 2
    assert value(found, "naba_agent_processing_seconds_count", agent="enrich") == 2
    assert value(found, "naba_consumer_offset_lag", group="naba", topic=topics.CLEAN, partition="2") == 4
    assert value(found, "naba_topic_high_watermark", topic=topics.CLEAN, partition="2") == 9
    assert value(found, "naba_consumer_status", partition="2", status="OK") == 1
    assert value(found, "naba_consumer_status", partition="2", status="STOP") == 0


def test_feed_metrics_served_over_http() -> None:
    metrics = Metrics()
    feed = metrics.feed("aljazeera")
    feed.polls, feed.new_items, feed.consecutive_failures, feed.backoff = 4, 12, 2, 60.0
    feed.errors["timeout"] += 2
    feed.last_success = 1_700_000_000.0
    port = free_port()

    async def scrape() -> str:
        async with metrics_server("127.0.0.1", port, FeedCollector(metrics)):
            url = f"http://127.0.0.1:{port}/metrics"
            return await asyncio.to_thread(lambda: urllib.request.urlopen(url, timeout=10).read().decode())

    found = samples(asyncio.run(scrape()))
    assert value(found, "naba_feed_polls_total", feed="aljazeera") == 4
    assert value(found, "naba_feed_new_items_total", feed="aljazeera") == 12
    assert value(found, "naba_feed_errors_total", feed="aljazeera", kind="timeout") == 2
    assert value(found, "naba_feed_backoff_seconds", feed="aljazeera") == 60
    assert value(found, "naba_feed_consecutive_failures", feed="aljazeera") == 2
    assert value(found, "naba_feed_last_success_timestamp_seconds", feed="aljazeera") == 1_700_000_000
