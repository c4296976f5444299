"""The event contract as documents, generated from the faust Records: JSON Schema and AsyncAPI 3.

`naba schemas` writes ``docs/schemas/<kind>.v<version>.json`` (one per ``EVENT_TYPES`` entry) and
``docs/asyncapi.yaml``; a test regenerates both and fails when the committed copies are stale.
Everything is derived from the models, ``topics.PAYLOADS`` and ``topics.KEYS``: adding an event
type or a field needs no change here.
"""

from __future__ import annotations

from pathlib import Path
from types import UnionType
from typing import Any, get_args, get_origin

import faust
import orjson
import yaml

from pipeline import PROJECT_ROOT, __version__, topics
from pipeline.models import EVENT_TYPES, Model
from pipeline.settings import Settings

DOCS = PROJECT_ROOT / "docs"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def file_name(schema_id: str) -> str:
    """``naba.statement/1`` -> ``statement.v1.json``."""
    kind, _, version = schema_id.removeprefix("naba.").partition("/")
    return f"{kind}.v{version}.json"


def _type_schema(kind: Any, ref: str, nested: dict[str, type[Model]]) -> dict[str, Any]:
    if get_origin(kind) is UnionType:
        options = [_type_schema(option, ref, nested) for option in get_args(kind)]
        if all(set(option) == {"type"} for option in options):
            return {"type": [option["type"] for option in options]}
        return {"anyOf": options}
    if kind is type(None):
        return {"type": "null"}
    if get_origin(kind) is list:
        (item,) = get_args(kind)
        return {"type": "array", "items": _type_schema(item, ref, nested)}
    if isinstance(kind, type) and issubclass(kind, faust.Record):
        nested[kind.__name__] = kind
        return {"$ref": f"{ref}{kind.__name__}"}
    if kind in _SCALARS:
        return {"type": _SCALARS[kind]}
    raise TypeError(f"no JSON Schema for field type {kind!r}")


def object_schema(model: type[Model], ref: str, nested: dict[str, type[Model]]) -> dict[str, Any]:
    """The JSON Schema of one record's object; records it refers to are added to ``nested``."""
    options = model._options
    properties: dict[str, Any] = {}
    for name, kind in options.fields.items():
        prop = _type_schema(kind, ref, nested)
        if name in options.defaults:
            default = options.defaults[name]
            if name == "schema":
                prop["const"] = default
            elif default is None or isinstance(default, str | int | float | list):
                prop["default"] = default
        properties[name] = prop
    schema: dict[str, Any] = {"title": model.__name__, "type": "object"}
    if model.__doc__:
        schema["description"] = " ".join(model.__doc__.split())
    schema["properties"] = properties
    schema["required"] = [name for name in options.fields if name not in options.defaults]
    # Adding a field is a compatible change: readers must accept fields they do not know.
    schema["additionalProperties"] = True
    return schema


def _with_nested(nested: dict[str, type[Model]], ref: str) -> dict[str, Any]:
    """Schemas of every nested record, following records nested in those."""
    done: dict[str, Any] = {}
    while set(nested) - set(done):
        for name in sorted(set(nested) - set(done)):
            done[name] = object_schema(nested[name], ref, nested)
    return {name: done[name] for name in sorted(done)}


def json_schema(schema_id: str) -> dict[str, Any]:
    """A self-contained JSON Schema (2020-12) for the events of ``schema_id``."""
    nested: dict[str, type[Model]] = {}
    body = object_schema(EVENT_TYPES[schema_id], "#/$defs/", nested)
    document = {"$schema": JSON_SCHEMA, "$id": schema_id, **body}
    defs = _with_nested(nested, "#/$defs/")
    if defs:
        document["$defs"] = defs
    return document


def asyncapi(settings: Settings | None = None) -> dict[str, Any]:
    """An AsyncAPI 3.0 document: every pipeline topic, its key, its payload and its partitioning."""
    partitions = (settings or Settings()).partitions
    nested: dict[str, type[Model]] = {}
    ref = "#/components/schemas/"
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic, schema_id in topics.PAYLOADS.items():
        model = EVENT_TYPES[schema_id]
        nested[model.__name__] = model
        key = topics.KEYS[topic]
        alias = next(alias for alias, name in topics.ALIASES.items() if name == topic)
        messages[model.__name__] = {
            "name": model.__name__,
            "title": schema_id,
            "contentType": "application/json",
            "payload": {"$ref": f"{ref}{model.__name__}"},
            "bindings": {"kafka": {"key": {"type": "string", "description": key}, "bindingVersion": "0.5.0"}},
        }
        channels[alias] = {
            "address": topic,
            "description": (
                f"Key: {key}. Partitioned by key ({partitions} partitions by default, setting "
                "`partitions`): events with one key stay in one partition, in order."
            ),
            "messages": {model.__name__: {"$ref": f"#/components/messages/{model.__name__}"}},
            "bindings": {"kafka": {"topic": topic, "partitions": partitions, "bindingVersion": "0.5.0"}},
        }
        operations[f"receive-{alias}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{alias}"},
            "summary": f"Subscribe to {topic} (`naba tail {alias}`).",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "naba",
            "version": __version__,
            "description": (
                "Arabic news pipeline events. Every value is a UTF-8 JSON object with a `schema` id; "
                "delivery is at least once: de-duplicate by `id` (and `revision`)."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": _with_nested(nested, ref)},
    }


def render() -> dict[Path, str]:
    """Every generated document, by path relative to the project root."""
    out: dict[Path, str] = {}
    for schema_id in EVENT_TYPES:
        text = orjson.dumps(json_schema(schema_id), option=orjson.OPT_INDENT_2).decode() + "\n"
        out[Path("docs/schemas") / file_name(schema_id)] = text
    header = "# Generated by `naba schemas` from pipeline/models.py and pipeline/topics.py: do not edit.\n"
    body = yaml.safe_dump(asyncapi(), sort_keys=False, allow_unicode=True, width=100)
    out[Path("docs/asyncapi.yaml")] = header + body
    return out


def write(root: Path = PROJECT_ROOT) -> list[Path]:
    """Write the documents under ``root``; return the paths whose content changed."""
    changed = []
    for relative, text in render().items():
        path = root / relative
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(relative)
    return changed
