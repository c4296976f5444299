"""Counters per feed, for ``naba poll`` summaries and the lag dashboard."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class FeedMetrics:
    polls: int = 0
    not_modified: int = 0
    new_items: int = 0
    revisions: int = 0
    duplicates: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # by FetchError kind, "parse", "publish"
    last_success: float | None = None  # epoch seconds
    last_error: str | None = None
    consecutive_failures: int = 0
    backoff: float = 0.0  # seconds until the next poll when the last one failed, else 0
    paused: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "polls": self.polls,
            "not_modified": self.not_modified,
            "new_items": self.new_items,
            "revisions": self.revisions,
            "duplicates": self.duplicates,
            "errors": dict(self.errors),
            "last_success": self.last_success,
            "last_error": self.last_error,
            "consecutive_failures": self.consecutive_failures,
            "backoff": self.backoff,
            "paused": self.paused,
        }


class Metrics:
    """All feeds' counters, by feed name. Shared by every poller of the process."""

    def __init__(self) -> None:
        self._feeds: dict[str, FeedMetrics] = {}

    def feed(self, name: str) -> FeedMetrics:
        return self._feeds.setdefault(name, FeedMetrics())

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """A JSON-ready copy: {feed name: counters}."""
        return {name: metrics.as_dict() for name, metrics in sorted(self._feeds.items())}
