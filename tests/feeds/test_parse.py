from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.feeds.parse import (
    as_utf8_document,
    choose_charset,
    declared_charsets,
    looks_mojibake,
    parse_feed,
    plain_text,
)
from tests.feeds.server import fixture

URL = "https://news.example/rss"


def test_rss20_items_dates_links_and_plain_text() -> None:
    feed = parse_feed(fixture("rss20.xml"), {"content-type": "application/rss+xml"}, URL)
    assert feed.version == "rss20" and feed.title == "أخبار اليوم" and feed.ttl == 30
    first, second = feed.items
    assert first.guid == "news-example-1002"
    assert first.title == "وزير الخارجية يلتقي نظيره الأردني في عمّان"
    assert first.published == "2024-05-01T07:30:00Z"  # +0300 normalised to UTC
    # CDATA HTML: tags and the script are gone, entities decoded, paragraphs kept apart.
    assert (
        first.text == "التقى وزير الخارجية اليوم نظيره الأردني.\n\nوبحث الجانبان العلاقات الثنائية & التعاون."
    )
    assert "alert" not in first.text
    # content:encoded (the longer text) wins over the description.
    assert second.text.startswith("ارتفعت أسعار النفط في التعاملات الآسيوية صباح اليوم.")
    assert second.title == "ارتفاع أسعار النفط & الذهب"
    assert feed.problems == ()


def test_atom_with_relative_link_and_html_title() -> None:
    feed = parse_feed(
        fixture("atom.xml"), {"content-type": "application/atom+xml"}, "https://atom.example/feed"
    )
    assert feed.version == "atom10"
    (entry,) = feed.items
    assert entry.title == "انطلاق معرض الكتاب"
    assert entry.link == "https://atom.example/culture/book-fair"
    assert entry.guid == "tag:atom.example,2024:entry-7"
    assert entry.published == "2024-05-02T06:45:00Z"
    assert entry.text == "انطلق معرض الكتاب الدولي بمشاركة واسعة من دور النشر العربية."


def test_rdf() -> None:
    feed = parse_feed(fixture("rdf.xml"), {"content-type": "application/rdf+xml"}, "https://rdf.example/rss")
    assert feed.version == "rss10"
    (item,) = feed.items
    assert item.title == "فوز المنتخب في المباراة النهائية" and item.published == "2024-05-03T20:00:00Z"


EXPECTED_TITLES = ["الحكومة تعلن خطة جديدة للإسكان", "افتتاح مهرجان الفيلم العربي"]


@pytest.mark.parametrize(
    ("name", "content_type", "repaired"),
    [
        ("rss-windows-1256.xml", "application/rss+xml", False),  # labelled correctly
        ("rss-windows-1256.xml", "text/xml; charset=windows-1256", False),
        ("rss-mislabelled-1252.xml", "application/rss+xml", True),  # XML declaration lies
        ("rss-windows-1256.xml", "application/rss+xml; charset=windows-1252", True),  # HTTP header lies
        ("rss-unlabelled-1256.xml", "application/xml", True),  # no label at all
        ("rss-unlabelled-1256.xml", "application/rss+xml; charset=utf-8", True),  # wrong UTF-8 label
    ],
)
def test_windows_1256_feeds_come_out_as_arabic(name: str, content_type: str, repaired: bool) -> None:
    feed = parse_feed(fixture(name), {"content-type": content_type}, URL)
    assert [item.title for item in feed.items] == EXPECTED_TITLES
    assert feed.items[0].text == "أعلنت الحكومة اليوم عن خطة جديدة لبناء عشرة آلاف وحدة سكنية؟"
    assert feed.encoding in ("windows-1256", "cp1256")
    assert any("mojibake" in p for p in feed.problems) == repaired


def test_utf8_labelled_as_windows_1252_is_repaired() -> None:
    body = fixture("rss20.xml").replace(b'encoding="utf-8"', b'encoding="windows-1252"')
    feed = parse_feed(body, {"content-type": "application/xml"}, URL)
    assert feed.items[0].title == "وزير الخارجية يلتقي نظيره الأردني في عمّان"
    assert feed.encoding == "utf-8"


def test_no_repair_for_latin_feeds() -> None:
    body = '<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><title>Été</title>'
    body += "<item><title>Café à Paris: élève déçu</title><guid>1</guid></item></channel></rss>"
    feed = parse_feed(body.encode("windows-1252"), {}, URL, expect_arabic=False)
    assert feed.items[0].title == "Café à Paris: élève déçu"
    assert not any("mojibake" in p for p in feed.problems)


def test_entity_bomb_is_parsed_safely_in_bounded_memory() -> None:
    tracemalloc.start()
    try:
        feed = parse_feed(fixture("entity-bomb.xml"), {"content-type": "application/rss+xml"}, URL)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Fully expanded, &j; would be 10**9 letters (2 GB of UTF-8); we must stay far below that.
    assert peak < 64 * 1024 * 1024
    assert all(len(item.text) < 1_000_000 for item in feed.items)
    assert feed.problems  # reported, not silently accepted


def test_not_a_feed_is_reported() -> None:
    feed = parse_feed(fixture("not-a-feed.html"), {"content-type": "text/html"}, URL)
    assert not feed.is_feed and feed.items == ()
    assert any("not a feed" in p for p in feed.problems)


def test_garbage_never_raises() -> None:
    for body in (b"", b"\x00\xff" * 100, gzip.compress(b"<rss>"), b"<rss><channel><item><title>x"):
        feed = parse_feed(body, {}, URL)
        assert isinstance(feed.problems, tuple)


# -- the pure helpers ------------------------------------------------------------------------------


def test_declared_charsets() -> None:
    body = b'\xef\xbb\xbf<?xml version="1.0" encoding="Windows-1256"?><rss/>'
    assert declared_charsets(body, 'text/xml; charset="UTF-8"') == ("utf-8", "windows-1256")
    assert declared_charsets(b"<rss/>", None) == (None, None)


def test_mojibake_detection_and_charset_choice() -> None:
    arabic = "الحكومة تعلن خطة جديدة"
    assert looks_mojibake(arabic.encode("cp1256").decode("cp1252", errors="replace"))
    assert not looks_mojibake(arabic)
    assert not looks_mojibake("Café")  # too few to judge
    assert choose_charset(arabic.encode("cp1256"), ("windows-1256", "utf-8")) == ("windows-1256", arabic)
    assert choose_charset(arabic.encode(), ("windows-1256", "utf-8")) == ("utf-8", arabic)
    assert choose_charset(b"\xff", ("utf-8", "no-such-charset")) is None


def test_as_utf8_document_rewrites_the_declaration() -> None:
    doc = '\ufeff<?xml version="1.0" encoding="windows-1256"?><rss>ا</rss>'
    assert as_utf8_document(doc) == '<?xml version="1.0" encoding="utf-8"?><rss>ا</rss>'.encode()


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>أ</p><p>ب</p>", "أ\n\nب"),
        ("a<br>b", "a\nb"),
        ("x <script>var a = '<p>';</script> y", "x y"),
        ("<style>p{}</style>&amp; &lt;b&gt; &#1575;", "& <b> ا"),
        ("  many   spaces\u00a0here  ", "many spaces here"),
        ("<p>unclosed <b>tags", "unclosed tags"),
        ("plain", "plain"),
    ],
)
def test_plain_text(html: str, text: str) -> None:
    assert plain_text(html) == text


def test_plain_text_is_linear_on_adversarial_input() -> None:
    # Many unclosed tags, many blank lines, long runs of spaces: no quadratic blow-up.
    nasty = "<p>" * 50_000 + "\n \n" * 50_000 + " " * 100_000 + "<" * 50_000 + "&#" * 50_000
    text = plain_text(nasty)
    assert "\n\n\n" not in text and "  " not in text and len(text) <= len(nasty)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_plain_text_never_raises_and_leaves_no_markup_or_scripts(fragment: str) -> None:
    text = plain_text(fragment)
    assert "  " not in text and text == text.strip()
    # Text around a script never shows the script. (Not with "<" in the text: "<?<script>" makes
    # the script tag part of a processing instruction, in browsers too.)
    text = plain_text(fragment.replace("<", "") + "<script>secret()</script>")
    assert "secret()" not in text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_feed_never_raises_on_arbitrary_bytes(body: bytes) -> None:
    feed = parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>' + body, {}, URL)
    assert isinstance(feed.items, tuple)


def test_a_body_naming_a_local_file_is_data_not_a_path(tmp_path: Path) -> None:
    # feedparser.parse(bytes) would open() a body that names a file; we must never read it.
    local = tmp_path / "secret.xml"
    local.write_bytes(fixture("rss20.xml"))
    feed = parse_feed(str(local).encode(), {}, URL)
    assert feed.items == () and not feed.is_feed
    feed = parse_feed(b"/dev/zero", {}, URL)  # would never finish, or exhaust memory
    assert feed.items == ()


def test_plain_text_shares_the_text_cores_paragraph_tags() -> None:
    # The clean stage and the feeds agree: a table cell or a figure caption is its own paragraph.
    assert plain_text("<td>أ</td><td>ب</td><figcaption>ج</figcaption>") == "أ\n\nب\n\nج"
    assert plain_text("x<iframe>fallback</iframe>y") == "xy"
