"""Run a worker process: Faust's Worker, with broker connection errors condensed in its log."""

from __future__ import annotations

import logging

import faust
from faust.worker import Worker

from pipeline.broker import broker_reachable
from pipeline.connection_log import BrokerLogCondenser, install
from pipeline.settings import Settings


class NabaWorker(Worker):
    """Faust configures the root logger itself; our filter goes on its handlers once it has."""

    def __init__(self, app: faust.App, settings: Settings, **options: object) -> None:
        super().__init__(app, **options)  # type: ignore[arg-type]
        self.condenser = BrokerLogCondenser(settings.bootstrap, lambda: broker_reachable(settings))
        # At level warning and above Faust's terminal spinner sets the root logger to DEBUG: every
        # debug call in Faust and aiokafka then builds a record (~4 % of a busy worker) to show nothing.
        self.spinner = None

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        install(logger.handlers, self.condenser)


def run_worker(app: faust.App, settings: Settings) -> None:
    """Run until SIGTERM/SIGINT; returns (via SystemExit in Faust) when the worker has stopped."""
    NabaWorker(app, settings, loglevel=settings.log_level, quiet=True).execute_from_commandline()
