"""docker-compose.yml: the production shape on Apache Kafka stays in step with the CLI."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

from pipeline.cli import build_parser

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict)
    return data


def _subcommands() -> set[str]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    raise AssertionError("naba has no subcommands")


def test_every_naba_service_runs_a_command_the_cli_has() -> None:
    services = _compose()["services"]
    commands = {
        name: svc["command"] for name, svc in services.items() if svc.get("image", "").startswith("naba")
    }
    assert set(commands) == {"topics", "worker", "poller", "replay"}
    known = _subcommands()
    for name, command in commands.items():
        assert command[0] in known, f"service {name} runs unknown command {command[0]!r}"
        parsed = build_parser().parse_args(command)  # exits (fails the test) on bad arguments
        assert parsed.command == command[0]


def test_kafka_is_kraft_with_a_volume_a_real_healthcheck_and_two_listeners() -> None:
    kafka = _compose()["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka")
    env = kafka["environment"]
    assert "controller" in env["KAFKA_PROCESS_ROLES"]
    assert "INTERNAL://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert "EXTERNAL://localhost:" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert any(v.startswith("kafka-data:") for v in kafka["volumes"])
    assert "kafka-data" in _compose()["volumes"]
    assert "kafka-broker-api-versions" in " ".join(kafka["healthcheck"]["test"])


def test_workers_scale_and_wait_for_topics() -> None:
    services = _compose()["services"]
    worker = services["worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale needs both absent
    assert worker["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert worker["environment"]["NABA_BROKER"] == "kafka:9092"


def test_prometheus_and_grafana_are_provisioned_from_config_with_healthchecks() -> None:
    services = _compose()["services"]
    root = COMPOSE.parent
    for name, port in (("prometheus", 9090), ("grafana", 3000)):
        service = services[name]
        assert not service["image"].startswith("naba")
        assert service["ports"] == [f"127.0.0.1:{port}:{port}"]
        assert f"localhost:{port}/" in " ".join(service["healthcheck"]["test"])
        for volume in service["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (root / source).exists(), f"{name} mounts missing {source}"
    assert services["grafana"]["depends_on"]["prometheus"]["condition"] == "service_healthy"
    assert "--metrics-port" in services["poller"]["command"]
