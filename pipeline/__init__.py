"""naba: a stream-processing pipeline for Arabic news."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

#: The project checkout (holds config/ and seeds/ next to this package).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
