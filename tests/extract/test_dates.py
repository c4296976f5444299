from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import PROJECT_ROOT
from pipeline.extract.dates import Months, find_dates, load_months, month_number, normalize_number
from pipeline.text.document import Document
from pipeline.text.prepare import prepare


@pytest.fixture(scope="module")
def months() -> Months:
    return load_months(PROJECT_ROOT / "config")


def test_month_names_in_every_region(months: Months) -> None:
    assert (
        month_number("يونيو", months) == month_number("حزيران", months) == month_number("جوان", months) == 6
    )
    assert month_number("كانون الثاني", months) == month_number("جانفي", months) == 1
    assert month_number("تشرين الأول", months) == 10
    assert month_number("وفي", months) is None


def test_dates_normalise_digits_and_names(months: Months) -> None:
    a = find_dates(prepare("عقدت القمة في 16 يونيو 2021 في جنيف."), months)
    b = find_dates(prepare("عقدت القمة في ١٦ حزيران ٢٠٢١ في جنيف."), months)
    assert [d.iso for d in a] == [d.iso for d in b] == ["2021-06-16"]
    doc = prepare("عقدت القمة في ١٦ حزيران/يونيو ٢٠٢١.")
    (mention,) = find_dates(doc, months)
    assert mention.iso == "2021-06-16"
    assert doc.text[mention.start : mention.end] == "١٦ حزيران/يونيو ٢٠٢١"


def test_seed_date(seed_doc: Document, months: Months) -> None:
    assert "--06-16" in [d.iso for d in find_dates(seed_doc, months)]


def test_ambiguous_month_words_need_a_number(months: Months) -> None:
    assert find_dates(prepare("قال إن الأب مارس ضغوطا على ابنه."), months) == []
    assert [d.iso for d in find_dates(prepare("في 3 آب 2020 وقع الانفجار"), months)] == ["2020-08-03"]
    assert [d.iso for d in find_dates(prepare("في شهر جانفي المقبل"), months)] == ["--01"]


def test_numbers() -> None:
    assert normalize_number("٣٥") == normalize_number("35") == 35
    assert normalize_number("٣٫٥") == 3.5
    assert normalize_number("١٬٢٠٠") == normalize_number("1,200") == 1200
    assert normalize_number("11.2") == 11.2
    assert normalize_number("خمسة") is None
    assert normalize_number("") is None


@given(text=st.text(max_size=200))
def test_never_raise(months: Months, text: str) -> None:
    normalize_number(text)
    for mention in find_dates(prepare(text), months):
        assert 1 <= mention.month <= 12
