"""A worker whose graceful stop hangs (its broker froze) exits after settings.stop_grace anyway."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

import pytest

from pipeline import topics
from pipeline.broker import EmbeddedBroker
from pipeline.models import RawArticle, encode
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.integration.helpers import collect, log_tail, produce, start_worker, stop_worker

pytestmark = pytest.mark.integration


def test_a_stop_that_hangs_is_cut_short_after_the_grace(
    broker: EmbeddedBroker, settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    log = tmp_path / "worker.log"
    worker = start_worker({**settings_env, "NABA_STOP_GRACE": "3"}, log)
    assert broker.process is not None
    frozen = False
    try:
        article = RawArticle(id="ready", text="قال الوزير إن المحادثات مستمرة.", feed="test")
        asyncio.run(produce(settings, topics.RAW, [(b"ready", encode(article))]))
        asyncio.run(collect(settings, topics.ENRICHED, lambda records: bool(records), worker=worker))
        os.kill(broker.process.pid, signal.SIGSTOP)  # every request of the graceful stop now hangs
        frozen = True
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("the worker was still stopping 60 s after SIGTERM\n" + log_tail(log))
    finally:
        if frozen:
            os.kill(broker.process.pid, signal.SIGCONT)
        stop_worker(worker)
    assert code == 1
    assert "did not stop within 3 s of the signal" in log.read_text(encoding="utf-8", errors="replace")
