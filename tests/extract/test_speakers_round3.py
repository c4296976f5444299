"""Third-round speaker patterns (held-out 2xx/3xx misses): names between commas after a title."""

from __future__ import annotations

from pipeline.extract.lexicon import Lexicons, key_tokens
from pipeline.extract.speakers import parse_mention
from pipeline.extract.statements import Statement, extract_statements
from pipeline.text.prepare import prepare


def extract(text: str, lexicons: Lexicons) -> list[Statement]:
    return extract_statements(prepare(text), lexicons)


def test_a_bare_name_between_commas_after_a_title_names_the_speaker(lexicons: Lexicons) -> None:
    text = (
        "أكد وزير الري، طه دربال، اليوم الاثنين، أن المحطات الجديدة ستدخل الخدمة قريباً.\n"
        "وأوضح دربال أن نسبة امتلاء السدود بلغت 45 بالمائة."
    )
    first, second = extract(text, lexicons)
    speaker = first.speaker
    assert (speaker.name, speaker.title, speaker.type) == ("طه دربال", "وزير الري", "person")
    assert second.speaker.name == "طه دربال"


def test_a_named_member_between_commas_is_not_an_anonymous_source(lexicons: Lexicons) -> None:
    (s,) = extract("قال عضو اللجنة المالية النيابية، جمال كوجر، إن الجداول لم تصل بعد.", lexicons)
    assert (s.speaker.name, s.speaker.type) == ("جمال كوجر", "person")


def test_what_sits_between_commas_after_a_title_is_not_always_a_name(lexicons: Lexicons) -> None:
    anonymous, dated = extract(
        "وقال مسؤول أمني، طلب عدم نشر اسمه، إن القوات انسحبت.\n"
        "وقال وزير الخارجية، الثلاثاء، إن المحادثات مستمرة.",
        lexicons,
    )
    assert (anonymous.speaker.type, anonymous.text) == ("anonymous", "القوات انسحبت")
    assert (dated.speaker.name, dated.speaker.type) == ("وزير الخارجية", "person")


def test_basim_is_a_name_except_once_after_a_spokesperson(lexicons: Lexicons) -> None:
    cases = {
        "النائب باسم كامل": ("النائب", "باسم كامل"),
        "المتحدث الرسمي باسم الحكومة باسم العوادي": ("المتحدث الرسمي باسم الحكومة", "باسم العوادي"),
        "المتحدث باسم مجلس النواب": ("المتحدث باسم مجلس النواب", ""),
    }
    for phrase, (title, name) in cases.items():
        mention = parse_mention(key_tokens(phrase), phrase.split(), lexicons)
        assert mention is not None
        assert (mention.type, mention.title, mention.name) == ("person", title, name), phrase


def test_a_title_that_starts_like_the_article_is_still_indefinite(lexicons: Lexicons) -> None:
    # والي (a governor) takes its genitives like وزير, although it starts like و + ال.
    phrase = "والي ولاية نهر النيل محمد البدوي"
    mention = parse_mention(key_tokens(phrase), phrase.split(), lexicons)
    assert mention is not None
    assert (mention.title, mention.name) == ("والي ولاية نهر النيل", "محمد البدوي")


def test_an_office_with_a_definite_genitive_is_someone_specific(lexicons: Lexicons) -> None:
    # One title shared by two members: the later title-only mention is the one who spoke last.
    text = (
        "وقال عضو اللجنة المالية النيابية جمال كوجر إن الجداول لم تصل.\n"
        "في المقابل، قال عضو آخر في اللجنة المالية النيابية، مصطفى الكرعاوي، إن الجداول ستصل قريباً.\n"
        "وأضاف عضو اللجنة أن رئيس الوزراء وجه وزارة المالية بحسم الملفات."
    )
    speakers = [(s.speaker.name, s.speaker.type) for s in extract(text, lexicons)]
    assert speakers == [("جمال كوجر", "person"), ("مصطفى الكرعاوي", "person"), ("مصطفى الكرعاوي", "person")]
    for phrase, kind in (("عضو في اللجنة", "anonymous"), ("مسؤول أردني كبير", "anonymous")):
        mention = parse_mention(key_tokens(phrase), phrase.split(), lexicons)
        assert mention is not None and mention.type == kind, phrase


def test_the_subject_of_amma_fa_sits_before_the_verb(lexicons: Lexicons) -> None:
    text = (
        "وقال النائب وائل أبو فاعور إن الكتلة منفتحة على الحوار.\n"
        "أما رئيس الهيئات الاقتصادية محمد شقير فأكد أن القطاع الخاص «لم يعد قادراً على الصمود»."
    )
    first, second = extract(text, lexicons)
    assert first.speaker.name == "وائل أبو فاعور"
    assert (second.speaker.name, second.text) == ("محمد شقير", "القطاع الخاص «لم يعد قادراً على الصمود»")


def test_a_second_office_after_a_title_is_title_but_a_name_like_title_is_a_name(lexicons: Lexicons) -> None:
    cases = {
        "الشيخ محمد بن عبدالرحمن بن جاسم آل ثاني رئيس مجلس الوزراء وزير الخارجية": (
            "رئيس مجلس الوزراء وزير الخارجية",
            "محمد بن عبدالرحمن بن جاسم آل ثاني",
        ),
        "رئيس مجلس الوزراء وزير الخارجية": ("رئيس مجلس الوزراء وزير الخارجية", ""),
        "وزير الاقتصاد والتجارة في حكومة تصريف الأعمال أمين سلام": (
            "وزير الاقتصاد والتجارة في حكومة تصريف الأعمال",
            "أمين سلام",
        ),
    }
    for phrase, (title, name) in cases.items():
        mention = parse_mention(key_tokens(phrase), phrase.split(), lexicons)
        assert mention is not None
        assert (mention.title, mention.name) == (title, name), phrase


def test_two_titled_names_joined_by_wa_are_both_known(lexicons: Lexicons) -> None:
    text = (
        "التقى العاهل الأردني الملك عبدالله الثاني والرئيس العراقي عبد اللطيف رشيد في عمان.\n"
        "من جانبه، أعرب الرئيس العراقي عن شكره للأردن ملكاً وحكومة وشعباً."
    )
    (s,) = extract(text, lexicons)
    assert (s.speaker.name, s.speaker.title) == ("عبد اللطيف رشيد", "الرئيس العراقي")
