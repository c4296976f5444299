from __future__ import annotations

import pytest

from pipeline import PROJECT_ROOT
from pipeline.enrich import Resources, enrich
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
