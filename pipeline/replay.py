"""Files -> news.raw: seed articles (.txt bodies, .json / .jsonl objects) with stable ids."""

from __future__ import annotations

import asyncio
import glob
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import orjson
from aiokafka import AIOKafkaProducer

from pipeline import topics
from pipeline.clients import producer, start
from pipeline.fresh_metadata import before_send
from pipeline.identity import stable_id
from pipeline.models import RawArticle, encode, utc_now
from pipeline.settings import Settings

SUFFIXES = (".txt", ".json", ".jsonl")


class ReplayError(ValueError):
    """A seed file cannot be read; the message names the file (and line)."""


def expand(paths: Iterable[str]) -> list[Path]:
    """Files, folders (their seed files, sorted) and globs -> the seed files, in order."""
    found: list[Path] = []
    for spec in paths:
        matches = [Path(m) for m in sorted(glob.glob(spec))] if glob.has_magic(spec) else [Path(spec)]
        if not matches:
            raise ReplayError(f"{spec}: no file matches")
        for path in matches:
            if path.is_dir():
                found.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
            elif path.is_file():
                found.append(path)
            else:
                raise ReplayError(f"{path}: no such file or folder")
    return found


def read_articles(path: Path) -> Iterator[RawArticle]:
    """The articles of one seed file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReplayError(f"{path}: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReplayError(f"{path}: not UTF-8 (byte {exc.start}); convert it first") from None
    if path.suffix == ".txt":
        yield RawArticle(id=stable_id(text), text=text, feed="replay", fetched_at=utc_now())
    elif path.suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                yield _article(_json(line, f"{path}:{number}"), f"{path}:{number}")
    elif path.suffix == ".json":
        obj = _json(text, str(path))
        for index, item in enumerate(obj if isinstance(obj, list) else [obj]):
            yield _article(item, f"{path}[{index}]")
    else:
        raise ReplayError(f"{path}: unsupported file type (use {', '.join(SUFFIXES)})")


def _json(text: str, where: str) -> object:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise ReplayError(f"{where}: malformed JSON: {exc}") from None


def _article(obj: object, where: str) -> RawArticle:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ReplayError(f"{where}: expected an object with a string field 'text'")
    title = obj.get("title") or ""
    published = obj.get("published")
    return RawArticle(
        id=str(obj.get("id") or stable_id(str(title), obj["text"])),
        text=obj["text"],
        url=obj.get("url"),
        feed=obj.get("feed") or "replay",
        title=str(title),
        published=None if published is None else str(published),
        fetched_at=utc_now(),
    )


@dataclass(slots=True)
class Progress:
    """A one-line progress bar on a terminal (silent elsewhere)."""

    total: int | None
    out: TextIO = sys.stderr
    done: int = 0
    started: float = 0.0
    shown: float = 0.0

    def __post_init__(self) -> None:
        self.started = time.monotonic()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 0.2 or self.done == self.total:
            self.shown = now
            self.draw(now)

    def draw(self, now: float) -> None:
        if not self.out.isatty():
            return
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        if self.total:
            share = self.done / self.total
            bar = "#" * int(share * 30)
            eta = (self.total - self.done) / rate if rate else 0.0
            line = f"\r[{bar:<30}] {self.done}/{self.total} {rate:,.0f}/s ETA {eta:,.0f}s"
        else:
            line = f"\r{self.done} sent {rate:,.0f}/s"
        self.out.write(line)
        self.out.flush()

    def close(self) -> None:
        if self.out.isatty():
            self.out.write("\n")


async def replay(
    settings: Settings,
    paths: Iterable[str],
    *,
    rate: float | None = None,
    loop: bool = False,
    progress: bool = True,
    new_ids: bool = False,
) -> list[str]:
    """Publish the articles of ``paths`` to news.raw (keyed by id); return the ids of the first pass.

    ``new_ids`` gives every article a fresh random id on every send (load tests: the pipeline sees
    new articles, not revisions of the same ones).
    """
    articles = [article for path in expand(paths) for article in read_articles(path)]
    if not articles:
        raise ReplayError("no articles found in " + ", ".join(paths))
    client = producer(settings)
    await start(client)
    bar = Progress(None if loop else len(articles)) if progress else None
    sent: list[str] | None = None
    try:
        while True:
            ids = await send_articles(client, settings, articles, rate=rate, bar=bar, new_ids=new_ids)
            sent = ids if sent is None else sent
            if not loop:
                break
    finally:
        await client.stop()
        if bar:
            bar.close()
    return sent or []


def with_new_id(article: RawArticle) -> RawArticle:
    return RawArticle(**{**article.asdict(), "id": uuid.uuid4().hex})


async def send_articles(
    client: AIOKafkaProducer,
    settings: Settings,
    articles: list[RawArticle],
    *,
    rate: float | None = None,
    bar: Progress | None = None,
    new_ids: bool = False,
) -> list[str]:
    """One pass: send ``articles`` to news.raw, wait for every ack; return the ids sent."""
    pending = []
    ids = []
    started = time.monotonic()
    for index, original in enumerate(articles):
        article = with_new_id(original) if new_ids else original
        ids.append(article.id)
        if rate:
            # Pace against the start time, so the average rate holds even when sends are bursty.
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        # After a broker restart, metadata from before it would send to partitions it no longer has.
        await before_send(client, settings, topics.RAW)
        pending.append(await client.send(topics.RAW, encode(article), key=article.id.encode()))
        if bar:
            bar.advance()
    # Every send is acknowledged by the broker before replay reports success.
    await asyncio.gather(*pending)
    return ids
