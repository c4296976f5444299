"""The one loop every agent runs: decode -> call the pure stage -> send, or dead-letter."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable

import faust
from aiokafka.errors import MessageSizeTooLargeError
from faust.exceptions import ProducerSendError

from pipeline.app import PipelineTopics
from pipeline.fresh_metadata import ensure_fresh
from pipeline.lag.agentstats import StageMetrics
from pipeline.models import EventError
from pipeline.settings import Settings
from pipeline.stages import Output, dead_letter

log = logging.getLogger(__name__)

Stage = Callable[[bytes | None, bytes | None], list[Output]]
Skip = Callable[[faust.types.Message], bool]


async def run_stage(
    stream: faust.StreamT[bytes],
    stage: str,
    handler: Stage,
    topics: PipelineTopics,
    metrics: StageMetrics | None = None,
    *,
    downstream: StageMetrics | None = None,
    skip: Skip | None = None,
    settings: Settings | None = None,
) -> None:
    """``downstream`` counts the outputs the handler makes for the next stage (``Output.downstream``);
    an event ``skip`` accepts is consumed (and counted) without calling the handler. ``settings``
    given: an event's sends first check their metadata survived any broker restart (``ensure_fresh``)."""
    metrics = metrics if metrics is not None else StageMetrics(stage)
    # The app's producer, not Topic.send: Faust's send path (FutureMessage, sensors, debug logging,
    # callbacks) cost more CPU than the producer itself, about 20 % of a worker. Delivery is the same:
    # Faust commits an offset only after `app.producer.flush()`, which waits for these sends too.
    producer = await stream.app.maybe_start_producer()
    client = getattr(getattr(producer, "_producer", None), "client", None) if settings else None

    async def fresh(names: Iterable[str]) -> None:
        # Stale metadata after a broker restart would send to partitions the broker no longer has:
        # checked once per topic an event's outputs go to (cheap lookups when nothing changed).
        if client is not None and settings is not None:
            for name in set(names):
                await ensure_fresh(client, name, settings)

    async for event in stream.events():
        message = event.message
        started = time.perf_counter()
        if skip is not None and skip(message):
            metrics.observe(message.topic, message.partition, time.perf_counter() - started, ())
            continue
        try:
            outputs = handler(message.key, message.value)
        except EventError as exc:
            outputs = [_letter(stage, str(exc), message)]
            metrics.failed("invalid", str(exc), message.topic, message.partition, message.offset)
        except Exception as exc:  # a bug in the core must not stop the stream: dead-letter it
            log.exception(
                "%s: unexpected error on %s[%d]@%d", stage, message.topic, message.partition, message.offset
            )
            error = f"internal error: {type(exc).__name__}: {exc}"
            outputs = [_letter(stage, error, message)]
            metrics.failed("internal", error, message.topic, message.partition, message.offset)
        await fresh(output.topic for output in outputs)
        outputs = await _send_all(producer, outputs, stage, message, metrics, fresh)
        if downstream is not None and outputs and outputs[0].downstream:
            own = [output for output in outputs if not output.downstream]
            downstream.produced.update(output.topic for output in outputs if output.downstream)
            outputs = own
        metrics.observe(message.topic, message.partition, time.perf_counter() - started, outputs)


async def _send_all(
    producer: faust.types.ProducerT,
    outputs: list[Output],
    stage: str,
    message: faust.types.Message,
    metrics: StageMetrics,
    fresh: Callable[[Iterable[str]], Awaitable[None]],
) -> list[Output]:
    """Send ``outputs`` in order; returns what was sent in the end."""
    for index, output in enumerate(outputs):
        try:
            await _send(producer, output)
        except ProducerSendError as exc:
            # An output the producer refuses (too large) would crash the agent into a stall on every
            # restart: dead-letter the input instead (its letter keeps at most 4 MiB, so it fits).
            if not isinstance(exc.__cause__, MessageSizeTooLargeError):
                raise
            if output.downstream:
                # The next stage's output: send the input's own output unmarked instead, and the next
                # agent meets the same refusal and dead-letters it, as it would have alone.
                (own,) = (out for out in outputs if out.headers)
                plain = Output(own.topic, own.key, own.value)
                await _send(producer, plain)
                return [*outputs[:index], plain]
            error = f"output too large to send: {exc.__cause__}"
            letter = _letter(stage, error, message)
            await fresh([letter.topic])
            await _send(producer, letter)
            metrics.failed("too_large", error, message.topic, message.partition, message.offset)
            return [letter]
    return outputs


async def _send(producer: faust.types.ProducerT, output: Output) -> None:
    headers = list(output.headers) if output.headers else None
    delivery = await producer.send(output.topic, output.key, output.value, None, None, headers)
    delivery.add_done_callback(_report_failure)  # type: ignore[attr-defined]


def _report_failure(delivery: asyncio.Future[object]) -> None:
    if not delivery.cancelled() and delivery.exception() is not None:
        log.error("a message could not be delivered: %r", delivery.exception())


def _letter(stage: str, error: str, message: faust.types.Message) -> Output:
    return dead_letter(
        stage,
        error,
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=message.key,
        value=message.value,
    )
