"""The JSON Schema (draft 2020-12) of the JSON report, shipped inside the package
(``report.schema.json``; printed by ``fargate-netcheck schema report``). docs/report-format.md
documents every key it names; the test suite validates every JSON report it writes against it."""

from __future__ import annotations

import json
from importlib import resources

from fargate_netcheck.core.json_types import JsonDict

SCHEMA_FILE = "report.schema.json"


def report_schema_text() -> str:
    """The schema as shipped, byte for byte."""
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def report_schema() -> JsonDict:
    schema: JsonDict = json.loads(report_schema_text())
    return schema
