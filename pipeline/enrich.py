"""PURE: an article -> its enriched form. The one function the agents and `naba enrich` both call."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pipeline.extract import statements
from pipeline.extract.annotate import Annotators, annotate, load_annotators
from pipeline.extract.entities import Gazetteer
from pipeline.extract.lexicon import Lexicons, load_lexicons
from pipeline.extract.stopwords import Stopwords
from pipeline.extract.topics import Taxonomy
from pipeline.identity import stable_id
from pipeline.models import (
    CleanArticle,
    EnrichedArticle,
    fields_of,
    utc_now,
    validate,
)
from pipeline.text.document import Document
from pipeline.text.prepare import prepare

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Resources:
    """Everything the text core reads from config/, loaded once per process."""

    lexicons: Lexicons
    annotators: Annotators

    @classmethod
    def load(cls, config_dir: Path) -> Resources:
        return cls(lexicons=load_lexicons(config_dir), annotators=load_annotators(config_dir))

    @property
    def taxonomy(self) -> Taxonomy:
        return self.annotators.taxonomy

    @property
    def gazetteer(self) -> Gazetteer:
        return self.annotators.gazetteer

    @property
    def stopwords(self) -> Stopwords:
        return self.annotators.stopwords


class Article(Protocol):
    """What enrichment reads of a cleaned article: a CleanArticle, or the clean stage's own value."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def feed(self) -> str | None: ...
    @property
    def title(self) -> str: ...
    @property
    def published(self) -> str | None: ...
    @property
    def language(self) -> str: ...
    @property
    def revision(self) -> int: ...


def enrich(article: CleanArticle, resources: Resources, doc: Document | None = None) -> EnrichedArticle:
    """Statements, topics, entities and keywords of a cleaned article."""
    return validate(EnrichedArticle, enrichment(article, resources, doc))


def enrichment(article: Article, resources: Resources, doc: Document | None = None) -> dict[str, Any]:
    """``enrich`` as the JSON object of an EnrichedArticle (what the enrich stage sends), records unbuilt."""
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
    speakers = [st.speaker.name for st in found if st.speaker.type == "person"]
    # One automaton pass for topics, entities and every statement's topics.
    annotation = annotate(doc, resources.annotators, [st.span for st in found], speakers)
    # Literal JSON objects in their records' field order (Statement, Speaker), ~25 per article: half
    # the cost of fields_of. tests/test_stages.py checks the bytes equal the records' own encoding.
    statement_objects = [
        {
            "id": stable_id(article.id, str(st.span[0]), str(st.span[1])),
            "speaker": {
                "name": st.speaker.name,
                "type": st.speaker.type,
                "title": st.speaker.title,
                "mentions": list(st.speaker.mentions),
            },
            "verb": st.verb,
            "kind": st.kind,
            "text": st.text,
            "span": [st.span[0], st.span[1]],
            "via": st.via,
            "topics": labels,
        }
        for st, labels in zip(found, annotation.span_topics, strict=True)
    ]
    return fields_of(
        EnrichedArticle,
        {
            "id": article.id,
            "url": article.url,
            "feed": article.feed,
            "title": doc.title,
            "published": article.published,
            "language": article.language,
            "revision": article.revision,
            "text": doc.text,
            "statements": statement_objects,
            # TopicScore and Entity objects, as literals too.
            "topics": [{"label": t.label, "score": round(t.score, 4)} for t in annotation.topics],
            "entities": [
                {"type": e.type, "name": e.name, "forms": list(e.forms), "count": e.count}
                for e in annotation.entities
            ],
            "keywords": annotation.keywords,
            "processed_at": utc_now(),
        },
    )
