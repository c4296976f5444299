"""`make bench` still works: a tiny run writes valid JSON with every part. No time is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import PROJECT

pytestmark = pytest.mark.integration


def test_a_tiny_benchmark_run_writes_its_results(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "benchmarks.run", "--articles", "20", "--rounds", "1"]
    command += ["--contestants", "naba", "--rates", "20", "--latency-seconds", "0.5"]
    command += ["--offline-seconds", "0.01", "--output", str(tmp_path), "--baseline", "HEAD"]
    done = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=420)
    assert done.returncode == 0, done.stderr[-3000:]

    result = orjson.loads((tmp_path / "latest.json").read_bytes())
    assert {"machine", "offline", "e2e", "latency"} <= result.keys()
    assert result["machine"]["cores"] >= 1 and result["machine"]["packages"]["faust-streaming"]
    assert set(result["offline"]) == {"seed", "1KB", "20KB"}
    assert all(row["articles_per_s_per_core"] > 0 for row in result["offline"].values())
    # --baseline runs naba as of a git revision beside the working tree's, in the e2e and latency parts.
    run, base = result["e2e"]["runs"]
    assert (run["contestant"], run["articles"]) == ("naba", 20)
    assert (base["contestant"], base["articles"]) == ("naba@HEAD", 20)
    assert run["articles_per_s"] > 0 and max(run["peak_rss_mb"]) > 0
    assert result["e2e"]["messages_per_article"]["naba"] > 2
    assert [latency["contestant"] for latency in result["latency"]] == ["naba", "naba@HEAD"]
    for latency in result["latency"]:
        assert latency["delivered"] == latency["offered"] == 10 and latency["p99_ms"] > 0
    assert "end to end" in done.stdout and "latency" in done.stdout and "naba@HEAD" in done.stdout
    assert len(list(tmp_path.glob("*.json"))) == 2  # the dated file and latest.json
