"""A JSON Schema (draft 2020-12) of the snapshot format, derived from the tables the loader checks
with (``snapshot.schema``), so the two cannot drift apart. Printed by
``fargate-netcheck schema snapshot``; docs/snapshot-format.md documents the format.

The schema checks structure, ids and field types. Loading checks more than a schema can say: that
CIDR blocks parse (and are of the right family), that ids are unique, that references between items
resolve, and the rules of network ACL entries.
"""

from __future__ import annotations

from typing import Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.schema import (
    BOOL,
    CIDR4,
    CIDR6,
    CIDR_ANY,
    DICT,
    FIELD_SPECS,
    ID_FIELDS,
    INT,
    LIST,
    STR,
    TAG_SPEC,
    OneOf,
)
from fargate_netcheck.snapshot.store import SNAPSHOT_VERSION

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_CIDR_PATTERNS = {
    CIDR4: r"^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$",
    CIDR6: r"^[0-9A-Fa-f:.]+/[0-9]{1,3}$",
    CIDR_ANY: r"^[0-9A-Fa-f:.]+/[0-9]{1,3}$",
}


def snapshot_schema() -> JsonDict:
    """The schema as a dict (``json.dumps`` it to print)."""
    kinds = {
        kind: {
            "type": "array",
            "items": _item(kind),
            "description": "Items of the matching AWS call, verbatim.",
        }
        for kind in ID_FIELDS
    }
    region = {
        "type": "object",
        "description": "One region: each collected kind, and Errors. A missing kind was not collected.",
        "properties": {
            **kinds,
            "Errors": {
                "type": "object",
                "description": "Kind -> why it could not be collected; the verdicts that need it are unknown.",
                "additionalProperties": {"type": "string"},
            },
        },
        "additionalProperties": False,
    }
    regions = {"type": "object", "additionalProperties": {"$ref": "#/$defs/region"}}
    account_errors = {"type": "object", "additionalProperties": {"type": "string"}}
    return {
        "$schema": _DIALECT,
        "$id": f"https://pypi.org/project/fargate-netcheck/schemas/snapshot-v{SNAPSHOT_VERSION}.json",
        "title": f"fargate-netcheck snapshot, snapshot_version {SNAPSHOT_VERSION}",
        "type": "object",
        "required": ["snapshot_version"],
        "properties": {
            "snapshot_version": {"const": SNAPSHOT_VERSION},
            "collected_at": {"type": ["string", "null"]},
            "account_id": {"type": ["string", "null"]},
            "regions": {"$ref": "#/$defs/regions"},
            "accounts": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["regions"],
                    "properties": {"regions": {"$ref": "#/$defs/regions"}, "Errors": account_errors},
                },
            },
        },
        "oneOf": [{"required": ["regions"]}, {"required": ["accounts"]}],
        "$defs": {"regions": regions, "region": region},
    }


def _item(kind: str) -> JsonDict:
    id_field = ID_FIELDS[kind]
    item = _object({**TAG_SPEC, **FIELD_SPECS.get(kind, {})})
    item["required"] = [id_field]
    item["properties"][id_field] = {"type": "string", "minLength": 1}
    return item


def _object(spec: dict[str, Any]) -> dict[str, Any]:
    """An object whose named fields, when present and not null, have their type; any other field
    (the rest of the AWS shape) passes through."""
    return {"type": "object", "properties": {name: _nullable(_field(t)) for name, t in spec.items()}}


def _field(expected: Any) -> JsonDict:
    if isinstance(expected, OneOf):
        return {"type": "string", "enum": sorted(expected)}
    if isinstance(expected, tuple) and expected[0] is DICT:
        return _object(expected[1])
    if isinstance(expected, tuple) and expected[0] is LIST:
        return {"type": "array", "items": {"type": "string"} if expected[1] is STR else _object(expected[1])}
    if expected in _CIDR_PATTERNS:
        return {"type": "string", "pattern": _CIDR_PATTERNS[expected]}
    if expected is DICT:
        return {"type": "object"}
    return {"type": {STR: "string", BOOL: "boolean", INT: "integer", LIST: "array"}[expected]}


def _nullable(schema: JsonDict) -> JsonDict:
    """The loader reads a null field as an absent one."""
    return {"anyOf": [schema, {"type": "null"}]}
