"""Module-level app for Faust's own CLI: `faust -A agents.app worker -l info` (also agents, send)."""

from __future__ import annotations

from agents.worker import build_app
from pipeline.settings import load_settings

app = build_app(load_settings())
