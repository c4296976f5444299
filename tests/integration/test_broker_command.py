"""`naba broker` in the foreground (creating the topics at start), used by `naba topics` and
`naba replay` from other processes."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from pipeline import topics
from pipeline.broker import kafka_answers
from pipeline.identity import stable_id
from pipeline.settings import load_settings
from pipeline.topics import pipeline_specs
from tests.conftest import SEED, env_for, free_port
from tests.integration.helpers import collect

pytestmark = pytest.mark.integration


def test_broker_command_serves_topics_and_replay_then_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = env_for({"NABA_EMBEDDED_PORT": str(port), "NABA_PARTITIONS": "3"})
    broker = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "broker"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert broker.stdout is not None
        ready = broker.stdout.readline()
        assert "ready on 127.0.0.1:" in ready
        # The broker created the configured layout itself: `naba topics` finds it all there.
        assert f"with {len(pipeline_specs(load_settings(environ=env)))} topic(s) created" in ready
        listed = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "topics"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert listed.returncode == 0, listed.stderr
        assert "news.statements\t3 partitions\n" in listed.stdout
        assert "(created)" not in listed.stdout
        (tmp_path / "more.jsonl").write_bytes(orjson.dumps({"id": "x1", "text": "قال الوزير"}) + b"\n")
        replayed = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "replay", str(SEED), str(tmp_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert replayed.returncode == 0, replayed.stderr
        assert "published 2 article(s)" in replayed.stderr
        settings = load_settings(environ={"NABA_EMBEDDED_PORT": str(port)})
        raw = asyncio.run(collect(settings, topics.RAW, lambda records: len(records) >= 2, timeout=20))
        seed_id = stable_id(SEED.read_text(encoding="utf-8"))
        assert sorted(key for key, _ in raw) == sorted([b"x1", seed_id.encode()])
        assert {orjson.loads(value)["id"] for _, value in raw} == {"x1", seed_id}
        broker.send_signal(signal.SIGTERM)
        assert broker.wait(timeout=15) == 0
        assert not kafka_answers("127.0.0.1", port)
    finally:
        if broker.poll() is None:
            broker.kill()
