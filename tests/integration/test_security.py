"""Security defaults on real processes: loopback-only listeners, and no secret in any output."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.broker import EmbeddedBroker
from pipeline.processes import die_with_parent
from pipeline.settings import Settings
from pipeline.topics import ensure_topics
from tests.conftest import env_for, free_port
from tests.integration.helpers import log_tail, start_worker, stop_worker

pytestmark = pytest.mark.integration

MARKER = "Pa55-marker-7f3e1c-never-print"


def listening(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every TCP socket process ``pid`` listens on, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A = LISTEN
                continue
            address, port = local.split(":")
            raw = bytes.fromhex(address)
            # /proc prints the address as host-order 32-bit words
            packed = b"".join(
                struct.pack("<I", struct.unpack(">I", raw[i : i + 4])[0]) for i in range(0, len(raw), 4)
            )
            found.add((socket.inet_ntop(family, packed), int(port, 16)))
    return found


def test_broker_and_worker_listen_on_loopback_only(
    broker: EmbeddedBroker, settings: Settings, settings_env: dict[str, str], tmp_path: Path
) -> None:
    ensure_topics(settings)
    feeds = tmp_path / "feeds.toml"
    feeds.write_text('[[feed]]\nname = "x"\nurl = "http://127.0.0.1:9/feed"\nallow_private = true\n')
    metrics_port = free_port()
    worker = start_worker(settings_env, tmp_path / "worker.log")
    with (tmp_path / "poller.log").open("ab") as out:
        poller = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline.cli",
                "poll",
                "--feeds",
                str(feeds),
                "--metrics-port",
                str(metrics_port),
            ],
            env=env_for(settings_env),
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,  # an interrupted test run leaves no poller behind
        )
    try:
        deadline = time.monotonic() + 90
        while "Worker ready" not in (tmp_path / "worker.log").read_text(errors="replace") or not listening(
            poller.pid
        ):
            assert worker.poll() is None and time.monotonic() < deadline, log_tail(tmp_path / "worker.log")
            assert poller.poll() is None, log_tail(tmp_path / "poller.log")
            time.sleep(0.3)
        assert broker.process is not None
        sockets = {
            "broker": listening(broker.process.pid),
            "worker": listening(worker.pid),
            "poller": listening(poller.pid),
        }
    finally:
        stop_worker(worker)
        stop_worker(poller)
    print(f"\nlistening sockets: {sockets}")
    assert sockets["broker"] == {("127.0.0.1", broker.port)}
    assert sockets["worker"] == {("127.0.0.1", settings.web_port)}
    assert sockets["poller"] == {("127.0.0.1", metrics_port)}


def run(args: list[str], env: dict[str, str], timeout: float = 90) -> tuple[int | None, str]:
    """Run ``python -m args``; its exit code (None if it had to be stopped) and everything it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", *args], env=env_for(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        process.terminate()
        output, _ = process.communicate(timeout=30)
        return None, output.decode("utf-8", "replace")


@pytest.mark.slow
def test_no_secret_in_any_output(broker: EmbeddedBroker, tmp_path: Path) -> None:
    """SASL against a broker that speaks no SASL, and against none at all, at debug log level.

    Every naba command fails with one last line that names the problem; none prints the password,
    nor does Faust's own worker (which gets past our checks and retries until stopped).
    """
    base = {
        "NABA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "NABA_SASL_MECHANISM": "SCRAM-SHA-256",
        "NABA_SASL_USERNAME": "naba",
        "NABA_SASL_PASSWORD": MARKER,
        "NABA_DATA_DIR": str(tmp_path / "naba"),
        "NABA_APP_ID": f"naba-secret-{tmp_path.name}",
        "NABA_WEB_PORT": str(free_port()),
        "NABA_LOG_LEVEL": "debug",
    }
    present = {**base, "NABA_BROKER": f"127.0.0.1:{broker.port}"}
    absent = {**base, "NABA_BROKER": f"127.0.0.1:{free_port()}"}
    feeds = tmp_path / "feeds.toml"
    feeds.write_text('[[feed]]\nname = "x"\nurl = "http://127.0.0.1:9/feed"\nallow_private = true\n')
    seed = tmp_path / "a.txt"
    seed.write_text("قال الوزير إن الحكومة ستزيد الدعم.", encoding="utf-8")
    naba = ["pipeline.cli"]
    commands = {
        "worker": [*naba, "worker", "--wait", "3"],
        "replay": [*naba, "replay", str(seed)],
        "tail": [*naba, "tail", "enriched", "--no-follow"],
        "poll": [*naba, "poll", "--once", "--feeds", str(feeds)],
        "topics": [*naba, "topics"],
    }
    outputs = {f"{name}/absent": run(args, absent, timeout=40) for name, args in commands.items()}
    for name in ("worker", "replay", "tail"):
        outputs[f"{name}/present"] = run(commands[name], present, timeout=60)
    faust = run(
        ["faust", "-A", "agents.app", "worker", "-l", "debug", "--web-port", base["NABA_WEB_PORT"]],
        present,
        20,
    )
    for name, (code, output) in {**outputs, "faust/present": faust}.items():
        last = output.strip().splitlines()[-1:]
        print(f"\n--- {name}: exit {code}, {len(output.splitlines())} lines; last: {last}")
        assert MARKER not in output, f"{name} printed the SASL password:\n{output[-2000:]}"
    for name, (code, output) in outputs.items():
        assert code not in (0, None), f"{name} did not fail against a broker that cannot authenticate it"
        assert output.strip().splitlines()[-1].startswith("naba: error: "), (name, output[-2000:])
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), f"{path} holds the SASL password"
