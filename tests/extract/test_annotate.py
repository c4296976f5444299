from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.annotate import Annotators, annotate, build_annotators
from pipeline.extract.entities import Gazetteer, extract_entities
from pipeline.extract.keywords import extract_keywords
from pipeline.extract.stopwords import Stopwords
from pipeline.extract.topic_quality import GOLD_DIRS, load_gold
from pipeline.extract.topics import Taxonomy, tag_topics, topics_for_span
from pipeline.text.prepare import prepare


@pytest.fixture(scope="module")
def annotators(taxonomy: Taxonomy, gazetteer: Gazetteer, stopwords: Stopwords) -> Annotators:
    return build_annotators(taxonomy, gazetteer, stopwords)


def check_same(annotators: Annotators, body: str, title: str) -> None:
    doc = prepare(body, title)
    spans = [*doc.sentences[:6], (0, len(doc.text))]
    speakers = ["خالد المنصوري"]
    result = annotate(doc, annotators, spans, speakers)
    assert result.topics == tag_topics(doc, annotators.taxonomy)
    assert result.entities == extract_entities(doc, annotators.gazetteer, speakers)
    assert result.keywords == extract_keywords(doc, annotators.stopwords)
    assert result.span_topics == [topics_for_span(doc, annotators.taxonomy, s) for s in spans]


def test_one_pass_equals_the_separate_functions_on_gold(annotators: Annotators) -> None:
    for article in load_gold(GOLD_DIRS):
        check_same(annotators, article["text"], article["title"])


@settings(max_examples=60, deadline=None)
@given(
    body=st.text(
        alphabet=st.sampled_from(list('الامن النووي وزارة "«» ،.جو بايدن\nقالشعمصرية')), max_size=300
    ),
    title=st.text(max_size=30),
)
def test_one_pass_equals_the_separate_functions(annotators: Annotators, body: str, title: str) -> None:
    check_same(annotators, body, title)
