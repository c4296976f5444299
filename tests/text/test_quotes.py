from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text.quotes import find_quotes


def inner(text: str) -> list[str]:
    return [text[q.inner_start : q.inner_end] for q in find_quotes(text).quotes]


@pytest.mark.parametrize(
    "text",
    [
        "قال: “نحن هنا” ثم غادر",
        "قال: ”نحن هنا“ ثم غادر",
        "قال: «نحن هنا» ثم غادر",
        "قال: »نحن هنا« ثم غادر",
        'قال: "نحن هنا" ثم غادر',
        "قال: ''نحن هنا'' ثم غادر",
        "قال: « نحن هنا » ثم غادر",
        "قال: „نحن هنا“ ثم غادر",
    ],
)
def test_every_mark_style_pairs(text: str) -> None:
    assert [s.strip() for s in inner(text)] == ["نحن هنا"]


def test_nested_quotes_and_stray_closing_mark() -> None:
    text = "قال «إن برنامج “حقائق” مهم» واتفق الطرفان على الحوار” وفق الوكالة"
    scan = find_quotes(text)
    assert inner(text) == ["إن برنامج “حقائق” مهم", "حقائق"]
    assert [text[i] for i in scan.stray] == ["”"]


def test_quote_spanning_paragraphs_continues_when_reopened() -> None:
    text = 'وأضاف:\n"الجملة الأولى.\n"الجملة الثانية."\nوتابع'
    (quote,) = find_quotes(text).quotes
    assert text[quote.inner_start : quote.inner_end] == 'الجملة الأولى.\n"الجملة الثانية.'


def test_unclosed_quote_ends_with_its_paragraph() -> None:
    text = "قال: «لن نتراجع\nوأكد الوزير"
    (quote,) = find_quotes(text).quotes
    assert not quote.closed and text[quote.inner_start : quote.inner_end] == "لن نتراجع"


@given(st.text(alphabet=st.sampled_from(list("\"“”«»'‹› ab\n")), max_size=300))
def test_quotes_are_well_formed_on_any_marks(text: str) -> None:
    scan = find_quotes(text)
    for quote in scan.quotes:
        assert 0 <= quote.start < quote.inner_start <= quote.inner_end <= quote.end <= len(text)
    assert list(scan.stray) == sorted(scan.stray)
