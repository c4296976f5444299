"""Acceptance: the user's seed article (wire copy about the Russian ambassador Antonov)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline import PROJECT_ROOT
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.statements import Statement, extract_statements
from pipeline.text.prepare import prepare

SEED = PROJECT_ROOT / "seeds" / "000_694a7dc3639c9e32.txt"


@pytest.fixture(scope="module")
def seed_statements(lexicons: Lexicons) -> list[Statement]:
    return extract_statements(prepare(Path(SEED).read_text(encoding="utf-8")), lexicons)


def test_at_least_15_statements_most_by_antonov(seed_statements: list[Statement]) -> None:
    assert len(seed_statements) >= 15
    names = Counter(s.speaker.name for s in seed_statements)
    name, count = names.most_common(1)[0]
    assert name == "أناتولي أنتونوف"
    assert count > len(seed_statements) / 2


def test_antonov_has_his_title_and_every_mention(seed_statements: list[Statement]) -> None:
    antonov = next(s.speaker for s in seed_statements if s.speaker.name == "أناتولي أنتونوف")
    assert antonov.type == "person"
    assert antonov.title is not None and antonov.title.startswith("السفير الروسي")
    assert {"أنتونوف", "السفير الروسي"} <= set(antonov.mentions)


def test_joint_statement_is_a_group_and_the_statement_a_document(seed_statements: list[Statement]) -> None:
    types = {s.speaker.name: s.speaker.type for s in seed_statements}
    assert types.get("الزعيمان") == "group"
    assert types.get("البيان") == "document"


def test_carrier_is_via_not_speaker(seed_statements: list[Statement]) -> None:
    assert all("تاس" not in s.speaker.name for s in seed_statements)
    assert any(s.via and "تاس" in s.via for s in seed_statements)


def test_institute_and_subheading_are_not_statements(seed_statements: list[Statement]) -> None:
    assert all(s.text.strip("“”") not in ("ميدلبري", "نزاع مسلح") for s in seed_statements)


def test_spans_are_the_text_in_document_order(seed_statements: list[Statement]) -> None:
    doc = prepare(Path(SEED).read_text(encoding="utf-8"))
    assert [s.span for s in seed_statements] == sorted(s.span for s in seed_statements)
    for statement in seed_statements:
        assert statement.text == doc.text[statement.span[0] : statement.span[1]]
        assert statement.kind in ("direct", "indirect", "mixed")


def test_continuations_resolve_to_the_current_speaker(seed_statements: list[Statement]) -> None:
    by_verb = {s.verb: s for s in seed_statements}
    assert by_verb["تابع"].speaker.name == "أناتولي أنتونوف"
    assert by_verb["تابع"].kind == "direct"
    assert by_verb["قائلا"].speaker.name == "أناتولي أنتونوف"
