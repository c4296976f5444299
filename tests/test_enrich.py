from __future__ import annotations

import logging

import pytest

from pipeline import PROJECT_ROOT
from pipeline.enrich import Resources, enrich
from pipeline.extract.statements import MAX_TEXT_CHARS
from pipeline.models import CleanArticle, EnrichedArticle, decode, encode


@pytest.fixture(scope="module")
def resources() -> Resources:
    return Resources.load(PROJECT_ROOT / "config")


def test_dates_travel_as_entities_in_iso_form(resources: Resources) -> None:
    article = CleanArticle(
        id="d1", text="وقال الوزير إن القمة عقدت في ١٦ حزيران ٢٠٢١، وإن اتفاق 16 يونيو 2021 صامد."
    )
    event = decode(EnrichedArticle, encode(enrich(article, resources)))
    dates = [e for e in event.entities if e.type == "date"]
    assert [(e.name, e.count) for e in dates] == [("2021-06-16", 2)]
    assert dates[0].forms == ["١٦ حزيران ٢٠٢١", "16 يونيو 2021"]


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
