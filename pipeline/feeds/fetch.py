"""HTTP for feeds and article pages: conditional GET, limits, redirects re-checked at every hop.

Modelled on Miniflux's fetcher. We follow redirects ourselves so each hop's URL is checked, read the
body in chunks and decompress it ourselves with a bounded output, so a 20 MB feed or a gzip bomb
stops at ``max_bytes`` of *decompressed* data instead of filling memory.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin

import aiohttp
from aiohttp.abc import AbstractResolver

from pipeline import __version__
from pipeline.feeds.safety import AddressPolicy, SafeResolver, UnsafeAddressError, UnsafeURLError, check_url
from pipeline.feeds.safety import default_policy as _default_policy

USER_AGENT = f"naba/{__version__} (Arabic news feed poller; aiohttp/{aiohttp.__version__})"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How long and how much one fetch may take (the per-feed overrides in feeds.toml)."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 60.0
    max_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5


class FetchError(Exception):
    """A fetch that produced no usable body. ``kind`` is the metrics label."""

    def __init__(
        self, kind: str, message: str, *, status: int | None = None, retry_after: str | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response with a usable outcome: a body (status 200) or "not modified" (304)."""

    url: str  # after redirects
    status: int
    headers: Mapping[str, str]  # lowercase names
    body: bytes
    redirects: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class BodyTooLarge(Exception):
    pass


class Decoder:
    """Undoes one Content-Encoding incrementally, never producing more than ``limit`` bytes in total."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self._wbits: int | None = None
        elif encoding in ("gzip", "x-gzip"):
            self._wbits = 16 + zlib.MAX_WBITS
        elif encoding == "deflate":
            self._wbits = zlib.MAX_WBITS  # zlib-wrapped; raw deflate is tried on the first error
        else:
            raise ValueError(f"unsupported Content-Encoding {encoding!r}")
        self._limit = limit
        self._out = 0
        self._started = False
        self._z = None if self._wbits is None else zlib.decompressobj(self._wbits)

    def _budget(self, produced: int) -> None:
        self._out += produced
        if self._out > self._limit:
            raise BodyTooLarge(f"body exceeds {self._limit} bytes after decompression")

    def feed(self, data: bytes) -> bytes:
        if self._z is None:
            self._budget(len(data))
            return data
        parts: list[bytes] = []
        while data:
            try:
                # max_length bounds the output of this call: a bomb expands by at most the budget.
                out = self._z.decompress(data, self._limit - self._out + 1)
            except zlib.error:
                if self._wbits == zlib.MAX_WBITS and not self._started:
                    self._wbits = -zlib.MAX_WBITS  # some servers send raw deflate
                    self._z = zlib.decompressobj(self._wbits)
                    continue
                raise
            self._started = True
            self._budget(len(out))
            parts.append(out)
            if self._z.unconsumed_tail:
                data = self._z.unconsumed_tail
            elif self._z.eof and self._z.unused_data:
                data = self._z.unused_data  # concatenated gzip members
                self._z = zlib.decompressobj(self._wbits or zlib.MAX_WBITS)
            else:
                data = b""
        return b"".join(parts)

    def flush(self) -> bytes:
        if self._z is None:
            return b""
        out = self._z.flush()
        self._budget(len(out))
        return out


def decode_body(data: bytes, encoding: str, limit: int) -> bytes:
    """Decompress a whole body at once (the same bounds as streaming)."""
    decoder = Decoder(encoding, limit)
    return decoder.feed(data) + decoder.flush()


class HttpClient:
    """aiohttp sessions for fetching feeds and pages; one session per address policy.

    ``resolver`` and ``policy_for`` are injectable so tests can treat a name pointing at their
    127.0.0.1 server as public and check that a redirect to a loopback address is refused.
    """

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        resolver: AbstractResolver | None = None,
        policy_for: Callable[[bool], AddressPolicy] = _default_policy,
    ) -> None:
        self._user_agent = user_agent
        self._resolver = resolver
        self._policy_for = policy_for
        self._sessions: dict[bool, tuple[aiohttp.ClientSession, AddressPolicy]] = {}

    def _session(self, allow_private: bool) -> tuple[aiohttp.ClientSession, AddressPolicy]:
        if allow_private not in self._sessions:
            policy = self._policy_for(allow_private)
            connector = aiohttp.TCPConnector(
                resolver=SafeResolver(policy, self._resolver), limit=100, ttl_dns_cache=60
            )
            session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # we decompress with a bound (Decoder)
                cookie_jar=aiohttp.DummyCookieJar(),  # feeds must not share or keep cookies
                headers={"User-Agent": self._user_agent, "Accept-Encoding": "gzip, deflate"},
                trust_env=False,
            )
            self._sessions[allow_private] = (session, policy)
        return self._sessions[allow_private]

    async def close(self) -> None:
        for session, _ in self._sessions.values():
            await session.close()
        self._sessions.clear()

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def fetch(
        self,
        url: str,
        *,
        limits: Limits = Limits(),
        allow_private: bool = False,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> Fetched:
        """GET ``url``; a 200 or 304 comes back as :class:`Fetched`, anything else raises FetchError."""
        session, policy = self._session(allow_private)
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with asyncio.timeout(limits.total_timeout):
                return await self._follow(session, policy, url, headers, limits)
        except TimeoutError:
            raise FetchError("timeout", f"{url}: no complete answer within the time limit") from None

    async def _follow(
        self,
        session: aiohttp.ClientSession,
        policy: AddressPolicy,
        url: str,
        headers: Mapping[str, str],
        limits: Limits,
    ) -> Fetched:
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=limits.connect_timeout, sock_read=limits.read_timeout
        )
        seen: list[str] = []
        while True:
            try:
                check_url(url, policy)
            except UnsafeURLError as exc:
                raise FetchError("blocked", str(exc)) from None
            seen.append(url)
            try:
                async with session.get(url, headers=headers, allow_redirects=False, timeout=timeout) as resp:
                    if resp.status in _REDIRECTS and "Location" in resp.headers:
                        target = urljoin(url, resp.headers["Location"])
                        if target in seen:
                            raise FetchError("redirects", f"redirect loop: {' -> '.join([*seen, target])}")
                        if len(seen) > limits.max_redirects:
                            raise FetchError(
                                "redirects", f"more than {limits.max_redirects} redirects from {seen[0]}"
                            )
                        url = target
                        continue
                    return await self._finish(resp, url, tuple(seen[:-1]), limits)
            except FetchError:
                raise
            except aiohttp.ClientConnectorError as exc:
                # aiohttp wraps our resolver's refusal; find it to report "blocked", not "connection".
                cause: BaseException | None = exc
                while cause is not None and not isinstance(cause, UnsafeAddressError):
                    cause = cause.__cause__ or cause.__context__
                if cause is not None:
                    raise FetchError("blocked", f"refused {url}: {cause}") from None
                raise FetchError("connection", f"{url}: {exc}") from None
            except (aiohttp.ServerTimeoutError, aiohttp.SocketTimeoutError):
                raise FetchError("timeout", f"{url}: the server stopped answering") from None
            except aiohttp.ClientError as exc:
                raise FetchError("connection", f"{url}: {type(exc).__name__}: {exc}") from None

    async def _finish(
        self, resp: aiohttp.ClientResponse, url: str, redirects: tuple[str, ...], limits: Limits
    ) -> Fetched:
        headers = {name.lower(): value for name, value in resp.headers.items()}
        if resp.status == 304:
            return Fetched(url, 304, headers, b"", redirects)
        if resp.status != 200:
            raise FetchError(
                "http",
                f"{url}: HTTP {resp.status} {resp.reason or ''}".rstrip(),
                status=resp.status,
                retry_after=headers.get("retry-after"),
            )
        try:
            decoder = Decoder(headers.get("content-encoding", ""), limits.max_bytes)
        except ValueError as exc:
            raise FetchError("decoding", f"{url}: {exc}") from None
        if resp.content_length is not None and resp.content_length > limits.max_bytes:
            raise FetchError(
                "too_large", f"{url}: Content-Length {resp.content_length} exceeds {limits.max_bytes}"
            )
        parts: list[bytes] = []
        raw = 0
        try:
            async for chunk in resp.content.iter_chunked(_CHUNK):
                raw += len(chunk)
                if raw > limits.max_bytes:
                    raise BodyTooLarge(f"compressed body exceeds {limits.max_bytes} bytes")
                parts.append(decoder.feed(chunk))
            parts.append(decoder.flush())
        except BodyTooLarge as exc:
            raise FetchError("too_large", f"{url}: {exc}") from None
        except zlib.error as exc:
            raise FetchError(
                "decoding", f"{url}: corrupt {headers.get('content-encoding')} body: {exc}"
            ) from None
        return Fetched(url, 200, headers, b"".join(parts), redirects)
