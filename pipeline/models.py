"""The event contract: one faust.Record per event kind, each carrying a ``schema`` id.

Adding a field is compatible; renaming or removing one bumps the schema version. Events travel as
orjson-encoded JSON objects (no Faust metadata), so any Kafka client in any language can read them.
This is the only module that imports Faust's types.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from types import UnionType
from typing import Any, TypeVar, get_args, get_origin

import faust
import orjson

RAW_SCHEMA = "naba.raw/1"
CLEAN_SCHEMA = "naba.clean/1"
ENRICHED_SCHEMA = "naba.enriched/1"
STATEMENT_SCHEMA = "naba.statement/1"
TOPIC_SCHEMA = "naba.topic/1"
DEAD_LETTER_SCHEMA = "naba.dlq/1"

#: A dead letter keeps at most this much of the original value (base64 adds a third): more than any
#: message a stage accepts with the default max_article_bytes (2 MB -> 4 MB + 64 KiB of JSON), so only
#: messages rejected for their size are cut, and every letter fits the producers' request size limit.
DLQ_KEEP_BYTES = 4 * 1024 * 1024


class Model(faust.Record, abstract=True, include_metadata=False):
    """Base of every event: plain JSON on the wire, no Faust namespace metadata."""


class Speaker(Model):
    name: str
    type: str  # person | organization | group | document | anonymous | unknown
    title: str | None = None
    mentions: list[str] = []  # noqa: RUF012 - faust copies field defaults per instance


class Statement(Model):
    id: str
    speaker: Speaker
    verb: str
    kind: str  # direct | indirect | mixed
    text: str
    span: list[int]  # [start, end) character offsets into the article's text
    via: str | None = None  # the agency the statement was reported through
    topics: list[str] = []  # noqa: RUF012


class TopicScore(Model):
    label: str
    score: float


class Entity(Model):
    type: str  # person | organization | location
    name: str
    forms: list[str] = []  # noqa: RUF012
    count: int = 1


class RawArticle(Model):
    id: str
    text: str
    schema: str = RAW_SCHEMA
    url: str | None = None
    feed: str | None = None
    title: str = ""
    published: str | None = None  # ISO 8601
    language: str = "ar"
    revision: int = 0
    fetched_at: str | None = None


class CleanArticle(Model):
    id: str
    text: str  # display text: what users read, positions refer to it
    schema: str = CLEAN_SCHEMA
    url: str | None = None
    feed: str | None = None
    title: str = ""
    published: str | None = None
    language: str = "ar"
    revision: int = 0


class EnrichedArticle(Model):
    id: str
    text: str
    schema: str = ENRICHED_SCHEMA
    url: str | None = None
    feed: str | None = None
    title: str = ""
    published: str | None = None
    language: str = "ar"
    revision: int = 0
    statements: list[Statement] = []  # noqa: RUF012
    topics: list[TopicScore] = []  # noqa: RUF012
    entities: list[Entity] = []  # noqa: RUF012
    keywords: list[str] = []  # noqa: RUF012
    processed_at: str | None = None


class StatementEvent(Model):
    """One statement on ``news.statements``, keyed by article id, with its article's identity."""

    id: str
    article_id: str
    speaker: Speaker
    verb: str
    kind: str
    text: str
    span: list[int]
    schema: str = STATEMENT_SCHEMA
    via: str | None = None
    topics: list[str] = []  # noqa: RUF012
    url: str | None = None
    title: str = ""
    published: str | None = None
    revision: int = 0


class TopicEvent(Model):
    """One (article, label) pair on ``news.topics``, keyed by label."""

    label: str
    score: float
    article_id: str
    schema: str = TOPIC_SCHEMA
    url: str | None = None
    title: str = ""
    published: str | None = None
    statements: list[str] = []  # noqa: RUF012 - ids of the article's statements with this label
    revision: int = 0


class DeadLetter(Model):
    """An event a stage could not process: the reason and the original bytes (base64)."""

    stage: str
    error: str
    topic: str
    partition: int
    offset: int
    key: str | None  # base64 of the original key bytes, or null
    value: str | None  # base64 of the original value bytes, or null
    at: str
    schema: str = DEAD_LETTER_SCHEMA
    size: int | None = None  # bytes of the original value
    truncated: bool = False  # only the first DLQ_KEEP_BYTES of a larger original are kept

    @classmethod
    def of(
        cls,
        *,
        stage: str,
        error: str,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None,
        value: bytes | None,
        keep: int = 0,
    ) -> DeadLetter:
        keep = keep or DLQ_KEEP_BYTES
        truncated = value is not None and len(value) > keep
        kept = value[:keep] if value is not None and truncated else value
        return cls(
            stage=stage,
            error=error,
            topic=topic,
            partition=partition,
            offset=offset,
            key=None if key is None else base64.b64encode(key).decode("ascii"),
            value=None if kept is None else base64.b64encode(kept).decode("ascii"),
            at=utc_now(),
            size=None if value is None else len(value),
            truncated=truncated,
        )

    def original_key(self) -> bytes | None:
        return None if self.key is None else base64.b64decode(self.key)

    def original_value(self) -> bytes | None:
        return None if self.value is None else base64.b64decode(self.value)


EVENT_TYPES: dict[str, type[Model]] = {
    RAW_SCHEMA: RawArticle,
    CLEAN_SCHEMA: CleanArticle,
    ENRICHED_SCHEMA: EnrichedArticle,
    STATEMENT_SCHEMA: StatementEvent,
    TOPIC_SCHEMA: TopicEvent,
    DEAD_LETTER_SCHEMA: DeadLetter,
}


class EventError(ValueError):
    """An event cannot be decoded; the message is the reason a dead letter carries."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _representation(value: Any) -> Any:
    if isinstance(value, faust.Record):
        return value.to_representation()
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode(event: Model | dict[str, Any]) -> bytes:
    """Serialise an event (a record, or the object of ``fields_of``) to compact JSON bytes."""
    obj = event if isinstance(event, dict) else event.to_representation()
    return orjson.dumps(obj, default=_representation)


def fields_of(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    """The JSON object ``model(**values)`` encodes to, without building the record: fields in order,
    defaults filled in. A faust.Record costs tens of microseconds to build and to represent, and the
    enrich stage emits ~25 events per article. Nested values must already be plain (dicts, lists)."""
    options = model._options
    unknown = values.keys() - options.fields.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    obj: dict[str, Any] = {}
    for name in options.fields:
        if name in values:
            obj[name] = values[name]
        elif name in options.defaults:
            default = options.defaults[name]
            obj[name] = list(default) if isinstance(default, list) else default
        else:
            raise TypeError(f"{model.__name__} needs field {name}")
    return obj


M = TypeVar("M", bound=Model)


def decode_object(data: bytes | None) -> dict[str, Any]:
    """Bytes -> JSON object, or an EventError that says exactly what is wrong with them."""
    if data is None or not data.strip():
        raise EventError("empty message: no bytes in the value")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EventError(
            f"invalid UTF-8 at byte {exc.start}: {data[exc.start : exc.start + 4]!r}; "
            "articles must be UTF-8 encoded JSON"
        ) from None
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise EventError(f"malformed JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise EventError(f"expected a JSON object, got {type(obj).__name__}")
    return obj


def decode(model: type[M], data: bytes | None) -> M:
    """Decode and validate one event of ``model``."""
    return validate(model, decode_object(data))


def validate(model: type[M], obj: dict[str, Any]) -> M:
    """Check the schema id, then the fields, of a decoded JSON object."""
    expected = model._options.defaults.get("schema")
    schema = obj.get("schema", expected)
    if schema != expected:
        raise EventError(f"unsupported schema {schema!r}: this stage reads {expected!r}")
    return from_dict(model, obj)


def from_dict(model: type[M], obj: dict[str, Any]) -> M:
    """Validate a JSON object against ``model``'s top-level fields and build the record."""
    options = model._options
    for name in [name for name in obj if name not in options.fields]:
        del obj[name]  # a newer producer added a field: compatible, so ignore it
    missing = [name for name in options.fields if name not in obj and name not in options.defaults]
    if missing:
        raise EventError(f"missing field{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    for name, value in obj.items():
        if not _matches(value, options.fields[name]):
            raise EventError(
                f"field {name!r} must be {_describe(options.fields[name])}, got {type(value).__name__}"
            )
    for name, kind in options.fields.items():
        # Nested records are built here, not by Faust: its generated decoder skips records that
        # have a field named ``type`` (Speaker, Entity), leaving plain dicts behind.
        value = obj.get(name)
        if _is_record(kind) and isinstance(value, dict):
            obj[name] = from_dict(kind, value)
        elif get_origin(kind) is list and isinstance(value, list):
            (item_kind,) = get_args(kind)
            if _is_record(item_kind):
                obj[name] = [from_dict(item_kind, item) if isinstance(item, dict) else item for item in value]
    try:
        return model(**obj)
    except (TypeError, ValueError, AttributeError) as exc:
        raise EventError(f"invalid {model.__name__}: {exc}") from None


def _matches(value: Any, kind: Any) -> bool:
    origin = get_origin(kind)
    if origin is UnionType:
        return any(_matches(value, option) for option in get_args(kind))
    if kind is type(None):
        return value is None
    if origin is list:
        return isinstance(value, list)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if _is_record(kind):
        return isinstance(value, dict)
    return isinstance(kind, type) and isinstance(value, kind)


def _describe(kind: Any) -> str:
    if get_origin(kind) is UnionType:
        return " or ".join(_describe(option) for option in get_args(kind))
    if kind is type(None):
        return "null"
    if get_origin(kind) is list:
        return "a list"
    if _is_record(kind):
        return "an object"
    return {str: "a string", int: "an integer", float: "a number"}.get(kind, str(kind))


def _is_record(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, faust.Record)
