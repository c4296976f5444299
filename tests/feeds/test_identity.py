from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@given(st.text(max_size=200))
def test_canonical_link_is_idempotent_and_never_raises(url: str) -> None:
    once = canonical_link(url)
    assert canonical_link(once) == once


QUERY_PARTS = ["a=1", "utm_source=x", "fbclid=y", "b=", "UTM_term=z"]


@given(
    st.builds(
        "{}://{}{}/{}?{}".format,
        st.sampled_from(["http", "HTTPS", "Http"]),
        st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}\.[A-Za-z]{2,4}", fullmatch=True),
        st.sampled_from(["", ":80", ":443", ":8080"]),
        st.text(alphabet="abc/-_", max_size=10),
        st.lists(st.sampled_from(["a=1", "utm_source=x", "fbclid=y", "b=", "UTM_term=z"]), max_size=4).map(
            "&".join
        ),
    )
)
def test_canonical_link_drops_only_tracking(url: str) -> None:
    canonical = canonical_link(url)
    assert "utm_" not in canonical.lower() and "fbclid" not in canonical
    assert canonical.split("://")[0] in ("http", "https")
    assert ("a=1" in url) == ("a=1" in canonical)
