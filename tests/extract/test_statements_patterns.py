"""Second-round patterns: verbal-noun objects, pointers, adjuncts, addressees, nationalities."""

from __future__ import annotations

from pipeline.extract.lexicon import Lexicons
from pipeline.extract.statements import Statement, extract_statements
from pipeline.text.prepare import prepare


def extract(text: str, lexicons: Lexicons) -> list[Statement]:
    return extract_statements(prepare(text), lexicons)


def test_announcement_with_a_verbal_noun_object_after_a_time_adjunct(lexicons: Lexicons) -> None:
    (s,) = extract("أعلنت وزارة النقل، صباح الأحد، تعليق الرحلات إلى المطار حتى إشعار آخر.", lexicons)
    assert (s.text, s.speaker.name, s.speaker.type) == (
        "تعليق الرحلات إلى المطار حتى إشعار آخر",
        "وزارة النقل",
        "organization",
    )


def test_a_content_noun_inside_an_organisation_name_does_not_end_the_speaker(lexicons: Lexicons) -> None:
    (s,) = extract("نفت قوات الدعم الشعبي في بيان اعتقال الصحفيين.", lexicons)
    assert (s.speaker.name, s.text) == ("قوات الدعم الشعبي", "اعتقال الصحفيين")


def test_glued_preposition_content_and_accusation_object(lexicons: Lexicons) -> None:
    (s,) = extract("مشيداً بأداء خط الوسط.", lexicons)
    assert s.text == "بأداء خط الوسط"
    text = "وأشاد الوزير بالجهود الكبيرة لفرق الإنقاذ، متهماً الشركة بالتقصير في الصيانة."
    first, second = extract(text, lexicons)
    assert first.text == "بالجهود الكبيرة لفرق الإنقاذ"
    assert second.text == "الشركة بالتقصير في الصيانة"
    assert first.speaker.name == second.speaker.name == "الوزير"


def test_quote_pointed_at_without_a_reporting_verb(lexicons: Lexicons) -> None:
    text = "«لن نسمح بانهيار القطاع الصحي»، بهذه الكلمات استهل وزير الصحة هشام بكري مؤتمره الصحفي."
    (s,) = extract(text, lexicons)
    assert (s.kind, s.text, s.speaker.name) == ("direct", "لن نسمح بانهيار القطاع الصحي", "هشام بكري")


def test_addressee_is_not_part_of_the_speaker(lexicons: Lexicons) -> None:
    (s,) = extract("وقال مدير المستشفى كمال الراشد لمراسل الوكالة إن المخزون يكفي أسبوعاً.", lexicons)
    assert s.speaker.name == "كمال الراشد"


def test_place_noun_in_a_title_takes_its_genitive(lexicons: Lexicons) -> None:
    (s,) = extract("قال مدير التربية في محافظة إدلب سامر حداد إن المدارس ستفتح.", lexicons)
    assert (s.speaker.name, s.speaker.title) == ("سامر حداد", "مدير التربية في محافظة إدلب")


def test_nationality_before_a_name_then_title_only_mention(lexicons: Lexicons) -> None:
    text = (
        "تحدث الإسباني خوسيه مارتينيز مدرب المنتخب عن المباراة قائلاً: «كنا الأفضل».\n"
        "«سنعود أقوى»، قال المدرب الإسباني."
    )
    statements = extract(text, lexicons)
    assert [s.speaker.name for s in statements] == ["خوسيه مارتينيز", "خوسيه مارتينيز"]


def test_group_speaker(lexicons: Lexicons) -> None:
    (s,) = extract("وأكدت فصائل المعارضة أنها ستقاطع الجلسة.", lexicons)
    assert (s.speaker.type, s.text) == ("group", "ستقاطع الجلسة")


def test_a_name_stops_at_a_preposition(lexicons: Lexicons) -> None:
    text = "قال المدرب خالد جلال إن الفريق جاهز.\nوأضاف جلال في المؤتمر الصحفي أن الإصابات تعافت."
    assert [s.speaker.name for s in extract(text, lexicons)] == ["خالد جلال", "خالد جلال"]
