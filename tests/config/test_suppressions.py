"""Suppressions: by exact id, glob, rule prefix and target; expired ones stop suppressing and warn
(SUP001); unused ones warn (SUP002); suppressed findings leave the exit code."""

from __future__ import annotations

from datetime import date

import pytest

from fargate_netcheck.checks.suppressions import Suppression, apply_suppressions, suppression_rules
from fargate_netcheck.cli.config import load_config
from fargate_netcheck.core.model import Finding, Report, Severity
from fargate_netcheck.pipeline import exit_code

TODAY = date(2026, 6, 1)


def finding(rule_id="GW002", resource="subnet-0abc1", target="cli:subnet-0abc1", severity=Severity.ERROR):
    return Finding(rule_id, severity, resource, target, f"{rule_id} on {resource}", "fix it")


def reasons(findings: list[Finding]) -> dict[tuple[str, str], str | None]:
    return {(f.rule_id, f.resource_id): f.suppressed for f in findings}


def test_exact_resource_id_suppresses_only_that_resource():
    findings = [finding(resource="subnet-0abc1"), finding(resource="subnet-0abc2")]
    out, extras = apply_suppressions(findings, [Suppression("GW002", "subnet-0abc1", "accepted")], TODAY)
    assert reasons(out) == {("GW002", "subnet-0abc1"): "accepted", ("GW002", "subnet-0abc2"): None}
    assert extras == []


def test_glob_suppresses_every_matching_resource_and_nothing_else():
    findings = [
        finding(resource="subnet-0abc1"),
        finding(resource="subnet-0abc2"),
        finding(resource="subnet-9"),
    ]
    out, _ = apply_suppressions(findings, [Suppression("GW002", "subnet-0abc*", "legacy VPC")], TODAY)
    assert [f.suppressed for f in out] == ["legacy VPC", "legacy VPC", None]


def test_glob_is_case_sensitive_like_aws_ids():
    out, _ = apply_suppressions(
        [finding(resource="subnet-0ABC1")], [Suppression("GW", "subnet-0abc*", "r")], TODAY
    )
    assert out[0].suppressed is None


def test_rule_prefix_suppresses_the_whole_family_only():
    findings = [finding("SG001", "sg-1"), finding("SG100", "sg-1"), finding("GW002", "sg-1")]
    out, _ = apply_suppressions(findings, [Suppression("SG", "sg-1", "reviewed")], TODAY)
    assert reasons(out) == {
        ("SG001", "sg-1"): "reviewed",
        ("SG100", "sg-1"): "reviewed",
        ("GW002", "sg-1"): None,
    }


def test_target_glob_narrows_a_suppression_to_some_tasks():
    prod = finding(target="ecs-service:prod/api")
    dev = finding(target="ecs-service:dev/api")
    no_target = finding(target=None)
    rule = Suppression("GW002", "subnet-*", "prod has a firewall", target="ecs-service:prod/*")
    out, _ = apply_suppressions([prod, dev, no_target], [rule], TODAY)
    assert [f.suppressed for f in out] == ["prod has a firewall", None, None]


def test_first_matching_suppression_gives_the_reason_and_findings_are_not_mutated():
    original = finding()
    out, extras = apply_suppressions(
        [original],
        [Suppression("GW", "subnet-*", "first"), Suppression("GW002", "subnet-0abc1", "second")],
        TODAY,
    )
    assert out[0].suppressed == "first"
    assert original.suppressed is None  # Finding is frozen: a copy was made
    assert [e.rule_id for e in extras] == ["SUP002"]  # the second never got to match anything


def test_expired_suppression_no_longer_suppresses_and_warns():
    expired = Suppression(
        "GW002", "subnet-0abc*", "migration NET-12", expires=date(2026, 5, 31), source="p:7"
    )
    out, extras = apply_suppressions([finding()], [expired], TODAY)
    assert out[0].suppressed is None
    (warning,) = extras
    assert (warning.rule_id, warning.severity, warning.resource_id) == (
        "SUP001",
        Severity.WARNING,
        "subnet-0abc*",
    )
    for part in ("GW002", "migration NET-12", "2026-05-31", "p:7"):
        assert part in warning.message
    assert not any(e.rule_id == "SUP002" for e in extras)  # expired is reported once, as expired


@pytest.mark.parametrize(
    ("expires", "is_live"),
    [(date(2026, 6, 2), True), (date(2026, 6, 1), False), (date(2026, 5, 1), False)],
)
def test_a_suppression_expires_on_its_date(expires, is_live):
    out, extras = apply_suppressions([finding()], [Suppression("GW002", "subnet-0abc1", "r", expires)], TODAY)
    assert (out[0].suppressed == "r") is is_live
    assert [e.rule_id for e in extras] == ([] if is_live else ["SUP001"])


def test_unused_suppression_warns_with_its_pattern():
    out, extras = apply_suppressions([finding()], [Suppression("SG100", "sg-gone", "old exception")], TODAY)
    assert out[0].suppressed is None
    (warning,) = extras
    assert (warning.rule_id, warning.severity, warning.resource_id) == ("SUP002", Severity.WARNING, "sg-gone")
    assert "matched no finding" in warning.message and "old exception" in warning.message


def test_suppressed_findings_stay_in_the_report_but_leave_the_exit_code():
    out, _ = apply_suppressions([finding()], [Suppression("GW002", "subnet-0abc1", "accepted")], TODAY)
    report = Report("0.1.0", [], out, {})
    assert exit_code(report) == 0
    assert report.summary()["errors"] == 0
    assert exit_code(Report("0.1.0", [], [finding()], {})) == 1


def test_suppression_rules_are_documented_warnings():
    rules = suppression_rules()
    assert set(rules) == {"SUP001", "SUP002"}
    for info in rules.values():
        assert info.severity is Severity.WARNING and info.title and info.remediation
        for section in ("What it checks", "Why it matters", "Example", "Fix"):
            assert section in info.docs, (info.id, section)


def test_suppressions_from_a_configuration_file_apply(tmp_path):
    (tmp_path / ".fargate-netcheck.toml").write_text(
        '[[suppress]]\nrule = "gw"\nresource = "subnet-0abc*"\nreason = "legacy"\nexpires = 2027-01-01\n'
        '[[suppress]]\nrule = "RT001"\nresource = "subnet-x"\nreason = "old"\nexpires = 2026-01-01\n'
    )
    config = load_config(tmp_path)
    out, extras = apply_suppressions([finding()], config.suppress, TODAY)
    assert out[0].suppressed == "legacy"
    (warning,) = extras
    assert warning.rule_id == "SUP001" and ".fargate-netcheck.toml:6" in warning.message
