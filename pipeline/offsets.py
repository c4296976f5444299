"""Where to start reading a topic: its true end, the first offset at a time, a time given by a user.

Correct on Apache Kafka and on the embedded broker (Tansu 0.6), whose ListOffsets answers are wrong:
"latest" is the last batch's base offset + 1 (so ``end_offsets()``/``seek_to_end()`` land inside the
last batch) and a timestamp query answers offset 0 with timestamp -1. The high watermark in Fetch
responses is right on both, so ends come from a first fetch, and times fall back to a scan.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer, TopicPartition

#: How long a first fetch may take before a partition's end is declared unknown.
END_TIMEOUT = 30.0

_RELATIVE = re.compile(r"(\d{1,9})\s*([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class OffsetError(ValueError):
    """A time cannot be parsed, or a partition's end could not be read."""


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``2026-11-01T00:00`` (UTC unless it carries an offset), ``2026-11-01``, or ``90s/15m/2h/3d/1w`` ago."""
    spec = text.strip()
    relative = _RELATIVE.fullmatch(spec)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[unit]: amount})
    try:
        moment = datetime.fromisoformat(spec.replace("Z", "+00:00") if spec.endswith("Z") else spec)
    except ValueError:
        raise OffsetError(
            f"--since {text!r}: not a time; use ISO 8601 (2026-11-01T00:00, UTC unless it has an offset) "
            "or an age such as 15m, 2h, 3d"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


async def true_ends(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition], timeout: float = END_TIMEOUT
) -> dict[TopicPartition, int]:
    """The high watermark of each assigned partition, as a Fetch response sent after this call says.

    Seeks to the ListOffsets answer (exact on Kafka, at most one batch short on Tansu), fetches once
    and takes the watermark from that response. Leaves the positions near the end (callers seek where
    they want to read afterwards); records fetched here are discarded. The partitions must not be paused.
    """
    if not partitions:
        return {}
    ends = await consumer.end_offsets(partitions)  # a lower bound on Tansu, exact on Kafka
    asked = int(time.time() * 1000)
    for tp in partitions:
        consumer.seek(tp, ends[tp])
    deadline = time.monotonic() + timeout
    while True:
        await consumer.getmany(*partitions, timeout_ms=100)
        stale = [tp for tp in partitions if (consumer.last_poll_timestamp(tp) or 0) < asked]
        if not stale:
            break
        if time.monotonic() > deadline:
            missing = sorted(f"{tp.topic}[{tp.partition}]" for tp in stale)
            raise OffsetError(f"no fetch answer for {', '.join(missing)} within {timeout:.0f} s")
    return {tp: max(ends[tp], consumer.highwater(tp) or 0) for tp in partitions}


async def offsets_at(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    since_ms: int,
    ends: dict[TopicPartition, int],
) -> dict[TopicPartition, int]:
    """The first offset of each partition whose record timestamp is >= ``since_ms`` (its end if none).

    Asks the broker first (Kafka's offsets_for_times); partitions whose answer is not believable
    (Tansu answers timestamp -1) are scanned from the beginning. Moves the consumer's positions.
    """
    answers = await consumer.offsets_for_times(dict.fromkeys(partitions, since_ms))
    found: dict[TopicPartition, int] = {}
    scan: list[TopicPartition] = []
    for tp in partitions:
        answer = answers.get(tp)
        if answer is None:
            found[tp] = ends[tp]  # Kafka: no record that recent
        elif answer.timestamp >= since_ms:
            found[tp] = answer.offset
        else:
            scan.append(tp)
    if scan:
        found.update(await _scan(consumer, scan, since_ms, ends))
    return found


async def _scan(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    since_ms: int,
    ends: dict[TopicPartition, int],
) -> dict[TopicPartition, int]:
    found: dict[TopicPartition, int] = {}
    await consumer.seek_to_beginning(*partitions)
    pending = [tp for tp in partitions if ends[tp] > 0]
    found.update({tp: 0 for tp in partitions if ends[tp] == 0})
    while pending:
        batches = await consumer.getmany(*pending, timeout_ms=500)
        for tp in list(pending):
            hit = next((r.offset for r in batches.get(tp, []) if r.timestamp >= since_ms), None)
            if hit is not None:
                found[tp] = hit
                pending.remove(tp)
            elif await consumer.position(tp) >= ends[tp]:
                found[tp] = ends[tp]
                pending.remove(tp)
    return found
