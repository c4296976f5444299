from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.lexicon import Lexicons, load_lexicons, phrase_set


def test_verb_forms_take_prefixes_and_endings(lexicons: Lexicons) -> None:
    for form in ("قال", "وقالت", "فقالوا", "اكدت", "واشار", "يقول"):
        assert form in lexicons.triggers, form
    assert lexicons.triggers["واكدت"].lemma == "أكد" and lexicons.triggers["واكدت"].prefixed
    assert "على" not in lexicons.triggers["قال"].prepositions
    assert "علي" in lexicons.triggers["شدد"].prepositions


def test_participle_forms_cover_tanwin_feminine_and_plural(lexicons: Lexicons) -> None:
    for form in ("موكدا", "موكده", "موكدين", "مشيرا", "مشيره"):
        assert lexicons.triggers[form].kind == "participle", form


def test_entries_are_matching_keys_and_comments_are_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "reporting_verbs.txt").write_text("# comment\nأكّد +على  # with shadda\n\n", encoding="utf-8")
    (folder / "titles.txt").write_text("الوزير\n", encoding="utf-8")
    loaded = load_lexicons(tmp_path)
    assert loaded.triggers["اكد"].prepositions == frozenset({"علي"})
    assert "وزير" in loaded.titles
    assert not loaded.organizations.by_first  # a missing file is an empty lexicon


def test_lexicons_are_immutable(lexicons: Lexicons) -> None:
    try:
        lexicons.triggers["جديد"] = lexicons.triggers["قال"]  # type: ignore[index]
    except TypeError:
        return
    raise AssertionError("triggers must be read-only")


_WORDS = ["في", "بيان", "له", "وفق", "ما", "اوردته", "قال"]


@settings(max_examples=300)
@given(
    st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4), max_size=12),
    st.lists(st.sampled_from(_WORDS), max_size=8),
    st.integers(0, 8),
    st.one_of(st.none(), st.integers(0, 9)),
)
def test_a_phrase_match_is_the_longest_phrase_that_fits(
    phrases: list[list[str]], tokens: list[str], index: int, end: int | None
) -> None:
    found = phrase_set(" ".join(phrase) for phrase in phrases)
    stop = len(tokens) if end is None else min(end, len(tokens))
    fitting = [len(p) for p in phrases if index + len(p) <= stop and tokens[index : index + len(p)] == p]
    assert found.match(tokens, index, end) == max(fitting, default=0)
    assert (tokens[index] in found) == ([tokens[index]] in phrases) if index < len(tokens) else True
