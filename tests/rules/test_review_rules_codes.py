"""Rule codes (``--select``/``--ignore``, ``severity``, ``[[suppress]] rule``) never split a family's
letters: ``EP`` is the VPC endpoint family (EP001...), not also the endpoint policy family ``EPP``,
as Ruff's ``E`` is pycodestyle and not ``ERA``. A digit prefix (``GW1``) still selects a range."""

from __future__ import annotations

from datetime import date

import pytest
from cli_helpers import run_cli

from fargate_netcheck.checks.registry import Selection, load_rules
from fargate_netcheck.checks.suppressions import Suppression, apply_suppressions
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Finding, Severity

EXAMPLE = "tests/depth/data/s3_endpoint_own_buckets.json"  # EPP001: the S3 endpoint policy blocks the layers


def test_ignoring_the_endpoint_family_keeps_the_endpoint_policy_family():
    rules = load_rules(plugins=False)
    kept = {r.id for r in Selection(ignore=("EP",)).pick(rules)}
    assert {"EPP001", "EPP002"} <= kept
    assert not {r for r in kept if r.startswith("EP0")}
    assert {r.id for r in Selection(select=("EP",)).pick(rules)} == {r for r in rules if r.startswith("EP0")}


def test_a_digit_prefix_still_selects_a_range_of_one_family():
    rules = load_rules(plugins=False)
    assert {r.id for r in Selection(select=("GW01",)).pick(rules)} == {
        r for r in rules if r.startswith("GW01")
    }


def test_a_severity_for_the_endpoint_family_leaves_endpoint_policies_alone():
    rules = load_rules(plugins=False)
    sel = Selection(severity={"EP": Severity.INFO})
    assert sel.severity_of(rules["EP001"]) is Severity.INFO
    assert sel.severity_of(rules["EPP001"]) is Severity.ERROR


def test_a_part_of_a_family_name_is_an_unknown_code():
    with pytest.raises(InputError, match="unknown rule id or prefix 'E'"):
        Selection(select=("E",)).pick(load_rules(plugins=False))


def test_a_suppression_of_the_endpoint_family_does_not_suppress_endpoint_policies():
    epp = Finding("EPP001", Severity.ERROR, "vpce-s3", "cli:subnet-a", "policy denies", "fix")
    ep = Finding("EP001", Severity.ERROR, "vpce-s3", "cli:subnet-a", "sg denies", "fix")
    out, _ = apply_suppressions([epp, ep], [Suppression("EP", "vpce-*", "reviewed")], date(2026, 6, 1))
    assert [(f.rule_id, f.suppressed) for f in out] == [("EPP001", None), ("EP001", "reviewed")]


def test_ignore_ep_on_the_command_line_still_fails_on_an_endpoint_policy(capsys):
    run = run_cli(
        capsys, "check", "--snapshot", EXAMPLE, "--subnet", "subnet-app-a", "--security-group", "sg-task",
        "--ignore", "EP,RT,SG", "-f", "json",
    )  # fmt: skip
    assert run.code == 1
    assert '"rule_id": "EPP001"' in run.out
