from __future__ import annotations

import pytest

from pipeline import PROJECT_ROOT
from pipeline.extract.lexicon import Lexicons, load_lexicons


@pytest.fixture(scope="session")
def lexicons() -> Lexicons:
    return load_lexicons(PROJECT_ROOT / "config")
