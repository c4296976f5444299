from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

from tests.conftest import SEED, env_for, free_port


def naba(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        env=env_for(env or {}),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_enrich_runs_the_core_offline_on_txt_json_and_jsonl(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "one.json").write_bytes(orjson.dumps({"id": "j1", "title": "عنوان", "text": text}))
    (tmp_path / "many.jsonl").write_bytes(
        orjson.dumps({"id": "l1", "text": text}) + b"\n\n" + orjson.dumps({"text": text}) + b"\n"
    )
    result = naba("enrich", str(SEED), str(tmp_path / "one.json"), str(tmp_path / "many.jsonl"))
    assert result.returncode == 0, result.stderr
    articles = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in articles][1:3] == ["j1", "l1"]
    assert len(articles) == 4
    assert all(len(a["statements"]) >= 15 for a in articles)
    assert articles[1]["title"] == "عنوان"


def test_enrich_pretty_prints_for_humans() -> None:
    result = naba("enrich", "--pretty", str(SEED))
    assert result.returncode == 0
    assert result.stdout.startswith("{\n  ")


def test_enrich_reports_bad_files_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "قال"}\n{oops\n')
    result = naba("enrich", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"naba: error: {bad}:2: malformed JSON: " + result.stderr.split("malformed JSON: ")[1].strip()
    ]


def test_commands_that_need_a_broker_say_how_to_start_one() -> None:
    result = naba("replay", str(SEED), env={"NABA_EMBEDDED_PORT": str(free_port())})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "start one with `naba broker`" in lines[0]


def test_invalid_settings_are_one_line() -> None:
    result = naba("topics", env={"NABA_PARTITIONS": "zero"})
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "naba: error: setting 'partitions' from the environment (NABA_*): 'zero' is not a valid int"
    )


def test_lag_without_a_broker_is_one_line_and_exit_2() -> None:
    result = naba("lag", "--json", env={"NABA_EMBEDDED_PORT": str(free_port())})
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("naba: error:")
