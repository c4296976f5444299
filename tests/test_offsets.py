"""Parsing --since: ISO times (UTC unless an offset is given) and ages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipeline.offsets import OffsetError, parse_since, to_millis

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01T00:00", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        (
            "2026-11-01T03:00+03:00",
            datetime(2026, 11, 1, tzinfo=timezone(timedelta(hours=3))).replace(hour=3),
        ),
        ("2026-11-01T00:00Z", datetime(2026, 11, 1, tzinfo=UTC)),
        ("90s", NOW - timedelta(seconds=90)),
        ("15m", NOW - timedelta(minutes=15)),
        ("2h", NOW - timedelta(hours=2)),
        ("3d", NOW - timedelta(days=3)),
        ("1w", NOW - timedelta(weeks=1)),
    ],
)
def test_parse_since(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


def test_an_offset_changes_the_instant() -> None:
    assert to_millis(parse_since("2026-11-01T03:00+03:00")) == to_millis(parse_since("2026-11-01T00:00"))


@pytest.mark.parametrize("text", ["yesterday", "", "2h ago", "-5m", "2026-13-01"])
def test_bad_times_are_a_clear_error(text: str) -> None:
    with pytest.raises(OffsetError, match="--since"):
        parse_since(text, NOW)
