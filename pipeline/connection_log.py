"""One log line per broker state change, instead of several client errors per second.

When the broker goes away, aiokafka logs every failed connect, fetch, metadata refresh and
heartbeat (about 40 lines a second in a worker). ``BrokerLogCondenser`` is a logging filter put on
the process's log handlers: the first such error becomes one line ("lost the broker ... retrying"),
the following ones are dropped, and a background probe with backoff logs one line when the broker
answers again. The clients themselves keep retrying; only their narration is condensed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("naba.broker")

#: Loggers whose connection errors are condensed.
CLIENT_LOGGERS = ("aiokafka", "kafka", "faust")
#: Plain substrings (no regex: linear on any message) that mark a lost-connection record.
CONNECTION_MARKERS = (
    "Unable connect to node",
    "Connect call failed",
    "KafkaConnectionError",
    "NodeNotReadyError",
    "Unable to update metadata",
    "Unable to request metadata",
    "coordinator dead",
    "Group Coordinator Request failed",
    "Heartbeat send request failed",
    "Error sending HeartbeatRequest",
    "Failed fetch messages",
    "Connection refused",
    "Connection reset",
    "Unable to bootstrap",
    "Bootstrap failed",
    "Bootstrap connection to",
    "not ready; waiting",
)
#: Exceptions that mean "no broker", whoever logs them (e.g. a periodic lag sample's stack trace).
CONNECTION_EXCEPTIONS = frozenset(
    {"KafkaConnectionError", "KafkaTimeoutError", "NodeNotReadyError", "NoBrokersAvailable"}
)
_MARK = "_naba_condensed"  # set on a record this filter let through, so other handlers keep it


def is_connection_error(record: logging.LogRecord) -> bool:
    if record.levelno < logging.WARNING:
        return False
    error = record.exc_info[1] if record.exc_info else None
    if error is not None and type(error).__name__ in CONNECTION_EXCEPTIONS:
        return True
    if not record.name.startswith(CLIENT_LOGGERS):
        return False
    message = record.getMessage()
    if error is not None:
        message += f" {type(error).__name__} {error}"
    return any(marker in message for marker in CONNECTION_MARKERS)


def _reason(record: logging.LogRecord) -> str:
    error = record.exc_info[1] if record.exc_info else None
    if error is not None:
        return f"{type(error).__name__}: {error}".splitlines()[0][:200]
    return record.getMessage().splitlines()[0][:200]


class BrokerLogCondenser(logging.Filter):
    """A handler filter: connection errors -> one "lost" line, then one "answers again" line."""

    def __init__(
        self,
        where: str,
        probe: Callable[[], bool],
        *,
        first_delay: float = 0.5,
        max_delay: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.where = where
        self.probe = probe
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.clock = clock
        self.down_since: float | None = None
        self.suppressed = 0
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _MARK, False):
            return True
        if not is_connection_error(record):
            return True
        with self._lock:
            if self.down_since is not None:
                self.suppressed += 1
                return False
            self.down_since = self.clock()
            self.suppressed = 0
        reason = _reason(record)
        record.name = log.name
        record.msg = "lost the broker at %s (%s); retrying with backoff, one line when it answers again"
        record.args = (self.where, reason)
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = record.stack_info = None
        setattr(record, _MARK, True)
        threading.Thread(target=self._watch, name="naba-broker-probe", daemon=True).start()
        return True

    def _watch(self) -> None:
        delay = self.first_delay
        while True:
            time.sleep(delay)
            delay = min(delay * 2, self.max_delay)
            try:
                answered = self.probe()
            except Exception:  # a probe failing is the broker not answering yet
                answered = False
            if answered:
                break
        with self._lock:
            since, self.down_since = self.down_since, None
            dropped = self.suppressed
        down_for = self.clock() - since if since is not None else 0.0
        log.warning(
            "the broker at %s answers again after %.0f s (%d client error line(s) condensed)",
            self.where,
            down_for,
            dropped,
            extra={_MARK: True},
        )


def install(handlers: list[logging.Handler], condenser: BrokerLogCondenser) -> None:
    """Put ``condenser`` on every handler (once)."""
    for handler in handlers:
        if condenser not in handler.filters:
            handler.addFilter(condenser)
