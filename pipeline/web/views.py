"""Mount /metrics, /lag.json and /dashboard on the Faust worker's web server."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import faust
import orjson
from faust.web import Request, Response, View

from pipeline.lag.metrics import CONTENT_TYPE, WorkerCollector, exposition
from pipeline.lag.monitor import Monitor

STATIC = Path(__file__).resolve().parent / "static"
#: Served files and their content types; nothing else under /dashboard is reachable.
ASSETS = {
    "dashboard.html": "text/html; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
}
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def register_views(app: faust.App, monitor: Monitor) -> None:
    collector = WorkerCollector(monitor)

    @app.page("/metrics")
    async def metrics(self: View, request: Request) -> Response:
        return self.bytes(exposition(collector), headers=_headers(CONTENT_TYPE))

    @app.page("/lag.json")
    async def lag_json(self: View, request: Request) -> Response:
        body = orjson.dumps(monitor.snapshot(time.time()))
        return self.bytes(body, headers=_headers("application/json"))

    def asset(name: str) -> Any:
        async def serve(self: View, request: Request) -> Response:
            return self.bytes((STATIC / name).read_bytes(), headers=_headers(ASSETS[name]))

        serve.__name__ = "dashboard_" + name.replace(".", "_")
        return serve

    app.page("/dashboard")(asset("dashboard.html"))
    app.page("/dashboard/dashboard.js")(asset("dashboard.js"))
    app.page("/dashboard/dashboard.css")(asset("dashboard.css"))


def _headers(content_type: str) -> dict[str, str]:
    # aiohttp refuses a charset in content_type=; as a header it is passed through.
    return {**_HEADERS, "Content-Type": content_type}
