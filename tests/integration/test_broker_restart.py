"""A producer that outlives an embedded broker restart: no record acknowledged into nowhere.

Tansu (memory storage) loses every topic on a restart and acknowledges a produce to any topic and
partition, existing or not. A producer whose metadata still says 8 partitions would send a key of
partition 5 to a topic that is missing, or that another client auto-created with 4 partitions, get an
ack, and the record could never be read. ``send_verified`` must refresh first.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiokafka import TopicPartition
from aiokafka.partitioner import DefaultPartitioner

from pipeline.broker import EmbeddedBroker
from pipeline.clients import consumer, producer, start
from pipeline.dlq import Outcome, replay_one
from pipeline.fresh_metadata import StaleMetadataError, ensure_fresh, send_verified
from pipeline.models import RawArticle, decode, encode, utc_now
from pipeline.replay import send_articles
from pipeline.settings import Settings
from pipeline.stages import dead_letter
from pipeline.topics import RAW, ensure_topics, partition_counts

pytestmark = pytest.mark.integration


def key_beyond(partitions: int, floor: int) -> bytes:
    """A key that hashes to a partition >= ``floor`` under ``partitions`` partitions."""
    every = list(range(partitions))
    return next(
        key
        for key in (f"article-{n}".encode() for n in range(1000))
        if int(DefaultPartitioner()(key, every, every)) >= floor
    )


async def read_all(settings: Settings, topic: str) -> list[bytes]:
    """Every record in every partition the broker reports for ``topic`` (they are few)."""
    count = partition_counts(settings, [topic]).get(topic, 0)
    if not count:
        return []  # the topic is missing: whatever was acknowledged went nowhere
    reader = consumer(settings)
    await start(reader)
    try:
        tps = [TopicPartition(topic, p) for p in range(count)]
        reader.assign(tps)
        await reader.seek_to_beginning(*tps)
        values: list[bytes] = []
        deadline = asyncio.get_running_loop().time() + 10
        while asyncio.get_running_loop().time() < deadline:
            batch = await reader.getmany(timeout_ms=500)
            values += [record.value for records in batch.values() for record in records if record.value]
            if not batch and values:
                break
        return values
    finally:
        await reader.stop()


async def _restart_and_send(
    broker: EmbeddedBroker, settings: Settings, auto_created_first: bool, buffered: bool
) -> list[bytes]:
    assert settings.partitions > 4, "the test needs more partitions than Tansu auto-creates"
    ensure_topics(settings)
    client = producer(settings)
    await start(client)
    try:
        await send_verified(client, settings, RAW, b"before", b"first")
        broker.stop()
        await asyncio.sleep(1)  # the producer's connection sees the broker go
        # In this thread: the broker dies with the thread that started it (PDEATHSIG).
        broker.start()  # same port, no topics
        if auto_created_first:
            # Another process's metadata request gets there first: Tansu creates news.raw with 4.
            other = producer(settings, client_id="other")
            await start(other)
            await other.partitions_for(RAW)
            await other.stop()
            assert partition_counts(settings, [RAW])[RAW] == 4
        key = key_beyond(settings.partitions, 4)
        if buffered:  # the worker's way: check, then a buffered send (Faust flushes before committing)
            await ensure_fresh(client.client, RAW, settings)
            sent = await (await client.send(RAW, b"after the restart", key=key))
        else:
            sent = await send_verified(client, settings, RAW, b"after the restart", key)
        assert sent.partition < partition_counts(settings, [RAW])[RAW]
    finally:
        await client.stop()
    return await read_all(settings, RAW)


@pytest.mark.parametrize("buffered", [False, True], ids=["send_verified", "ensure_fresh+send"])
def test_a_send_after_the_broker_lost_its_topics_is_readable(
    broker: EmbeddedBroker, settings: Settings, caplog: pytest.LogCaptureFixture, buffered: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="naba.broker"):
        values = asyncio.run(_restart_and_send(broker, settings, auto_created_first=False, buffered=buffered))
    assert values == [b"after the restart"]
    assert partition_counts(settings, [RAW])[RAW] == settings.partitions  # re-created as configured
    assert "came back without topic(s) news.raw" in caplog.text


@pytest.mark.parametrize("buffered", [False, True], ids=["send_verified", "ensure_fresh+send"])
def test_a_send_after_a_client_auto_created_the_topic_is_readable(
    broker: EmbeddedBroker, settings: Settings, caplog: pytest.LogCaptureFixture, buffered: bool
) -> None:
    with caplog.at_level(logging.WARNING, logger="naba.broker"):
        values = asyncio.run(_restart_and_send(broker, settings, auto_created_first=True, buffered=buffered))
    assert values == [b"after the restart"]
    assert f"topic news.raw has 4 partition(s) on the broker, configured {settings.partitions}" in caplog.text


async def _send_while_away_then_back(broker: EmbeddedBroker, settings: Settings) -> list[bytes]:
    ensure_topics(settings)
    client = producer(settings, request_timeout_ms=3_000)
    await start(client)
    try:
        await send_verified(client, settings, RAW, b"before", b"first")
        broker.stop()
        await asyncio.sleep(1)
        key = key_beyond(settings.partitions, 4)
        with pytest.raises(StaleMetadataError, match="did not answer within 3 s"):
            await send_verified(client, settings, RAW, b"while away", key)
        broker.start()
        # A late send of the old metadata would land in nowhere: the retried one must be readable.
        sent = await send_verified(client, settings, RAW, b"once back", key)
        assert sent.partition < partition_counts(settings, [RAW])[RAW]
    finally:
        await client.stop()
    return await read_all(settings, RAW)


def test_nothing_is_sent_while_the_broker_is_away_and_the_retry_is_readable(
    broker: EmbeddedBroker, settings: Settings
) -> None:
    assert asyncio.run(_send_while_away_then_back(broker, settings)) == [b"once back"]


def article(key: bytes) -> RawArticle:
    text = "قال الوزير إن الاجتماع انتهى"
    return RawArticle(id=key.decode(), text=text, feed="replay", fetched_at=utc_now())


async def _replay_across_a_restart(broker: EmbeddedBroker, settings: Settings, dlq: bool) -> list[bytes]:
    """Two sends of one replay's producer (`naba replay` passes, or `naba dlq replay` letters),
    the broker restarted between them."""
    ensure_topics(settings)
    first, second = article(b"first"), article(key_beyond(settings.partitions, 4))
    client = producer(settings)
    await start(client)

    async def send(one: RawArticle) -> None:
        if dlq:
            letter = dead_letter(
                "clean", "a bug", topic=RAW, partition=0, offset=0, key=one.id.encode(), value=encode(one)
            )
            outcome = Outcome()
            await replay_one(client, settings, letter.value, 0, None, False, outcome)
            assert outcome.sent == {RAW: 1}
            await client.flush()
        else:
            assert await send_articles(client, settings, [one]) == [one.id]

    try:
        await send(first)
        broker.stop()
        await asyncio.sleep(1)  # the producer's connection sees the broker go
        broker.start()  # same port, no topics
        await send(second)
    finally:
        await client.stop()
    return await read_all(settings, RAW)


@pytest.mark.parametrize("dlq", [False, True], ids=["replay", "dlq replay"])
def test_a_replay_across_a_broker_restart_sends_where_it_can_be_read(
    broker: EmbeddedBroker, settings: Settings, dlq: bool
) -> None:
    values = asyncio.run(_replay_across_a_restart(broker, settings, dlq))
    # The first article went down with the broker (memory only); the second must not be acked into nowhere.
    assert [decode(RawArticle, value).id for value in values] == [key_beyond(settings.partitions, 4).decode()]
    assert partition_counts(settings, [RAW])[RAW] == settings.partitions  # re-created as configured
