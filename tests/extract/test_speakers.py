from __future__ import annotations

from pipeline.extract.lexicon import Lexicons, key_tokens
from pipeline.extract.speakers import Mention, SpeakerRegistry, merge_apposition, parse_mention


def parse(phrase: str, lexicons: Lexicons) -> Mention:
    mention = parse_mention(key_tokens(phrase), phrase.split(), lexicons)
    assert mention is not None
    return mention


def test_title_and_name_are_split(lexicons: Lexicons) -> None:
    cases = {
        "وزير الخارجية السعودي الأمير فيصل بن فرحان": ("وزير الخارجية السعودي", "فيصل بن فرحان"),
        "السفير الروسي لدى الولايات المتحدة أناتولي أنتونوف": (
            "السفير الروسي لدى الولايات المتحدة",
            "أناتولي أنتونوف",
        ),
        "رئيس مجلس النواب اللبناني نبيه بري": ("رئيس مجلس النواب اللبناني", "نبيه بري"),
        "الناطق باسم حركة حماس حازم قاسم": ("الناطق باسم حركة حماس", "حازم قاسم"),
        "الرئيس عبد الفتاح السيسي": ("الرئيس", "عبد الفتاح السيسي"),
    }
    for phrase, (title, name) in cases.items():
        mention = parse(phrase, lexicons)
        assert (mention.type, mention.title, mention.name) == ("person", title, name), phrase


def test_types_from_head_words(lexicons: Lexicons) -> None:
    assert parse("وزارة الدفاع الروسية", lexicons).type == "organization"
    assert parse("الزعيمان", lexicons).type == "group"
    assert parse("البيان المشترك", lexicons).type == "document"
    assert parse("مصدر مطلع", lexicons).type == "anonymous"
    assert parse("سموه", lexicons).current


def test_apposition_adds_the_missing_half(lexicons: Lexicons) -> None:
    merged = merge_apposition(
        parse("الدكتور خالد عبد الغفار", lexicons), parse("وزير الصحة والسكان", lexicons)
    )
    assert merged is not None and (merged.name, merged.title) == ("خالد عبد الغفار", "وزير الصحة والسكان")


def test_registry_resolves_surname_and_title_to_the_fullest_name(lexicons: Lexicons) -> None:
    registry = SpeakerRegistry()
    first = registry.resolve(parse("أنتونوف", lexicons))
    assert registry.resolve(parse("السفير الروسي لدى الولايات المتحدة أناتولي أنتونوف", lexicons)) == first
    assert registry.resolve(parse("السفير الروسي", lexicons)) == first
    other = registry.resolve(parse("السفير الأمريكي", lexicons))
    assert other != first
    speaker = registry.speaker(first)
    assert speaker.name == "أناتولي أنتونوف" and speaker.title == "السفير الروسي لدى الولايات المتحدة"
    assert speaker.mentions[0] == "أنتونوف"
