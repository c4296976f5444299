"""The generated contract documents: fresh, complete, and true of the events the stages produce."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
import yaml

from pipeline import PROJECT_ROOT, topics
from pipeline.enrich import Resources
from pipeline.identity import stable_id
from pipeline.models import EVENT_TYPES, RawArticle, encode
from pipeline.schemas import file_name, render
from pipeline.stages import Limits, clean_stage, dead_letter, enrich_stage
from tests.conftest import SEED


def committed_schema(schema_id: str) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(
        (PROJECT_ROOT / "docs" / "schemas" / file_name(schema_id)).read_bytes()
    )
    return data


def assert_valid(event: dict[str, Any]) -> None:
    """Validate one decoded event against the committed schema its ``schema`` id names."""
    schema = committed_schema(event["schema"])
    jsonschema.Draft202012Validator(schema).validate(event)


@pytest.mark.parametrize("relative", sorted(render(), key=str))
def test_committed_documents_are_up_to_date(relative: Path) -> None:
    path = PROJECT_ROOT / relative
    assert path.exists(), f"{relative} is missing: run `naba schemas`"
    assert path.read_text(encoding="utf-8") == render()[relative], f"{relative} is stale: run `naba schemas`"


def test_every_event_type_has_a_valid_schema() -> None:
    for schema_id in EVENT_TYPES:
        schema = committed_schema(schema_id)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["properties"]["schema"]["const"] == schema_id


def test_asyncapi_names_every_topic_with_key_payload_and_partitions() -> None:
    document = yaml.safe_load((PROJECT_ROOT / "docs" / "asyncapi.yaml").read_text(encoding="utf-8"))
    assert document["asyncapi"].startswith("3.")
    channels = {channel["address"]: channel for channel in document["channels"].values()}
    assert set(channels) == set(topics.PIPELINE_TOPICS)
    components = document["components"]
    for address, channel in channels.items():
        assert channel["bindings"]["kafka"]["partitions"] >= 1
        (message_ref,) = channel["messages"].values()
        message = components["messages"][message_ref["$ref"].rsplit("/", 1)[1]]
        assert message["bindings"]["kafka"]["key"]["description"] == topics.KEYS[address]
        payload = components["schemas"][message["payload"]["$ref"].rsplit("/", 1)[1]]
        assert payload["properties"]["schema"]["const"] == topics.PAYLOADS[address]
    for operation in document["operations"].values():
        assert operation["channel"]["$ref"].rsplit("/", 1)[1] in document["channels"]


def stage_events() -> list[dict[str, Any]]:
    """Every event type, as the stages produce them from the seed article (and a bad message)."""
    text = SEED.read_text(encoding="utf-8")
    raw = RawArticle(id=stable_id(text), text=text, feed="test", url="https://example.org/1")
    (cleaned,) = clean_stage(raw.id.encode(), encode(raw), Limits(max_article_bytes=2_000_000))
    outputs = enrich_stage(cleaned.key, cleaned.value, Resources.load(PROJECT_ROOT / "config"))
    letter = dead_letter(
        "clean", "malformed JSON", topic=topics.RAW, partition=0, offset=3, key=None, value=b"{"
    )
    return [
        orjson.loads(value)
        for value in [encode(raw), cleaned.value, *(o.value for o in outputs), letter.value]
    ]


def test_events_the_stages_produce_validate() -> None:
    events = stage_events()
    assert {event["schema"] for event in events} == set(EVENT_TYPES)
    for event in events:
        assert_valid(event)


def test_a_broken_event_does_not_validate() -> None:
    statement = next(event for event in stage_events() if event["schema"] == "naba.statement/1")
    del statement["speaker"]["name"]
    with pytest.raises(jsonschema.ValidationError):
        assert_valid(statement)
    letter = next(event for event in stage_events() if event["schema"] == "naba.dlq/1")
    letter["offset"] = "3"
    with pytest.raises(jsonschema.ValidationError):
        assert_valid(letter)
    assert base64.b64decode(letter["value"]) == b"{"
