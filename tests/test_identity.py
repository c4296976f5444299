from __future__ import annotations

from pipeline.identity import stable_id


def test_ids_are_stable_hex_and_separate_their_parts() -> None:
    assert stable_id("a", "b") == stable_id("a", "b")
    assert stable_id("ab", "c") != stable_id("a", "bc")
    assert len(stable_id("x")) == 32
    int(stable_id("x"), 16)


def test_lone_surrogates_do_not_break_ids() -> None:
    assert stable_id("\ud800") != stable_id("")
