"""PURE terminal formatting of events for `naba tail`: readable, right-to-left correct, or JSON lines.

Bidi: a line of Arabic content starts with RLM so a bidi-aware terminal lays the whole line out
right to left; a line of metadata starts with LRM. Every field of a different direction inside a
line is wrapped in FSI…PDI (first-strong isolates), so a Latin URL inside Arabic (or an Arabic
title inside a metadata line) neither reorders its neighbours nor is reordered by them.
Event text comes from the network: control characters (ANSI escapes) and bidi controls in it are
removed before printing, so an event cannot restyle the terminal or break the layout.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pipeline.models import (
    CleanArticle,
    DeadLetter,
    EnrichedArticle,
    Model,
    RawArticle,
    StatementEvent,
    TopicEvent,
    encode,
)

RLM, LRM = "\u200f", "\u200e"
FSI, PDI = "\u2068", "\u2069"
SEPARATOR = " · "
EXCERPT = 160

# C0 and C1 controls, bidi embeddings/overrides/isolates and marks (ours are added after cleaning).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]+")
_SPACES = re.compile(r"\s+")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")

_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def format_json(event: Model) -> str:
    """One JSON line: exactly the event as it travels (for `jq`)."""
    return encode(event).decode("utf-8")


def safe(text: str | None) -> str:
    """Event text fit for a terminal: no controls, whitespace runs (newlines too) as one space."""
    if not text:
        return ""
    return _SPACES.sub(" ", _UNSAFE.sub(" ", text)).strip()


def isolate(text: str) -> str:
    """``text`` as a bidi island (FSI…PDI); plain ASCII needs none."""
    return f"{FSI}{text}{PDI}" if text and not text.isascii() else text


def rtl_line(text: str) -> str:
    return RLM + text


def ltr_line(*fields: str | None) -> str:
    return LRM + SEPARATOR.join(isolate(field) for field in fields if field)


def when(published: str | None, timestamp_ms: int | None) -> str | None:
    """The event's publication time, else the record's time, as ``YYYY-MM-DD HH:MM UTC``."""
    if published:
        try:
            moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
        except ValueError:
            return safe(published)
        if moment.tzinfo:
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return moment.strftime("%Y-%m-%d %H:%M")
    if timestamp_ms is not None and timestamp_ms >= 0:
        return datetime.fromtimestamp(timestamp_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return None


def excerpt(text: str, limit: int = EXCERPT) -> str:
    text = safe(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_event(event: Model, timestamp_ms: int | None = None, *, color: bool = False) -> str:
    """A few lines for one event (no trailing newline)."""
    bold, dim, reset = (_BOLD, _DIM, _RESET) if color else ("", "", "")
    lines: list[str]
    if isinstance(event, StatementEvent):
        speaker = safe(event.speaker.name)
        if event.speaker.title:
            speaker += f"، {safe(event.speaker.title)}"
        head = f"{bold}{speaker}{reset} — {safe(event.verb)} ({isolate(safe(event.kind))})"
        lines = [
            rtl_line(head),
            rtl_line(f"«{safe(event.text)}»"),
            dim
            + ltr_line(
                when(event.published, timestamp_ms),
                excerpt(event.title, 80),
                f"via {isolate(safe(event.via))}" if event.via else None,
                safe(event.url),
                f"article {event.article_id}",
            )
            + reset,
        ]
    elif isinstance(event, EnrichedArticle):
        labels = ", ".join(topic.label for topic in event.topics)
        speakers = sorted({safe(st.speaker.name) for st in event.statements})
        lines = [
            rtl_line(f"{bold}{excerpt(event.title or event.text, 100)}{reset}"),
            *([rtl_line("، ".join(speakers))] if speakers else []),
            dim
            + ltr_line(
                when(event.published, timestamp_ms),
                f"{len(event.statements)} statements",
                f"topics: {labels}" if labels else None,
                safe(event.url),
                f"article {event.id}",
            )
            + reset,
        ]
    elif isinstance(event, TopicEvent):
        lines = [
            ltr_line(f"{bold}{safe(event.label)}{reset} {event.score:.2f}", excerpt(event.title, 80)),
            dim
            + ltr_line(
                when(event.published, timestamp_ms),
                f"{len(event.statements)} statements",
                safe(event.url),
                f"article {event.article_id}",
            )
            + reset,
        ]
    elif isinstance(event, RawArticle | CleanArticle):
        lines = [
            rtl_line(f"{bold}{excerpt(event.title or event.text, 100)}{reset}"),
            dim
            + ltr_line(
                when(event.published, timestamp_ms),
                f"feed {safe(event.feed)}" if event.feed else None,
                safe(event.url),
                f"article {event.id}",
            )
            + reset,
        ]
    elif isinstance(event, DeadLetter):
        lines = [
            ltr_line(f"{bold}{safe(event.stage)}{reset}", excerpt(event.error, 200)),
            dim
            + ltr_line(
                when(event.at, None),
                f"{safe(event.topic)}[{event.partition}]@{event.offset}",
                f"{len(event.original_value() or b'')} bytes",
            )
            + reset,
        ]
    else:
        lines = [format_json(event)]
    return "\n".join(lines)
