"""Committed offsets and high watermarks, read so they are right on Kafka and on the embedded broker.

Committed offsets come from OffsetFetch (kafka-python admin ``list_group_offsets``; Tansu answers it).
High watermarks come from Fetch responses (``pipeline.offsets.true_ends``), never from ListOffsets
"latest", which Tansu answers with the last batch's base offset + 1.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from pipeline import topics
from pipeline.clients import consumer
from pipeline.offsets import OffsetError, true_ends
from pipeline.settings import Settings
from pipeline.topics import admin_client, partition_counts

#: Which agent consumes which topic (Faust: one consumer group per app, shared by every agent).
AGENT_TOPICS = {topics.RAW: "clean", topics.CLEAN: "enrich"}


class OffsetsError(RuntimeError):
    """Offsets could not be read from the broker; the message says which and why."""


@dataclass(frozen=True, slots=True)
class PartitionOffsets:
    """One group's position on one partition at one moment."""

    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group never committed on this partition
    high_watermark: int
    log_start: int = 0
    agent: str = ""  # the agent behind it, for the app's own group

    @property
    def lag(self) -> int:
        """Records the group has yet to process (from the log start when it never committed)."""
        position = self.log_start if self.committed is None else max(self.committed, self.log_start)
        return max(0, self.high_watermark - position)


def committed_offsets(
    settings: Settings, groups: Sequence[str] | None
) -> dict[str, dict[TopicPartition, int]]:
    """Committed offsets per group (blocking; kafka-python). ``groups=None``: every group of the pipeline.

    The pipeline's groups are the app's own group plus any group with commits on a pipeline topic.
    """
    admin = admin_client(settings)
    try:
        if groups is None:
            listed = {settings.app_id, *(g["group_id"] for g in admin.list_groups())}
            wanted = sorted(listed)
        else:
            wanted = list(groups)
        out: dict[str, dict[TopicPartition, int]] = {}
        for group in wanted:
            answer = admin.list_group_offsets(group).get(group, {})
            offsets = {
                TopicPartition(tp.topic, tp.partition): meta.offset
                for tp, meta in answer.items()
                if meta.offset >= 0
            }
            if groups is None and group != settings.app_id and not _on_pipeline(offsets):
                continue
            out[group] = offsets
        return out
    except KafkaError as exc:
        raise OffsetsError(f"could not read committed offsets from {settings.bootstrap}: {exc}") from None
    finally:
        admin.close()


def _on_pipeline(offsets: dict[TopicPartition, int]) -> bool:
    return any(tp.topic in topics.PIPELINE_TOPICS for tp in offsets)


class HighWatermarks:
    """A long-lived, group-less consumer that reads high watermarks from Fetch responses.

    Partitions stay paused between reads, so it fetches nothing in the background.
    """

    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        self._settings = settings
        self._timeout = timeout
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = consumer(self._settings, fetch_max_wait_ms=100)
        await self._consumer.start()

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None

    async def __aenter__(self) -> HighWatermarks:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def partitions(self, names: Iterable[str]) -> list[TopicPartition]:
        """Every partition of the named topics that exist (metadata via the admin client: a consumer with
        an assignment only keeps metadata for the topics it is assigned)."""
        wanted = sorted(set(names))
        if not wanted:
            return []
        try:
            counts = await asyncio.to_thread(partition_counts, self._settings, wanted)
        except KafkaError as exc:
            raise OffsetsError(f"could not describe topics {', '.join(wanted)}: {exc}") from None
        return [TopicPartition(name, p) for name in wanted for p in range(counts.get(name, 0))]

    async def read(self, partitions: Sequence[TopicPartition]) -> dict[TopicPartition, tuple[int, int]]:
        """(log start, high watermark) per partition, the latter from a Fetch response after now."""
        reader = self._started()
        if not partitions:
            return {}
        wanted = list(partitions)
        if set(reader.assignment()) != set(wanted):
            reader.assign(wanted)
        starts = await reader.beginning_offsets(wanted)
        reader.resume(*wanted)
        try:
            highs = await true_ends(reader, wanted, self._timeout)
        except OffsetError as exc:
            raise OffsetsError(str(exc)) from None
        finally:
            reader.pause(*wanted)
        return {tp: (starts[tp], highs[tp]) for tp in wanted}

    def _started(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            raise RuntimeError("HighWatermarks.start() was not called")
        return self._consumer


async def read_offsets(
    settings: Settings,
    watermarks: HighWatermarks,
    groups: Sequence[str] | None = None,
    extra: Iterable[str] = (),
) -> tuple[list[PartitionOffsets], dict[TopicPartition, tuple[int, int]]]:
    """Every partition of every topic each group consumes, with committed offset and high watermark;
    and (log start, high watermark) of every partition read, ``extra`` topics included.

    The app's group always shows the agents' input topics, even before its first commit.
    """
    committed = await asyncio.to_thread(committed_offsets, settings, groups)
    consumed = {
        group: {tp.topic for tp in offsets} | (set(AGENT_TOPICS) if group == settings.app_id else set())
        for group, offsets in committed.items()
    }
    every = await watermarks.partitions(set(extra).union(*consumed.values()))
    marks = await watermarks.read(every)
    rows: list[PartitionOffsets] = []
    for group in sorted(committed):
        for tp in every:
            if tp.topic not in consumed[group]:
                continue
            start, high = marks[tp]
            agent = AGENT_TOPICS.get(tp.topic, "") if group == settings.app_id else ""
            rows.append(
                PartitionOffsets(group, tp.topic, tp.partition, committed[group].get(tp), high, start, agent)
            )
    return rows, marks
