from __future__ import annotations

from pathlib import Path

from pipeline.extract.lexicon import Lexicons, load_lexicons


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
