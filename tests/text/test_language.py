from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text import language
from pipeline.text.language import arabic_share


def test_share_of_arabic_letters() -> None:
    assert arabic_share("قال الوزير") == 1.0
    assert arabic_share("The minister said") == 0.0
    assert 0.4 < arabic_share("قال the وزير said") < 0.7


def test_digits_and_punctuation_are_not_letters() -> None:
    assert arabic_share("") == 0.0
    assert arabic_share("123 ... ٣٥") == 0.0


def _share_by_definition(text: str, sample: int = 20_000) -> float:
    """The definition, one character at a time (the function counts runs)."""
    head = text[:sample]
    arabic = sum(
        1 for char in head if any(first <= ord(char) <= last for first, last in language._ARABIC_RANGES)
    )
    letters = sum(1 for char in head if re.fullmatch(r"[^\W\d_]", char))
    return arabic / letters if letters else 0.0


_scripts = st.characters(
    codec=None,
    categories=None,
    include_characters="  \n\t_٣²½ًـ،.«»\ufd3e\ufdfc\ufe70\ufefc\ufb50ﻻ",
    min_codepoint=0,
    max_codepoint=0xFFFF,
)


@settings(max_examples=400)
@given(st.text(st.one_of(st.sampled_from("قال الوزير ٱلعربي ۺ ݐ aé ж 中 ١ 2 ً ، «"), _scripts), max_size=60))
def test_share_matches_its_definition(text: str) -> None:
    assert arabic_share(text) == _share_by_definition(text)
    assert arabic_share(text, 7) == _share_by_definition(text, 7)


def test_arabic_symbols_count_as_arabic_but_not_as_letters() -> None:
    # The ornate parenthesis is in the Arabic ranges but is no letter: 2 Arabic of 1 letter.
    assert arabic_share("\ufd3eب") == 2.0
    assert arabic_share("\ufd3e") == 0.0
