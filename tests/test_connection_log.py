from __future__ import annotations

import logging
import threading
import time

import pytest

from pipeline.connection_log import BrokerLogCondenser, install, is_connection_error


def record(name: str, message: str, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, (), None)


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.getMessage()}")


def test_only_client_connection_errors_count() -> None:
    assert is_connection_error(record("aiokafka.conn", "Unable connect to node with id 1: [Errno 111]"))
    assert is_connection_error(record("aiokafka", "Failed fetch messages from 1: KafkaConnectionError"))
    assert not is_connection_error(record("pipeline.feeds", "Unable connect to node"))  # not a client
    assert not is_connection_error(record("aiokafka", "Unable connect to node", logging.INFO))
    assert not is_connection_error(record("faust.agent", "Agent crashed: ValueError"))
    assert is_connection_error(
        record("kafka.net.manager", "Bootstrap failed: KafkaTimeoutError: Unable to bootstrap")
    )


def test_a_stack_trace_of_a_connection_error_counts_whoever_logs_it() -> None:
    from kafka.errors import KafkaTimeoutError

    try:
        raise KafkaTimeoutError("Unable to bootstrap from ['k:9092']")
    except KafkaTimeoutError:
        import sys

        lag = logging.LogRecord(
            "pipeline.lag.monitor", logging.ERROR, __file__, 1, "lag sample failed", (), sys.exc_info()
        )
    assert is_connection_error(lag)
    try:
        raise ValueError("a bug")
    except ValueError:
        import sys

        bug = logging.LogRecord(
            "pipeline.lag.monitor", logging.ERROR, __file__, 1, "lag sample failed", (), sys.exc_info()
        )
    assert not is_connection_error(bug)


def test_a_storm_of_errors_is_one_line_down_and_one_line_back_up() -> None:
    answers = threading.Event()
    condenser = BrokerLogCondenser("kafka:9092", answers.is_set, first_delay=0.01, max_delay=0.02)
    capture = Capture()
    logger = logging.getLogger("aiokafka.test-condenser")
    logger.propagate = False
    logger.addHandler(capture)
    install(logger.handlers, condenser)
    install(logger.handlers, condenser)  # idempotent
    naba = logging.getLogger("naba.broker")
    naba.addHandler(capture)
    try:
        for _ in range(500):
            logger.error("Unable connect to node with id 111: [Errno 111] Connect call failed")
        logger.warning("something else entirely")  # not a connection error: passes untouched
        answers.set()
        deadline = time.monotonic() + 5
        while not any("answers again after" in line for line in capture.lines):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        logger.error("Unable connect to node with id 111: [Errno 111] Connect call failed")  # down again
        while sum("answers again after" in line for line in capture.lines) < 2:  # and back up
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        logger.removeHandler(capture)
        naba.removeHandler(capture)
    down = [line for line in capture.lines if "lost the broker at kafka:9092" in line]
    up = [line for line in capture.lines if "answers again after" in line]
    assert len(down) == 2 and down[0].startswith("WARNING")
    assert len(up) == 2 and "(499 client error line(s) condensed)" in up[0]
    assert "WARNING something else entirely" in capture.lines
    assert len(capture.lines) == 5


@pytest.mark.parametrize("answer_after", [0, 3])
def test_wait_for_broker_backs_off_and_logs_two_lines(
    answer_after: int, caplog: pytest.LogCaptureFixture
) -> None:
    from pipeline.broker import wait_for_broker
    from pipeline.settings import Settings

    now = [0.0]
    calls = [0]
    sleeps: list[float] = []

    def reachable(settings: Settings) -> bool:
        calls[0] += 1
        return calls[0] > answer_after

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    caplog.set_level(logging.INFO, "naba.broker")
    waited = wait_for_broker(
        Settings(broker="kafka:9092"), 60, sleep=sleep, clock=lambda: now[0], reachable=reachable
    )
    assert sleeps == [0.5, 1.0, 2.0][:answer_after]
    assert waited == sum(sleeps)
    assert len(caplog.records) == (2 if answer_after else 0)


def test_wait_for_broker_gives_up_with_one_line() -> None:
    from pipeline.broker import BrokerError, wait_for_broker
    from pipeline.settings import Settings

    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(
        BrokerError, match=r"Kafka at kafka:9092 does not answer within 30 s; check NABA_BROKER"
    ):
        wait_for_broker(
            Settings(broker="kafka:9092"), 30, sleep=sleep, clock=lambda: now[0], reachable=lambda s: False
        )
    assert now[0] == 30
