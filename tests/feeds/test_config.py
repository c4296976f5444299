from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline import PROJECT_ROOT
from pipeline.feeds.config import FeedConfigError, load_feeds, parse_feeds_config


def test_shipped_feeds_file_is_valid_and_disabled() -> None:
    config = load_feeds(PROJECT_ROOT / "config" / "feeds.toml")
    assert len(config.feeds) >= 3
    assert config.enabled == ()  # no internet by default
    assert all(f.language == "ar" and f.url.startswith("https://") for f in config.feeds)
    hespress = next(f for f in config.feeds if f.name == "hespress")
    assert hespress.full_text and hespress.interval == 600
    alyaum = next(f for f in config.feeds if f.name == "alyaum")
    assert alyaum.limits.max_bytes == 5 * 1024 * 1024 and alyaum.limits.max_redirects == 5


def test_defaults_and_overrides() -> None:
    config = parse_feeds_config(
        {
            "poller": {"per_host": 1},
            "defaults": {"interval": 60, "max_bytes": 1000},
            "feed": [
                {"name": "a", "url": "http://a.example/rss"},
                {"name": "b", "url": "http://b.example/rss", "interval": 30.5, "max_redirects": 0},
            ],
        }
    )
    a, b = config.feeds
    assert config.poller.per_host == 1
    assert (a.interval, a.limits.max_bytes, a.enabled, a.allow_private) == (60.0, 1000, True, False)
    assert (b.interval, b.limits.max_redirects) == (30.5, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"feed": [{"url": "http://a/"}]}, "'name' is required"),
        ({"feed": [{"name": "a", "url": "ftp://a/x"}]}, "http or https"),
        ({"feed": [{"name": "a", "url": "http://a/", "intervall": 5}]}, "unknown key.*intervall"),
        ({"feed": [{"name": "a", "url": "http://a/", "interval": True}]}, "'interval' must be float"),
        ({"feed": [{"name": "a", "url": "http://a/", "interval": -1}]}, "must be positive"),
        ({"feed": [{"name": "a", "url": "http://a/", "enabled": "yes"}]}, "'enabled' must be bool"),
        (
            {"feed": [{"name": "a", "url": "http://a/"}, {"name": "a", "url": "http://b/"}]},
            "names must be unique",
        ),
        (
            {"feed": [{"name": "a", "url": "http://a/"}, {"name": "b", "url": "http://a/"}]},
            "urls must be unique",
        ),
        ({"feeds": []}, "unknown key"),
        ({"defaults": {"name": "x"}}, "unknown key"),
        (
            {"feed": [{"name": "a", "url": "http://a/", "min_interval": 10, "max_interval": 5}]},
            "min_interval",
        ),
    ],
)
def test_invalid_configs_name_the_problem(data: dict[str, Any], message: str) -> None:
    with pytest.raises(FeedConfigError, match=message):
        parse_feeds_config(data)


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(FeedConfigError, match="does not exist"):
        load_feeds(tmp_path / "nope.toml")
    broken = tmp_path / "feeds.toml"
    broken.write_text("[[feed]\nname=")
    with pytest.raises(FeedConfigError, match="not valid TOML"):
        load_feeds(broken)
