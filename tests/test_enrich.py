from __future__ import annotations

import logging

import pytest

from pipeline.enrich import Resources, enrich
from pipeline.extract.statements import MAX_TEXT_CHARS
from pipeline.models import CleanArticle
from pipeline.settings import load_settings


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources.load(load_settings(environ={}).config_dir)


def test_a_truncated_statement_search_is_logged(
    resources: Resources, caplog: pytest.LogCaptureFixture
) -> None:
    sentence = "وقال الوزير إن العمل مستمر.\n"
    huge = CleanArticle(id="huge", text=sentence * (MAX_TEXT_CHARS // len(sentence) + 10))
    with caplog.at_level(logging.WARNING, logger="pipeline.enrich"):
        enriched = enrich(huge, resources)
    assert enriched.statements
    assert any("huge" in r.getMessage() and "truncated" in r.getMessage() for r in caplog.records)


def test_an_ordinary_article_logs_nothing(resources: Resources, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.enrich"):
        enrich(CleanArticle(id="a", text="قال الوزير إن العمل مستمر."), resources)
    assert not caplog.records
