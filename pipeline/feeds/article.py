"""The ``news.raw`` record for one feed item.

Field for field the lead's ``pipeline.models.RawArticle`` (schema ``naba.raw/1``); built here as a
dict until that model is on main, then replaced by ``encode(RawArticle(...))``.
"""

from __future__ import annotations

import time
from typing import Any

import orjson

from pipeline.feeds.items import Identified

SCHEMA = "naba.raw/1"


def iso_time(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def raw_article(
    identified: Identified, *, feed: str, language: str, text: str, revision: int, fetched_at: float
) -> dict[str, Any]:
    item = identified.item
    return {
        "schema": SCHEMA,
        "id": identified.id,
        "url": item.link,
        "feed": feed,
        "title": item.title,
        "published": item.published,
        "language": language,
        "text": text,
        "revision": revision,
        "fetched_at": iso_time(fetched_at),
    }


def encode_raw(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record)
