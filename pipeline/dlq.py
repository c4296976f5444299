"""`naba dlq`: look at dead letters, and send them back through the stage that failed.

A dead letter carries the original key and value (base64) and the topic the failing stage read
(``letter.topic``); replaying sends exactly those bytes back there, so the fixed stage sees the
same message again. Progress is committed under the group ``<app_id>-dlq-replay`` (manual
assignment, no group join): each letter is replayed once, and a letter that fails again comes
back as a new letter that the next replay picks up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer, TopicPartition

from pipeline import topics
from pipeline.client import Received, receive
from pipeline.clients import consumer, producer
from pipeline.fresh_metadata import before_send
from pipeline.models import DeadLetter, EventError, decode
from pipeline.offsets import true_ends
from pipeline.settings import Settings
from pipeline.topics import partition_counts

#: The topics a stage reads: where its dead letters go back to.
SOURCES = {"clean": topics.RAW, "enrich": topics.CLEAN}


@dataclass(slots=True)
class Outcome:
    sent: dict[str, int] = field(default_factory=dict)  # topic -> letters sent back
    skipped: list[str] = field(default_factory=list)  # why, one line per letter

    def format(self, dry_run: bool) -> str:
        verb = "would send" if dry_run else "sent"
        total = sum(self.sent.values())
        parts = ", ".join(f"{count} to {topic}" for topic, count in sorted(self.sent.items()))
        lines = [f"{verb} {total} dead letter(s) back" + (f": {parts}" if parts else "")]
        lines += [f"skipped {reason}" for reason in self.skipped]
        return "\n".join(lines)


async def letters(settings: Settings, limit: int | None = None) -> list[Received]:
    """The dead letters now in news.dlq, oldest first (at most ``limit``)."""
    return [
        r async for r in receive("dlq", settings=settings, from_beginning=True, follow=False, limit=limit)
    ]


def replay_group(settings: Settings) -> str:
    return f"{settings.app_id}-dlq-replay"


async def replay_letters(settings: Settings, *, stage: str | None = None, dry_run: bool = False) -> Outcome:
    """Send every letter not replayed yet (of ``stage``, if given) back to the topic its stage reads."""
    outcome = Outcome()
    count = partition_counts(settings, [topics.DLQ]).get(topics.DLQ, 0)
    partitions = [TopicPartition(topics.DLQ, p) for p in range(count)]
    reader = consumer(settings, group_id=replay_group(settings))
    writer = producer(settings)
    await reader.start()
    await writer.start()
    try:
        reader.assign(partitions)
        ends = await true_ends(reader, partitions)
        for tp in partitions:
            committed = await reader.committed(tp)
            if committed is None:
                await reader.seek_to_beginning(tp)
            else:
                reader.seek(tp, committed)
        done: dict[TopicPartition, int] = {}
        pending = [tp for tp in partitions if await reader.position(tp) < ends[tp]]
        while pending:
            batches = await reader.getmany(*pending, timeout_ms=500)
            for tp, batch in batches.items():
                for record in batch:
                    if record.offset >= ends[tp]:
                        break
                    await replay_one(writer, settings, record.value, record.offset, stage, dry_run, outcome)
                    done[tp] = record.offset + 1
            pending = [tp for tp in pending if await reader.position(tp) < ends[tp]]
        await writer.flush()
        if done and not dry_run:
            await reader.commit(done)
    finally:
        await writer.stop()
        await reader.stop()
    return outcome


async def replay_one(
    writer: AIOKafkaProducer,
    settings: Settings,
    value: bytes | None,
    offset: int,
    stage: str | None,
    dry_run: bool,
    outcome: Outcome,
) -> None:
    try:
        letter = decode(DeadLetter, value)
    except EventError as exc:
        outcome.skipped.append(f"@{offset}: not a dead letter ({exc})")
        return
    if stage is not None and letter.stage != stage:
        return
    source = SOURCES.get(letter.stage)
    if source is None or letter.topic != source:
        outcome.skipped.append(
            f"@{offset}: stage {letter.stage!r} read {letter.topic!r}, which naba does not replay"
        )
        return
    if letter.truncated:
        # Only the head of an oversized original was kept: sending it back would only fail again.
        outcome.skipped.append(
            f"@{offset}: the original ({letter.size} bytes) was too large to keep whole; "
            "fix it at its source and publish it again"
        )
        return
    if not dry_run:
        # After a broker restart, metadata from before it would send to partitions it no longer has.
        await before_send(writer, settings, source)
        await writer.send(source, letter.original_value(), key=letter.original_key())
    outcome.sent[source] = outcome.sent.get(source, 0) + 1
