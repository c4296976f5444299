"""The `naba` command: parses arguments, calls the modules that do the work, prints."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from pipeline import __version__
from pipeline.broker import BrokerError, EmbeddedBroker, require_broker
from pipeline.feeds.config import FeedConfigError
from pipeline.models import EventError
from pipeline.replay import ReplayError
from pipeline.settings import Settings, SettingsError, load_settings
from pipeline.topics import TopicError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Command = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = load_settings(args.config)
        configure_logging(settings.log_level)
        command: Command = args.run
        return command(args, settings)
    except (SettingsError, BrokerError, TopicError, ReplayError, FeedConfigError) as exc:
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
    worker.set_defaults(run=cmd_worker)

    topics = sub.add_parser("topics", help="create the pipeline's topics (idempotent) and list them")
    topics.set_defaults(run=cmd_topics)

    replay = sub.add_parser("replay", help="publish seed files to news.raw")
    replay.add_argument("paths", nargs="*", metavar="PATH", help="files, folders or globs (default: seeds)")
    replay.add_argument("--rate", type=float, help="articles per second (default: as fast as possible)")
    replay.add_argument("--loop", action="store_true", help="start over at the end, until Ctrl-C")
    replay.set_defaults(run=cmd_replay)

    poll = sub.add_parser("poll", help="poll the enabled feeds of config/feeds.toml into news.raw")
    poll.add_argument("--once", action="store_true", help="poll every enabled feed once, print a summary")
    poll.add_argument("--feeds", metavar="FILE", help="feeds file (default: config/feeds.toml)")
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

    enrich = sub.add_parser("enrich", help="run the text core offline on files and print enriched JSON")
    enrich.add_argument("paths", nargs="+", metavar="FILE")
    enrich.add_argument("--pretty", action="store_true", help="indented JSON for humans")
    enrich.set_defaults(run=cmd_enrich)
    return parser


def cmd_broker(args: argparse.Namespace, settings: Settings) -> int:
    del args
    with EmbeddedBroker(settings.embedded_port) as broker:
        print(
            f"naba: embedded broker ready on {broker.address} (memory only: stopping it loses every topic). "
            "Ctrl-C stops it.",
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
    del args
    from faust.worker import Worker

    from agents.worker import build_app
    from pipeline.topics import ensure_topics

    require_broker(settings)
    ensure_topics(settings)
    app = build_app(settings)
    worker = Worker(app, loglevel=settings.log_level, quiet=True)
    worker.execute_from_commandline()  # returns via SystemExit when the worker stops
    return EXIT_OK


def cmd_replay(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.replay import replay

    require_broker(settings)
    paths = args.paths or [str(settings.seeds)]
    try:
        ids = asyncio.run(replay(settings, paths, rate=args.rate, loop=args.loop))
    except KeyboardInterrupt:
        print("naba: replay stopped", file=sys.stderr)
        return 130
    print(f"naba: published {len(ids)} article(s) to news.raw", file=sys.stderr)
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
    from pipeline.feeds.poller import run_pollers
    from pipeline.topics import ensure_topics

    require_broker(settings)
    ensure_topics(settings)
    feeds_file = Path(args.feeds) if args.feeds else None
    try:
        summary = asyncio.run(run_pollers(settings, once=args.once, feeds_file=feeds_file))
    except KeyboardInterrupt:
        print("naba: pollers stopped", file=sys.stderr)
        return 130
    print(summary.format())
    return EXIT_FAILED if args.once and summary.errors else EXIT_OK


def cmd_feeds_check(args: argparse.Namespace, settings: Settings) -> int:
    del settings
    from pipeline.feeds.check import check_feed

    report = asyncio.run(check_feed(args.url, allow_private=args.allow_private, language=args.language))
    print(report.format())
    return EXIT_FAILED if report.error else EXIT_OK


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    from pipeline.up import run_up

    return run_up(settings, once=args.once, timeout=args.timeout, quiet=args.quiet, config=args.config)


if __name__ == "__main__":
    sys.exit(main())
