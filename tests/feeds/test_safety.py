from __future__ import annotations

import ipaddress
import re

import pytest

from pipeline.feeds.safety import (
    SafeResolver,
    UnsafeAddressError,
    UnsafeURLError,
    address_problem,
    check_url,
    default_policy,
)
from tests.feeds.server import StaticResolver


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("8.8.8.8", None),
        ("2a00:1450:4001:80b::200e", None),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "reserved"),  # carrier-grade NAT
        ("240.0.0.1", "private"),  # reserved, which Python also calls private
    ],
)
def test_address_problem(address: str, problem: str | None) -> None:
    assert address_problem(ipaddress.ip_address(address)) == problem


def test_check_url() -> None:
    strict = default_policy(False)
    check_url("https://news.example/rss", strict)  # names are checked at connect time
    check_url("http://8.8.8.8/rss", strict)
    for url, message in [
        ("file:///etc/passwd", "only http and https"),
        ("gopher://x/", "only http and https"),
        ("news.example/rss", "only http and https"),
        ("http:///rss", "no host"),
        ("http://127.0.0.1:8080/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://x:99999/", "not a valid URL"),
        ("http://127.1/", "not a canonical IP address"),
        ("http://2130706433/", "not a canonical IP address"),
        ("http://0x7f.0.0.1/", "not a canonical IP address"),
    ]:
        with pytest.raises(UnsafeURLError, match=message):
            check_url(url, strict)
    check_url("http://127.0.0.1:8080/", default_policy(True))


async def test_safe_resolver_refuses_any_forbidden_answer() -> None:
    inner = StaticResolver({"good.example": "93.184.216.34", "evil.example": "10.0.0.5"})
    resolver = SafeResolver(default_policy(False), inner)
    (result,) = await resolver.resolve("good.example", 80)
    assert result["host"] == "93.184.216.34"
    with pytest.raises(
        UnsafeAddressError, match=re.escape("evil.example resolves to 10.0.0.5, a private address")
    ):
        await resolver.resolve("evil.example", 80)
    assert (await SafeResolver(default_policy(True), inner).resolve("evil.example"))[0]["host"] == "10.0.0.5"
