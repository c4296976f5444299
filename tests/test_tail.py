"""Terminal formatting: right-to-left marks, isolates, no control characters from events, JSON lines."""

from __future__ import annotations

import orjson

from pipeline.models import DeadLetter, Speaker, StatementEvent, TopicEvent
from pipeline.tail import FSI, LRM, PDI, RLM, format_event, format_json, safe, when


def event(**changes: object) -> StatementEvent:
    fields: dict[str, object] = {
        "id": "s1",
        "article_id": "a1",
        "speaker": Speaker(name="أناتولي أنتونوف", type="person", title="السفير"),
        "verb": "قال",
        "kind": "direct",
        "text": "نعتقد أنه من الضروري بذل كل جهد",
        "span": [0, 10],
        "url": "https://example.org/a/1",
        "title": "عنوان الخبر",
        "published": "2026-11-01T09:30:00+03:00",
        "via": "وكالة تاس",
    }
    fields.update(changes)
    return StatementEvent(**fields)  # type: ignore[arg-type]


def test_statement_layout_marks_directions_and_isolates_fields() -> None:
    lines = format_event(event()).split("\n")
    assert lines[0].startswith(RLM) and "أناتولي أنتونوف، السفير — قال" in lines[0]
    assert lines[1] == RLM + "«نعتقد أنه من الضروري بذل كل جهد»"
    meta = lines[2]
    assert meta.startswith(LRM)
    assert "2026-11-01 06:30 UTC" in meta
    assert f"{FSI}عنوان الخبر{PDI}" in meta
    assert "https://example.org/a/1" in meta and "article a1" in meta


def test_control_and_bidi_characters_from_events_are_removed() -> None:
    hostile = event(text="قال\x1b[31m أحمر\u202e معكوس\nسطر", title="\x07عنوان")
    shown = format_event(hostile)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "«قال [31m أحمر معكوس سطر»" in shown
    assert safe(None) == ""


def test_colour_only_when_asked() -> None:
    assert "\x1b[1m" in format_event(event(), color=True)
    assert "\x1b" not in format_event(event())


def test_json_line_is_the_event_as_it_travels() -> None:
    line = format_json(event())
    assert "\n" not in line
    assert orjson.loads(line)["speaker"]["name"] == "أناتولي أنتونوف"


def test_other_event_types_have_a_layout() -> None:
    topic = format_event(TopicEvent(label="nuclear", score=0.935, article_id="a1", title="عنوان"))
    assert "nuclear 0.94" in topic and "article a1" in topic
    letter = DeadLetter.of(
        stage="clean", error="malformed JSON", topic="news.raw", partition=2, offset=7, key=None, value=b"{"
    )
    shown = format_event(letter)
    assert "malformed JSON" in shown and "news.raw[2]@7" in shown and "1 bytes" in shown


def test_when_prefers_publication_time_then_record_time() -> None:
    assert when(None, 0) == "1970-01-01 00:00 UTC"
    assert when("not a date", 0) == "not a date"
    assert when(None, None) is None
