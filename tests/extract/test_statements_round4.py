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
