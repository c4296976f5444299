"""``naba feeds check URL``: fetch and parse one feed, say what was found and what is wrong.

Publishes nothing and remembers nothing: no broker is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.feeds.fetch import FetchError, HttpClient, Limits
from pipeline.feeds.items import Identified, identify
from pipeline.feeds.parse import parse_feed
from pipeline.feeds.poller import ARABIC_SCRIPT


@dataclass(frozen=True, slots=True)
class FeedReport:
    url: str
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    status: int | None = None
    content_type: str | None = None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None
    cache_control: str | None = None
    declared_encoding: str | None = None
    encoding: str | None = None
    version: str = ""
    title: str = ""
    ttl: int | None = None
    items: tuple[Identified, ...] = ()
    problems: tuple[str, ...] = ()
    error: str | None = None
    error_kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.version or self.items)

    def format(self, max_items: int = 20) -> str:
        lines = [f"feed:      {self.url}"]
        for hop in self.redirects[1:]:
            lines.append(f"  via      {hop}")
        if self.final_url and self.final_url != self.url:
            lines.append(f"final url: {self.final_url}")
        if self.error:
            lines.append(f"ERROR ({self.error_kind}): {self.error}")
            if self.error_kind == "blocked" and "address" in self.error:
                lines.append("  (a feed on your own network needs --allow-private / allow_private = true)")
            return "\n".join(lines)
        lines += [
            f"http:      {self.status}, {self.content_type or 'no Content-Type'}, {self.size} bytes",
            f"caching:   ETag {self.etag or '-'}, Last-Modified {self.last_modified or '-'}, "
            f"Cache-Control {self.cache_control or '-'}, ttl {self.ttl if self.ttl is not None else '-'}",
            f"encoding:  declared {self.declared_encoding or 'nothing'}, decoded as {self.encoding or '?'}",
            f"format:    {self.version or 'unknown'}",
            f"title:     {self.title}",
            f"items:     {len(self.items)}",
        ]
        for ident in self.items[:max_items]:
            item = ident.item
            lines.append(f"  - {item.title or '(no title)'}")
            lines.append(f"    {item.published or 'no date'}  {item.link or 'no link'}  id {ident.id[:12]}")
        if len(self.items) > max_items:
            lines.append(f"  ... and {len(self.items) - max_items} more")
        lines.append(f"problems:  {len(self.problems) or 'none'}")
        lines.extend(f"  ! {problem}" for problem in self.problems)
        return "\n".join(lines)


def item_problems(items: tuple[Identified, ...]) -> list[str]:
    """What would make these items poor articles downstream."""
    counts = {
        "without a date": sum(i.item.published is None for i in items),
        "without a link": sum(not i.item.link for i in items),
        "without a GUID": sum(not i.item.guid for i in items),
        "without text (the title will be used)": sum(not i.item.text for i in items),
    }
    return [f"{n} of {len(items)} item(s) {what}" for what, n in counts.items() if n]


async def check_feed(
    url: str,
    *,
    allow_private: bool = False,
    language: str = "ar",
    limits: Limits = Limits(),  # noqa: B008 -- frozen
    client: HttpClient | None = None,
) -> FeedReport:
    """Fetch and parse one feed with the pollers' own limits and safety; never raises for a bad feed."""
    own = client is None
    http = client if client is not None else HttpClient()
    try:
        try:
            fetched = await http.fetch(url, limits=limits, allow_private=allow_private)
        except FetchError as exc:
            return FeedReport(url, error=str(exc), error_kind=exc.kind, status=exc.status)
    finally:
        if own:
            await http.close()
    expect_arabic = language.lower().split("-")[0] in ARABIC_SCRIPT
    parsed = parse_feed(fetched.body, fetched.headers, fetched.url, expect_arabic=expect_arabic)
    items, identity_problems = identify(parsed.items, fetched.url)
    identified = tuple(items)
    return FeedReport(
        url,
        final_url=fetched.url,
        redirects=(*fetched.redirects, fetched.url),
        status=fetched.status,
        content_type=fetched.headers.get("content-type"),
        size=len(fetched.body),
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        cache_control=fetched.headers.get("cache-control"),
        declared_encoding=parsed.declared_encoding,
        encoding=parsed.encoding,
        version=parsed.version,
        title=parsed.title,
        ttl=parsed.ttl,
        items=identified,
        problems=(*parsed.problems, *identity_problems, *item_problems(identified)),
    )
