"""Feed items and their identity within one fetched feed document."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from pipeline.feeds.identity import article_id, content_hash
from pipeline.feeds.state import Seen


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, already reduced to plain text."""

    guid: str | None
    link: str | None
    title: str
    published: str | None  # ISO 8601 UTC, or None when the feed gives no usable date
    text: str  # plain text of the entry's content, else its summary


@dataclass(frozen=True, slots=True)
class Identified:
    id: str
    content: str  # hash of what a reader sees; a change means a new revision
    item: FeedItem


def item_content_hash(item: FeedItem) -> str:
    return content_hash(item.title, item.text, item.link or "")


def identify(items: Sequence[FeedItem], feed_url: str) -> tuple[list[Identified], list[str]]:
    """Give each item its article id; drop repeats within the document. Returns (items, problems).

    A GUID shared by items that differ (some feeds give every item the channel's URL or "1") cannot
    identify them, so those items fall back to their link, then title and date.
    """
    problems: list[str] = []
    by_guid: dict[str, set[tuple[str | None, str]]] = {}
    for item in items:
        if item.guid:
            by_guid.setdefault(item.guid.strip(), set()).add((item.link, item.title))
    shared = {guid for guid, variants in by_guid.items() if len(variants) > 1}
    counts = Counter(item.guid.strip() for item in items if item.guid and item.guid.strip() in shared)
    for guid in sorted(shared):
        problems.append(f"{counts[guid]} different items share the GUID {guid!r}; identified by link instead")
    out: list[Identified] = []
    seen: set[str] = set()
    repeats = 0
    for item in items:
        if item.guid and item.guid.strip() in shared:
            item = replace(item, guid=None)
        ident = article_id(
            guid=item.guid,
            link=item.link,
            title=item.title,
            published=item.published,
            feed_url=feed_url,
            text=item.text,
        )
        if ident in seen:
            repeats += 1
            continue
        seen.add(ident)
        out.append(Identified(ident, item_content_hash(item), item))
    if repeats:
        problems.append(f"{repeats} repeated item(s) in the document skipped")
    return out, problems


def to_publish(
    items: Sequence[Identified], seen: Mapping[str, Seen], feed: str
) -> tuple[list[tuple[Identified, int]], int]:
    """The items to publish with their revision, oldest first, and how many were duplicates.

    New ids get revision 0; an id this feed published before with other content gets the next
    revision. Another feed's copy of an article is a duplicate even if its text differs, so two
    feeds carrying one article do not publish it back and forth as "revisions".
    """
    fresh: list[tuple[Identified, int]] = []
    duplicates = 0
    for ident in reversed(items):  # feeds list newest first
        known = seen.get(ident.id)
        if known is None:
            fresh.append((ident, 0))
        elif known.content != ident.content and known.feed == feed:
            fresh.append((ident, known.revision + 1))
        else:
            duplicates += 1
    return fresh, duplicates
