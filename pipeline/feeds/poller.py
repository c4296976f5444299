"""The polling loop: fetch, parse, identify, publish new and changed items, remember.

The order of effects is what makes "every new article, nothing twice" hold across crashes:
an article is published and acknowledged, *then* marked seen; the feed's ETag/Last-Modified/body
hash are saved only after every article of the poll was marked seen. A crash re-publishes at
worst; it never skips an article.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pipeline.feeds.article import encode_raw, iso_time, raw_article
from pipeline.feeds.config import FeedConfig, FeedsConfig, load_feeds
from pipeline.feeds.fetch import PAGE_ACCEPT, Fetched, FetchError, HttpClient
from pipeline.feeds.fulltext import drop_leading_title, extract_main_text
from pipeline.feeds.items import Identified, identify, to_publish
from pipeline.feeds.metrics import Metrics
from pipeline.feeds.parse import parse_feed
from pipeline.feeds.publish import KafkaPublisher, Publisher, kafka_producer, state_consumer_factory
from pipeline.feeds.schedule import HostLimiter, Outcome, parse_max_age, parse_retry_after, plan
from pipeline.feeds.state import FeedState, KafkaStateStore, Seen, StateStore
from pipeline.settings import Settings

log = logging.getLogger(__name__)

#: Languages written in Arabic script: their feeds get the mojibake check and repair.
ARABIC_SCRIPT = frozenset({"ar", "fa", "ur", "ps", "ckb", "ku", "ug", "sd"})
_PUBLISH_BATCH = 64
_PARSERS = 2

Extractor = Callable[[bytes, str, str | None], str | None]
Status = Literal["published", "unchanged", "not_modified", "error", "skipped"]


@dataclass(frozen=True, slots=True)
class PollResult:
    feed: str
    status: Status
    new: int = 0
    revised: int = 0
    duplicates: int = 0
    error: str | None = None
    error_kind: str | None = None
    problems: tuple[str, ...] = ()
    paused: bool = False
    next_poll: float | None = None

    @property
    def published(self) -> int:
        return self.new + self.revised


@dataclass(frozen=True, slots=True)
class PollSummary:
    results: tuple[PollResult, ...]

    @property
    def published(self) -> int:
        return sum(r.published for r in self.results)

    @property
    def errors(self) -> int:
        return sum(r.status == "error" for r in self.results)

    def format(self) -> str:
        lines = []
        for r in self.results:
            line = f"{r.feed}: {r.status}"
            if r.status in ("published", "unchanged"):
                line += f" - {r.new} new, {r.revised} revised, {r.duplicates} already seen"
            if r.error:
                line += f" - {r.error_kind}: {r.error}"
            if r.paused:
                line += " (paused)"
            if r.status == "skipped" and r.next_poll is not None:
                line += f" until {iso_time(r.next_poll)}"
            lines.append(line)
            lines.extend(f"    problem: {p}" for p in r.problems)
        lines.append(
            f"{len(self.results)} feed(s), {self.published} article(s) published, {self.errors} error(s)"
        )
        return "\n".join(lines)


class SeenNotSaved(RuntimeError):
    """Articles were published and acknowledged, but marking them seen in the state topic failed."""

    def __init__(self, count: int, error: BaseException) -> None:
        super().__init__(f"{count} article(s) published but not marked seen: {type(error).__name__}: {error}")


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class Poller:
    """Polls the configured feeds; the pure decisions live in parse/items/schedule."""

    def __init__(
        self,
        config: FeedsConfig,
        *,
        client: HttpClient,
        publisher: Publisher,
        store: StateStore,
        metrics: Metrics | None = None,
        clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = random.random,
        extract: Extractor = extract_main_text,
    ) -> None:
        self.config = config
        self.metrics = metrics if metrics is not None else Metrics()
        self._client = client
        self._publisher = publisher
        self._store = store
        self._clock = clock
        self._rand = rand
        self._extract = extract
        self._hosts = HostLimiter(config.poller.per_host)
        self._slots = asyncio.Semaphore(config.poller.concurrency)
        # A 15 MiB feed takes ~150 MiB and seconds of CPU to parse: only a few at once.
        self._parsing = asyncio.Semaphore(_PARSERS)
        self._feeds: dict[str, FeedState] = {}
        self._seen: dict[str, Seen] = {}
        self._last: dict[str, PollResult] = {}

    async def load(self) -> None:
        """Read the remembered state; call once before polling."""
        snapshot = await self._store.load()
        self._feeds, self._seen = snapshot.feeds, snapshot.seen
        for feed in self.config.feeds:
            state = self._feeds.get(feed.url)
            if state is not None:
                m = self.metrics.feed(feed.name)
                m.consecutive_failures, m.paused = state.failures, state.paused
                m.last_success, m.last_error = state.last_success, state.last_error
        log.info("feed state: %d feed(s), %d seen article(s)", len(self._feeds), len(self._seen))

    def state(self, feed: FeedConfig) -> FeedState:
        return self._feeds.get(feed.url) or FeedState(url=feed.url)

    def summary(self) -> PollSummary:
        return PollSummary(tuple(self._last[f.name] for f in self.config.feeds if f.name in self._last))

    # -- one poll ------------------------------------------------------------------------------

    async def poll(self, feed: FeedConfig) -> PollResult:
        async with self._slots:
            result = await self._poll(feed)
        self._last[feed.name] = result
        return result

    async def _poll(self, feed: FeedConfig) -> PollResult:
        state = self.state(feed)
        metrics = self.metrics.feed(feed.name)
        metrics.polls += 1
        try:
            async with self._hosts.slot(urlsplit(feed.url).hostname or ""):
                fetched = await self._client.fetch(
                    feed.url,
                    limits=feed.limits,
                    allow_private=feed.allow_private,
                    etag=state.etag,
                    last_modified=state.last_modified,
                )
        except FetchError as exc:
            retry = parse_retry_after(exc.retry_after, self._clock())
            return await self._fail(feed, state, exc.kind, str(exc), retry_after=retry)

        outcome_ok = Outcome(
            "ok",
            max_age=parse_max_age(fetched.headers.get("cache-control")),
        )
        digest = None if fetched.not_modified else body_hash(fetched.body)
        if (
            fetched.not_modified
            or (fetched.etag is not None and fetched.etag == state.etag)
            or digest == state.body_hash
        ):
            metrics.not_modified += 1
            return await self._succeed(feed, state, fetched, None, outcome_ok, "not_modified")

        expect_arabic = feed.language.lower().split("-")[0] in ARABIC_SCRIPT
        try:
            async with self._parsing:
                parsed = await asyncio.to_thread(
                    parse_feed, fetched.body, fetched.headers, fetched.url, expect_arabic=expect_arabic
                )
        except Exception as exc:  # feedparser is meant never to raise; a crash is a parse error
            return await self._fail(feed, state, "parse", f"{type(exc).__name__}: {exc}")
        if not parsed.is_feed:
            return await self._fail(feed, state, "parse", "; ".join(parsed.problems))

        items, problems = identify(parsed.items, feed.url)
        problems = [*parsed.problems, *problems]
        fresh, duplicates = to_publish(items, self._seen, feed.name)
        try:
            published = await self._publish(feed, fresh, problems)
        except SeenNotSaved as exc:
            # The articles are in news.raw; only the topic's memory of them is missing (a restarted
            # poller would publish them again, which downstream dedupes).
            return await self._fail(feed, state, "state", str(exc), pausable=False)
        except Exception as exc:
            # Whatever was acknowledged is marked seen; the rest is retried with the whole body.
            return await self._fail(feed, state, "publish", f"{type(exc).__name__}: {exc}", pausable=False)
        new = sum(1 for _, revision in published if revision == 0)
        revised = len(published) - new
        metrics.new_items += new
        metrics.revisions += revised
        metrics.duplicates += duplicates
        outcome = dataclasses.replace(outcome_ok, ttl_minutes=parsed.ttl)
        status: Status = "published" if published else "unchanged"
        return await self._succeed(
            feed, state, fetched, digest, outcome, status, new, revised, duplicates, tuple(problems)
        )

    async def _publish(
        self, feed: FeedConfig, fresh: Sequence[tuple[Identified, int]], problems: list[str]
    ) -> list[tuple[Identified, int]]:
        """Publish in batches (concurrent sends batch well); mark each acknowledged article seen."""
        done: list[tuple[Identified, int]] = []
        for start in range(0, len(fresh), _PUBLISH_BATCH):
            batch = fresh[start : start + _PUBLISH_BATCH]
            texts = await asyncio.gather(*(self._text(feed, ident, problems) for ident, _ in batch))
            fetched_at = self._clock()
            sends = [
                self._publisher.publish(
                    ident.id.encode(),
                    encode_raw(
                        raw_article(
                            ident,
                            feed=feed.name,
                            language=feed.language,
                            text=text,
                            revision=revision,
                            fetched_at=fetched_at,
                        )
                    ),
                )
                for (ident, revision), text in zip(batch, texts, strict=True)
            ]
            outcomes = await asyncio.gather(*sends, return_exceptions=True)
            acked = [pair for pair, outcome in zip(batch, outcomes, strict=True) if outcome is None]
            marks = []
            for ident, revision in acked:
                seen = Seen(ident.content, revision, feed.name)
                # Seen in memory at once (this process never re-publishes it); in the topic below.
                self._seen[ident.id] = seen
                done.append((ident, revision))
                marks.append(self._store.save_seen(ident.id, seen))
            saved = await asyncio.gather(*marks, return_exceptions=True)
            failures = [o for o in outcomes if isinstance(o, BaseException)]
            if failures:
                raise failures[0]
            unsaved = [o for o in saved if isinstance(o, BaseException)]
            if unsaved:
                raise SeenNotSaved(len(unsaved), unsaved[0])
        return done

    async def _text(self, feed: FeedConfig, ident: Identified, problems: list[str]) -> str:
        """The article's text: the page's main text for full-text feeds, else (or failing that) the feed's."""
        fallback = ident.item.text or ident.item.title
        link = ident.item.link
        if not feed.full_text or not link:
            return fallback
        try:
            async with self._hosts.slot(urlsplit(link).hostname or ""):
                page = await self._client.fetch(
                    link, limits=feed.limits, allow_private=feed.allow_private, accept=PAGE_ACCEPT
                )
            extracted = await asyncio.to_thread(
                self._extract, page.body, page.url, page.headers.get("content-type")
            )
        except FetchError as exc:
            self.metrics.feed(feed.name).errors[f"full_text_{exc.kind}"] += 1
            problems.append(f"full text of {link}: {exc}; using the feed's text")
            return fallback
        except Exception as exc:
            self.metrics.feed(feed.name).errors["full_text_extract"] += 1
            problems.append(
                f"full text of {link}: extraction failed ({type(exc).__name__}); using the feed's text"
            )
            return fallback
        extracted = drop_leading_title(extracted or "", ident.item.title)
        if not extracted:
            problems.append(f"full text of {link}: nothing extracted; using the feed's text")
            return fallback
        return extracted

    async def _succeed(
        self,
        feed: FeedConfig,
        state: FeedState,
        fetched: Fetched,
        digest: str | None,
        outcome: Outcome,
        status: Status,
        new: int = 0,
        revised: int = 0,
        duplicates: int = 0,
        problems: tuple[str, ...] = (),
    ) -> PollResult:
        now = self._clock()
        decision = plan(feed, state.failures, outcome, now, self._rand())
        new_state = dataclasses.replace(
            state,
            # A 304 carries no body: keep the validators we have unless the server sent new ones.
            etag=fetched.etag or state.etag,
            last_modified=fetched.last_modified or state.last_modified,
            body_hash=digest or state.body_hash,
            failures=0,
            next_poll=decision.next_poll,
            paused=False,
            last_success=now,
            last_error=None,
        )
        error = await self._save(feed, new_state)
        if state.failures:
            # Successful polls are silent; after a logged failure, say it passed (else the log's last
            # word on the feed is "retry in 1 s", which reads as if it never did).
            log.info(
                "feed %s: %s after %d failure(s) - %d new, %d revised",
                feed.name,
                status.replace("_", " "),
                state.failures,
                new,
                revised,
            )
        metrics = self.metrics.feed(feed.name)
        metrics.last_success, metrics.consecutive_failures = now, 0
        metrics.backoff, metrics.paused, metrics.last_error = 0.0, False, None
        return PollResult(
            feed.name,
            status,
            new,
            revised,
            duplicates,
            error=error,
            error_kind="state" if error else None,
            problems=problems,
            next_poll=decision.next_poll,
        )

    async def _fail(
        self,
        feed: FeedConfig,
        state: FeedState,
        kind: str,
        message: str,
        *,
        retry_after: float | None = None,
        pausable: bool = True,
    ) -> PollResult:
        now = self._clock()
        failures = state.failures if pausable else min(state.failures, feed.max_failures - 2)
        decision = plan(feed, failures, Outcome("error", retry_after=retry_after), now, self._rand())
        new_state = dataclasses.replace(
            state,
            failures=decision.failures,
            next_poll=decision.next_poll,
            paused=decision.paused,
            last_error=f"{kind}: {message}",
        )
        await self._save(feed, new_state)
        metrics = self.metrics.feed(feed.name)
        metrics.errors[kind] += 1
        metrics.consecutive_failures = decision.failures
        metrics.backoff, metrics.paused, metrics.last_error = decision.delay, decision.paused, message
        if decision.paused:
            log.warning(
                "feed %s paused after %d consecutive failures (last: %s); next probe at %s",
                feed.name,
                decision.failures,
                message,
                iso_time(decision.next_poll),
            )
        else:
            log.info("feed %s: %s: %s; retry in %.0f s", feed.name, kind, message, decision.delay)
        return PollResult(
            feed.name,
            "error",
            error=message,
            error_kind=kind,
            paused=decision.paused,
            next_poll=decision.next_poll,
        )

    async def _save(self, feed: FeedConfig, state: FeedState) -> str | None:
        """Keep the state in memory and in the store; a store failure is reported, not raised."""
        self._feeds[feed.url] = state
        try:
            await self._store.save_feed(state)
        except Exception as exc:
            self.metrics.feed(feed.name).errors["state"] += 1
            log.warning("feed %s: could not save its state: %s", feed.name, exc)
            return f"could not save feed state: {exc}"
        return None

    # -- many polls ----------------------------------------------------------------------------

    def _held(self, feed: FeedConfig) -> bool:
        """Backing off or paused: even ``--once`` keeps the manners a failure asked for."""
        state = self.state(feed)
        return state.failures > 0 and state.next_poll > self._clock()

    async def poll_once(self) -> PollSummary:
        """Poll every enabled feed once (ignoring intervals, honouring backoff and pauses)."""

        async def one(feed: FeedConfig) -> PollResult:
            if self._held(feed):
                state = self.state(feed)
                return PollResult(
                    feed.name,
                    "skipped",
                    error=state.last_error,
                    error_kind="paused" if state.paused else "backoff",
                    paused=state.paused,
                    next_poll=state.next_poll,
                )
            return await self.poll(feed)

        return PollSummary(tuple(await asyncio.gather(*(one(feed) for feed in self.config.enabled))))

    async def run(self, stop: asyncio.Event) -> None:
        """Poll every enabled feed on its schedule until ``stop`` is set."""
        await asyncio.gather(*(self._loop(feed, stop) for feed in self.config.enabled))

    async def _loop(self, feed: FeedConfig, stop: asyncio.Event) -> None:
        while not stop.is_set():
            wait = self.state(feed).next_poll - self._clock()
            if wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=wait)
                continue
            try:
                await self.poll(feed)
            except Exception:  # a bug must not stop the other feeds, nor spin on this one
                log.exception("feed %s: unexpected error", feed.name)
                await asyncio.sleep(feed.backoff_base)


async def run_pollers(
    settings: Settings,
    *,
    once: bool,
    stop: asyncio.Event | None = None,
    metrics: Metrics | None = None,
    feeds_file: Path | None = None,
) -> PollSummary:
    """``naba poll`` (until ``stop`` is set or the task is cancelled) and ``naba poll --once``."""
    config = load_feeds(feeds_file or settings.config_dir / "feeds.toml")
    async with (
        kafka_producer(settings) as producer,
        HttpClient(user_agent=config.poller.user_agent) as client,
    ):
        store = KafkaStateStore(producer, state_consumer_factory(settings))
        poller = Poller(
            config, client=client, publisher=KafkaPublisher(producer), store=store, metrics=metrics
        )
        await poller.load()
        if once:
            return await poller.poll_once()
        await poller.run(stop or asyncio.Event())
        return poller.summary()
