"""Baselines: new / unchanged / resolved against a previous JSON report, identity without the
message, validation of the baseline file, and --fail-on-new."""

from __future__ import annotations

import json

import pytest

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Finding, Report, Severity
from fargate_netcheck.report import json_report
from fargate_netcheck.report.baseline import apply_baseline, fail_on_new, load_baseline


def finding(rule_id, resource, target="t1", message=None, severity=Severity.ERROR, suppressed=None):
    return Finding(rule_id, severity, resource, target, message or f"{rule_id} {resource}", "fix", suppressed)


def report_dict(findings: list[Finding]) -> dict:
    return json_report.to_dict(Report("0.1.0", [], findings, {}))


def test_one_new_one_unchanged_one_resolved():
    before = report_dict([finding("RT001", "subnet-a"), finding("GW002", "subnet-b")])
    now = [finding("RT001", "subnet-a"), finding("SG001", "sg-c")]
    marked, resolved = apply_baseline(now, before)
    assert [(f.rule_id, f.baseline) for f in marked] == [("RT001", "unchanged"), ("SG001", "new")]
    assert [(f.rule_id, f.resource_id, f.baseline) for f in resolved] == [("GW002", "subnet-b", "resolved")]
    assert resolved[0].severity is Severity.ERROR and resolved[0].message == "GW002 subnet-b"


def test_a_reworded_message_or_new_severity_is_still_the_same_finding():
    before = report_dict([finding("RT001", "subnet-a", message="no route to 0.0.0.0/0")])
    now = [
        finding(
            "RT001", "subnet-a", message="no route for the internet (0.0.0.0/0)", severity=Severity.WARNING
        )
    ]
    marked, resolved = apply_baseline(now, before)
    assert marked[0].baseline == "unchanged" and resolved == []


def test_target_is_part_of_the_identity():
    before = report_dict([finding("RT001", "subnet-a", target="t1")])
    marked, resolved = apply_baseline([finding("RT001", "subnet-a", target="t2")], before)
    assert marked[0].baseline == "new"
    assert [f.target_id for f in resolved] == ["t1"]


def test_findings_sharing_an_identity_are_counted_one_to_one_exact_messages_first():
    before = report_dict(
        [finding("SG001", "sg-1", message="internet egress"), finding("SG001", "sg-1", message="ECR")]
    )
    now = [
        finding("SG001", "sg-1", message="brand new"),
        finding("SG001", "sg-1", message="ECR"),
        finding("SG001", "sg-1", message="internet egress"),
    ]
    marked, resolved = apply_baseline(now, before)
    assert [(f.message, f.baseline) for f in marked] == [
        ("brand new", "new"),
        ("ECR", "unchanged"),
        ("internet egress", "unchanged"),
    ]
    assert resolved == []
    # One finding now for two before: it pairs with one of them (reworded), the other is resolved.
    marked, resolved = apply_baseline(now[:1], before)
    assert [f.baseline for f in marked] == ["unchanged"]
    assert len(resolved) == 1
    _, resolved = apply_baseline([], before)
    assert sorted(f.message for f in resolved) == ["ECR", "internet egress"]


def test_json_report_counts_new_and_resolved(tmp_path):
    path = tmp_path / "before.json"
    path.write_text(
        json_report.render(Report("0.1.0", [], [finding("RT001", "a"), finding("GW002", "b")], {}))
    )
    marked, resolved = apply_baseline([finding("RT001", "a"), finding("SG001", "c")], load_baseline(path))
    data = json.loads(json_report.render(Report("0.1.0", [], marked, {}, resolved=resolved)))
    assert (data["summary"]["new"], data["summary"]["resolved"]) == (1, 1)
    assert [f["baseline"] for f in data["findings"]] == ["unchanged", "new"]
    assert data["resolved_findings"][0]["rule_id"] == "GW002"


def test_suppressed_baseline_findings_keep_their_reason_when_resolved():
    before = report_dict([finding("RT001", "a", suppressed="accepted")])
    _, resolved = apply_baseline([], before)
    assert resolved[0].suppressed == "accepted"


def test_fail_on_new_ignores_unchanged_suppressed_and_lower_severities():
    new_error = Finding("RT001", Severity.ERROR, "a", None, "m", "r", baseline="new")
    assert fail_on_new([new_error])
    unchanged = Finding("RT001", Severity.ERROR, "a", None, "m", "r", baseline="unchanged")
    suppressed_new = Finding("RT001", Severity.ERROR, "a", None, "m", "r", suppressed="ok", baseline="new")
    warning_new = Finding("SG100", Severity.WARNING, "a", None, "m", "r", baseline="new")
    assert not fail_on_new([unchanged, suppressed_new, warning_new], Severity.ERROR)
    assert fail_on_new([warning_new], Severity.WARNING)
    assert not fail_on_new([finding("RT001", "a")])  # no baseline applied: nothing is "new"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", r"before\.json:1:\d+: not valid JSON: Expecting property name"),
        ("[]", r"before\.json: not a fargate-netcheck JSON report"),
        (
            '{"report_version": 2, "findings": []}',
            r"before\.json: report_version is 2; this version reads report_version 1",
        ),
        ('{"snapshot_version": 1}', r"before\.json: report_version is None"),
        ('{"report_version": 1}', r"before\.json: findings: must be a list"),
        ('{"report_version": 1, "findings": [1]}', r"before\.json: findings\[0\]: must be an object"),
        (
            '{"report_version": 1, "findings": [{"rule_id": "RT001", "severity": "error", "target_id": null}]}',
            r"before\.json: findings\[0\]: resource_id: must be a non-empty string",
        ),
        (
            '{"report_version": 1, "findings": [{"rule_id": "RT001", "resource_id": "a", "severity": "error"}]}',
            r"before\.json: findings\[0\]: target_id: must be a string or null",
        ),
        (
            '{"report_version": 1, "findings": [{"rule_id": "RT001", "resource_id": "a", "target_id": null, "severity": "bad"}]}',
            r"before\.json: findings\[0\]: severity: 'bad' is not error, warning or info",
        ),
    ],
)
def test_a_bad_baseline_file_is_an_input_error_naming_it(tmp_path, content, expected):
    path = tmp_path / "before.json"
    path.write_text(content)
    with pytest.raises(InputError, match=expected):
        load_baseline(path)


def test_a_missing_baseline_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"gone\.json: no such baseline report"):
        load_baseline(tmp_path / "gone.json")


def test_apply_baseline_validates_a_dict_it_is_given():
    with pytest.raises(InputError, match="report_version"):
        apply_baseline([], {"findings": []})


def test_a_run_compared_with_a_baseline_says_so_when_neither_has_a_finding(capsys, tmp_path):
    """docs/report-format.md: ``new`` and ``resolved`` come with --baseline. Neither run having a
    finding is a comparison too (nothing new, nothing resolved), not "no baseline given"."""
    from cli_helpers import run_cli
    from snapshots import healthy, write

    snap = str(write(healthy(), tmp_path / "s.json"))
    target = ("--subnet", "subnet-private", "--security-group", "sg-open")
    first = run_cli(capsys, "check", "--snapshot", snap, *target, "-f", "json")
    assert first.code == 0 and json.loads(first.out)["findings"] == []
    (tmp_path / "before.json").write_text(first.out)
    again = run_cli(
        capsys,
        "check",
        "--snapshot",
        snap,
        *target,
        "-f",
        "json",
        "--baseline",
        str(tmp_path / "before.json"),
    )
    report = json.loads(again.out)
    assert (report["summary"]["new"], report["summary"]["resolved"], report["resolved_findings"]) == (
        0,
        0,
        [],
    )
    markdown = run_cli(
        capsys,
        "check",
        "--snapshot",
        snap,
        *target,
        "-f",
        "markdown",
        "--baseline",
        str(tmp_path / "before.json"),
    )
    assert "### Change against the baseline" in markdown.out
