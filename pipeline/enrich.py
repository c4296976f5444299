"""PURE: an article -> its enriched form. The one function the agents and `naba enrich` both call."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract import entities, keywords, statements, topics
from pipeline.extract.lexicon import Lexicons, load_lexicons
from pipeline.extract.stopwords import Stopwords
from pipeline.identity import stable_id
from pipeline.models import CleanArticle, EnrichedArticle, Entity, Speaker, Statement, TopicScore, utc_now
from pipeline.text.document import Document
from pipeline.text.prepare import prepare

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Resources:
    """Everything the text core reads from config/, loaded once per process."""

    lexicons: Lexicons
    taxonomy: topics.Taxonomy
    gazetteer: entities.Gazetteer
    stopwords: Stopwords

    @classmethod
    def load(cls, config_dir: Path) -> Resources:
        return cls(
            lexicons=load_lexicons(config_dir),
            taxonomy=topics.load_taxonomy(config_dir),
            gazetteer=entities.load_gazetteer(config_dir),
            stopwords=keywords.load_stopwords(config_dir),
        )


def enrich(article: CleanArticle, resources: Resources, doc: Document | None = None) -> EnrichedArticle:
    """Statements, topics, entities and keywords of a cleaned article."""
    if doc is None:
        doc = prepare(article.text, article.title)
    extraction = statements.extract_statements_report(doc, resources.lexicons)
    if extraction.truncated:
        _log.warning(
            "article %s: statement search truncated (%d characters, %d reporting words not examined)",
            article.id,
            extraction.chars_skipped,
            extraction.triggers_skipped,
        )
    found = extraction.statements
    statement_models = [
        Statement(
            id=stable_id(article.id, str(st.span[0]), str(st.span[1])),
            speaker=Speaker(
                name=st.speaker.name,
                type=st.speaker.type,
                title=st.speaker.title,
                mentions=list(st.speaker.mentions),
            ),
            verb=st.verb,
            kind=st.kind,
            text=st.text,
            span=[st.span[0], st.span[1]],
            via=st.via,
            topics=topics.topics_for_span(doc, resources.taxonomy, st.span),
        )
        for st in found
    ]
    speakers = [st.speaker.name for st in found if st.speaker.type == "person"]
    return EnrichedArticle(
        id=article.id,
        url=article.url,
        feed=article.feed,
        title=doc.title,
        published=article.published,
        language=article.language,
        revision=article.revision,
        text=doc.text,
        statements=statement_models,
        topics=[
            TopicScore(label=t.label, score=round(t.score, 4))
            for t in topics.tag_topics(doc, resources.taxonomy)
        ],
        entities=[
            Entity(type=e.type, name=e.name, forms=list(e.forms), count=e.count)
            for e in entities.extract_entities(doc, resources.gazetteer, speakers)
        ],
        keywords=keywords.extract_keywords(doc, resources.stopwords),
        processed_at=utc_now(),
    )
