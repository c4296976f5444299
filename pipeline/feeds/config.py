"""``config/feeds.toml``: the feeds to poll and the limits that keep polling polite and bounded.

Layout (all durations in seconds)::

    [poller]                 # process-wide
    per_host = 2             # concurrent requests to one host
    concurrency = 16         # concurrent feed polls overall
    user_agent = "..."       # optional; the default names naba and its version

    [defaults]               # any per-feed key below; a feed's own value wins
    interval = 900

    [[feed]]
    name = "example"
    url = "https://example.com/rss"
    language = "ar"
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.feeds.fetch import USER_AGENT, Limits


class FeedConfigError(ValueError):
    """feeds.toml is missing, unreadable or invalid; the message names the feed and the key."""


@dataclass(frozen=True, slots=True)
class FeedConfig:
    name: str
    url: str
    language: str = "ar"
    enabled: bool = True
    full_text: bool = False
    allow_private: bool = False
    interval: float = 900.0  # the normal time between polls
    min_interval: float = 60.0  # never poll more often, whatever the feed says
    max_interval: float = 6 * 3600.0  # a huge <ttl> or max-age is capped here
    backoff_base: float = 60.0  # first retry delay after an error; doubles per failure
    backoff_max: float = 6 * 3600.0
    max_failures: int = 10  # consecutive failures before the feed is paused
    pause: float = 24 * 3600.0  # how long a paused feed waits before one probe
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True, slots=True)
class PollerConfig:
    per_host: int = 2
    concurrency: int = 16
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class FeedsConfig:
    poller: PollerConfig
    feeds: tuple[FeedConfig, ...]

    @property
    def enabled(self) -> tuple[FeedConfig, ...]:
        return tuple(feed for feed in self.feeds if feed.enabled)


_FEED_KEYS = {f.name: f for f in fields(FeedConfig) if f.name != "limits"}
_LIMIT_KEYS = {f.name: f for f in fields(Limits)}
_POLLER_KEYS = {f.name: f for f in fields(PollerConfig)}
_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "bool": (bool,), "int": (int,), "float": (int, float)}


def _value(where: str, key: str, value: Any, kind: str) -> Any:
    accepted = _TYPES[kind]
    # bool is an int in Python; "interval = true" is a mistake, not 1 second.
    if not isinstance(value, accepted) or (kind != "bool" and isinstance(value, bool)):
        raise FeedConfigError(f"{where}: '{key}' must be {kind}, not {value!r}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        # max_redirects = 0 means "follow none"; every other number must be positive.
        if value < 0 or (value == 0 and key != "max_redirects"):
            raise FeedConfigError(f"{where}: '{key}' must be positive, not {value!r}")
        return float(value) if kind == "float" else value
    return value


def _split(where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise FeedConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(allowed))})"
        )


def _feed(where: str, table: Mapping[str, Any], defaults: Mapping[str, Any]) -> FeedConfig:
    merged = {**defaults, **table}
    _split(where, merged, set(_FEED_KEYS) | set(_LIMIT_KEYS))
    for required in ("name", "url"):
        if not isinstance(merged.get(required), str) or not merged[required].strip():
            raise FeedConfigError(f"{where}: '{required}' is required (a non-empty string)")
    where = f"feed '{merged['name']}'"
    values = {k: _value(where, k, v, str(_FEED_KEYS[k].type)) for k, v in merged.items() if k in _FEED_KEYS}
    limits = {k: _value(where, k, v, str(_LIMIT_KEYS[k].type)) for k, v in merged.items() if k in _LIMIT_KEYS}
    url = values["url"].strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FeedConfigError(f"{where}: url {url!r} must be an http or https URL with a host")
    values["url"] = url
    feed = FeedConfig(**values, limits=Limits(**limits))
    if feed.min_interval > feed.max_interval:
        raise FeedConfigError(f"{where}: min_interval is larger than max_interval")
    return feed


def parse_feeds_config(data: Mapping[str, Any], source: str = "feeds.toml") -> FeedsConfig:
    """Validate the TOML document (already loaded) and build the configuration."""
    _split(source, data, {"poller", "defaults", "feed"})
    poller_table = data.get("poller", {})
    defaults = data.get("defaults", {})
    feed_tables = data.get("feed", [])
    if not isinstance(poller_table, Mapping) or not isinstance(defaults, Mapping):
        raise FeedConfigError(f"{source}: [poller] and [defaults] must be tables")
    if not isinstance(feed_tables, list):
        raise FeedConfigError(f"{source}: feeds are [[feed]] entries")
    _split(f"{source} [poller]", poller_table, set(_POLLER_KEYS))
    _split(f"{source} [defaults]", defaults, (set(_FEED_KEYS) | set(_LIMIT_KEYS)) - {"name", "url"})
    poller = PollerConfig(
        **{k: _value(f"{source} [poller]", k, v, str(_POLLER_KEYS[k].type)) for k, v in poller_table.items()}
    )
    feeds = []
    for index, table in enumerate(feed_tables, start=1):
        if not isinstance(table, Mapping):
            raise FeedConfigError(f"{source}: [[feed]] number {index} is not a table")
        feeds.append(_feed(f"{source} [[feed]] number {index}", table, defaults))
    for attr in ("name", "url"):
        values = [getattr(feed, attr) for feed in feeds]
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise FeedConfigError(f"{source}: feed {attr}s must be unique; repeated: {', '.join(repeated)}")
    return FeedsConfig(poller=poller, feeds=tuple(feeds))


def load_feeds(path: Path) -> FeedsConfig:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise FeedConfigError(f"feeds file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise FeedConfigError(f"feeds file {path} is not valid TOML: {exc}") from None
    return parse_feeds_config(data, str(path))
