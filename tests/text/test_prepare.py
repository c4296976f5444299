from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.normalize import fold, matching_key
from pipeline.text.prepare import prepare

article_text = st.text(
    alphabet=st.sampled_from([*list('قال الوزير إنّ أ ى ة ً"“”«»:،.؟\n<p>&amp; ﻻ'), "\u200f", "\xa0"]),
    max_size=200,
)


@settings(max_examples=200)
@given(article_text)
def test_key_spans_map_back_to_the_display_text(body: str) -> None:
    doc = prepare(body)
    for start in range(len(doc.key)):
        for end in (start + 1, min(len(doc.key), start + 5)):
            a, b = doc.text_span(start, end)
            assert 0 <= a <= b <= len(doc.text)
            assert matching_key(doc.text[a:b]) == doc.key[start:end]


@given(article_text)
def test_blocks_sentences_and_quotes_lie_inside_the_text(body: str) -> None:
    doc = prepare(body)
    for block in doc.blocks:
        assert 0 <= block.start < block.end <= len(doc.text)
    for start, end in doc.sentences:
        assert 0 <= start < end <= len(doc.text)
    for quote in doc.quotes:
        assert 0 <= quote.start < quote.end <= len(doc.text)


@given(article_text)
def test_preparing_display_text_again_changes_nothing(body: str) -> None:
    doc = prepare(body)
    assert prepare(doc.text).text == doc.text


def test_boilerplate_lines_are_dropped_and_the_key_follows_the_kept_text() -> None:
    body = "شارك: فيسبوك تويتر\nقالَ الوزير إن «الاتفاق مهم».\nكلمات دلالية\nروسيا"
    doc = prepare(body)
    assert doc.text == "قالَ الوزير إن «الاتفاق مهم»."
    assert doc.key == matching_key(doc.text)
    assert list(doc.key_map) == list(fold(doc.text)[1])
    assert prepare("قالَ الوزير إن «الاتفاق مهم».").key == doc.key
