from __future__ import annotations

import asyncio
import gzip
import zlib

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.feeds.fetch import BodyTooLarge, Decoder, FetchError, HttpClient, Limits, decode_body
from tests.feeds.server import FeedServer, StaticResolver, fixture, public_names, redirect, reply

MiB = 1024 * 1024
FAST = Limits(connect_timeout=1.0, read_timeout=0.5, total_timeout=2.0)

# -- decompression (pure) ----------------------------------------------------------------------------


def test_decoder_gzip_deflate_raw_deflate_and_identity() -> None:
    data = "خبر عاجل ".encode() * 1000
    assert decode_body(gzip.compress(data), "gzip", MiB) == data
    assert decode_body(zlib.compress(data), "deflate", MiB) == data
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert decode_body(raw.compress(data) + raw.flush(), "deflate", MiB) == data
    assert decode_body(data, "identity", MiB) == data
    assert decode_body(gzip.compress(data) + gzip.compress(data), "gzip", MiB) == data * 2


def test_decoder_streams_in_small_chunks() -> None:
    data = bytes(range(256)) * 500
    packed = gzip.compress(data)
    decoder = Decoder("gzip", MiB)
    out = b"".join(decoder.feed(packed[i : i + 7]) for i in range(0, len(packed), 7)) + decoder.flush()
    assert out == data


def test_gzip_bomb_stops_at_the_limit_without_expanding() -> None:
    bomb = gzip.compress(b"\0" * (200 * MiB))  # ~200 KB on the wire
    decoder = Decoder("gzip", MiB)
    with pytest.raises(BodyTooLarge):
        decoder.feed(bomb)
    # max_length bounded every decompress call: we never held more than the limit (+1 byte).
    assert decoder._out <= MiB + 1


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=5000), st.integers(min_value=1, max_value=4096), st.integers(1, 97))
def test_decoder_output_never_exceeds_the_limit(data: bytes, limit: int, chunk: int) -> None:
    packed = gzip.compress(data)
    decoder = Decoder("gzip", limit)
    out = b""
    try:
        for start in range(0, len(packed), chunk):
            out += decoder.feed(packed[start : start + chunk])
        out += decoder.flush()
    except BodyTooLarge:
        assert len(data) > limit
    else:
        assert out == data and len(data) <= limit


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="br"):
        Decoder("br", MiB)


# -- HTTP against a local server -----------------------------------------------------------------


async def test_fetches_body_headers_and_sends_honest_user_agent() -> None:
    async with FeedServer() as server, HttpClient() as client:
        server.static(
            "/feed", fixture("rss20.xml"), ETag='"v1"', **{"Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}
        )
        got = await client.fetch(server.url("/feed"), limits=FAST, allow_private=True)
        assert got.status == 200 and got.body == fixture("rss20.xml")
        assert got.etag == '"v1"' and got.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
        agent = server.requests[0].headers["User-Agent"]
        assert agent.startswith("naba/") and "feed poller" in agent
        assert "gzip" in server.requests[0].headers["Accept-Encoding"]


async def test_conditional_get_gives_not_modified() -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        return web.Response(body=b"<rss/>", headers={"ETag": '"v1"'})

    async with FeedServer() as server, HttpClient() as client:
        server.routes["/feed"] = handler
        got = await client.fetch(
            server.url("/feed"),
            limits=FAST,
            allow_private=True,
            etag='"v1"',
            last_modified="Wed, 01 May 2024 10:00:00 GMT",
        )
        assert got.not_modified and got.body == b""
        assert server.requests[0].headers["If-Modified-Since"] == "Wed, 01 May 2024 10:00:00 GMT"


async def test_gzip_transfer_is_decoded() -> None:
    async with FeedServer() as server, HttpClient() as client:
        server.static("/feed", gzip.compress(fixture("rss20.xml")), **{"Content-Encoding": "gzip"})
        got = await client.fetch(server.url("/feed"), limits=FAST, allow_private=True)
        assert got.body == fixture("rss20.xml")


async def test_gzip_bomb_is_capped() -> None:
    async with FeedServer() as server, HttpClient() as client:
        server.static("/bomb", gzip.compress(b"<" * (64 * MiB)), **{"Content-Encoding": "gzip"})
        with pytest.raises(FetchError) as caught:
            await client.fetch(server.url("/bomb"), limits=Limits(max_bytes=MiB), allow_private=True)
        assert caught.value.kind == "too_large"


async def test_twenty_megabyte_feed_is_capped() -> None:
    big = b"<rss><channel>" + b"<item><title>x</title></item>" * (20 * MiB // 29)

    async def streamed(request: web.Request) -> web.StreamResponse:
        # Chunked, no Content-Length: the cap must come from counting, not from the header.
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        for start in range(0, len(big), MiB):
            await response.write(big[start : start + MiB])
        return response

    async with FeedServer() as server, HttpClient() as client:
        server.routes["/huge"] = streamed
        server.static("/huge-declared", big)
        for path in ("/huge", "/huge-declared"):
            with pytest.raises(FetchError) as caught:
                await client.fetch(server.url(path), limits=Limits(max_bytes=15 * MiB), allow_private=True)
            assert caught.value.kind == "too_large"


async def test_redirect_chain_is_followed_and_reported() -> None:
    async with FeedServer() as server, HttpClient() as client:
        server.routes["/a"] = redirect("/b", 301)
        server.routes["/b"] = redirect(server.url("/c"), 307)
        server.static("/c", b"<rss/>")
        got = await client.fetch(server.url("/a"), limits=FAST, allow_private=True)
        assert got.url == server.url("/c") and got.redirects == (server.url("/a"), server.url("/b"))


async def test_redirect_loop_and_too_many_redirects() -> None:
    async with FeedServer() as server, HttpClient() as client:
        server.routes["/loop1"] = redirect("/loop2")
        server.routes["/loop2"] = redirect("/loop1")
        for i in range(10):
            server.routes[f"/r{i}"] = redirect(f"/r{i + 1}")
        with pytest.raises(FetchError, match="loop") as caught:
            await client.fetch(server.url("/loop1"), limits=FAST, allow_private=True)
        assert caught.value.kind == "redirects"
        with pytest.raises(FetchError, match="more than 5 redirects"):
            await client.fetch(server.url("/r0"), limits=FAST, allow_private=True)
        assert len(server.requests) == 2 + 6  # stopped at the sixth hop, /r6 never requested


async def test_redirect_to_loopback_from_a_public_host_is_refused() -> None:
    resolver = StaticResolver({"news.example": "127.0.0.1"})
    async with (
        FeedServer() as server,
        HttpClient(resolver=resolver, policy_for=public_names("news.example")) as client,
    ):
        server.static("/feed", b"<rss/>")
        server.routes["/moved"] = redirect(server.url("/feed"))
        # The public name itself works (the policy says so) ...
        got = await client.fetch(server.url("/feed", "news.example"), limits=FAST)
        assert got.status == 200
        # ... but a hop to 127.0.0.1 is refused before anything is sent to it.
        with pytest.raises(FetchError, match="loopback") as caught:
            await client.fetch(server.url("/moved", "news.example"), limits=FAST)
        assert caught.value.kind == "blocked"
        paths = [r.path for r in server.requests]
        assert paths == ["/feed", "/moved"]


async def test_name_resolving_to_loopback_is_refused_at_connect_time() -> None:
    resolver = StaticResolver({"rebind.example": "127.0.0.1"})
    async with FeedServer() as server, HttpClient(resolver=resolver) as client:
        server.static("/feed", b"<rss/>")
        with pytest.raises(FetchError, match="loopback") as caught:
            await client.fetch(server.url("/feed", "rebind.example"), limits=FAST)
        assert caught.value.kind == "blocked"
        assert server.requests == []
        # The same feed with allow_private = true is fetched.
        got = await client.fetch(server.url("/feed", "rebind.example"), limits=FAST, allow_private=True)
        assert got.status == 200


async def test_only_http_and_https() -> None:
    async with FeedServer() as server, HttpClient() as client:
        server.routes["/to-file"] = redirect("file:///etc/passwd")
        for url in ("file:///etc/passwd", "ftp://example.com/feed", server.url("/to-file")):
            with pytest.raises(FetchError, match="only http and https") as caught:
                await client.fetch(url, limits=FAST, allow_private=True)
            assert caught.value.kind == "blocked"


async def test_server_that_never_answers_times_out() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(30)  # accepts, reads nothing, never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server, HttpClient() as client:
        with pytest.raises(FetchError) as caught:
            await client.fetch(f"http://127.0.0.1:{port}/feed", limits=FAST, allow_private=True)
        assert caught.value.kind == "timeout"
        server.close()


async def test_slow_drip_is_stopped_by_the_total_timeout() -> None:
    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(100):
            await response.write(b"<")
            await asyncio.sleep(0.1)  # each read is quick; the whole is not
        return response

    async with FeedServer() as server, HttpClient() as client:
        server.routes["/drip"] = drip
        limits = Limits(connect_timeout=1.0, read_timeout=1.0, total_timeout=0.5)
        with pytest.raises(FetchError) as caught:
            await client.fetch(server.url("/drip"), limits=limits, allow_private=True)
        assert caught.value.kind == "timeout"


async def test_http_errors_carry_status_and_retry_after() -> None:
    async with FeedServer() as server, HttpClient() as client:
        server.routes["/busy"] = reply(429, **{"Retry-After": "120"})
        server.routes["/broken"] = reply(500)
        with pytest.raises(FetchError) as caught:
            await client.fetch(server.url("/busy"), limits=FAST, allow_private=True)
        assert (caught.value.kind, caught.value.status, caught.value.retry_after) == ("http", 429, "120")
        with pytest.raises(FetchError) as caught:
            await client.fetch(server.url("/broken"), limits=FAST, allow_private=True)
        assert caught.value.status == 500


async def test_connection_refused_is_a_connection_error() -> None:
    with socket_bound() as port:
        async with HttpClient() as client:
            with pytest.raises(FetchError) as caught:
                await client.fetch(f"http://127.0.0.1:{port}/", limits=FAST, allow_private=True)
            assert caught.value.kind == "connection"


def socket_bound():  # type: ignore[no-untyped-def]
    """A port nobody listens on (bound, not listening, so connections are refused)."""
    import contextlib
    import socket

    @contextlib.contextmanager
    def bound():  # type: ignore[no-untyped-def]
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            yield sock.getsockname()[1]

    return bound()


async def test_numeric_host_spellings_of_loopback_are_refused() -> None:
    # Not IP literals to urlsplit/ipaddress, but getaddrinfo turns them into 127.0.0.1:
    # the connect-time check still sees the address.
    async with FeedServer() as server, HttpClient() as client:
        server.static("/feed", b"<rss/>")
        for host in ("127.1", "2130706433", "0x7f000001", "localhost"):
            with pytest.raises(FetchError) as caught:
                await client.fetch(server.url("/feed", host), limits=FAST)
            assert caught.value.kind == "blocked", host
        assert server.requests == []
