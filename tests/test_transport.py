from __future__ import annotations

import asyncio
from pathlib import Path

from pipeline.app import create_app
from pipeline.settings import load_settings
from pipeline.transport import FETCH_MAX_WAIT_MS, Transport


def test_the_worker_consumer_long_polls_briefly(tmp_path: Path) -> None:
    app = create_app(load_settings(environ={"NABA_DATA_DIR": str(tmp_path)}))
    assert isinstance(app.transport, Transport)

    async def fetch_wait() -> int:
        thread = app.consumer._new_consumer_thread()  # type: ignore[attr-defined]
        consumer = thread._create_worker_consumer(app.transport)
        return int(consumer._fetch_max_wait_ms)

    # Faust's own value is 1500 ms, which the embedded broker answers up to ~750 ms late.
    assert asyncio.run(fetch_wait()) == FETCH_MAX_WAIT_MS <= 100
