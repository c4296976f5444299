"""`naba replay --new-ids` on the embedded broker: fresh ids per send, same articles."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from pipeline import topics
from pipeline.identity import stable_id
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.conftest import SEED
from tests.integration.helpers import collect
from tests.integration.test_tail import naba

pytestmark = pytest.mark.integration


def test_replay_new_ids_sends_fresh_ids_each_time(settings: Settings, settings_env: dict[str, str]) -> None:
    ensure_topics(settings)
    for _ in range(2):
        result = naba(settings_env, "replay", "--new-ids", str(SEED))
        assert result.returncode == 0, result.stderr
    assert "published 1 article(s)" in naba(settings_env, "replay", str(SEED.parent)).stderr
    records = asyncio.run(collect(settings, topics.RAW, lambda r: len(r) >= 3, timeout=60))
    events = [orjson.loads(value) for _, value in records]
    keys = [key.decode() for key, _ in records if key is not None]
    assert len(set(keys)) == 3 and keys == [event["id"] for event in events]
    assert stable_id(SEED.read_text(encoding="utf-8")) in keys  # without --new-ids: the content hash
    assert len({event["text"] for event in events}) == 1
