from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.clean import clean_display

# Text with the characters cleaning cares about: Arabic, markup, entities, invisibles, spaces.
_ALPHABET = st.sampled_from(
    list("قال الوزير إنّ أ إ آ ى ة ـ ً")
    + list("<>&;#/abp\"'«»“”")
    + ["&amp;", "&lt;", "<p>", "</p>", "<br/>"]
    + ["\u200f", "\u200b", "\u00a0", "\t", "\n", "\r\n", "ﻻ", "ﷲ", "\ud800", "\x00"]
)
messy_text = st.lists(_ALPHABET, max_size=60).map("".join)


def test_strips_tags_entities_and_invisible_marks() -> None:
    raw = "<p>قال\u200f الوزير&nbsp;إن&quot;الوضع&quot; مستقرٌ</p><script>var x = 1;</script><p>ثانياً</p>"
    assert clean_display(raw) == 'قال الوزير إن"الوضع" مستقرٌ\nثانياً'


def test_block_tags_make_paragraphs_inline_tags_vanish() -> None:
    assert clean_display("<div>أولاً</div><div>قال <b>الوزير</b></div>") == "أولاً\nقال الوزير"


def test_keeps_hamza_ta_marbuta_alef_maqsura_and_quote_marks() -> None:
    text = "أكد مؤتمرٌ على «إنهاء» ”الأزمة“ في المدينة الكبرى"
    assert clean_display(text) == text


def test_drops_tatweel_and_folds_presentation_forms() -> None:
    assert clean_display("الـــوزير ﻻ يقول") == "الوزير لا يقول"


def test_diacritics_are_optional() -> None:
    assert clean_display("مُؤَكِّداً", keep_diacritics=False) == "مؤكدا"


def test_whitespace_is_normalised_and_empty_lines_dropped() -> None:
    assert clean_display("  قال\u00a0\u00a0الوزير \r\n\r\n\n  وأضاف  ") == "قال الوزير\nوأضاف"


def test_double_escaped_entities_decode_once_and_stay_put() -> None:
    assert clean_display("AT&amp;T &amp;lt;b&amp;gt;") == "AT&T ‹b›"


@settings(max_examples=400)
@given(messy_text)
def test_cleaning_is_idempotent(raw: str) -> None:
    once = clean_display(raw)
    assert clean_display(once) == once


@given(st.text(max_size=200))
def test_cleaning_any_string_gives_lines_without_outer_spaces(raw: str) -> None:
    cleaned = clean_display(raw)
    for line in cleaned.split("\n") if cleaned else []:
        assert line == line.strip() and line


def test_embed_fallback_content_is_not_text() -> None:
    assert clean_display("قال<iframe src=x>متصفحك لا يدعم</iframe> الوزير") == "قال الوزير"
