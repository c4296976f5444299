from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest

from pipeline.identity import stable_id
from pipeline.replay import Progress, ReplayError, expand, read_articles


def test_folders_and_globs_expand_to_seed_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("قال")
    (tmp_path / "a.jsonl").write_text("")
    (tmp_path / "notes.md").write_text("not a seed")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.json").write_text("{}")
    assert [p.name for p in expand([str(tmp_path)])] == ["a.jsonl", "b.txt", "c.json"]
    assert [p.name for p in expand([str(tmp_path / "*.txt")])] == ["b.txt"]


@pytest.mark.parametrize("spec", ["/nonexistent/file.txt", "/nonexistent/*.txt"])
def test_missing_paths_are_named(spec: str) -> None:
    with pytest.raises(ReplayError, match="nonexistent"):
        expand([spec])


def test_txt_is_a_body_with_a_content_hash_id(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("قال الوزير", encoding="utf-8")
    (article,) = read_articles(path)
    assert article.text == "قال الوزير"
    assert article.id == stable_id("قال الوزير")


def test_json_and_jsonl_keep_given_fields(tmp_path: Path) -> None:
    one = {
        "id": "x1",
        "url": "https://e.com/1",
        "title": "ع",
        "published": "2026-11-01T10:00:00Z",
        "text": "قال",
    }
    (tmp_path / "a.json").write_bytes(orjson.dumps([one, {"text": "أكد", "title": "t"}]))
    first, second = read_articles(tmp_path / "a.json")
    assert (first.id, first.url, first.title, first.published) == ("x1", one["url"], "ع", one["published"])
    assert second.id == stable_id("t", "أكد")
    (tmp_path / "b.jsonl").write_bytes(orjson.dumps(one) + b"\n\n" + orjson.dumps({"text": "قال"}) + b"\n")
    assert [a.id for a in read_articles(tmp_path / "b.jsonl")] == ["x1", stable_id("", "قال")]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("a.json", b'{"id": 1}', r"a.json\[0\]: expected an object with a string field 'text'"),
        ("a.jsonl", b'{"text": "x"}\n[', "a.jsonl:2: malformed JSON"),
        ("a.txt", b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_seed_files_name_the_file_and_line(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReplayError, match=reason):
        list(read_articles(path))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_count_rate_and_eta_on_a_terminal() -> None:
    out = _Terminal()
    bar = Progress(4, out=out)
    for _ in range(4):
        bar.advance()
    bar.close()
    assert "4/4" in out.getvalue()
    assert "/s ETA" in out.getvalue()


def test_progress_is_silent_when_not_a_terminal() -> None:
    out = io.StringIO()
    bar = Progress(2, out=out)
    bar.advance(2)
    bar.close()
    assert out.getvalue() == ""
