"""The needs-by-name example snapshots (tests/depth/data) through the real CLI: what `check` says
about a central-egress Network Firewall, an S3 endpoint policy and DNS."""

from __future__ import annotations

import pytest
from depth.examples import check_example

ECR = ("ECR API (auth token)", "ECR registry", "ECR image layers (S3)")


def check(capsys, name: str, subnet: str, group: str, *extra: str) -> tuple[dict, list[dict]]:
    _, report = check_example(capsys, name, subnet, group, *extra)
    (target,) = report["targets"]
    return target, report["findings"]


def needs(target: dict) -> dict[str, dict]:
    return {n["purpose"]: n for n in target["needs"]}


def test_allow_list_with_amazonaws_reaches_every_need(capsys):
    target, findings = check(
        capsys, "nfw_allows_aws.json", "subnet-spoke", "sg-spoke-task", "--need", "api.cloudreactor.io"
    )
    assert {n["name"]: n["verdict"] for n in target["needs"]} == {
        n["name"]: "reachable" for n in target["needs"]
    }
    assert len(target["needs"]) == 5 and target["ecr_pull"]["verdict"] == "reachable"
    assert not [f for f in findings if f["rule_id"].startswith(("NFW", "GW008"))]


def test_allow_list_without_amazonaws_drops_ecr_at_the_rule_group(capsys):
    target, findings = check(
        capsys, "nfw_without_aws.json", "subnet-spoke", "sg-spoke-task", "--need", "api.cloudreactor.io"
    )
    by = needs(target)
    for purpose in ECR:
        assert (by[purpose]["verdict"], by[purpose]["blocked_at"], by[purpose]["via"]) == (
            "unreachable",
            "egress-allow",
            "internet",
        )
    assert by["declared need"]["verdict"] == "reachable"
    assert (target["ecr_pull"]["verdict"], target["ecr_pull"]["blocked_at"]) == (
        "unreachable",
        "egress-allow",
    )
    fixes = {f["remediation"] for f in findings if f["rule_id"] == "NFW001"}
    assert any(
        "Add '.amazonaws.com' to the targets of domain list rule group egress-allow" in f for f in fixes
    )


def test_home_net_left_at_the_firewall_vpc_meets_the_strict_default_action(capsys):
    target, findings = check(capsys, "nfw_default_home_net.json", "subnet-spoke", "sg-spoke-task")
    api = needs(target)["ECR API (auth token)"]
    assert (api["verdict"], api["blocked_at"]) == ("unreachable", "central-egress")
    assert "aws:drop_established" in api["reason"] and "outside HOME_NET (10.100.0.0/16)" in api["reason"]
    assert {f["rule_id"] for f in findings} >= {"NFW001", "NFW003"}


def test_home_net_left_at_the_firewall_vpc_in_default_order_bypasses_the_list(capsys):
    target, findings = check(
        capsys,
        "nfw_default_home_net_default_order.json",
        "subnet-spoke",
        "sg-spoke-task",
        "--need",
        "evil.example",
    )
    assert needs(target)["declared need"]["verdict"] == "reachable"  # the allow-list never applied
    (home,) = [f for f in findings if f["rule_id"] == "NFW003"]
    assert "10.1.0.0/16" in home["remediation"]


def test_s3_gateway_policy_for_own_buckets_blocks_the_layers_at_the_endpoint(capsys):
    target, findings = check(capsys, "s3_endpoint_own_buckets.json", "subnet-app-a", "sg-task")
    layers = needs(target)["ECR image layers (S3)"]
    assert (layers["verdict"], layers["via"], layers["blocked_at"]) == (
        "unreachable",
        "vpc-endpoint",
        "vpce-s3",
    )
    assert (target["ecr_pull"]["verdict"], target["ecr_pull"]["blocked_at"]) == ("unreachable", "vpce-s3")
    (epp,) = [f for f in findings if f["rule_id"] == "EPP001"]
    assert '"Resource": "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"' in epp["remediation"]


@pytest.mark.parametrize(
    ("name", "verdict", "rule", "words"),
    [
        ("dns_firewall_blocks_aws.json", "unreachable", "DNS001", "blocks api.ecr.us-east-1.amazonaws.com"),
        ("dns_forward_amazonaws.json", "unknown", "DNS003", "forwards api.ecr.us-east-1.amazonaws.com"),
    ],
)
def test_dns_decides_aws_needs_and_leaves_others(capsys, name, verdict, rule, words):
    target, findings = check(capsys, name, "subnet-private", "sg-open", "--need", "api.cloudreactor.io")
    by = needs(target)
    assert all(by[p]["verdict"] == verdict for p in ECR)
    assert words in by["ECR API (auth token)"]["reason"]
    assert by["declared need"]["verdict"] == "reachable"
    assert rule in {f["rule_id"] for f in findings}
