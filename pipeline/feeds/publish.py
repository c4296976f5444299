"""Where articles go: a Protocol the poller uses, and the Kafka producer behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from pipeline import clients
from pipeline.settings import Settings
from pipeline.topics import RAW


class Publisher(Protocol):
    async def publish(self, key: bytes, value: bytes) -> None:
        """Send one record and return once the broker acknowledged it (raise if it did not)."""


class KafkaPublisher:
    def __init__(self, producer: Any, topic: str = RAW) -> None:
        self._producer = producer
        self._topic = topic

    async def publish(self, key: bytes, value: bytes) -> None:
        await self._producer.send_and_wait(self._topic, value, key=key)


@asynccontextmanager
async def kafka_producer(settings: Settings) -> AsyncIterator[Any]:
    """A started AIOKafkaProducer; acks=all so an acknowledged article survives a broker failover.

    No idempotence: the embedded broker (Tansu) does not implement InitProducerId. A retried send
    may duplicate a record; consumers dedupe by article id.
    """
    producer = clients.producer(settings, client_id=f"{settings.app_id}-feeds")
    await clients.start(producer)
    try:
        yield producer
    finally:
        await producer.stop()


def state_consumer_factory(settings: Settings) -> Any:
    """Makes unstarted consumers without a group, for reading the state topic from the start."""

    def make() -> Any:
        return clients.consumer(settings, client_id=f"{settings.app_id}-feeds-state")

    return make
