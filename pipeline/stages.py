"""The pipeline's stages as functions from one input message to the messages it produces.

No Kafka here: an agent hands a stage the bytes it consumed and sends back what the stage returns.
A stage raises ``EventError`` for input it rejects (the agent dead-letters it with that reason).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import topics
from pipeline.enrich import Resources, enrichment
from pipeline.identity import stable_id
from pipeline.models import (
    CleanArticle,
    DeadLetter,
    EventError,
    RawArticle,
    StatementEvent,
    TopicEvent,
    decode,
    decode_object,
    encode,
    fields_of,
    validate,
)
from pipeline.text.language import arabic_share
from pipeline.text.prepare import from_clean, prepare

CLEAN = "clean"
ENRICH = "enrich"

_BLANK = "".join(map(chr, range(33))) + "\u00a0\u200b\u200c\u200d\u200e\u200f\u2028\u2029\ufeff"

#: Below this share of Arabic letters among all letters an article is not ours to process.
MIN_ARABIC_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Output:
    topic: str
    key: bytes | None
    value: bytes


@dataclass(frozen=True, slots=True)
class Limits:
    max_article_bytes: int = 2_000_000  # the shipped default of Settings.max_article_bytes


def _check_message_size(value: bytes | None, limits: Limits) -> None:
    """Reject a huge message before parsing it: it must not cost a huge parse (nor a huge enrich)."""
    if value is not None and len(value) > limits.max_article_bytes * 2 + 65_536:
        raise EventError(
            f"article too large: {len(value)} bytes (limit {limits.max_article_bytes} bytes of text)"
        )


def _check_text(text: str, limits: Limits) -> None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_article_bytes:
        raise EventError(f"article too large: {size} bytes of text (limit {limits.max_article_bytes})")


def _check_arabic(text: str) -> None:
    share = arabic_share(text)
    if share < MIN_ARABIC_SHARE:
        raise EventError(
            f"not an Arabic article: {share:.0%} of its letters are Arabic (need {MIN_ARABIC_SHARE:.0%})"
        )


def clean_stage(key: bytes | None, value: bytes | None, limits: Limits) -> list[Output]:
    """news.raw -> news.clean: validate, clean the text, keep the article's identity."""
    _check_message_size(value, limits)
    obj = decode_object(value)
    if obj.get("id") in (None, ""):
        obj["id"] = _id_from(key, obj)
    raw = validate(RawArticle, obj)
    _check_text(raw.text, limits)
    doc = prepare(raw.text, raw.title)
    if not doc.text:
        raise EventError("empty article: no text left after cleaning")
    _check_arabic(doc.text)
    cleaned = CleanArticle(
        id=raw.id,
        text=doc.text,
        url=raw.url,
        feed=raw.feed,
        title=doc.title,
        published=raw.published,
        language="ar",
        revision=raw.revision,
    )
    return [Output(topics.CLEAN, raw.id.encode(), encode(cleaned))]


def _id_from(key: bytes | None, obj: dict[str, object]) -> str:
    """An article without an id takes its Kafka key, else a hash of its content."""
    if key:
        try:
            return key.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return stable_id(str(obj.get("title") or ""), str(obj.get("text") or ""))


def enrich_stage(
    key: bytes | None, value: bytes | None, resources: Resources, limits: Limits = Limits()
) -> list[Output]:
    """news.clean -> news.enriched + one news.statements event per statement + news.topics per label.

    news.clean is a topic anyone can write to: the size and language guards of the clean stage
    apply here too, or one oversized or foreign article would stall this agent for minutes.
    """
    _check_message_size(value, limits)
    article = decode(CleanArticle, value)
    _check_text(article.text, limits)
    if article.language != "ar":
        raise EventError(f"not an Arabic article: language {article.language!r} (this stage reads 'ar')")
    if not article.text.strip(_BLANK):
        raise EventError("empty article: no text (only blanks or control characters)")
    _check_arabic(article.text)
    # news.clean carries clean text: segment it as it is, do not clean it a second time.
    enriched = enrichment(article, resources, from_clean(article.text, article.title))
    article_key = article.id.encode()
    outputs = [Output(topics.ENRICHED, article_key, encode(enriched))]
    # Events are built as JSON objects (fields_of), not records: ~25 records per article cost more
    # than the JSON they encode to. tests/test_stages.py checks each decodes and re-encodes unchanged.
    for statement in enriched["statements"]:
        event = fields_of(
            StatementEvent,
            {
                "id": statement["id"],
                "article_id": article.id,
                "speaker": statement["speaker"],
                "verb": statement["verb"],
                "kind": statement["kind"],
                "text": statement["text"],
                "span": statement["span"],
                "via": statement["via"],
                "topics": statement["topics"],
                "url": article.url,
                "title": enriched["title"],
                "published": article.published,
                "revision": article.revision,
            },
        )
        outputs.append(Output(topics.STATEMENTS, article_key, encode(event)))
    for topic in enriched["topics"]:
        label = topic["label"]
        event = fields_of(
            TopicEvent,
            {
                "label": label,
                "score": topic["score"],
                "article_id": article.id,
                "url": article.url,
                "title": enriched["title"],
                "published": article.published,
                "statements": [st["id"] for st in enriched["statements"] if label in st["topics"]],
                "revision": article.revision,
            },
        )
        outputs.append(Output(topics.TOPICS, label.encode(), encode(event)))
    return outputs


def dead_letter(
    stage: str, error: str, *, topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None
) -> Output:
    letter = DeadLetter.of(
        stage=stage, error=error, topic=topic, partition=partition, offset=offset, key=key, value=value
    )
    return Output(topics.DLQ, key, encode(letter))
