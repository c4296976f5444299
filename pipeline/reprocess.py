"""`naba reprocess`: move the agents' consumer group back, so the pipeline runs over history again.

Safe by construction: offsets are only moved while the group (``settings.app_id``) has no live
member; a running worker would overwrite them with its next commit. Kafka drops a departed member
after its session timeout; the embedded broker (Tansu 0.6) only does so when the group gets a
request, so we send a harmless one (remove a member that does not exist) before each look.
Keys are article ids, so what comes out again carries the same keys and ids; consumers
de-duplicate by ``id`` and ``revision``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from kafka.admin import KafkaAdminClient, MemberToRemove
from kafka.errors import KafkaError, NoError
from kafka.structs import OffsetAndMetadata

from pipeline import topics
from pipeline.clients import consumer
from pipeline.offsets import offsets_at, to_millis, true_ends
from pipeline.settings import Settings
from pipeline.topics import admin_client, partition_counts

#: The topic each stage reads. Reprocessing `clean` re-runs everything downstream as well.
STAGE_TOPICS = {"clean": topics.RAW, "enrich": topics.CLEAN}
#: A member id no client has: asking to remove it changes nothing but lets Tansu expire the departed.
_NOBODY = "naba-reprocess-nobody"


class ReprocessError(RuntimeError):
    """The offsets cannot be moved (live workers, a broker refusal); nothing was changed."""


@dataclass(frozen=True, slots=True)
class Move:
    partition: TopicPartition
    committed: int | None  # None: the group had committed nothing there
    target: int
    end: int

    @property
    def again(self) -> int:
        """How many events this partition will deliver again (or for the first time)."""
        return max(0, self.end - self.target)


@dataclass(frozen=True, slots=True)
class Plan:
    group: str
    moves: list[Move]

    def format(self) -> str:
        by_topic: dict[str, list[Move]] = {}
        for move in self.moves:
            by_topic.setdefault(move.partition.topic, []).append(move)
        lines = [f"group {self.group}:"]
        for topic, moves in sorted(by_topic.items()):
            total = sum(move.again for move in moves)
            lines.append(f"  {topic}: {len(moves)} partitions reset, {total} event(s) to process again")
        lines.append("start the workers (naba worker / naba up) to reprocess")
        return "\n".join(lines)


def reprocess(
    settings: Settings,
    *,
    stages: list[str],
    since: datetime | None,
    say: Callable[[str], None] = lambda _: None,
) -> Plan:
    """Reset the group's offsets on the topics ``stages`` read to their beginning or to ``since``."""
    unknown = [stage for stage in stages if stage not in STAGE_TOPICS]
    if unknown:
        raise ReprocessError(f"unknown stage {', '.join(unknown)}: use {' or '.join(STAGE_TOPICS)}")
    if settings.one_pass and "enrich" in stages:
        # The clean agent enriches in the same pass and the enrich agent passes its marked events
        # by, so moving back on news.clean would enrich nothing: go back on news.raw instead.
        say("one_pass is on: the clean agent enriches, so enrich is reprocessed from news.raw")
        stages = ["clean"]
    group = settings.app_id
    names = [STAGE_TOPICS[stage] for stage in stages]
    counts = partition_counts(settings, names)
    partitions = [TopicPartition(name, p) for name in names for p in range(counts.get(name, 0))]
    if not partitions:
        raise ReprocessError(f"none of {', '.join(names)} exists on {settings.bootstrap}")
    admin = admin_client(settings)
    try:
        _wait_until_idle(settings, admin, group, say)
        targets = asyncio.run(_targets(settings, partitions, None if since is None else to_millis(since)))
        committed = admin.list_group_offsets({group: partitions}).get(group, {})
        result = admin.alter_group_offsets(
            group, {tp: OffsetAndMetadata(target, "", -1) for tp, (target, _) in targets.items()}
        )
    except KafkaError as exc:
        raise ReprocessError(f"could not reset group {group}: {exc}") from None
    finally:
        admin.close()
    failed = sorted(
        f"{tp.topic}[{tp.partition}]: {error.__name__}"
        for tp, error in result.items()
        if error is not NoError
    )
    if failed:
        raise ReprocessError(
            f"the broker refused to move group {group} (did a worker start?): {'; '.join(failed)}"
        )
    moves = []
    for tp, (target, end) in sorted(targets.items()):
        previous = committed.get(tp)
        offset = None if previous is None or previous.offset < 0 else previous.offset
        moves.append(Move(tp, offset, target, end))
    return Plan(group, moves)


def _wait_until_idle(
    settings: Settings, admin: KafkaAdminClient, group: str, say: Callable[[str], None]
) -> None:
    """Return when ``group`` has no member; a stopped worker counts until its session times out."""
    deadline = time.monotonic() + settings.session_timeout + 2
    told = False
    while True:
        with contextlib.suppress(KafkaError):  # unknown group or member: expected, it is only a nudge
            admin.remove_group_members(group, [MemberToRemove(member_id=_NOBODY)])
        members = asyncio.run(members_of(settings, group))
        if not members:
            return
        if time.monotonic() > deadline:
            raise ReprocessError(
                f"consumer group {group} has {len(members)} live member(s) ({', '.join(members)}): "
                "workers are running; stop them (naba worker, naba up) and run reprocess again"
            )
        if not told:
            say(
                f"group {group} has {len(members)} member(s); waiting up to "
                f"{settings.session_timeout + 2:.0f} s for stopped workers' sessions to expire"
            )
            told = True
        time.sleep(1.0)


async def members_of(settings: Settings, group: str) -> list[str]:
    """Client ids (or member ids) of the group's current members."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap, **settings.kafka_client_options())
    await admin.start()
    try:
        # aiokafka's describe (kafka-python's fails to parse the embedded broker's ACL bits).
        responses = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    members: list[str] = []
    for response in responses:
        for described in response.groups:
            members.extend(member[1] or member[0] for member in described[5])
    return members


async def _targets(
    settings: Settings, partitions: list[TopicPartition], since_ms: int | None
) -> dict[TopicPartition, tuple[int, int]]:
    """Per partition: (the offset to resume from, the current end)."""
    reader = consumer(settings)
    await reader.start()
    try:
        reader.assign(partitions)
        ends = await true_ends(reader, partitions)
        if since_ms is None:
            starts = await reader.beginning_offsets(partitions)
        else:
            starts = await offsets_at(reader, partitions, since_ms, ends)
        return {tp: (starts[tp], ends[tp]) for tp in partitions}
    finally:
        await reader.stop()
