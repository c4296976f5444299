from __future__ import annotations

from pipeline.text.boilerplate import parse_markers, strip_boilerplate
from pipeline.text.prepare import prepare

MARKERS = parse_markers("cut كلمات دلالية\nline اقرأ أيضاً\nshort شارك  # button\n")


def test_trailer_cuts_the_rest_and_line_markers_drop_one_line() -> None:
    text = "قال الوزير\nاقرأ أيضا: خبر آخر\nشارك\nشارك الوزير في الاجتماع\nكلمات دلالية\nسد النهضة"
    assert strip_boilerplate(text, MARKERS) == "قال الوزير\nشارك الوزير في الاجتماع"


def test_prepare_uses_the_project_markers() -> None:
    doc = prepare("قال الوزير إن الوضع مستقر.\nاقرأ أيضاً: خبر\nكلمات دلالية\nسد")
    assert doc.text == "قال الوزير إن الوضع مستقر."
