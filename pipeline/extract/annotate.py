"""Topics, entities, keywords and statement topics of an article with one automaton pass.

:func:`annotate` gives the same results as calling :func:`~pipeline.extract.topics.tag_topics`,
:func:`~pipeline.extract.topics.topics_for_span` (per statement),
:func:`~pipeline.extract.entities.extract_entities` and
:func:`~pipeline.extract.keywords.extract_keywords` one by one, but the taxonomy and the gazetteer
share a single Aho-Corasick automaton, so the text is scanned once (and the title once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.extract.automaton import NOUN_SUFFIXES, Matcher, Policy
from pipeline.extract.entities import Entity, Gazetteer, entities_from_hits, load_gazetteer
from pipeline.extract.keywords import extract_keywords
from pipeline.extract.stopwords import Stopwords, load_stopwords
from pipeline.extract.topics import Taxonomy, TopicScore, load_taxonomy, score_article
from pipeline.text.document import Document
from pipeline.text.normalize import matching_key


@dataclass(frozen=True, slots=True)
class Annotators:
    taxonomy: Taxonomy
    gazetteer: Gazetteer
    stopwords: Stopwords
    matcher: Matcher[Any]  # group 0: taxonomy entries, group 1: gazetteer entries


@dataclass(frozen=True, slots=True)
class Annotation:
    topics: list[TopicScore]
    entities: list[Entity]
    keywords: list[str]
    span_topics: list[list[str]]  # per span given, the labels of its sentences


def build_annotators(taxonomy: Taxonomy, gazetteer: Gazetteer, stopwords: Stopwords) -> Annotators:
    matcher: Matcher[Any] = Matcher(
        groups=(
            (taxonomy.entries, Policy(article=True, suffixes=NOUN_SUFFIXES)),
            (gazetteer.entries, Policy()),
        )
    )
    return Annotators(taxonomy, gazetteer, stopwords, matcher)


def load_annotators(config_dir: Path) -> Annotators:
    """Taxonomy, gazetteer and stopwords from ``config_dir``, and their shared automaton."""
    stopwords = load_stopwords(config_dir)
    return build_annotators(load_taxonomy(config_dir), load_gazetteer(config_dir, stopwords), stopwords)


def annotate(
    doc: Document,
    annotators: Annotators,
    spans: Sequence[tuple[int, int]] = (),
    speakers: Sequence[str] = (),
    keywords: int = 10,
) -> Annotation:
    """Topics, entities (``speakers`` as persons), ``keywords`` key phrases, and the topic labels
    of each of ``spans`` (statement spans, display offsets)."""
    topic_hits, name_hits = annotators.matcher.find_split(doc.key)
    title_topic_hits: list[tuple[int, int, Any]] = []
    title_name_hits: list[tuple[int, int, Any]] = []
    if doc.title:
        title_topic_hits, title_name_hits = annotators.matcher.find_split(matching_key(doc.title))
    topics, span_topics = score_article(doc, annotators.taxonomy, title_topic_hits, topic_hits, spans)
    return Annotation(
        topics=topics,
        entities=entities_from_hits(doc, annotators.gazetteer, name_hits, title_name_hits, speakers),
        keywords=extract_keywords(doc, annotators.stopwords, keywords),
        span_topics=span_topics,
    )
