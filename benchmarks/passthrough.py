"""The two baselines, each run as its own process like a naba worker: copy every message of one topic
to another, at least once (offsets committed after the copies are acknowledged).

    python -m benchmarks.passthrough aiokafka --bootstrap 127.0.0.1:PORT --source S --target T --group G
    python -m benchmarks.passthrough faust    --bootstrap 127.0.0.1:PORT --source S --target T --group G
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys


async def aiokafka_passthrough(bootstrap: str, source: str, target: str, group: str) -> None:
    """Plain aiokafka: getmany -> send every record (futures) -> wait for the batch -> commit."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=10_000,
        rebalance_timeout_ms=10_000,
        heartbeat_interval_ms=1_000,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    await consumer.start()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=500)
            futures = [
                await producer.send(target, record.value, key=record.key)
                for records in batches.values()
                for record in records
            ]
            if futures:
                await asyncio.gather(*futures)
                await consumer.commit()
    finally:
        await consumer.stop()
        await producer.stop()


def faust_passthrough(bootstrap: str, source: str, target: str, group: str) -> None:
    """A bare Faust agent with default settings: `await topic.send` per event.

    Log level warning is the default of `faust worker`; at that level Faust's spinner makes every
    debug call build a log record (naba's worker turns the spinner off; this baseline does not)."""
    import faust
    from faust.worker import Worker

    app = faust.App(
        group,
        broker=f"kafka://{bootstrap}",
        store="memory://",
        # Only what a run on the embedded broker needs: read the pre-filled topic from the start,
        # join the group quickly, no web server. Everything that affects throughput is default.
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=10.0,
        broker_rebalance_timeout=10.0,
        broker_heartbeat_interval=1.0,
        web_enabled=False,
        autodiscover=False,
    )
    source_topic = app.topic(source, key_type=bytes, value_type=bytes, value_serializer="raw")
    target_topic = app.topic(target, key_type=bytes, value_type=bytes, value_serializer="raw")

    @app.agent(source_topic)
    async def copy(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await target_topic.send(key=event.message.key, value=event.message.value)

    Worker(app, loglevel="warning", quiet=True).execute_from_commandline()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.passthrough")
    parser.add_argument("kind", choices=["aiokafka", "faust"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--group", required=True)
    args = parser.parse_args(argv)
    if args.kind == "aiokafka":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(aiokafka_passthrough(args.bootstrap, args.source, args.target, args.group))
    else:
        sys.argv = sys.argv[:1]  # Faust's Worker parses the command line too
        faust_passthrough(args.bootstrap, args.source, args.target, args.group)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
