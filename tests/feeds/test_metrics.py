from __future__ import annotations

import orjson

from pipeline.feeds.metrics import Metrics


def test_snapshot_is_json_ready_and_sorted() -> None:
    metrics = Metrics()
    b = metrics.feed("b")
    b.polls += 2
    b.errors["timeout"] += 1
    metrics.feed("a").new_items = 3
    assert metrics.feed("b") is b
    snapshot = metrics.snapshot()
    assert list(snapshot) == ["a", "b"]
    assert snapshot["b"]["errors"] == {"timeout": 1} and snapshot["a"]["new_items"] == 3
    expected = {"polls", "not_modified", "new_items", "duplicates", "errors", "last_success", "backoff"}
    assert set(snapshot["a"]) >= expected
    orjson.dumps(snapshot)
