from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.automaton import NOUN_SUFFIXES, Matcher


def spans(matcher: Matcher[str], text: str) -> list[tuple[str, str]]:
    return [(text[s:e], v) for s, e, v in matcher.find(text)]


def test_whole_words_with_proclitics_and_suffixes() -> None:
    m = Matcher([("نووي", "n"), ("امن", "s")], article=True, suffixes=NOUN_SUFFIXES)
    assert spans(m, "الاسلحه النوويه والامن") == [("نووي", "n"), ("امن", "s")]
    assert spans(m, "في اليوم الثامن") == []  # امن inside ثامن
    assert spans(m, "للامن") == [("امن", "s")]


def test_entries_with_the_article_match_after_lam_lam() -> None:
    m: Matcher[str] = Matcher([("الولايات المتحدة", "us")])
    assert spans(m, "زيارته للولايات المتحده") == [("ولايات المتحده", "us")]
    assert spans(m, "وفي الولايات المتحده") == [("الولايات المتحده", "us")]
    assert spans(m, "ولايات المتحده") == []


def test_without_article_option_the_article_is_not_a_proclitic() -> None:
    m: Matcher[str] = Matcher([("مصر", "eg")])
    assert spans(m, "بمصر") == [("مصر", "eg")]
    assert spans(m, "المصريون") == []


def test_stems_take_any_continuation() -> None:
    m = Matcher([("انتخاب*", "e")], article=True)
    assert [v for _, v in spans(m, "الانتخابات والانتخابيه")] == ["e", "e"]


def test_entries_are_folded() -> None:
    m: Matcher[str] = Matcher([("أمْن", "s")], article=True)
    assert spans(m, "الامن") == [("امن", "s")]


@given(st.text(alphabet="امنوالبيه ثك.،", max_size=200))
def test_never_raises_and_spans_are_inside(text: str) -> None:
    m = Matcher([("امن", 1), ("الامن", 2), ("ال", 3)], article=True, suffixes=NOUN_SUFFIXES)
    for s, e, _ in m.find(text):
        assert 0 <= s < e <= len(text)


def test_empty_matcher() -> None:
    assert list(Matcher[int]([]).find("نص")) == []
