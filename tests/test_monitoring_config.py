"""config/prometheus.yml and config/grafana/: well-formed, wired to each other, and every PromQL
expression names metrics that the worker and the pollers really expose."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import yaml

from pipeline import topics
from pipeline.cli import build_parser
from pipeline.feeds.metrics import Metrics
from pipeline.lag.metrics import FeedCollector, WorkerCollector, exposition
from pipeline.lag.monitor import Monitor
from pipeline.lag.offsets import PartitionOffsets
from pipeline.settings import Settings
from pipeline.stages import Output

CONFIG = Path(__file__).resolve().parent.parent / "config"
GRAFANA = CONFIG / "grafana"
DATASOURCE_UID = "naba-prometheus"
_METRIC = re.compile(r"\bnaba_[a-z_]+\b")


def _yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), path
    return data


def exposed_names() -> set[str]:
    """Every sample name a busy worker and poller expose."""
    monitor = Monitor(Settings())
    stage = monitor.stage("enrich")
    stage.observe(
        topics.CLEAN, 0, 0.01, [Output(topics.STATEMENTS, b"k", b"v"), Output(topics.DLQ, b"k", b"v")]
    )
    stage.failed("invalid", "bad", topics.CLEAN, 0, 1)
    now = time.time()
    monitor.tracker.observe([PartitionOffsets("naba", topics.CLEAN, 0, 0, 0, agent="enrich")], now - 10)
    monitor.tracker.observe([PartitionOffsets("naba", topics.CLEAN, 0, 5, 10, agent="enrich")], now)
    feeds = Metrics()
    feed = feeds.feed("f")
    feed.errors["timeout"] += 1
    feed.last_success = now
    text = exposition(WorkerCollector(monitor), FeedCollector(feeds)).decode()
    return {re.split(r"[{ ]", line, maxsplit=1)[0] for line in text.splitlines() if line and line[0] != "#"}


def test_exposed_names_include_every_kind() -> None:
    names = exposed_names()
    assert {"naba_consumer_time_lag_seconds", "naba_agent_processing_seconds_bucket"} <= names
    assert {"naba_feed_errors_total", "naba_consumer_committed_offset"} <= names


def test_prometheus_scrapes_the_worker_and_poller_ports() -> None:
    config = _yaml(CONFIG / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert set(jobs) == {"naba-worker", "naba-poller"}
    assert all(job["metrics_path"] == "/metrics" for job in jobs.values())
    (worker,) = jobs["naba-worker"]["dns_sd_configs"]
    assert worker["names"] == ["worker"] and worker["port"] == Settings().web_port
    (poller,) = jobs["naba-poller"]["static_configs"]
    poll_default = build_parser().parse_args(["poll"]).metrics_port
    assert poller["targets"] == [f"poller:{poll_default}"]


def test_grafana_provisioning_points_at_the_dashboard_and_datasource() -> None:
    (source,) = _yaml(GRAFANA / "provisioning/datasources/prometheus.yaml")["datasources"]
    assert source["uid"] == DATASOURCE_UID and source["url"] == "http://prometheus:9090"
    (provider,) = _yaml(GRAFANA / "provisioning/dashboards/naba.yaml")["providers"]
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"


def test_dashboard_json_panels_are_laid_out_and_query_real_metrics() -> None:
    dashboard = json.loads((GRAFANA / "dashboards/naba.json").read_text())
    assert dashboard["uid"] and dashboard["title"]
    panels = dashboard["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels)
    names = exposed_names()
    queried: set[str] = set()
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        assert panel["datasource"]["uid"] == DATASOURCE_UID
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_UID
            used = set(_METRIC.findall(target["expr"]))
            assert used and used <= names, f"{panel['title']}: unknown {used - names}"
            assert target["expr"].count("(") == target["expr"].count(")")
            queried |= used
    # The same things as the built-in page: lag, time lag, status, throughput, latency, DLQ, feeds.
    for metric in (
        "naba_consumer_offset_lag",
        "naba_consumer_time_lag_seconds",
        "naba_consumer_status",
        "naba_agent_events_consumed_total",
        "naba_agent_processing_seconds_bucket",
        "naba_dlq_events_total",
        "naba_feed_last_success_timestamp_seconds",
        "naba_feed_backoff_seconds",
    ):
        assert metric in queried, metric


def test_alert_rules_cover_stop_and_stall_and_are_well_formed() -> None:
    (group,) = _yaml(GRAFANA / "provisioning/alerting/naba.yaml")["groups"]
    rules = group["rules"]
    assert len({rule["uid"] for rule in rules}) == len(rules)
    names = exposed_names()
    for rule in rules:
        refs = {query["refId"]: query for query in rule["data"]}
        assert rule["condition"] in refs, rule["uid"]
        for query in refs.values():
            model = query["model"]
            if query["datasourceUid"] == "__expr__":
                assert model["expression"] in refs, rule["uid"]
                continue
            assert query["datasourceUid"] == DATASOURCE_UID
            used = set(_METRIC.findall(model["expr"]))
            assert used and used <= names, f"{rule['uid']}: unknown {used - names}"
    expressions = {rule["uid"]: " ".join(q["model"].get("expr", "") for q in rule["data"]) for rule in rules}
    assert "changes(naba_consumer_committed_offset" in expressions["naba-consumer-stopped"]
    assert "delta(naba_consumer_committed_offset" in expressions["naba-consumer-stalled"]
