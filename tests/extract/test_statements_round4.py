"""Fourth-round patterns (known 3xx misses): رد after a quotation, asides before the content."""

from __future__ import annotations

from pipeline.extract.lexicon import Lexicons
from pipeline.extract.statements import Statement, extract_statements
from pipeline.text.prepare import prepare


def extract(text: str, lexicons: Lexicons) -> list[Statement]:
    return extract_statements(prepare(text), lexicons)


def test_radd_after_a_quotation_names_who_replied(lexicons: Lexicons) -> None:
    text = (
        "وقالت المتحدثة باسم النقابة سعاد الإدريسي إن النقابة لن تتراجع.\n"
        '"الحكومة فتحت باب الحوار"، رد الوزير مصطفى بايتاس على سؤال، مشيراً إلى أن الجولة المقبلة قريبة.'
    )
    first, reply, pointed = extract(text, lexicons)
    assert first.speaker.name == "سعاد الإدريسي"
    assert (reply.text, reply.kind, reply.verb) == ("الحكومة فتحت باب الحوار", "direct", "رد")
    assert reply.speaker.name == "مصطفى بايتاس"
    # The participle after the reply is the replier's, not the previous speaker's.
    assert (pointed.text, pointed.speaker.name) == ("الجولة المقبلة قريبة", "مصطفى بايتاس")


def test_warad_stays_the_document_verb_and_a_noun_radd_is_no_statement(lexicons: Lexicons) -> None:
    (document,) = extract(
        "وحسبما ورد في البيان، فإن الوزارة ستفتح المعبر غداً.\nوفي رد على سؤال، لم يعلق أحد.", lexicons
    )
    assert (document.speaker.type, document.text) == ("document", "الوزارة ستفتح المعبر غداً")


def test_a_longer_aside_between_the_speaker_and_the_object_is_stepped_over(lexicons: Lexicons) -> None:
    text = "واتهمت قوات الدعم السريع، في بيان على منصة تلغرام، الجيش بقصف مواقع مدنية."
    (accused,) = extract(text, lexicons)
    assert (accused.speaker.name, accused.text) == ("قوات الدعم السريع", "الجيش بقصف مواقع مدنية")
    (announced,) = extract("وأعلن البنك المركزي، في بيان على موقعه الرسمي، تثبيت أسعار الفائدة.", lexicons)
    assert (announced.speaker.type, announced.text) == ("organization", "تثبيت أسعار الفائدة")


def test_an_aside_may_name_its_medium_in_quotation_marks(lexicons: Lexicons) -> None:
    (accused,) = extract('واتهم المتحدث باسم الحركة، في حديث لـ"سونا"، الجيش بقصف القرى.', lexicons)
    assert (accused.speaker.name, accused.text) == ("المتحدث باسم الحركة", "الجيش بقصف القرى")


def test_a_long_comma_phrase_without_an_adjunct_is_no_aside(lexicons: Lexicons) -> None:
    # Five words between commas that do not open with "في بيان" and the like: not stepped over.
    statements = extract("وأعلن البنك، الذي يرأسه محافظ جديد منذ يناير، تثبيت أسعار الفائدة.", lexicons)
    assert all(s.text != "تثبيت أسعار الفائدة" for s in statements)
