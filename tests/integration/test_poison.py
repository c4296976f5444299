"""Poison input on every topic an agent reads: each message becomes one dead letter with a clear
reason, the agent keeps going (no crash, no restart loop) and the group's lag returns to zero."""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path

import orjson
import pytest

from pipeline import topics
from pipeline.dlq import replay_letters
from pipeline.models import CleanArticle, RawArticle, encode
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.integration.articles import article
from tests.integration.helpers import (
    TopicReader,
    committed_offsets,
    log_tail,
    produce,
    start_worker,
    stop_worker,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HUGE = 10 * 1024 * 1024
ARABIC = "قال الوزير إن الحكومة ستزيد دعم التعليم في العام المقبل. "
ENGLISH = "The minister said on Monday that the government will increase support for schools."


def _poison(model: type[RawArticle] | type[CleanArticle], schema: str) -> dict[str, tuple[bytes, str]]:
    """name -> (value, what its dead letter's reason must say)."""
    good = encode(model(id="x", text=ARABIC))
    return {
        "truncated": (good[:-25], "malformed JSON"),
        "wrong-schema": (
            orjson.dumps({"schema": f"{schema.split('/')[0]}/9", "id": "x", "text": ARABIC}),
            f"unsupported schema '{schema.split('/')[0]}/9'",
        ),
        "huge": (
            encode(model(id="huge", text=ARABIC * (HUGE // len(ARABIC.encode()) + 1))),
            "article too large",
        ),
        "missing-field": (
            orjson.dumps({"schema": schema, "id": "x", "title": "عنوان"}),
            "missing field: text",
        ),
        "english": (encode(model(id="en", text=ENGLISH)), "not an Arabic article"),
        "nul-bytes": (b"\x00" * 64, "malformed JSON"),
        "nul-text": (
            encode(model(id="nul", text="\x00" * 100)),
            "empty article",
        ),
    }


RAW_POISON = _poison(RawArticle, "naba.raw/1")
CLEAN_POISON = _poison(CleanArticle, "naba.clean/1")


async def _lag_zero(settings: Settings, timeout: float = 60) -> dict[tuple[str, int], int]:
    """Wait until the group's committed offsets reach the high watermark of both source topics."""
    deadline = time.monotonic() + timeout
    while True:
        async with TopicReader(settings, topics.RAW, topics.CLEAN) as reader:
            await reader.drain()
            high = reader.highwaters()
        committed = await asyncio.to_thread(committed_offsets, settings)
        lag = {tp: end - committed.get(tp, 0) for tp, end in high.items()}
        if not any(lag.values()) or time.monotonic() > deadline:
            return lag
        await asyncio.sleep(1)


async def _run(settings: Settings, settings_env: dict[str, str], log: Path) -> dict[str, object]:
    ensure_topics(settings)
    worker = start_worker(settings_env, log)
    try:
        with_nul = article(1, prefix="nul-inside")
        with_nul = RawArticle(id=with_nul.id, text=with_nul.text.replace(" ", " \x00", 3), feed="test")
        raw = [(f"raw-{name}".encode(), value) for name, (value, _) in RAW_POISON.items()]
        clean = [(f"clean-{name}".encode(), value) for name, (value, _) in CLEAN_POISON.items()]
        good = [article(2, prefix="after-poison"), with_nul]
        await produce(settings, topics.RAW, raw, max_request_size=4 * HUGE)  # type: ignore[arg-type]
        await produce(settings, topics.CLEAN, clean, max_request_size=4 * HUGE)  # type: ignore[arg-type]
        await produce(settings, topics.RAW, [(a.id.encode(), encode(a)) for a in good])
        letters: dict[str, dict[str, object]] = {}
        enriched: dict[str, dict[str, object]] = {}
        async with TopicReader(settings, topics.DLQ, topics.ENRICHED) as reader:
            deadline = time.monotonic() + 120
            while len(letters) < len(raw) + len(clean) or len(enriched) < len(good):
                assert worker.poll() is None, log_tail(log)
                assert time.monotonic() < deadline, (sorted(letters), sorted(enriched), log_tail(log))
                for record in await reader.read():
                    target = letters if record.topic == topics.DLQ else enriched
                    target[(record.key or b"").decode()] = orjson.loads(record.value)
        lag = await _lag_zero(settings)
        alive = worker.poll() is None
    finally:
        stop_worker(worker)
    replay = await replay_letters(settings, dry_run=True)
    return {
        "letters": letters,
        "enriched": enriched,
        "lag": lag,
        "alive": alive,
        "log": log.read_text(),
        "replay": replay,
    }


def test_poison_on_every_agent_topic_is_dead_lettered_and_lag_returns_to_zero(
    settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    result = asyncio.run(_run(settings, settings_env, tmp_path / "worker.log"))
    letters: dict[str, dict[str, object]] = result["letters"]  # type: ignore[assignment]
    for name, letter in sorted(letters.items()):
        print(f"{name}: {letter['stage']}: {letter['error']}"[:160])
    for prefix, poison, stage, topic in (
        ("raw", RAW_POISON, "clean", topics.RAW),
        ("clean", CLEAN_POISON, "enrich", topics.CLEAN),
    ):
        for name, (value, reason) in poison.items():
            letter = letters[f"{prefix}-{name}"]
            assert (letter["stage"], letter["topic"]) == (stage, topic)
            assert reason in str(letter["error"]), (name, letter["error"])
            assert letter["size"] == len(value)
            kept = base64.b64decode(str(letter["value"]))
            if len(value) <= 4 * 1024 * 1024:
                assert kept == value and letter["truncated"] is False
            else:  # only the head of an oversized original is kept: the letter must fit a request
                assert value.startswith(kept) and letter["truncated"] is True
    assert set(letters) == {f"raw-{n}" for n in RAW_POISON} | {f"clean-{n}" for n in CLEAN_POISON}
    # The agents went on after the poison: the good articles came out, NULs cleaned away.
    enriched: dict[str, dict[str, object]] = result["enriched"]  # type: ignore[assignment]
    assert set(enriched) == {"after-poison-00002", "nul-inside-00001"}
    assert "\x00" not in str(enriched["nul-inside-00001"]["text"])
    # No crash, no restart loop: one worker, agents never restarted, nothing left unconsumed.
    assert result["alive"]
    log = str(result["log"])
    assert log.count("Worker ready") == 1 and "Traceback" not in log and "crashed" not in log.lower()
    assert not any(result["lag"].values()), result["lag"]  # type: ignore[attr-defined]
    # `naba dlq replay` would send every letter back except the two cut ones (they would only fail again).
    replay = result["replay"]
    assert replay.sent == {topics.RAW: len(RAW_POISON) - 1, topics.CLEAN: len(CLEAN_POISON) - 1}  # type: ignore[attr-defined]
    assert len(replay.skipped) == 2 and all("too large to keep whole" in r for r in replay.skipped)  # type: ignore[attr-defined]
