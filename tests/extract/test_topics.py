from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.topics import Taxonomy, tag_topics, topics_for_span
from pipeline.text.document import Document
from pipeline.text.prepare import prepare

LABELS = {
    "politics", "diplomacy", "security", "military", "nuclear", "cybersecurity", "economy", "energy",
    "health", "sports", "culture", "technology", "environment", "society", "elections",
    "human-rights", "terrorism", "migration", "religion", "education",
}  # fmt: skip


def test_taxonomy_has_the_issue_labels(taxonomy: Taxonomy) -> None:
    assert set(taxonomy.labels) == LABELS
    assert all(taxonomy.names[label] for label in LABELS)


def test_seed_article_topics(seed_doc: Document, taxonomy: Taxonomy) -> None:
    topics = tag_topics(seed_doc, taxonomy)
    labels = [t.label for t in topics]
    assert {"diplomacy", "nuclear", "security", "cybersecurity"} <= set(labels)
    assert all(0.0 <= t.score <= 1.0 for t in topics)
    assert [t.score for t in topics] == sorted((t.score for t in topics), reverse=True)
    assert not {"sports", "religion", "health", "education"} & set(labels)


def test_spelling_variants_match(taxonomy: Taxonomy) -> None:
    plain = prepare("اجرت ايران تجربه نوويه جديده وتخصيب اليورانيوم مستمر", "ايران والبرنامج النووي")
    marked = prepare("أجرت إيران تجربةً نوويةً جديدة وتخصيبُ اليورانيوم مستمر", "إيران والبرنامج النوويّ")
    assert tag_topics(plain, taxonomy) == tag_topics(marked, taxonomy)
    assert tag_topics(plain, taxonomy)[0].label == "nuclear"


def test_title_weighs_more(taxonomy: Taxonomy) -> None:
    body = "تحدث الوزير عن المباراة. وناقش الاجتماع الميزانية العامة للدولة."
    with_title = {t.label: t.score for t in tag_topics(prepare(body, "المنتخب يفوز في المباراة"), taxonomy)}
    without = {t.label: t.score for t in tag_topics(prepare(body), taxonomy)}
    assert with_title.get("sports", 0) > without.get("sports", 0)


def test_statement_gets_its_sentence_labels(seed_doc: Document, taxonomy: Taxonomy) -> None:
    text = seed_doc.text
    start = text.index("هناك قضية أخرى")
    labels = topics_for_span(seed_doc, taxonomy, (start, start + 40))
    assert "cybersecurity" in labels
    start = text.index("نعتقد أنه من الضروري")
    labels = topics_for_span(seed_doc, taxonomy, (start, start + 30))
    assert "nuclear" in labels
    assert "cybersecurity" not in labels


def test_empty_and_odd_input(taxonomy: Taxonomy) -> None:
    assert tag_topics(prepare(""), taxonomy) == []
    assert topics_for_span(prepare(""), taxonomy, (0, 10)) == []
    doc = prepare("نص قصير")
    assert topics_for_span(doc, taxonomy, (5, 2)) == []
    assert topics_for_span(doc, taxonomy, (0, 10_000)) == []


@settings(max_examples=60, deadline=None)
@given(body=st.text(max_size=300), title=st.text(max_size=40))
def test_never_raises(taxonomy: Taxonomy, body: str, title: str) -> None:
    doc = prepare(body, title)
    for t in tag_topics(doc, taxonomy):
        assert 0.0 <= t.score <= 1.0
    topics_for_span(doc, taxonomy, (0, len(doc.text)))


def test_amam_is_no_imam(taxonomy: Taxonomy) -> None:
    # أمام (in front of) folds like إمام; only the definite الإمام is religion.
    labels = [
        t.label for t in tag_topics(prepare("أخنوش أمام مجلس النواب", "أخنوش أمام مجلس النواب"), taxonomy)
    ]
    assert "religion" not in labels
    doc = prepare("خطب الإمام في المصلين بالمسجد الكبير في صلاة الجمعة.", "الإمام يخطب الجمعة")
    assert "religion" in [t.label for t in tag_topics(doc, taxonomy)]
