"""`naba up`: one command from nothing to enriched statements, and nothing left running after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.broker import kafka_answers
from tests.conftest import env_for, free_port

pytestmark = pytest.mark.integration


def _env(tmp_path: Path) -> tuple[dict[str, str], int]:
    port = free_port()
    return env_for(
        {
            "NABA_EMBEDDED_PORT": str(port),
            "NABA_WEB_PORT": str(free_port()),
            "NABA_DATA_DIR": str(tmp_path / "naba"),
        }
    ), port


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_up_once_prints_statements_and_a_summary_and_exits_zero(tmp_path: Path) -> None:
    env, port = _env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "up", "--once", "--timeout", "120"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "أناتولي أنتونوف" in result.stdout
    assert "summary: 1/1 articles enriched" in result.stderr
    assert f"dashboard on http://127.0.0.1:{env['NABA_WEB_PORT']}/dashboard" in result.stderr
    assert not kafka_answers("127.0.0.1", port)


def _start_up(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a shell job
    )


def _still_alive(pids: set[int], timeout: float) -> list[int]:
    """The processes of ``pids`` still alive after waiting up to ``timeout`` seconds for them to go."""
    deadline = time.monotonic() + timeout
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if _alive(pid)]


def test_ctrl_c_stops_up_cleanly_and_leaves_no_broker_or_worker_behind(tmp_path: Path) -> None:
    env, port = _env(tmp_path)
    up = _start_up(env)
    try:
        assert up.stdout is not None and up.stderr is not None
        first = up.stdout.readline()  # blocks until the first statement comes out
        assert "أنتونوف" in first, first
        started = _descendants(up.pid)
        assert len(started) >= 2  # the broker and the worker (and whatever the worker forks)
        os.killpg(up.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
        assert up.wait(timeout=60) == 130
        errors = up.stderr.read()
    finally:
        if up.poll() is None:
            up.kill()
    # The worker stopped by itself while the broker was still there (it was not killed).
    assert "was killed" not in errors, errors
    assert not _still_alive(started, timeout=10)
    assert not kafka_answers("127.0.0.1", port)


def test_killing_up_takes_its_children_down_too(tmp_path: Path) -> None:
    env, _ = _env(tmp_path)
    up = _start_up(env)
    assert up.stdout is not None
    up.stdout.readline()
    started = _descendants(up.pid)
    os.kill(up.pid, signal.SIGKILL)
    up.wait()
    assert not _still_alive(started, timeout=30)
