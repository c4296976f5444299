"""A local HTTP server for the feed tests (127.0.0.1, random port) and a resolver to go with it."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from pipeline.feeds.safety import AddressPolicy, IPAddress, default_policy

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


class FeedServer:
    """``server.routes[path] = handler``; every request is recorded in ``server.requests``."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[web.Request] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def static(
        self, path: str, body: bytes, content_type: str = "application/rss+xml", **headers: str
    ) -> None:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(body=body, headers={"Content-Type": content_type, **headers})

        self.routes[path] = handler

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        handler = self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="no such fixture")
        return await handler(request)

    async def __aenter__(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sockets = site._server.sockets if site._server is not None else ()  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


def reply(status: int = 200, body: bytes = b"", **headers: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, headers=headers)

    return handler


def redirect(to: str, status: int = 302) -> Handler:
    return reply(status, Location=to)


class StaticResolver(AbstractResolver):
    """Resolves the given names to fixed addresses; every other name fails like NXDOMAIN."""

    def __init__(self, names: dict[str, str]) -> None:
        self._names = names

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self._names:
            raise OSError(f"{host}: no such test host")
        address = self._names[host]
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
        ]

    async def close(self) -> None:
        return None


def public_names(*names: str) -> Callable[[bool], AddressPolicy]:
    """An address policy that treats ``names`` as public hosts (they point at the test server)."""

    def policy_for(allow_private: bool) -> AddressPolicy:
        default = default_policy(allow_private)

        def policy(host: str, ip: IPAddress) -> str | None:
            return None if host in names else default(host, ip)

        return policy

    return policy_for
