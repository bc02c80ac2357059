"""A run that checked nothing, or whose collection failed, never looks green in any format; SARIF
tells findings that share an identity apart (review of the reports' meaning)."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET

from report.sample_report import TARGET_REACHABLE, TARGET_UNKNOWN, sample_report

from fargate_netcheck.core.collection_summary import CollectionSummary, RegionCollection
from fargate_netcheck.core.model import Finding, Report, Severity
from fargate_netcheck.report import junit, markdown, sarif

ACCOUNT, REGION = "123456789012", "us-east-1"


def _collection(failures: dict[str, str] | None = None, unsupported: dict[str, str] | None = None):
    region = RegionCollection(ACCOUNT, REGION, failures=failures or {}, unsupported=unsupported or {})
    return CollectionSummary(False, None, None, None, (region,), {})


def _reachable_only(**extra) -> Report:
    """One reachable target, no finding."""
    base = sample_report()
    return Report("0.1.0", [base.targets[0]], [], {}, account_ids=(ACCOUNT,), **extra)


def _status(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("**"))


def test_markdown_of_a_run_that_checked_nothing_is_not_green():
    text = markdown.render(Report("0.1.0", [], [], {}, collection=_collection()))
    assert ":white_check_mark:" not in text
    assert _status(text).startswith("**:x: 0 targets checked: nothing was checked")


def test_markdown_with_a_failed_collection_is_not_green_even_when_every_target_is_reachable():
    report = _reachable_only(
        errors={f"{ACCOUNT}/{REGION}/NatGateways": "AccessDenied"},
        collection=_collection({"NatGateways": "AccessDenied"}),
    )
    text = markdown.render(report)
    assert ":white_check_mark:" not in text
    assert "1 collection failure" in _status(text)


def test_markdown_of_a_diagnosis_with_collection_errors_and_no_collection_section_is_not_green():
    report = _reachable_only(errors={f"{ACCOUNT}/{REGION}/NatGateways": "AccessDenied"})
    assert ":white_check_mark:" not in markdown.render(report)


def test_markdown_stays_green_when_the_endpoint_only_lacks_block_public_access():
    """An endpoint without VPC Block Public Access answered: BPA is off (README); nothing is missing."""
    answer = "unsupported-action: InvalidAction"
    report = _reachable_only(
        errors={f"{ACCOUNT}/{REGION}/VpcBlockPublicAccessOptions": answer},
        collection=_collection(unsupported={"VpcBlockPublicAccessOptions": answer}),
    )
    assert _status(markdown.render(report)).startswith("**:white_check_mark:")


def test_markdown_collection_failures_survive_truncation():
    """The failures are named at the top, not only in the section a long comment cuts off."""
    report = _reachable_only(
        errors={f"{ACCOUNT}/{REGION}/NatGateways": "AccessDenied"},
        collection=_collection({"NatGateways": "AccessDenied"}),
    )
    report.findings = [
        Finding("WARN-1", Severity.WARNING, f"sg-{i:05}", TARGET_REACHABLE, "m" * 400, "fix")
        for i in range(90)
    ]
    text = markdown.render(report, max_chars=4_000)
    assert "_Truncated" in text and "1 collection failure" in text


def test_junit_of_a_run_that_checked_nothing_fails():
    for collection in (_collection(), None):
        root = ET.fromstring(junit.render(Report("0.1.0", [], [], {}, collection=collection)))
        assert int(root.get("failures")) >= 1
        failure = next(c for c in root.iter("testcase") if c.find("failure") is not None)
        assert "nothing was checked" in failure.find("failure").get("message")


def test_sarif_of_a_run_that_checked_nothing_says_so():
    log = json.loads(sarif.render(Report("0.1.0", [], [], {}, collection=_collection())))
    notes = log["runs"][0]["invocations"][0].get("toolExecutionNotifications", [])
    assert any(n["level"] == "error" and "nothing was checked" in n["message"]["text"] for n in notes)


def test_sarif_fingerprints_tell_apart_findings_that_share_an_identity():
    """One rule reporting one resource twice for one target (the internet egress and the ECR pull,
    DATA002 for two failed kinds): two results, two alerts, stable across runs."""
    report = sample_report()
    first = Finding("DATA002", Severity.ERROR, "tgw-0b22", TARGET_UNKNOWN, "internet egress: x", "fix")
    second = dataclasses.replace(first, message="ECR pull: x")
    report.findings = [first, second]
    prints = [r["partialFingerprints"] for r in json.loads(sarif.render(report))["runs"][0]["results"]]
    assert len({json.dumps(p) for p in prints}) == 2
    again = [r["partialFingerprints"] for r in json.loads(sarif.render(report))["runs"][0]["results"]]
    assert prints == again
    report.findings = [first]  # the first of them keeps its fingerprint when the other goes
    (alone,) = [r["partialFingerprints"] for r in json.loads(sarif.render(report))["runs"][0]["results"]]
    assert alone == prints[0] and alone[sarif.FINGERPRINT_KEY] == sarif.fingerprint(first)


def test_sarif_summary_is_the_json_summary_with_the_baseline_counts():
    """``check --baseline``: the JSON summary counts new and resolved findings; SARIF's copy of the
    summary says the same."""
    from fargate_netcheck.report import json_report

    report = sample_report()  # findings marked new/unchanged, one resolved
    summary = json.loads(json_report.render(report))["summary"]
    assert (summary["new"], summary["resolved"]) == (2, 1)
    assert json.loads(sarif.render(report))["runs"][0]["properties"]["summary"] == summary
