from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import PROJECT_ROOT
from pipeline.extract.entities import Gazetteer, load_gazetteer
from pipeline.extract.keywords import load_stopwords
from pipeline.extract.lexicon import Lexicons, load_lexicons
from pipeline.extract.stopwords import Stopwords
from pipeline.extract.topics import Taxonomy, load_taxonomy
from pipeline.text.document import Document
from pipeline.text.prepare import prepare

CONFIG = PROJECT_ROOT / "config"
SEED = PROJECT_ROOT / "seeds" / "000_694a7dc3639c9e32.txt"


@pytest.fixture(scope="session")
def lexicons() -> Lexicons:
    return load_lexicons(CONFIG)


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(CONFIG)


@pytest.fixture(scope="session")
def stopwords() -> Stopwords:
    return load_stopwords(CONFIG)


@pytest.fixture(scope="session")
def gazetteer(stopwords: Stopwords) -> Gazetteer:
    return load_gazetteer(CONFIG, stopwords)


@pytest.fixture(scope="session")
def seed_doc() -> Document:
    return prepare(Path(SEED).read_text(encoding="utf-8"))
