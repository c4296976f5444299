"""Subscribe to the pipeline's topics from Python: typed events, filtered, from wherever you ask.

    import naba
    for st in naba.subscribe("statements", speaker="أنتونوف", from_beginning=True, limit=10):
        print(st.speaker.name, st.verb, st.text)

Without ``group`` partitions are assigned manually, so reading starts at once and nothing is
committed; with ``group`` the reader joins that consumer group (shares partitions with its other
members, takes a few seconds to join) and commits its progress, at least once: an event counts as
done when you ask for the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from pipeline import topics
from pipeline.clients import consumer, start
from pipeline.filters import Filter, FilterError
from pipeline.models import EVENT_TYPES, EventError, Model, decode
from pipeline.offsets import OffsetError, offsets_at, parse_since, to_millis, true_ends
from pipeline.settings import Settings, load_settings
from pipeline.topics import partition_counts

log = logging.getLogger(__name__)


class SubscribeError(ValueError):
    """A subscription that cannot be made: unknown topic, unusable filter, options that clash."""


@dataclass(frozen=True, slots=True)
class Received:
    """An event with where it came from (what `naba tail` shows besides the event)."""

    event: Model
    topic: str
    partition: int
    offset: int
    timestamp: int  # ms since the epoch, the record's Kafka timestamp
    key: bytes | None


def model_for(topic: str) -> type[Model]:
    name = topics.resolve(topic)
    schema = topics.PAYLOADS.get(name)
    if schema is None:
        known = ", ".join([*topics.ALIASES, *topics.PIPELINE_TOPICS])
        raise SubscribeError(f"unknown topic {topic!r}: use one of {known}")
    return EVENT_TYPES[schema]


async def receive(
    topic: str,
    *,
    settings: Settings | None = None,
    speaker: str | None = None,
    topic_label: str | None = None,
    contains: str | None = None,
    kind: str | None = None,
    from_beginning: bool = False,
    since: str | datetime | None = None,
    limit: int | None = None,
    group: str | None = None,
    follow: bool = True,
    ready: Callable[[], None] | None = None,
) -> AsyncGenerator[Received, None]:
    """The events of ``topic`` that pass the filters, with their Kafka coordinates.

    Starts at the end (only new events) unless ``from_beginning`` or ``since``; with
    ``follow=False`` stops at the end the topic had when reading started. ``ready`` is called once
    the reader is positioned: anything produced after that is seen.
    """
    name = topics.resolve(topic)
    model = model_for(name)
    try:
        wanted = Filter.of(speaker=speaker, topic=topic_label, contains=contains, kind=kind)
        wanted.check(model)
    except FilterError as exc:
        raise SubscribeError(str(exc)) from None
    if limit is not None and limit < 1:
        raise SubscribeError("limit must be at least 1")
    if group is not None and (since is not None or not follow):
        raise SubscribeError("a group resumes from its committed offsets: it cannot take since or no-follow")
    try:
        since_ms = (
            None if since is None else to_millis(since if isinstance(since, datetime) else parse_since(since))
        )
    except OffsetError as exc:
        raise SubscribeError(str(exc)) from None
    settings = settings or load_settings()
    reader = _group_reader(settings, name, group, from_beginning) if group else consumer(settings)
    await start(reader)
    try:
        ends = None if group else await _position(reader, settings, name, from_beginning, since_ms, follow)
        if ready:
            ready()
        count = 0
        # aclosing: the records generator commits its progress on the way out, before the reader stops.
        async with contextlib.aclosing(
            _records(reader, model, ends, committing=group is not None)
        ) as records:
            async for received in records:
                if wanted(received.event):
                    yield received
                    count += 1
                    if limit is not None and count >= limit:
                        return
    finally:
        await reader.stop()


def _group_reader(settings: Settings, name: str, group: str, from_beginning: bool) -> AIOKafkaConsumer:
    reader = consumer(
        settings,
        group_id=group,
        auto_offset_reset="earliest" if from_beginning else "latest",
        session_timeout_ms=int(settings.session_timeout * 1000),
        rebalance_timeout_ms=int(settings.rebalance_timeout * 1000),
        heartbeat_interval_ms=int(settings.heartbeat_interval * 1000),
    )
    reader.subscribe([name])
    return reader


async def _position(
    reader: AIOKafkaConsumer,
    settings: Settings,
    name: str,
    from_beginning: bool,
    since_ms: int | None,
    follow: bool,
) -> dict[TopicPartition, int] | None:
    """Assign every partition and seek; return the ends to stop at (None when following)."""
    try:
        count = partition_counts(settings, [name]).get(name)
    except KafkaError as exc:
        raise SubscribeError(f"cannot describe {name}: {exc}") from None
    if not count:
        raise SubscribeError(f"topic {name} does not exist on {settings.bootstrap} (run `naba topics`)")
    partitions = [TopicPartition(name, p) for p in range(count)]
    reader.assign(partitions)
    ends = await true_ends(reader, partitions)
    if since_ms is not None:
        for tp, offset in (await offsets_at(reader, partitions, since_ms, ends)).items():
            reader.seek(tp, offset)
    elif from_beginning:
        await reader.seek_to_beginning(*partitions)
    else:
        for tp, end in ends.items():
            reader.seek(tp, end)
    return None if follow else ends


async def _records(
    reader: AIOKafkaConsumer, model: type[Model], ends: dict[TopicPartition, int] | None, *, committing: bool
) -> AsyncGenerator[Received, None]:
    done: dict[TopicPartition, int] = {}
    try:
        while ends is None or not await _at_end(reader, ends):
            batches = await reader.getmany(timeout_ms=500)
            for tp, batch in batches.items():
                for record in batch:
                    if ends is not None and record.offset >= ends[tp]:
                        break
                    try:
                        event = decode(model, record.value)
                    except EventError as exc:
                        log.warning("skipping %s[%d]@%d: %s", tp.topic, tp.partition, record.offset, exc)
                    else:
                        yield Received(
                            event, tp.topic, tp.partition, record.offset, record.timestamp, record.key
                        )
                    done[tp] = record.offset + 1
            if committing and done:
                await _commit(reader, done)
            elif ends is None and not committing:
                await _restart_emptied_logs(reader)
    finally:
        if committing and done:
            await _commit(reader, done)


async def _restart_emptied_logs(reader: AIOKafkaConsumer) -> None:
    """Read a partition from its beginning again when its log now ends before our position.

    A broker that lost its logs (the embedded one keeps them in memory: a restart empties every
    topic) starts each partition again at offset 0. Kafka answers a fetch beyond the log end with
    OFFSET_OUT_OF_RANGE and the client resets; the embedded broker answers with nothing, so a reader
    would wait at its old position while the new log's first records went by unread. Every record of
    the new log is new to us: read it from the start. (A group reader needs none of this: the broker
    forgot the group too, and re-joining starts from the beginning.)
    """
    emptied = []
    for tp in reader.assignment():
        high = reader.highwater(tp)  # from the latest Fetch response for tp
        if high is not None and high < await reader.position(tp):
            emptied.append(tp)
    if emptied:
        log.warning(
            "%s: the log ends before the offset already read (the broker lost it, e.g. a restarted "
            "embedded broker); reading it from the beginning",
            ", ".join(f"{tp.topic}[{tp.partition}]" for tp in sorted(emptied)),
        )
        await reader.seek_to_beginning(*emptied)


async def _at_end(reader: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await reader.position(tp) < end:
            return False
    return True


async def _commit(reader: AIOKafkaConsumer, done: dict[TopicPartition, int]) -> None:
    try:
        await reader.commit(dict(done))
    except (
        KafkaError
    ) as exc:  # a rebalance moved the partitions: their new owner goes on from the last commit
        log.warning("could not commit progress: %s", exc)


async def asubscribe(
    topic: str,
    *,
    settings: Settings | None = None,
    speaker: str | None = None,
    topic_label: str | None = None,
    contains: str | None = None,
    kind: str | None = None,
    from_beginning: bool = False,
    since: str | datetime | None = None,
    limit: int | None = None,
    group: str | None = None,
    follow: bool = True,
) -> AsyncGenerator[Model, None]:
    """Async variant of :func:`subscribe`: ``async for st in asubscribe("statements"): …``."""
    async for received in receive(
        topic,
        settings=settings,
        speaker=speaker,
        topic_label=topic_label,
        contains=contains,
        kind=kind,
        from_beginning=from_beginning,
        since=since,
        limit=limit,
        group=group,
        follow=follow,
    ):
        yield received.event


def subscribe(
    topic: str,
    *,
    settings: Settings | None = None,
    speaker: str | None = None,
    topic_label: str | None = None,
    contains: str | None = None,
    kind: str | None = None,
    from_beginning: bool = False,
    since: str | datetime | None = None,
    limit: int | None = None,
    group: str | None = None,
    follow: bool = True,
) -> Iterator[Model]:
    """Typed events of ``topic`` (`statements`, `enriched`, `topics`, `dlq`, `raw`, `clean` or a name).

    Filters: ``speaker`` (words of the name, on the matching key), ``topic_label`` (a topic label),
    ``contains`` (text), ``kind`` (direct | indirect | mixed). Starts at the end unless
    ``from_beginning`` or ``since`` (ISO time or an age like ``2h``); ``limit`` stops after so many;
    ``follow=False`` stops at the current end. Runs its own event loop: inside async code use
    :func:`asubscribe`.
    """
    events = asubscribe(
        topic,
        settings=settings,
        speaker=speaker,
        topic_label=topic_label,
        contains=contains,
        kind=kind,
        from_beginning=from_beginning,
        since=since,
        limit=limit,
        group=group,
        follow=follow,
    )
    return _blocking(events)


def _blocking(events: AsyncGenerator[Model, None]) -> Iterator[Model]:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise SubscribeError("subscribe() blocks; inside a running event loop use asubscribe()")
    loop = asyncio.new_event_loop()
    step: asyncio.Task[Model] | None = None
    try:
        while True:
            step = loop.create_task(_next(events))
            try:
                yield loop.run_until_complete(step)
            except StopAsyncIteration:
                return
    finally:
        # Interrupted mid-step (Ctrl-C) or closed early: cancel the step, then let the reader close.
        if step is not None and not step.done():
            step.cancel()
            loop.run_until_complete(asyncio.gather(step, return_exceptions=True))
        loop.run_until_complete(events.aclose())
        loop.close()


async def _next(events: AsyncGenerator[Model, None]) -> Model:
    return await anext(events)
