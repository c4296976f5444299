"""Which addresses a feed may be fetched from.

The check runs where the connection is made (a resolver handed to aiohttp), so every redirect hop
and every DNS answer is covered, including a name that resolves to a public address at config time
and to 127.0.0.1 later. aiohttp does not call the resolver for IP literals, so URLs are checked too.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Decides whether ``host`` may be reached at ``ip``: ``None`` if so, else the reason it may not.
AddressPolicy = Callable[[str, IPAddress], str | None]

ALLOWED_SCHEMES = frozenset({"http", "https"})
# Dotted or plain decimal, octal or hex numbers: hosts that only look like names (linear).
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?$", re.IGNORECASE)


class UnsafeAddressError(OSError):
    """A host resolves to an address feeds must not be fetched from.

    An ``OSError`` so aiohttp treats it as a failed connection and no request is sent.
    """


class UnsafeURLError(ValueError):
    """A URL with a scheme other than http(s), without a host, or naming a forbidden address."""


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address, or ``None`` if it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_private:
        return "private"
    if ip.is_reserved or not ip.is_global:
        return "reserved"  # e.g. 100.64.0.0/10 (carrier NAT) and documentation ranges
    return None


def default_policy(allow_private: bool) -> AddressPolicy:
    """Public addresses only, or every address for a feed configured with ``allow_private``."""

    def policy(host: str, ip: IPAddress) -> str | None:
        if allow_private:
            return None
        problem = address_problem(ip)
        if problem is None:
            return None
        if host.strip("[]") == str(ip):
            return f"{ip} is a {problem} address"
        return f"{host} resolves to {ip}, a {problem} address"

    return policy


def check_url(url: str, policy: AddressPolicy) -> None:
    """Refuse a URL we must not request: wrong scheme, no host, or a forbidden IP literal."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError as exc:
        raise UnsafeURLError(f"{url!r} is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeURLError(f"{url!r}: only http and https are allowed, not {parts.scheme or 'no scheme'!r}")
    if not host:
        raise UnsafeURLError(f"{url!r} has no host")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if _NUMERIC_HOST.match(host):
            # "127.1", "2130706433", "0x7f.1": inet_aton would read them as addresses.
            raise UnsafeURLError(f"refused {url!r}: {host} is not a canonical IP address") from None
        return  # a name: checked by SafeResolver when the connection is made
    problem = policy(host, ip)
    if problem is not None:
        raise UnsafeURLError(f"refused {url!r}: {problem}")


class SafeResolver(AbstractResolver):
    """Resolves with ``inner`` and refuses the name if any of its addresses is forbidden.

    All-or-nothing rather than filtering: a name mixing public and private addresses is either a
    rebinding trick or a misconfiguration, and fetching from "the public half" hides both.
    """

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self._policy = policy
        self._inner = inner if inner is not None else DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            problem = self._policy(host, ipaddress.ip_address(result["host"]))
            if problem is not None:
                raise UnsafeAddressError(problem)
        return results

    async def close(self) -> None:
        await self._inner.close()
