from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.topics import Taxonomy, tag_topics, topics_for_span, topics_for_spans
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


def _window_labels(doc: Document, taxonomy: Taxonomy, start: int, end: int) -> list[str]:
    """The labels of key window [start, end) from the whole key's hits inside it, written out
    plainly: a hit inside a longer one does not count, each (label, start) counts its heaviest
    entry, a repeated entry counts 1/n the n-th time; labels at or over the sentence evidence."""
    hits = [h for h in taxonomy.matcher.find(doc.key) if start <= h[0] and h[1] <= end]
    kept = [
        h
        for h in hits
        if not any(o != h and o[0] <= h[0] and h[1] <= o[1] and (o[0], -o[1]) < (h[0], -h[1]) for o in hits)
    ]
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for s, _e, (label, weight, entry) in kept:
        current = best.get((label, s))
        if current is None or (-weight, entry) < (-current[0], current[1]):
            best[label, s] = (weight, entry)
    evidence: dict[int, float] = {}
    seen: dict[int, int] = {}
    for (label, _s), (weight, entry) in sorted(best.items(), key=lambda item: item[0][1]):
        seen[entry] = seen.get(entry, 0) + 1
        evidence[label] = evidence.get(label, 0.0) + weight / seen[entry]
    threshold = taxonomy.scoring.sentence_evidence
    ranked = sorted((i for i, v in evidence.items() if v >= threshold), key=lambda i: (-evidence[i], i))
    return [taxonomy.labels[i] for i in ranked]


def test_statement_windows_cut_through_phrases(seed_doc: Document, taxonomy: Taxonomy) -> None:
    """Without sentences a window is the span itself, so its edges often cut a phrase
    (الأمن السيبراني); each window must count the hits inside it as if it were alone."""
    doc = replace(seed_doc, sentences=())
    rng = random.Random(4)
    spans = [(a, a + rng.randint(1, 400)) for a in (rng.randrange(len(doc.text)) for _ in range(300))]
    hits = taxonomy.matcher.find(doc.key)
    crossing = 0
    for (start, end), labels in zip(spans, topics_for_spans(doc, taxonomy, spans), strict=True):
        ks, ke = doc.key_offset(start), doc.key_offset(min(end, len(doc.text)))
        crossing += any(s < edge < e for s, e, _ in hits for edge in (ks, ke))
        assert labels == (_window_labels(doc, taxonomy, ks, ke) if ke > ks else []), (start, end)
    assert crossing > 20  # the case under test happens


def test_one_word_matched_by_two_entries_counts_once() -> None:
    # النفطية is النفط + ية and also نفطي + ة (after the article): one word, one hit.
    from pipeline.extract.topics import build_taxonomy

    low = {"threshold": 0.01}
    both = build_taxonomy({"scoring": low, "energy": {"keywords": {"النفط": 3, "نفطي": 3}}})
    one = build_taxonomy({"scoring": low, "energy": {"keywords": {"النفط": 3}}})
    doc = prepare("ارتفعت الإيرادات النفطية هذا العام.")
    assert tag_topics(doc, both) == tag_topics(doc, one) != []
    # Two labels' entries on one word: each label counts it.
    two = build_taxonomy(
        {"scoring": low, "energy": {"keywords": {"النفط": 3}}, "economy": {"keywords": {"نفطي": 3}}}
    )
    assert {t.label for t in tag_topics(doc, two)} == {"energy", "economy"}
