"""Shared fixtures: embedded brokers on free ports, settings that point at them."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from pipeline.broker import EmbeddedBroker
from pipeline.settings import Settings, load_settings

# CI explores the same examples on every run (a red CI must be reproducible); developers explore anew.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None, print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

PROJECT = Path(__file__).resolve().parent.parent
SEED = PROJECT / "seeds" / "000_694a7dc3639c9e32.txt"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def broker(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    """A fresh embedded broker per test (it starts in well under a second): no shared topics."""
    with EmbeddedBroker(free_port(), log_path=tmp_path / "broker.log") as running:
        yield running


def env_for(settings_env: dict[str, str]) -> dict[str, str]:
    """The process environment without the developer's own NABA_* settings, plus ``settings_env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NABA_")}
    return {**clean, **settings_env}


@pytest.fixture()
def settings_env(broker: EmbeddedBroker, tmp_path: Path) -> dict[str, str]:
    """NABA_* variables pointing a child process at the session broker, with its own group."""
    return {
        "NABA_BROKER": "embedded",
        "NABA_EMBEDDED_PORT": str(broker.port),
        "NABA_WEB_PORT": str(free_port()),
        "NABA_DATA_DIR": str(tmp_path / "naba"),
        "NABA_APP_ID": f"naba-test-{tmp_path.name}",
        "NABA_LOG_LEVEL": "info",
    }


@pytest.fixture()
def settings(settings_env: dict[str, str]) -> Settings:
    return load_settings(environ=settings_env)
