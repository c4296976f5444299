"""Topic names and their explicit, idempotent creation.

Every topic is created before any agent starts: the embedded broker gives auto-created topics
4 partitions whatever the client asked, and Faust refuses to start when a table's changelog and its
source topic disagree on partitions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from pipeline.clients import max_message_bytes
from pipeline.models import (
    CLEAN_SCHEMA,
    DEAD_LETTER_SCHEMA,
    ENRICHED_SCHEMA,
    RAW_SCHEMA,
    STATEMENT_SCHEMA,
    TOPIC_SCHEMA,
)
from pipeline.settings import Settings

RAW = "news.raw"
CLEAN = "news.clean"
ENRICHED = "news.enriched"
STATEMENTS = "news.statements"
TOPICS = "news.topics"
DLQ = "news.dlq"
#: What the feed pollers remember (seen ids, ETags, backoff); compacted, one partition keeps it ordered.
FEED_STATE = "news.feed-state"
FEED_STATE_CONFIG = {"cleanup.policy": "compact"}

PIPELINE_TOPICS = (RAW, CLEAN, ENRICHED, STATEMENTS, TOPICS, DLQ)

#: Short names accepted on the command line (`naba tail statements`).
ALIASES = {name.removeprefix("news."): name for name in PIPELINE_TOPICS}

#: The event type (schema id) each pipeline topic carries.
PAYLOADS = {
    RAW: RAW_SCHEMA,
    CLEAN: CLEAN_SCHEMA,
    ENRICHED: ENRICHED_SCHEMA,
    STATEMENTS: STATEMENT_SCHEMA,
    TOPICS: TOPIC_SCHEMA,
    DLQ: DEAD_LETTER_SCHEMA,
}

#: What each pipeline topic is keyed by (keys decide partitions: one article's events stay in order).
KEYS = {
    RAW: "article id",
    CLEAN: "article id",
    ENRICHED: "article id",
    STATEMENTS: "article id",
    TOPICS: "topic label",
    DLQ: "the original message's key",
}

log = logging.getLogger(__name__)


class TopicError(RuntimeError):
    """A topic could not be created or has an unusable layout."""


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    config: dict[str, str] = field(default_factory=dict)


def resolve(name: str) -> str:
    """`statements` -> `news.statements`; full names pass through."""
    return ALIASES.get(name, name)


def pipeline_specs(settings: Settings) -> list[TopicSpec]:
    # Kafka's 1 MB default message size would reject a long article's enriched event or dead letter.
    sized = {"max.message.bytes": str(max_message_bytes(settings))}
    return [
        *(TopicSpec(name, settings.partitions, dict(sized)) for name in PIPELINE_TOPICS),
        TopicSpec(FEED_STATE, 1, dict(FEED_STATE_CONFIG)),
    ]


def admin_client(settings: Settings) -> KafkaAdminClient:
    return KafkaAdminClient(
        bootstrap_servers=settings.bootstrap_servers,
        client_id=f"{settings.app_id}-admin",
        request_timeout_ms=15_000,
        **settings.kafka_client_options(),
    )


def ensure_topics(settings: Settings, extra: Iterable[TopicSpec] = ()) -> list[str]:
    """Create the pipeline's topics (and ``extra``) if missing; return the names created.

    Existing topics are left as they are; one with fewer partitions than configured is reported,
    because the embedded broker cannot add partitions and Kafka would re-hash keys if it did.
    """
    specs = [*pipeline_specs(settings), *extra]
    admin = admin_client(settings)
    try:
        existing = set(admin.list_topics())
        missing = [spec for spec in specs if spec.name not in existing]
        created: list[str] = []
        for spec in missing:
            try:
                admin.create_topics(
                    [
                        NewTopic(
                            spec.name, spec.partitions, settings.replication_factor, topic_configs=spec.config
                        )
                    ]
                )
                created.append(spec.name)
            except TopicAlreadyExistsError:
                pass  # another process created it between list and create
        _check_partitions(admin, specs)
        return created
    except KafkaError as exc:
        raise TopicError(f"could not create topics on {settings.bootstrap}: {exc}") from None
    finally:
        admin.close()


def _check_partitions(admin: KafkaAdminClient, specs: list[TopicSpec]) -> None:
    described = {
        topic["name"]: len(topic["partitions"]) for topic in admin.describe_topics([s.name for s in specs])
    }
    for spec in specs:
        count = described.get(spec.name)
        if count is None:
            raise TopicError(f"topic {spec.name} was not created")
        if count != spec.partitions:
            log.warning(
                "topic %s has %d partitions, configured %d; the existing layout is kept "
                "(delete the topic or set NABA_PARTITIONS=%d)",
                spec.name,
                count,
                spec.partitions,
                count,
            )


def partition_counts(settings: Settings, names: Iterable[str]) -> dict[str, int]:
    """Partitions per existing topic, from the broker's metadata."""
    admin = admin_client(settings)
    try:
        return {topic["name"]: len(topic["partitions"]) for topic in admin.describe_topics(list(names))}
    finally:
        admin.close()


def wait_for_topic(settings: Settings, name: str, timeout: float) -> None:
    """Wait up to ``timeout`` seconds for topic ``name`` to exist (one log line if it does not yet)."""
    deadline = time.monotonic() + timeout
    delay, said = 0.5, False
    while True:
        try:
            if partition_counts(settings, [name]).get(name, 0) > 0:
                if said:
                    log.warning("topic %s exists now", name)
                return
        except KafkaError:
            pass  # metadata for a missing topic is an error on some brokers: same as "not yet"
        if time.monotonic() + delay > deadline:
            return  # the caller's own check reports a missing topic in one line
        if not said:
            log.warning("topic %s does not exist yet; waiting up to %.0f s", name, timeout)
            said = True
        time.sleep(delay)
        delay = min(delay * 2, 5.0)
