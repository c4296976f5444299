"""Helpers for tests on the embedded broker: start a worker, produce, collect a topic."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from pipeline.clients import consumer, producer
from pipeline.processes import die_with_parent, stop_process
from pipeline.settings import Settings
from pipeline.topics import admin_client, partition_counts
from tests.conftest import env_for


def start_worker(settings_env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "worker"],
            env=env_for(settings_env),
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    stop_process(process, timeout=20)


async def produce(
    settings: Settings, topic: str, messages: list[tuple[bytes | None, bytes | None]], **options: Any
) -> None:
    client = producer(settings, **options)
    await client.start()
    try:
        for key, value in messages:
            await client.send_and_wait(topic, value, key=key)
    finally:
        await client.stop()


async def produce_many(
    settings: Settings, topic: str, messages: list[tuple[bytes | None, bytes | None]]
) -> None:
    """Send at full speed (batched by the client); return once the broker acknowledged every one."""
    client = producer(settings, linger_ms=20)
    await client.start()
    try:
        pending = [await client.send(topic, value, key=key) for key, value in messages]
        await asyncio.gather(*pending)
    finally:
        await client.stop()


Record = tuple[bytes | None, bytes]


async def collect(
    settings: Settings,
    topic: str,
    done: Callable[[list[Record]], bool],
    timeout: float = 90.0,
    worker: subprocess.Popen[bytes] | None = None,
) -> list[Record]:
    """Read ``topic`` from the beginning until ``done(records)`` or the timeout; return what was read.

    With ``worker``, fail at once if that process has exited instead of waiting out the timeout.
    """
    reader = consumer(settings)
    await reader.start()
    records: list[Record] = []
    try:
        count = partition_counts(settings, [topic])[topic]
        partitions = [TopicPartition(topic, p) for p in range(count)]
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        deadline = time.monotonic() + timeout
        while not done(records) and time.monotonic() < deadline:
            if worker is not None and worker.poll() is not None:
                raise AssertionError(f"the worker exited with code {worker.returncode}; see its log")
            batches = await reader.getmany(timeout_ms=300)
            for batch in batches.values():
                records.extend((record.key, record.value) for record in batch)
        return records
    finally:
        await reader.stop()


def run(coroutine: object) -> object:
    return asyncio.run(coroutine)  # type: ignore[arg-type]


class TopicReader:
    """Reads topics from the beginning, a batch at a time, without a group (starts at once).

    ``async with TopicReader(settings, topic) as reader: records = await reader.read()``.
    """

    def __init__(self, settings: Settings, *names: str) -> None:
        self.settings = settings
        self.names = names
        self._consumer = consumer(settings, max_partition_fetch_bytes=16 * 1024 * 1024)

    async def __aenter__(self) -> TopicReader:
        await self._consumer.start()
        counts = partition_counts(self.settings, self.names)
        partitions = [TopicPartition(name, p) for name in self.names for p in range(counts[name])]
        self._consumer.assign(partitions)
        await self._consumer.seek_to_beginning(*partitions)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._consumer.stop()

    async def drain(self) -> list[ConsumerRecord[bytes, bytes]]:
        """Everything up to the high watermark of every partition (empty partitions included)."""
        records: list[ConsumerRecord[bytes, bytes]] = []
        while True:
            batch = await self.read(timeout_ms=500)
            records.extend(batch)
            if batch:
                continue
            positions = {tp: await self._consumer.position(tp) for tp in self._consumer.assignment()}
            if all(
                (high := self._consumer.highwater(tp)) is not None and high <= position
                for tp, position in positions.items()
            ):
                return records

    def highwaters(self) -> dict[tuple[str, int], int]:
        """High watermarks seen in fetch responses (right on Tansu, unlike ListOffsets "latest")."""
        return {
            (tp.topic, tp.partition): self._consumer.highwater(tp) or 0 for tp in self._consumer.assignment()
        }

    async def read(self, timeout_ms: int = 300) -> list[ConsumerRecord[bytes, bytes]]:
        batches = await self._consumer.getmany(timeout_ms=timeout_ms)
        return [record for batch in batches.values() for record in batch]


def log_tail(path: Path, lines: int = 40) -> str:
    """The end of a child's log, for assertion messages."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def committed_offsets(settings: Settings) -> dict[tuple[str, int], int]:
    """The worker group's committed offsets (group = settings.app_id)."""
    admin = admin_client(settings)
    try:
        offsets = admin.list_group_offsets(settings.app_id).get(settings.app_id, {})
    finally:
        admin.close()
    return {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
