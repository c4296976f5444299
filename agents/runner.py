"""Run a worker process: Faust's Worker, with broker connection errors condensed in its log."""

from __future__ import annotations

import logging
import os
import signal
import threading

import faust
from faust.worker import Worker

from pipeline.broker import broker_reachable
from pipeline.connection_log import BrokerLogCondenser, install
from pipeline.settings import Settings

# A graceful stop longer than settings.stop_grace is cut short: offsets not yet committed are re-read
# by the next worker (at-least-once), which beats a worker that lingers. An orphan (its parent, e.g.
# `naba up`, was killed, so the embedded broker is gone too) has nothing to commit: it waits less.
ORPHAN_STOP_GRACE = 5.0


class NabaWorker(Worker):
    """Faust configures the root logger itself; our filter goes on its handlers once it has."""

    def __init__(self, app: faust.App, settings: Settings, **options: object) -> None:
        super().__init__(app, **options)  # type: ignore[arg-type]
        self.parent_pid = os.getppid()
        self.stop_grace = settings.stop_grace
        self.condenser = BrokerLogCondenser(settings.bootstrap, lambda: broker_reachable(settings))
        # At level warning and above Faust's terminal spinner sets the root logger to DEBUG: every
        # debug call in Faust and aiokafka then builds a record (~4 % of a busy worker) to show nothing.
        self.spinner = None

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        install(logger.handlers, self.condenser)

    def _schedule_shutdown(self, signal: signal.Signals) -> None:
        if not self._signal_stop_time:
            orphan = os.getppid() != self.parent_pid
            grace = min(ORPHAN_STOP_GRACE, self.stop_grace) if orphan else self.stop_grace
            timer = threading.Timer(grace, _stop_overdue, args=(grace,))
            timer.daemon = True
            timer.start()
        super()._schedule_shutdown(signal)


def _stop_overdue(grace: float) -> None:
    logging.getLogger(__name__).error("worker did not stop within %.0f s of the signal: exiting now", grace)
    logging.shutdown()
    os._exit(1)


def run_worker(app: faust.App, settings: Settings) -> None:
    """Run until SIGTERM/SIGINT; returns (via SystemExit in Faust) when the worker has stopped."""
    NabaWorker(app, settings, loglevel=settings.log_level, quiet=True).execute_from_commandline()
