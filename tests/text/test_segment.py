from __future__ import annotations

from pipeline.text.prepare import prepare


def sentences(text: str) -> list[str]:
    doc = prepare(text)
    return [doc.text[a:b] for a, b in doc.sentences]


def test_splits_on_arabic_and_latin_punctuation_and_lines() -> None:
    assert sentences("قال الوزير. هل انتهى؟ نعم! ثم؛ وبعد\nسطر") == [
        "قال الوزير.",
        "هل انتهى؟",
        "نعم!",
        "ثم؛",
        "وبعد",
        "سطر",
    ]


def test_never_splits_inside_a_quotation() -> None:
    assert sentences("قال: «أولاً. ثانياً؟ ثالثاً». وانتهى.") == ["قال: «أولاً. ثانياً؟ ثالثاً».", "وانتهى."]


def test_decimal_points_and_one_letter_abbreviations_do_not_end_sentences() -> None:
    assert sentences("قال د. محمد إن النمو بلغ 5.5 بالمئة. وانتهى.") == [
        "قال د. محمد إن النمو بلغ 5.5 بالمئة.",
        "وانتهى.",
    ]


def test_short_lines_without_sentence_ending_are_headings() -> None:
    doc = prepare("قال الوزير إن الوضع مستقر.\n“نزاع مسلح”\nالأمن السيبراني\nوأضاف: نعم.")
    assert [b.heading for b in doc.blocks] == [False, True, True, False]
