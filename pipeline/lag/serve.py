"""A bare /metrics endpoint for processes without Faust's web server (the feed pollers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client.registry import Collector

from pipeline.lag.metrics import CONTENT_TYPE, exposition


@asynccontextmanager
async def metrics_server(host: str, port: int, *collectors: Collector) -> AsyncIterator[None]:
    async def metrics(request: web.Request) -> web.Response:
        return web.Response(body=exposition(*collectors), headers={"Content-Type": CONTENT_TYPE})

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    try:
        yield
    finally:
        await runner.cleanup()
