from __future__ import annotations

from pipeline.text.language import arabic_share


def test_share_of_arabic_letters() -> None:
    assert arabic_share("قال الوزير") == 1.0
    assert arabic_share("The minister said") == 0.0
    assert 0.4 < arabic_share("قال the وزير said") < 0.7


def test_digits_and_punctuation_are_not_letters() -> None:
    assert arabic_share("") == 0.0
    assert arabic_share("123 ... ٣٥") == 0.0
