"""Errors users can cause end a command with one line, not a stack trace."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.broker import EmbeddedBroker
from tests.conftest import env_for

pytestmark = pytest.mark.integration


def test_tail_of_a_topic_not_created_yet_is_one_line(broker: EmbeddedBroker) -> None:
    # The reader is stopped right after it started: aiokafka used to re-raise a CancelledError there.
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "tail", "enriched"],
        env=env_for({"NABA_EMBEDDED_PORT": str(broker.port)}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"naba: error: topic news.enriched does not exist on 127.0.0.1:{broker.port} (run `naba topics`)"
    ], result.stderr[-2000:]
