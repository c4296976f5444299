"""Stable identifiers: the same input always yields the same id, so re-processing keeps keys."""

from __future__ import annotations

import hashlib


def stable_id(*parts: str) -> str:
    """128-bit hex id of ``parts`` (joined with a unit separator so ("ab", "c") != ("a", "bc"))."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
