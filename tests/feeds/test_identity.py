from __future__ import annotations

import hashlib

import pytest

from pipeline.feeds.identity import article_id, canonical_link, content_hash, stable_id


def test_stable_id_is_the_documented_hash() -> None:
    assert stable_id("a", "b") == hashlib.sha256(b"a\x1fb").hexdigest()[:32]
    assert stable_id("ab", "c") != stable_id("a", "bc")
    assert len(stable_id()) == 32


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example.COM/A/b?x=1#frag", "https://news.example.com/A/b?x=1"),
        ("http://x.example:80/p", "http://x.example/p"),
        ("https://x.example:8443/p", "https://x.example:8443/p"),
        ("https://x.example", "https://x.example/"),
        ("https://x.example/p?utm_source=rss&id=7&UTM_Medium=x&fbclid=1&gclid=2", "https://x.example/p?id=7"),
        ("https://x.example/p?b=2&a=1", "https://x.example/p?b=2&a=1"),  # order kept
        ("https://[2001:DB8::1]/p", "https://[2001:db8::1]/p"),
        ("not a url", "not a url"),
        ("https://x.example:99999/p", "https://x.example:99999/p"),  # unparseable port: verbatim
    ],
)
def test_canonical_link(url: str, canonical: str) -> None:
    assert canonical_link(url) == canonical


def test_article_id_precedence() -> None:
    feed = "https://news.example/rss"
    by_guid = article_id(guid=" g-1 ", link="https://x/1", title="t", published="p", feed_url=feed)
    assert by_guid == stable_id("guid", "news.example", "g-1")  # bare GUIDs are scoped to the site
    url_guid = article_id(guid="https://x/1", link=None, title=None, published=None, feed_url=feed)
    assert url_guid == stable_id("guid", "https://x/1")
    other_site = article_id(
        guid="g-1", link=None, title=None, published=None, feed_url="https://other.example/"
    )
    assert other_site != by_guid
    by_link = article_id(guid="", link="https://X/1?utm_source=a", title="t", published="p", feed_url=feed)
    assert by_link == stable_id("link", "https://x/1")
    by_title = article_id(guid=None, link=None, title=" عنوان  الخبر ", published="2024", feed_url=feed)
    assert by_title == stable_id("title", "عنوان الخبر", "2024")
    by_text = article_id(guid=None, link=None, title="", published=None, feed_url=feed, text="نص")
    assert by_text == stable_id("text", "نص")


def test_content_hash_is_namespaced() -> None:
    assert content_hash("a") != stable_id("a")
