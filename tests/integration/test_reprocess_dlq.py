"""`naba reprocess` and `naba dlq` on the embedded broker with real workers."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest

from pipeline import topics
from pipeline.identity import stable_id
from pipeline.models import RawArticle, encode
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.conftest import SEED
from tests.integration.helpers import Record, collect, produce, start_worker, stop_worker
from tests.integration.test_tail import naba

pytestmark = pytest.mark.integration


def seed_article() -> RawArticle:
    text = SEED.read_text(encoding="utf-8")
    return RawArticle(id=stable_id(text), text=text, feed="test")


@contextmanager
def _worker(
    settings: Settings, settings_env: dict[str, str], log: Path, seed: RawArticle
) -> Iterator[list[Record]]:
    """A worker that has enriched ``seed`` (the enriched records are yielded); stopped on exit."""
    ensure_topics(settings)
    worker = start_worker(settings_env, log)
    try:
        asyncio.run(produce(settings, topics.RAW, [(seed.id.encode(), encode(seed))]))
        yield asyncio.run(collect(settings, topics.ENRICHED, lambda r: len(r) >= 1, worker=worker))
    finally:
        stop_worker(worker)


def _reprocess_and_run(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path, *options: str
) -> tuple[subprocess.CompletedProcess[str], list[Record]]:
    """``naba reprocess OPTIONS`` (must succeed), then a worker until news.enriched holds two events."""
    done = naba(settings_env, "reprocess", *options)
    assert done.returncode == 0, done.stderr
    worker = start_worker(settings_env, tmp_path / "worker2.log")
    try:
        again = asyncio.run(collect(settings, topics.ENRICHED, lambda r: len(r) >= 2, worker=worker))
    finally:
        stop_worker(worker)
    return done, again


def test_reprocess_refuses_while_a_worker_runs_then_produces_the_same_ids_again(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    seed = seed_article()
    with _worker(settings, settings_env, tmp_path / "worker.log", seed) as first:
        refused = naba(settings_env, "reprocess", "--from-beginning")
    assert refused.returncode != 0
    assert "live member" in refused.stderr and "stop them" in refused.stderr

    done, again = _reprocess_and_run(settings, settings_env, tmp_path, "--from-beginning")
    assert "news.raw: 8 partitions reset, 1 event(s) to process again" in done.stdout
    assert [key for key, _ in again] == [first[0][0], first[0][0]]
    before, after = (orjson.loads(value) for _, value in again)
    assert after["id"] == before["id"]
    assert [st["id"] for st in after["statements"]] == [st["id"] for st in before["statements"]]


def test_a_dead_letter_replayed_after_its_cause_is_removed_comes_out_enriched(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    seed = seed_article()
    small = {**settings_env, "NABA_MAX_ARTICLE_BYTES": "1000"}
    worker = start_worker(small, tmp_path / "worker.log")
    try:
        asyncio.run(produce(settings, topics.RAW, [(seed.id.encode(), encode(seed))]))
        asyncio.run(collect(settings, topics.DLQ, lambda r: len(r) >= 1, worker=worker))
    finally:
        stop_worker(worker)
    listed = naba(settings_env, "dlq", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    (letter,) = [orjson.loads(line) for line in listed.stdout.splitlines()]
    assert letter["stage"] == "clean" and "too large" in letter["error"]
    readable = naba(settings_env, "dlq", "list")
    assert "too large" in readable.stdout and "1 dead letter(s)" in readable.stderr

    dry = naba(settings_env, "dlq", "replay", "--dry-run")
    assert "would send 1 dead letter(s) back: 1 to news.raw" in dry.stdout, dry.stderr
    sent = naba(settings_env, "dlq", "replay", "--stage", "clean")
    assert "sent 1 dead letter(s) back: 1 to news.raw" in sent.stdout, sent.stderr
    assert "sent 0 dead letter(s) back" in naba(settings_env, "dlq", "replay").stdout  # each letter once

    worker = start_worker(settings_env, tmp_path / "worker2.log")
    try:
        enriched = asyncio.run(collect(settings, topics.ENRICHED, lambda r: len(r) >= 1, worker=worker))
    finally:
        stop_worker(worker)
    assert [key for key, _ in enriched] == [seed.id.encode()]
    assert len(orjson.loads(enriched[0][1])["statements"]) >= 15


def test_reprocessing_enrich_under_one_pass_enriches_again(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    # With one_pass the enrich agent skips the clean agent's marked events: resetting news.clean
    # alone would enrich nothing, so the reset goes to news.raw.
    seed = seed_article()
    with _worker(settings, settings_env, tmp_path / "worker.log", seed):
        pass

    done, again = _reprocess_and_run(
        settings, settings_env, tmp_path, "--from-beginning", "--stage", "enrich"
    )
    assert "one_pass is on" in done.stderr
    assert "news.raw: 8 partitions reset, 1 event(s) to process again" in done.stdout
    assert [key for key, _ in again] == [seed.id.encode()] * 2
