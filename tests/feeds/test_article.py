from __future__ import annotations

import orjson

from pipeline.feeds.article import encode_raw, raw_article
from pipeline.feeds.items import FeedItem, Identified
from pipeline.models import RAW_SCHEMA, RawArticle, decode


def test_raw_article_has_the_naba_raw_1_fields() -> None:
    ident = Identified("a" * 32, "c", FeedItem("g", None, "عنوان", "2024-05-01T07:30:00Z", "نص"))
    record = orjson.loads(
        encode_raw(raw_article(ident, feed="f", language="ar", text="نص كامل", revision=2, fetched_at=0.0))
    )
    assert record == {
        "schema": RAW_SCHEMA,
        "id": "a" * 32,
        "url": None,
        "feed": "f",
        "title": "عنوان",
        "published": "2024-05-01T07:30:00Z",
        "language": "ar",
        "text": "نص كامل",
        "revision": 2,
        "fetched_at": "1970-01-01T00:00:00Z",
    }
    assert (
        decode(
            RawArticle,
            encode_raw(raw_article(ident, feed="f", language="ar", text="t", revision=0, fetched_at=0.0)),
        ).id
        == "a" * 32
    )
