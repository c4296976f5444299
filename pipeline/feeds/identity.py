"""Article ids for feed items: from the GUID, else the canonical link, else title and date.

Every id is ``pipeline.identity.stable_id`` of its parts: 32 hex digits (128 bits) of a SHA-256
over the parts joined by U+001F, so the same item gets the same id in every process and release.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline.identity import stable_id

#: Query parameters that only track the reader; dropping them makes the same article one link.
_TRACKING_EXACT = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid", "_ga", "yclid", "ocid", "cmpid"}
)
_TRACKING_PREFIXES = ("utm_",)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# One or more whitespace characters (linear).
_SPACE = re.compile(r"\s+")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


def canonical_link(url: str) -> str:
    """The link with scheme and host lowercased, default port, fragment and tracking parameters removed.

    Path and the remaining query keep their case and order: servers may treat them as significant.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url  # not a parseable URL: use it verbatim rather than guess
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not scheme or not host:
        return url
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = f"{parts.username or ''}{':' + parts.password if parts.password else ''}@{netloc}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _guid_is_global(guid: str) -> bool:
    """URLs, tag: and urn: GUIDs name one item worldwide; bare numbers or slugs only within a feed."""
    lowered = guid.lower()
    return lowered.startswith(("http://", "https://", "tag:", "urn:"))


def article_id(
    *,
    guid: str | None,
    link: str | None,
    title: str | None,
    published: str | None,
    feed_url: str,
    text: str | None = None,
) -> str:
    """The id of a feed item: from its GUID, else its canonical link, else its title and date.

    An item with none of those is identified by its text (the last thing that tells items apart).

    A GUID that is not globally unique (e.g. ``12345``) is scoped to the feed's host, since many
    sites number their posts and two sites' item 12345 are different articles. The kind is part of
    the hash so a GUID can never collide with a link that happens to be the same string.
    """
    if guid and guid.strip():
        guid = guid.strip()
        if _guid_is_global(guid):
            return stable_id("guid", guid)
        host = (urlsplit(feed_url).hostname or "").lower()
        return stable_id("guid", host, guid)
    if link and link.strip():
        return stable_id("link", canonical_link(link))
    clean_title = _SPACE.sub(" ", title or "").strip()
    if clean_title:
        return stable_id("title", clean_title, (published or "").strip())
    return stable_id("text", _SPACE.sub(" ", text or "").strip())


def content_hash(*parts: str) -> str:
    """Hash of an item's content, to tell an edited item from a duplicate."""
    return stable_id("content", *parts)
