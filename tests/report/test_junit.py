from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest
from report.sample_report import TARGET_REACHABLE, TARGET_UNKNOWN, TARGET_UNREACHABLE

from fargate_netcheck.core.model import Finding, Severity
from fargate_netcheck.report import junit


@pytest.fixture
def root(report) -> ET.Element:
    return ET.fromstring(junit.render(report).encode())


def _suite(root: ET.Element, name: str) -> ET.Element:
    (suite,) = [s for s in root.iter("testsuite") if s.get("name") == name]
    return suite


def _case(root: ET.Element, name: str) -> ET.Element:
    (case,) = [c for c in root.iter("testcase") if c.get("name") == name]
    return case


def test_one_suite_per_target_source(root):
    assert root.tag == "testsuites"
    names = [s.get("name") for s in root.findall("testsuite")]
    # (the sample has no collection section, but a kind that failed: it fails a collection case)
    assert names == ["cli", "collection", "deploy-config:prod/worker", "ecs-service:prod/api"]


def test_suite_and_root_counts_match_their_test_cases(root):
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        assert {k: int(suite.get(k)) for k in counts} == counts
        assert suite.get("time") == "0"
        for key, value in counts.items():
            totals[key] += value
    assert (
        {k: int(root.get(k)) for k in totals}
        == totals
        == {"tests": 6, "failures": 3, "errors": 0, "skipped": 1}
    )


def test_one_case_per_target_and_check(root):
    names = {c.get("name") for c in root.iter("testcase")}
    assert {
        f"{TARGET_REACHABLE}: internet egress",
        f"{TARGET_REACHABLE}: ecr pull",
        f"{TARGET_UNREACHABLE}: internet egress",
        f"{TARGET_UNKNOWN}: internet egress",
    } <= names
    assert f"{TARGET_UNREACHABLE}: ecr pull" not in names  # no ECR walk was traced for it


def test_reachable_passes_unreachable_fails_and_unknown_is_skipped(root):
    reachable = _case(root, f"{TARGET_REACHABLE}: internet egress")
    assert [child.tag for child in reachable] == ["system-out"]
    failure = _case(root, f"{TARGET_UNREACHABLE}: internet egress").find("failure")
    assert failure.get("type") == "unreachable"
    assert "no public IP" in failure.get("message")
    assert "blocked at: igw-0a11" in failure.text
    skipped = _case(root, f"{TARGET_UNKNOWN}: internet egress").find("skipped")
    assert skipped.get("message").startswith("unknown: transit gateway route tables were not collected")


def test_deployment_config_cases_carry_the_file_and_line(root):
    case = _case(root, f"{TARGET_UNREACHABLE}: internet egress")
    assert (case.get("file"), case.get("line")) == ("deploy/prod.yml", "12")


def test_error_findings_fail_in_their_targets_suite_and_warnings_get_no_case(root):
    suite = _suite(root, "deploy-config:prod/worker")
    case = _case(suite, f"EGRESS-001: igw-0a11 ({TARGET_UNREACHABLE})")
    assert case.find("failure").get("type") == "EGRESS-001"
    assert "Fix: Set assignPublicIp=ENABLED" in case.find("failure").text
    assert not [c for c in root.iter("testcase") if c.get("name", "").startswith(("DATA-001", "SG-002"))]


def test_suppressed_error_finding_is_skipped_with_its_reason(report):
    report.findings = [dataclasses.replace(report.findings[0], suppressed="accepted risk")]
    root = ET.fromstring(junit.render(report))
    case = _case(root, f"EGRESS-001: igw-0a11 ({TARGET_UNREACHABLE})")
    assert case.find("failure") is None
    assert case.find("skipped").get("message") == "suppressed: accepted risk"


def test_error_finding_without_a_target_goes_to_the_findings_suite(report):
    report.findings.append(Finding("ROUTE-009", Severity.ERROR, "rtb-9", None, "bad route", "fix it"))
    root = ET.fromstring(junit.render(report))
    suite = _suite(root, "findings")
    assert suite.get("failures") == "1"
    assert suite.find("testcase").get("name") == "ROUTE-009: rtb-9"


def test_hostile_strings_are_escaped_and_round_trip(report, hostile):
    report.targets[2].target = dataclasses.replace(report.targets[2].target, source=hostile)
    text = junit.render(report)
    assert "<script" not in text and "<img" not in text
    root = ET.fromstring(text)
    suite = _suite(root, hostile)
    assert hostile in suite.find("testcase/skipped").get("message")
    assert [e.tag for e in root.iter() if e.tag in ("img", "script")] == []


def test_characters_xml_cannot_carry_are_replaced_not_fatal(report):
    report.targets[0].internet_egress.reason = "nul\x00 and bell\x07 and esc\x1b"
    root = ET.fromstring(junit.render(report))
    text = _case(root, f"{TARGET_REACHABLE}: internet egress").find("system-out").text
    assert "nul\ufffd and bell\ufffd and esc\ufffd" in text


def test_same_report_renders_the_same_bytes(report):
    from report.sample_report import sample_report

    assert junit.render(report) == junit.render(sample_report())


def test_two_findings_of_one_rule_resource_and_target_are_two_distinct_cases(report):
    """CI tools key cases by class and name: the second would be merged into the first and lost."""
    report.findings.append(Finding("ROUTE-009", Severity.ERROR, "rtb-9", None, "one gap", "fix it"))
    report.findings.append(Finding("ROUTE-009", Severity.ERROR, "rtb-9", None, "another gap", "fix it"))
    names = [c.get("name") for c in _suite(ET.fromstring(junit.render(report).encode()), "findings")]
    assert names == ["ROUTE-009: rtb-9", "ROUTE-009: rtb-9 #2"]
