"""The pipeline's stages as functions from one input message to the messages it produces.

No Kafka here: an agent hands a stage the bytes it consumed and sends back what the stage returns.
A stage raises ``EventError`` for input it rejects (the agent dead-letters it with that reason).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from pipeline import topics
from pipeline.enrich import Article, Resources, enrichment
from pipeline.identity import stable_id
from pipeline.models import (
    STATEMENT_SCHEMA,
    TOPIC_SCHEMA,
    CleanArticle,
    DeadLetter,
    EventError,
    RawArticle,
    decode,
    decode_object,
    encode,
    fields_of,
    validate,
)
from pipeline.text.boilerplate import default_markers, strip_boilerplate
from pipeline.text.clean import clean_display
from pipeline.text.document import Document
from pipeline.text.language import arabic_share
from pipeline.text.prepare import from_clean, prepare

CLEAN = "clean"
ENRICH = "enrich"

#: Kafka header on a news.clean message whose enrichment the clean agent has already sent (see
#: ``clean_enrich_stage``): the enrich agent passes it by. Headers are not part of the event.
ENRICHED_HEADER = "naba-enriched"
_MARK = ((ENRICHED_HEADER, b"1"),)

_BLANK = "".join(map(chr, range(33))) + "\u00a0\u200b\u200c\u200d\u200e\u200f\u2028\u2029\ufeff"

#: Below this share of Arabic letters among all letters an article is not ours to process.
MIN_ARABIC_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Output:
    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()
    #: Sent by the clean agent on behalf of the enrich stage (its counts go to the enrich agent's).
    downstream: bool = False


@dataclass(frozen=True, slots=True)
class Limits:
    max_article_bytes: int = 2_000_000  # the shipped default of Settings.max_article_bytes


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A cleaned article: what news.clean carries (a CleanArticle's fields), without the record."""

    id: str
    text: str
    url: str | None
    feed: str | None
    title: str
    published: str | None
    revision: int
    language: str = "ar"


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


def _check_enrichable(article: Article, limits: Limits) -> None:
    """The enrich stage's guards on a decoded news.clean event (its Arabic share comes apart: the
    one pass has already checked it on this very text)."""
    _check_text(article.text, limits)
    if article.language != "ar":
        raise EventError(f"not an Arabic article: language {article.language!r} (this stage reads 'ar')")
    if not article.text.strip(_BLANK):
        raise EventError("empty article: no text (only blanks or control characters)")


def _check_arabic(text: str) -> None:
    share = arabic_share(text)
    if share < MIN_ARABIC_SHARE:
        raise EventError(
            f"not an Arabic article: {share:.0%} of its letters are Arabic (need {MIN_ARABIC_SHARE:.0%})"
        )


def clean_text(body: str, title: str = "") -> tuple[str, str]:
    """The display text and title ``prepare(body, title)`` gives, without segmenting them (the clean
    stage sends only the text; segmenting is the enrich stage's work). tests/test_stages.py checks
    they equal prepare's on the seeds and the gold set."""
    return strip_boilerplate(clean_display(body), default_markers()), clean_display(title).replace("\n", " ")


def clean(key: bytes | None, value: bytes | None, limits: Limits) -> Cleaned:
    """Validate a news.raw message and clean its text; EventError says why it is refused."""
    return _clean(key, value, limits, segment=False)[0]


def _clean(
    key: bytes | None, value: bytes | None, limits: Limits, *, segment: bool
) -> tuple[Cleaned, Document | None]:
    """``clean``, and with ``segment`` the cleaned text's Document too (``prepare`` shares its work
    between cleaning and segmenting: cheaper than cleaning, then segmenting the clean text)."""
    _check_message_size(value, limits)
    obj = decode_object(value)
    if obj.get("id") in (None, ""):
        obj["id"] = _id_from(key, obj)
    raw = validate(RawArticle, obj)
    _check_text(raw.text, limits)
    doc = prepare(raw.text, raw.title) if segment else None
    text, title = (doc.text, doc.title) if doc is not None else clean_text(raw.text, raw.title)
    if not text:
        raise EventError("empty article: no text left after cleaning")
    _check_arabic(text)
    article = Cleaned(
        id=raw.id,
        text=text,
        url=raw.url,
        feed=raw.feed,
        title=title,
        published=raw.published,
        revision=raw.revision,
    )
    return article, doc


def _clean_output(article: Cleaned) -> Output:
    event = fields_of(
        CleanArticle,
        {
            "id": article.id,
            "text": article.text,
            "url": article.url,
            "feed": article.feed,
            "title": article.title,
            "published": article.published,
            "language": article.language,
            "revision": article.revision,
        },
    )
    return Output(topics.CLEAN, article.id.encode(), encode(event))


def clean_stage(key: bytes | None, value: bytes | None, limits: Limits) -> list[Output]:
    """news.raw -> news.clean: validate, clean the text, keep the article's identity."""
    return [_clean_output(clean(key, value, limits))]


def clean_enrich_stage(
    key: bytes | None, value: bytes | None, limits: Limits, resources: Resources
) -> list[Output]:
    """news.raw -> everything: the enrich stage's outputs (``downstream``), then news.clean marked
    with ENRICHED_HEADER. One pass saves a Kafka hop, a decode, a second fold and the Arabic check.

    The news.clean event is the same either way. When enriching it fails, it goes out unmarked and
    the enrich agent meets the failure itself: its dead letter is the one it always wrote.
    """
    article, doc = _clean(key, value, limits, segment=True)
    cleaned = _clean_output(article)
    try:
        # The enrich stage's guards, on the news.clean event it would have read.
        _check_message_size(cleaned.value, limits)
        _check_enrichable(article, limits)
        assert doc is not None
        outputs = _enrich_outputs(article, doc, resources, downstream=True)
    except Exception:  # any failure is the enrich agent's to report, as it was before
        return [cleaned]
    outputs.append(replace(cleaned, headers=_MARK))
    return outputs


def already_enriched(headers: Iterable[tuple[str, bytes]] | Mapping[str, bytes] | None) -> bool:
    """Whether a news.clean message's Kafka headers say its enrichment was sent with it."""
    if not headers:
        return False
    if isinstance(headers, Mapping):
        return ENRICHED_HEADER in headers
    return any(name == ENRICHED_HEADER for name, _ in headers)


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
    _check_enrichable(article, limits)
    _check_arabic(article.text)
    # news.clean carries clean text: segment it as it is, do not clean it a second time.
    return _enrich_outputs(article, from_clean(article.text, article.title), resources)


def _enrich_outputs(
    article: Article, doc: Document, resources: Resources, *, downstream: bool = False
) -> list[Output]:
    enriched = enrichment(article, resources, doc)
    article_key = article.id.encode()
    outputs = [Output(topics.ENRICHED, article_key, encode(enriched), downstream=downstream)]
    # Events are built as literal JSON objects in their records' field order (StatementEvent,
    # TopicEvent), not records: ~25 records per article cost more than the JSON they encode to.
    # tests/test_stages.py checks the bytes equal each record's own encoding on the gold set.
    title = enriched["title"]
    for statement in enriched["statements"]:
        event = {
            "id": statement["id"],
            "article_id": article.id,
            "speaker": statement["speaker"],
            "verb": statement["verb"],
            "kind": statement["kind"],
            "text": statement["text"],
            "span": statement["span"],
            "schema": STATEMENT_SCHEMA,
            "via": statement["via"],
            "topics": statement["topics"],
            "url": article.url,
            "title": title,
            "published": article.published,
            "revision": article.revision,
        }
        outputs.append(Output(topics.STATEMENTS, article_key, encode(event), downstream=downstream))
    for topic in enriched["topics"]:
        label = topic["label"]
        event = {
            "label": label,
            "score": topic["score"],
            "article_id": article.id,
            "schema": TOPIC_SCHEMA,
            "url": article.url,
            "title": title,
            "published": article.published,
            "statements": [st["id"] for st in enriched["statements"] if label in st["topics"]],
            "revision": article.revision,
        }
        outputs.append(Output(topics.TOPICS, label.encode(), encode(event), downstream=downstream))
    return outputs


def dead_letter(
    stage: str, error: str, *, topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None
) -> Output:
    letter = DeadLetter.of(
        stage=stage, error=error, topic=topic, partition=partition, offset=offset, key=key, value=value
    )
    return Output(topics.DLQ, key, encode(letter))
