"""The `naba` command: parses arguments, calls the modules that do the work, prints."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from aiokafka.errors import KafkaError as AIOKafkaError
from kafka.errors import KafkaError as KafkaPythonError

from pipeline import __version__
from pipeline.broker import BrokerError, EmbeddedBroker, require_broker
from pipeline.client import SubscribeError
from pipeline.feeds.config import FeedConfigError
from pipeline.fresh_metadata import StaleMetadataError
from pipeline.lag.offsets import OffsetsError
from pipeline.models import EventError
from pipeline.offsets import OffsetError
from pipeline.replay import ReplayError
from pipeline.reprocess import ReprocessError
from pipeline.settings import Settings, SettingsError, load_settings
from pipeline.topics import TopicError

if TYPE_CHECKING:
    from pipeline.feeds.poller import PollSummary

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Command = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    settings: Settings | None = None
    try:
        settings = load_settings(args.config)
        configure_logging(settings.log_level)
        command: Command = args.run
        return command(args, settings)
    except (KafkaPythonError, AIOKafkaError) as exc:
        # Handshake, authentication, timeouts: one line (the clients already logged the details).
        where = settings.bootstrap if settings else "the broker"
        name = type(exc).__name__
        reason = str(exc) if str(exc).startswith(name) else f"{name}: {exc}"
        print(
            f"naba: error: Kafka at {where}: {reason}; check NABA_BROKER and the "
            "security settings (security_protocol, sasl_*, ssl_cafile)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except (
        SettingsError,
        BrokerError,
        TopicError,
        ReplayError,
        FeedConfigError,
        SubscribeError,
        OffsetError,
        ReprocessError,
        OffsetsError,
        StaleMetadataError,
    ) as exc:
        print(f"naba: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The Kafka clients narrate every connection at INFO; their warnings still show.
    for name in ("kafka", "aiokafka"):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="naba", description="Arabic news stream pipeline.")
    parser.add_argument("--version", action="version", version=f"naba {__version__}")
    parser.add_argument("--config", metavar="FILE", help="settings file (TOML); also NABA_CONFIG")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    up = sub.add_parser("up", help="broker + topics + worker + replay seeds, printing statements")
    up.add_argument("--once", action="store_true", help="exit after every seed article came out enriched")
    up.add_argument("--timeout", type=float, default=180.0, help="with --once: give up after SECONDS")
    up.add_argument("--quiet", action="store_true", help="do not print each statement")
    up.set_defaults(run=cmd_up)

    broker = sub.add_parser("broker", help="run the embedded broker in the foreground")
    broker.set_defaults(run=cmd_broker)

    worker = sub.add_parser("worker", help="run a Faust worker with every agent (scale by starting more)")
    _add_wait(worker)
    worker.set_defaults(run=cmd_worker)

    topics = sub.add_parser("topics", help="create the pipeline's topics (idempotent) and list them")
    topics.set_defaults(run=cmd_topics)

    replay = sub.add_parser("replay", help="publish seed files to news.raw")
    replay.add_argument("paths", nargs="*", metavar="PATH", help="files, folders or globs (default: seeds)")
    replay.add_argument("--rate", type=float, help="articles per second (default: as fast as possible)")
    replay.add_argument("--loop", action="store_true", help="start over at the end, until Ctrl-C")
    replay.add_argument("--new-ids", action="store_true", help="a fresh random id per send (load tests)")
    replay.set_defaults(run=cmd_replay)

    poll = sub.add_parser("poll", help="poll the enabled feeds of config/feeds.toml into news.raw")
    poll.add_argument("--once", action="store_true", help="poll every enabled feed once, print a summary")
    poll.add_argument("--feeds", metavar="FILE", help="feeds file (default: config/feeds.toml)")
    _add_wait(poll)
    poll.add_argument(
        "--metrics-port",
        type=int,
        default=6067,
        metavar="PORT",
        help="serve Prometheus /metrics on web_host:PORT while polling (default 6067; 0: off)",
    )
    poll.set_defaults(run=cmd_poll)

    feeds = sub.add_parser("feeds", help="inspect feeds")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", metavar="COMMAND", required=True)
    check = feeds_sub.add_parser(
        "check", help="fetch and parse one feed, print what was found; publish nothing"
    )
    check.add_argument("url")
    check.add_argument("--allow-private", action="store_true", help="allow loopback/private addresses")
    check.add_argument("--language", default="ar", help="expected language (default: ar)")
    check.set_defaults(run=cmd_feeds_check)

    tail = sub.add_parser(
        "tail", help="print a topic's events as they come (or from the beginning, or a time)"
    )
    tail.add_argument(
        "topic", metavar="TOPIC", help="statements, enriched, topics, dlq, raw, clean, or a name"
    )
    start = tail.add_mutually_exclusive_group()
    start.add_argument("--from-beginning", action="store_true", help="start at the oldest event")
    start.add_argument("--since", metavar="TIME", help="start at TIME: 2026-11-01T00:00 (UTC), or an age: 2h")
    tail.add_argument("--limit", type=int, metavar="N", help="exit after N events")
    tail.add_argument("--no-follow", action="store_true", help="exit at the end instead of waiting")
    tail.add_argument("--speaker", help="only statements of this speaker (words of the name)")
    tail.add_argument("--topic", dest="label", metavar="LABEL", help="only events with this topic label")
    tail.add_argument("--contains", metavar="TEXT", help="only events whose text contains TEXT")
    tail.add_argument("--kind", choices=("direct", "indirect", "mixed"), help="only statements of this kind")
    tail.add_argument(
        "--json", action="store_true", help="JSON lines (for jq) instead of the readable layout"
    )
    tail.add_argument("--group", help="read as consumer group GROUP and commit progress (resumes there)")
    _add_wait(tail)
    tail.set_defaults(run=cmd_tail)

    reprocess = sub.add_parser(
        "reprocess", help="reset the agents' consumer group so the pipeline runs over history again"
    )
    when = reprocess.add_mutually_exclusive_group(required=True)
    when.add_argument("--from-beginning", action="store_true", help="from the oldest event")
    when.add_argument("--since", metavar="TIME", help="from TIME: 2026-11-01T00:00 (UTC), or an age: 2h")
    reprocess.add_argument(
        "--stage",
        choices=("clean", "enrich"),
        default="clean",
        help="clean (default): everything again from news.raw; enrich: only enrichment, from news.clean",
    )
    reprocess.set_defaults(run=cmd_reprocess)

    dlq = sub.add_parser("dlq", help="inspect dead letters, send them back once the cause is fixed")
    dlq_sub = dlq.add_subparsers(dest="dlq_command", metavar="COMMAND", required=True)
    dlq_list = dlq_sub.add_parser("list", help="print the dead letters (oldest first)")
    dlq_list.add_argument("--limit", type=int, metavar="N", help="at most N letters")
    dlq_list.add_argument("--json", action="store_true", help="JSON lines")
    dlq_list.set_defaults(run=cmd_dlq_list)
    dlq_replay = dlq_sub.add_parser(
        "replay", help="send letters not replayed yet back to the topic their stage reads"
    )
    dlq_replay.add_argument("--stage", choices=("clean", "enrich"), help="only letters of this stage")
    dlq_replay.add_argument("--dry-run", action="store_true", help="count, send nothing, remember nothing")
    dlq_replay.set_defaults(run=cmd_dlq_replay)

    schemas = sub.add_parser(
        "schemas", help="write docs/schemas/*.json and docs/asyncapi.yaml from the models"
    )
    schemas.add_argument(
        "--check", action="store_true", help="write nothing; fail if the committed copies are stale"
    )
    schemas.set_defaults(run=cmd_schemas)

    lag = sub.add_parser("lag", help="consumer lag per group and partition, with a status (exit 0/1/2)")
    lag.add_argument("--group", action="append", metavar="G", help="only this consumer group (repeatable)")
    lag.add_argument("--json", action="store_true", help="print JSON instead of a table")
    lag.add_argument("--watch", action="store_true", help="refresh every --interval seconds until Ctrl-C")
    lag.add_argument("--interval", type=float, default=5.0, help="seconds between samples (default 5)")
    lag.add_argument("--window", type=float, default=120.0, help="status window in seconds (default 120)")
    lag.set_defaults(run=cmd_lag)

    enrich = sub.add_parser("enrich", help="run the text core offline on files and print enriched JSON")
    enrich.add_argument("paths", nargs="+", metavar="FILE")
    enrich.add_argument("--pretty", action="store_true", help="indented JSON for humans")
    enrich.set_defaults(run=cmd_enrich)
    return parser


def cmd_broker(args: argparse.Namespace, settings: Settings) -> int:
    del args
    from pipeline.topics import ensure_topics

    with EmbeddedBroker(settings.embedded_port) as broker:
        # A (re)started broker has no topics: create the configured layout before a client's metadata
        # request auto-creates them with 4 partitions. Only when the settings point at this broker.
        created = ensure_topics(settings) if settings.embedded else []
        print(
            f"naba: embedded broker ready on {broker.address} with {len(created)} topic(s) created "
            "(memory only: stopping it loses every topic). Ctrl-C stops it.",
            flush=True,
        )
        _wait_for_signal(lambda: broker.process is not None and broker.process.poll() is None)
    return EXIT_OK


def _wait_for_signal(alive: Callable[[], bool]) -> None:
    """Block until SIGINT/SIGTERM, or until ``alive()`` turns false."""
    stop = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        while not stop and alive():
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    del args
    from pipeline.topics import admin_client, ensure_topics, pipeline_specs

    require_broker(settings)
    created = ensure_topics(settings)
    admin = admin_client(settings)
    try:
        names = [spec.name for spec in pipeline_specs(settings)]
        for topic in admin.describe_topics(names):
            mark = " (created)" if topic["name"] in created else ""
            print(f"{topic['name']}\t{len(topic['partitions'])} partitions{mark}")
    finally:
        admin.close()
    return EXIT_OK


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from agents.runner import run_worker
    from agents.worker import build_app
    from pipeline.topics import ensure_topics

    _await_broker(args, settings)
    ensure_topics(settings)
    run_worker(build_app(settings), settings)  # returns via SystemExit when the worker stops
    return EXIT_OK


def _add_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="wait up to SECONDS for the broker at start, retrying with backoff (default: setting "
        "broker_wait, 0 = fail at once)",
    )


def _await_broker(args: argparse.Namespace, settings: Settings, topic: str | None = None) -> None:
    """Wait for the broker (and ``topic``) as asked, then condense the clients' connection errors."""
    from pipeline.broker import broker_reachable, wait_for_broker
    from pipeline.connection_log import BrokerLogCondenser, install
    from pipeline.topics import wait_for_topic

    seconds = settings.broker_wait if args.wait is None else args.wait
    if seconds < 0:
        raise BrokerError(f"--wait must be zero or positive, got {seconds:g}")
    started = time.monotonic()
    wait_for_broker(settings, seconds)
    if topic is not None and seconds > 0:
        # Under a supervisor the reader may start before whoever creates the topics.
        wait_for_topic(settings, topic, max(0.0, seconds - (time.monotonic() - started)))
    install(
        logging.getLogger().handlers,
        BrokerLogCondenser(settings.bootstrap, lambda: broker_reachable(settings)),
    )


def cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.replay import replay

    require_broker(settings)
    paths = args.paths or [str(settings.seeds)]
    try:
        ids = asyncio.run(replay(settings, paths, rate=args.rate, loop=args.loop, new_ids=args.new_ids))
    except KeyboardInterrupt:
        print("naba: replay stopped", file=sys.stderr)
        return 130
    print(f"naba: published {len(ids)} article(s) to news.raw", file=sys.stderr)
    return EXIT_OK


def cmd_tail(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.client import receive
    from pipeline.tail import format_event, format_json
    from pipeline.topics import resolve

    _await_broker(args, settings, resolve(args.topic))
    color = sys.stdout.isatty()
    start = "the beginning" if args.from_beginning else (args.since or "the end")

    def ready() -> None:
        print(f"naba: reading {args.topic} from {start}; Ctrl-C stops", file=sys.stderr, flush=True)

    async def run() -> None:
        async for received in receive(
            args.topic,
            settings=settings,
            speaker=args.speaker,
            topic_label=args.label,
            contains=args.contains,
            kind=args.kind,
            from_beginning=args.from_beginning,
            since=args.since,
            limit=args.limit,
            group=args.group,
            follow=not args.no_follow,
            ready=ready,
        ):
            if args.json:
                line = format_json(received.event)
            else:
                line = format_event(received.event, received.timestamp, color=color) + "\n"
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    try:
        asyncio.run(run())
    except BrokenPipeError:
        # The reader went away (`| head`): not an error. Point stdout at /dev/null so the
        # interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def cmd_reprocess(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.offsets import parse_since
    from pipeline.reprocess import reprocess

    require_broker(settings)
    since = parse_since(args.since) if args.since else None
    plan = reprocess(
        settings, stages=[args.stage], since=since, say=lambda line: print(f"naba: {line}", file=sys.stderr)
    )
    print(plan.format())
    return EXIT_OK


def cmd_dlq_list(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.dlq import letters
    from pipeline.tail import format_event, format_json

    require_broker(settings)
    found = asyncio.run(letters(settings, args.limit))
    for received in found:
        if args.json:
            print(format_json(received.event))
        else:
            print(format_event(received.event, received.timestamp) + "\n")
    if not args.json:
        print(f"naba: {len(found)} dead letter(s)", file=sys.stderr)
    return EXIT_OK


def cmd_dlq_replay(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.dlq import replay_letters

    require_broker(settings)
    outcome = asyncio.run(replay_letters(settings, stage=args.stage, dry_run=args.dry_run))
    print(outcome.format(args.dry_run))
    return EXIT_OK


def cmd_schemas(args: argparse.Namespace, settings: Settings) -> int:
    del settings
    from pipeline import PROJECT_ROOT
    from pipeline.schemas import render, write

    if args.check:
        stale = [
            str(path)
            for path, text in render().items()
            if not (PROJECT_ROOT / path).exists() or (PROJECT_ROOT / path).read_text(encoding="utf-8") != text
        ]
        for path in stale:
            print(f"naba: {path} is stale; run `naba schemas`", file=sys.stderr)
        return EXIT_FAILED if stale else EXIT_OK
    for written in write():
        print(f"wrote {written}")
    return EXIT_OK


def cmd_enrich(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.enrich import Resources
    from pipeline.models import encode
    from pipeline.replay import expand, read_articles
    from pipeline.stages import Limits, clean_stage, enrich_stage

    resources = Resources.load(settings.config_dir)
    limits = Limits(max_article_bytes=settings.max_article_bytes)
    status = EXIT_OK
    option = orjson.OPT_INDENT_2 if args.pretty else 0
    for path in expand(args.paths):
        for article in read_articles(Path(path)):
            try:
                (cleaned,) = clean_stage(article.id.encode(), encode(article), limits)
                enriched = enrich_stage(cleaned.key, cleaned.value, resources, limits)[0]
            except EventError as exc:
                print(f"naba: {path}: {article.id}: {exc}", file=sys.stderr)
                status = EXIT_FAILED
                continue
            sys.stdout.write(orjson.dumps(orjson.loads(enriched.value), option=option).decode() + "\n")
    return status


def cmd_poll(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.topics import ensure_topics

    _await_broker(args, settings)
    ensure_topics(settings)
    feeds_file = Path(args.feeds) if args.feeds else None
    try:
        summary = asyncio.run(
            _poll(settings, once=args.once, feeds_file=feeds_file, metrics_port=args.metrics_port)
        )
    except KeyboardInterrupt:
        print("naba: pollers stopped", file=sys.stderr)
        return 130
    print(summary.format())
    return EXIT_FAILED if args.once and summary.errors else EXIT_OK


async def _poll(
    settings: Settings, *, once: bool, feeds_file: Path | None, metrics_port: int = 0
) -> PollSummary:
    from pipeline.feeds.metrics import Metrics
    from pipeline.feeds.poller import run_pollers
    from pipeline.lag.metrics import FeedCollector
    from pipeline.lag.serve import metrics_server

    # SIGTERM (docker stop, systemd) ends the pollers between polls, as Ctrl-C does.
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    metrics = Metrics()
    if once or not metrics_port:
        return await run_pollers(settings, once=once, stop=stop, feeds_file=feeds_file, metrics=metrics)
    # Prometheus scrapes the pollers' feed counters here (the worker's dashboard reads news.feed-state).
    async with metrics_server(settings.web_host, metrics_port, FeedCollector(metrics)):
        return await run_pollers(settings, once=once, stop=stop, feeds_file=feeds_file, metrics=metrics)


def cmd_feeds_check(args: argparse.Namespace, settings: Settings) -> int:
    del settings
    from pipeline.feeds.check import check_feed

    report = asyncio.run(check_feed(args.url, allow_private=args.allow_private, language=args.language))
    print(report.format())
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_lag(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.lag.check import as_json, check, exit_code, format_table
    from pipeline.lag.status import Rules
    from pipeline.lag.tracker import PartitionLag

    require_broker(settings)
    if args.interval <= 0 or args.window <= 0:
        print("naba: error: --interval and --window must be positive", file=sys.stderr)
        return EXIT_USAGE

    def show(rows: list[PartitionLag]) -> None:
        if args.json:
            sys.stdout.write(as_json(rows).decode() + "\n")
        else:
            sys.stdout.write("\x1b[H\x1b[J" if sys.stdout.isatty() else "\n")
            sys.stdout.write(f"{time.strftime('%H:%M:%S')}  naba lag (Ctrl-C stops)\n{format_table(rows)}\n")
        sys.stdout.flush()

    rules = Rules(window=args.window)
    try:
        rows = asyncio.run(
            check(settings, args.group, rules=rules, watch=args.interval if args.watch else None, show=show)
        )
    except KeyboardInterrupt:
        return EXIT_OK
    if args.json:
        show(rows)
    else:
        print(format_table(rows))
    return exit_code(rows)


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.up import run_up

    return run_up(settings, once=args.once, timeout=args.timeout, quiet=args.quiet, config=args.config)


if __name__ == "__main__":
    sys.exit(main())
