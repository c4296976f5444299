"""Kafka client factories (aiokafka), configured from Settings in one place."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from pipeline.settings import Settings


def max_message_bytes(settings: Settings) -> int:
    """The largest message naba produces: an enriched article (text + statements) or a dead letter.

    Producers' ``max_request_size`` and the topics' ``max.message.bytes`` use it (Kafka's default of
    1 MB would reject a long article's enriched event).
    """
    return max(6 * 1_048_576, settings.max_article_bytes * 3)


def producer(settings: Settings, **options: Any) -> AIOKafkaProducer:
    """An acks=all producer; no idempotence/transactions (the embedded broker has neither)."""
    return AIOKafkaProducer(
        bootstrap_servers=settings.bootstrap,
        client_id=options.pop("client_id", f"{settings.app_id}-producer"),
        acks="all",
        linger_ms=options.pop("linger_ms", 5),
        max_request_size=options.pop("max_request_size", max_message_bytes(settings)),
        **settings.kafka_client_options(),
        **options,
    )


def consumer(settings: Settings, **options: Any) -> AIOKafkaConsumer:
    """A consumer without a group unless ``group_id`` is given (manual assignment starts at once)."""
    return AIOKafkaConsumer(
        bootstrap_servers=settings.bootstrap,
        client_id=options.pop("client_id", f"{settings.app_id}-consumer"),
        enable_auto_commit=options.pop("enable_auto_commit", False),
        auto_offset_reset=options.pop("auto_offset_reset", "earliest"),
        **settings.kafka_client_options(),
        **options,
    )


async def start(client: AIOKafkaProducer | AIOKafkaConsumer) -> None:
    """Start an aiokafka client; if that fails, close it before raising (no "Unclosed" noise at exit)."""
    try:
        await client.start()
    except BaseException:
        await client.stop()
        raise
    # Let the client's background tasks begin: aiokafka's consumer stopped before its committed-offset
    # task ever ran re-raises that task's CancelledError from stop() (a traceback instead of our error).
    await asyncio.sleep(0)
