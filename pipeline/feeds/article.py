"""The ``news.raw`` record (``pipeline.models.RawArticle``) for one feed item."""

from __future__ import annotations

import time

from pipeline.feeds.items import Identified
from pipeline.models import RawArticle, encode


def iso_time(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def raw_article(
    identified: Identified, *, feed: str, language: str, text: str, revision: int, fetched_at: float
) -> RawArticle:
    item = identified.item
    return RawArticle(
        id=identified.id,
        text=text,
        url=item.link,
        feed=feed,
        title=item.title,
        published=item.published,
        language=language,
        revision=revision,
        fetched_at=iso_time(fetched_at),
    )


def encode_raw(article: RawArticle) -> bytes:
    return encode(article)
