"""Statement patterns on short synthetic sentences, and properties on any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.lexicon import Lexicons, load_lexicons
from pipeline.extract.quality import GOLD_DIR, load_gold
from pipeline.extract.statements import (
    _MENTION_MEMO_MAX,
    MAX_TEXT_CHARS,
    Statement,
    _extract,
    _Tokens,
    extract_statements,
    extract_statements_report,
)
from pipeline.text.normalize import matching_key
from pipeline.text.prepare import prepare
from tests.extract.conftest import CONFIG


def extract(text: str, lexicons: Lexicons) -> list[Statement]:
    return extract_statements(prepare(text), lexicons)


def test_colon_quote_is_direct_and_span_is_inside_the_marks(lexicons: Lexicons) -> None:
    (s,) = extract("وقال وزير الخارجية المصري سامح شكري: «لن نفرط في حقوقنا».", lexicons)
    assert (s.kind, s.text, s.speaker.name, s.speaker.title) == (
        "direct",
        "لن نفرط في حقوقنا",
        "سامح شكري",
        "وزير الخارجية المصري",
    )


def test_indirect_span_starts_after_the_complementizer_and_ends_with_the_clause(lexicons: Lexicons) -> None:
    (s,) = extract("أكد الوزير أن الحكومة ستدعم المزارعين، وذلك خلال زيارته للمحافظة.", lexicons)
    assert (s.kind, s.text) == ("indirect", "الحكومة ستدعم المزارعين")


def test_mixed_statement_embeds_quoted_words(lexicons: Lexicons) -> None:
    (s,) = extract("قالت الوزيرة إن الخطة “ستنفذ على مراحل” هذا العام.", lexicons)
    assert s.kind == "mixed" and s.text == "الخطة “ستنفذ على مراحل” هذا العام"


def test_quote_before_its_speaker(lexicons: Lexicons) -> None:
    (s,) = extract("«الأمن المائي خط أحمر»، قال الرئيس عبد الفتاح السيسي.", lexicons)
    assert (s.kind, s.text, s.speaker.name) == ("direct", "الأمن المائي خط أحمر", "عبد الفتاح السيسي")


def test_participles_and_subjectless_verbs_continue_the_speaker(lexicons: Lexicons) -> None:
    text = (
        "قال المتحدث باسم الجيش العميد يحيى سريع إن القوات تقدمت، مشيراً إلى أن المعارك مستمرة.\n"
        "وتابع: «لن نتراجع»."
    )
    statements = extract(text, lexicons)
    assert [s.speaker.name for s in statements] == ["يحيى سريع"] * 3
    assert [s.verb for s in statements] == ["قال", "مشيرا", "تابع"]


def test_title_only_and_surname_mentions_resolve_to_the_fullest_name(lexicons: Lexicons) -> None:
    text = (
        "أكد السفير الروسي أن الحوار ضروري.\n"
        "وقال السفير الروسي لدى مصر جورجي بوريسينكو إن العلاقات قوية.\n"
        "وأضاف بوريسينكو أن التعاون مستمر."
    )
    names = {s.speaker.name for s in extract(text, lexicons)}
    assert names == {"جورجي بوريسينكو"}


def test_organisation_group_document_and_anonymous_speakers(lexicons: Lexicons) -> None:
    text = (
        "وقالت وزارة الدفاع في بيان إن الضربة نجحت.\n"
        "وقال الزعيمان في بيان مشترك إنهما يدعمان الحوار.\n"
        "وجاء في البيان أن الجانبين اتفقا على التعاون.\n"
        "وقال مصدر مطلع إن الاجتماع تأجل."
    )
    types = [(s.speaker.type, s.speaker.name) for s in extract(text, lexicons)]
    assert types == [
        ("organization", "وزارة الدفاع"),
        ("group", "الزعيمان"),
        ("document", "البيان"),
        ("anonymous", "مصدر مطلع"),
    ]


def test_carriers_are_via_not_speakers(lexicons: Lexicons) -> None:
    text = (
        "ونقلت رويترز عن مسؤول أمريكي قوله إن المحادثات متعثرة.\n"
        "وقال الوزير إن الاتفاق قريب، وفق ما أوردته وكالة “تاس”."
    )
    first, second = extract(text, lexicons)
    assert (first.speaker.type, first.via) == ("anonymous", "رويترز")
    assert second.via == "وكالة تاس" and second.text == "الاتفاق قريب"


def test_quoted_names_subheadings_and_emphasis_are_not_statements(lexicons: Lexicons) -> None:
    text = (
        "ظهر الوزير في برنامج «حقائق وأسرار» على قناة “الحدث”.\n"
        "“نزاع مسلح”\n"
        "وتعيش المدينة حالة من “الهدوء الحذر”."
    )
    assert extract(text, lexicons) == []


def test_quote_spanning_paragraphs(lexicons: Lexicons) -> None:
    (s,) = extract('وأضاف الوزير:\n"الجملة الأولى مهمة.\n"والجملة الثانية أهم."', lexicons)
    assert s.kind == "direct" and s.text == 'الجملة الأولى مهمة.\n"والجملة الثانية أهم.'


def test_feminine_and_prefixed_verbs(lexicons: Lexicons) -> None:
    statements = extract("وأكدت الوزيرة هالة السعيد أن النمو تحسن. فأوضحت أن التضخم تراجع.", lexicons)
    assert [(s.verb, s.speaker.name) for s in statements] == [("أكد", "هالة السعيد"), ("أوضح", "هالة السعيد")]


def test_statement_text_is_always_the_span_of_the_display_text(lexicons: Lexicons) -> None:
    doc = prepare("<p>قال&nbsp;الوزير: «نعم»، مؤكداً أن الوضع “مستقر”.</p>")
    for s in extract_statements(doc, lexicons):
        assert doc.text[s.span[0] : s.span[1]] == s.text


_PIECES = st.sampled_from(
    [
        "قال",
        "وقال",
        "الوزير",
        "أن",
        "إن",
        "مؤكداً",
        "وأضاف",
        "في بيان",
        "وجاء في البيان",
        "نقلت رويترز عن",
        "قوله",
        "بحسب",
        "مصادر",
        "،",
        ":",
        ".",
        "\n",
        "«",
        "»",
        "“",
        "”",
        '"',
        "''",
        " ",
        "كان",
        "قد",
        "-",
        "سموه",
        "ذاته",
        "بهذه الكلمات",
        "هكذا",
        "أعلن",
        "تثبيت",
        "أشاد",
        "بالدور",
        "متهماً",
        "لمراسل",
        "مساء الخميس",
        "ريف",
        "البرتغالي",
        "ً",
        "َّ",
    ]
)
statement_soup = st.lists(_PIECES, max_size=80).map(" ".join)


@settings(max_examples=300)
@given(text=statement_soup)
def test_extractor_never_raises_and_spans_lie_in_the_text(text: str, lexicons: Lexicons) -> None:
    doc = prepare(text)
    statements = _extract(doc, lexicons)  # the bare extractor: no safety net to hide a crash
    assert [s.span for s in statements] == sorted(s.span for s in statements)
    for s in statements:
        assert 0 <= s.span[0] < s.span[1] <= len(doc.text)
        assert s.text == doc.text[s.span[0] : s.span[1]]
        assert s.kind in ("direct", "indirect", "mixed")
        assert s.speaker.type in ("person", "organization", "group", "document", "anonymous", "unknown")


@settings(max_examples=200)
@given(text=st.text(max_size=300))
def test_extractor_never_raises_on_any_string(text: str, lexicons: Lexicons) -> None:
    doc = prepare(text)
    for s in _extract(doc, lexicons):
        assert s.text == doc.text[s.span[0] : s.span[1]]


def test_work_budget_is_reported_not_silent(lexicons: Lexicons) -> None:
    sentence = "وقال الوزير إن العمل مستمر.\n"
    doc = prepare(sentence * (MAX_TEXT_CHARS // len(sentence) + 10))
    report = extract_statements_report(doc, lexicons)
    assert report.truncated and report.chars_skipped == len(doc.text) - MAX_TEXT_CHARS
    assert report.statements == extract_statements(doc, lexicons)
    assert report.triggers_skipped > 0  # some 7 000 reporting words, 1 500 examined
    assert not extract_statements_report(prepare(sentence), lexicons).truncated


@settings(max_examples=200)
@given(text=st.text(alphabet=st.sampled_from(list("قال إن «»،.ًٌَُّ\n-آأة")), max_size=200))
def test_tokens_fold_to_the_key_and_map_back_exactly(text: str) -> None:
    doc = prepare(text)
    tokens = _Tokens(doc)
    for key, start, end in zip(tokens.keys, tokens.text_starts, tokens.text_ends, strict=True):
        assert key
        assert matching_key(doc.text[start:end]) in (key, "")  # a lone diacritic keeps itself
        assert not doc.text[start].isspace() and not doc.text[end - 1].isspace()


def test_phrases_parsed_in_earlier_articles_change_nothing(lexicons: Lexicons) -> None:
    """Speaker phrases are parsed once per lexicons, across articles: an article extracts the same
    after every other gold article as with lexicons that have seen nothing."""
    docs = [prepare(article.text, article.title) for article in load_gold(GOLD_DIR)]
    for doc in docs:  # every phrase of every article is in the memo now
        extract_statements(doc, lexicons)
    assert lexicons.mention_memo
    for doc in docs:
        fresh = load_lexicons(CONFIG)
        assert extract_statements(doc, lexicons) == extract_statements(doc, fresh)


def test_the_phrase_memo_stays_bounded() -> None:
    fresh = load_lexicons(CONFIG)
    fresh.mention_memo.update({("filler", number): None for number in range(_MENTION_MEMO_MAX)})
    statements = extract_statements(prepare("وقال وزير الخارجية سامح شكري: «لن نفرط في حقوقنا»."), fresh)
    assert statements and statements[0].speaker.name == "سامح شكري"
    assert 0 < len(fresh.mention_memo) <= _MENTION_MEMO_MAX
