"""The gold set: well-formed annotations, and the extractor's scores above their floors."""

from __future__ import annotations

import pytest

from pipeline.extract.lexicon import Lexicons
from pipeline.extract.quality import Counts, GoldArticle, evaluate, load_gold, spans_match, split_totals
from pipeline.extract.speakers import SPEAKER_TYPES
from pipeline.text.prepare import prepare

# A little under what the extractor reaches (see `make quality`); CI fails on a regression.
# Scores over the whole set (development + held-out articles): F1 0.98, speaker 0.98, exact 0.98
# before the 4xx round; with its 46 untuned statements F1 0.98, speaker 0.94, exact 0.98.
F1_FLOOR = 0.96
SPEAKER_FLOOR = 0.92
EXACT_SPAN_FLOOR = 0.95
# The first three held-out rounds together (101-104, 201-206, 301-309): F1 0.97, speaker 0.96.
HELDOUT_F1_FLOOR = 0.94
HELDOUT_SPEAKER_FLOOR = 0.93
# The 3xx round alone (written before the third round of speaker work): untuned F1 0.95, speaker
# 0.51; after it F1 0.95, speaker 0.94.
HELDOUT3_F1_FLOOR = 0.93
HELDOUT3_SPEAKER_FLOOR = 0.91
# The 4xx round alone (written before the fourth round, never tuned on): untuned F1 0.94, speaker
# 0.63; after the fourth round's general fixes (رد, asides; chosen from 3xx misses) F1 0.97,
# speaker 0.67.
HELDOUT4_F1_FLOOR = 0.92
HELDOUT4_SPEAKER_FLOOR = 0.6
_EARLIER_ROUNDS = ("heldout", "heldout2", "heldout3")


@pytest.fixture(scope="module")
def gold() -> list[GoldArticle]:
    return load_gold()


def test_gold_set_has_the_seed_and_a_dozen_more(gold: list[GoldArticle]) -> None:
    assert len(gold) >= 13
    assert any(article.id.startswith("000_seed") for article in gold)


def test_gold_spans_are_the_display_text(gold: list[GoldArticle]) -> None:
    for article in gold:
        text = prepare(article.text, article.title).text
        for statement in article.statements:
            assert text[statement.span[0] : statement.span[1]] == statement.text, article.id
            assert statement.type in SPEAKER_TYPES and statement.kind in ("direct", "indirect", "mixed")


def test_match_rule_is_half_of_the_longer_span() -> None:
    assert spans_match((0, 10), (5, 15))
    assert not spans_match((0, 10), (6, 30))
    assert not spans_match((0, 2), (0, 10))


def test_extractor_scores_stay_above_the_floors(gold: list[GoldArticle], lexicons: Lexicons) -> None:
    total, per_article = evaluate(gold, lexicons)
    scores = total.scores()
    assert scores["f1"] >= F1_FLOOR, scores
    assert scores["speaker_accuracy"] >= SPEAKER_FLOOR, scores
    assert scores["exact_span_rate"] >= EXACT_SPAN_FLOOR, scores
    heldout = Counts()
    splits = split_totals(gold, per_article)
    for name in _EARLIER_ROUNDS:
        heldout.add(splits[name])
    held = heldout.scores()
    assert heldout.gold >= 150, "the held-out rounds are part of the gold set"
    assert held["f1"] >= HELDOUT_F1_FLOOR, held
    assert held["speaker_accuracy"] >= HELDOUT_SPEAKER_FLOOR, held
    third = splits["heldout3"]
    assert third.gold >= 80, "the 3xx round is part of the gold set"
    assert third.scores()["f1"] >= HELDOUT3_F1_FLOOR, third.scores()
    assert third.scores()["speaker_accuracy"] >= HELDOUT3_SPEAKER_FLOOR, third.scores()
    fourth = splits["heldout4"]
    assert fourth.gold >= 40, "the 4xx round is part of the gold set"
    assert fourth.scores()["f1"] >= HELDOUT4_F1_FLOOR, fourth.scores()
    assert fourth.scores()["speaker_accuracy"] >= HELDOUT4_SPEAKER_FLOOR, fourth.scores()
