from __future__ import annotations

from pipeline.feeds.identity import article_id, canonical_link, stable_id
from pipeline.feeds.items import FeedItem, Identified, identify, item_content_hash, to_publish
from pipeline.feeds.parse import parse_feed
from pipeline.feeds.state import Seen
from tests.feeds.server import fixture


def _items(name: str, url: str) -> tuple[FeedItem, ...]:
    return parse_feed(fixture(name), {"content-type": "application/rss+xml"}, url).items


def test_missing_guids_fall_back_to_link_then_title() -> None:
    url = "https://noguid.example/rss"
    items, problems = identify(_items("missing-guids.xml", url), url)
    assert problems == []
    with_link, bare = items
    assert with_link.id == stable_id("link", "https://noguid.example/a/1?id=5")
    assert bare.id == stable_id("title", "خبر بلا رابط ولا معرف", "2024-05-02T12:00:00Z")


def test_items_sharing_one_guid_are_told_apart_by_link() -> None:
    url = "https://oneguid.example/rss"
    items, problems = identify(_items("same-guid.xml", url), url)
    assert len({i.id for i in items}) == 3
    assert items[0].id == stable_id("link", "https://oneguid.example/n/1")
    assert problems == [
        "3 different items share the GUID 'https://oneguid.example/'; identified by link instead"
    ]


def test_repeated_items_in_one_document_are_dropped() -> None:
    url = "https://dup.example/rss"
    items, problems = identify(_items("duplicate-guids.xml", url), url)
    # isPermaLink defaults to true, so feedparser resolves the bare GUID against the feed URL.
    assert [i.item.guid for i in items] == ["https://dup.example/dup-1", "https://dup.example/dup-2"]
    assert problems == ["1 repeated item(s) in the document skipped"]


def test_content_hash_changes_with_text_not_with_guid() -> None:
    a = FeedItem("g", "https://x/1", "عنوان", None, "نص")
    assert item_content_hash(a) == item_content_hash(FeedItem("other", "https://x/1", "عنوان", "2024", "نص"))
    assert item_content_hash(a) != item_content_hash(FeedItem("g", "https://x/1", "عنوان", None, "نص معدل"))


def test_id_is_stable_across_feed_documents() -> None:
    url = "https://news.example/rss"
    first = identify(_items("rss20.xml", url), url)[0]
    again = identify(_items("rss20.xml", url), url)[0]
    assert [i.id for i in first] == [i.id for i in again]
    assert first[0].id == article_id(
        guid="news-example-1002", link=None, title=None, published=None, feed_url=url
    )
    assert canonical_link(first[0].item.link or "") == "https://news.example/world/2024/05/01/minister"


def test_to_publish_new_revised_duplicate_and_other_feeds_copies() -> None:
    def ident(n: str, content: str) -> Identified:
        return Identified(n, content, FeedItem(None, None, n, None, ""))

    items = [
        ident("new", "c"),
        ident("edited", "c2"),
        ident("same", "c"),
        ident("theirs", "c9"),
    ]  # newest first
    seen = {"edited": Seen("c1", 3, "f"), "same": Seen("c", 0, "f"), "theirs": Seen("c", 0, "other")}
    fresh, duplicates = to_publish(items, seen, "f")
    assert [(i.id, revision) for i, revision in fresh] == [("edited", 4), ("new", 0)]  # oldest first
    assert duplicates == 2
