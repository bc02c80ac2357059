"""How many API calls a collection makes, and that the shipped IAM policy covers every one of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from fargate_netcheck.collect import account, collect, ec2, profiles, resolver
from fargate_netcheck.collect.iam import declared_actions, policy_document, render_policy
from fargate_netcheck.collect.session import is_read_only, make_session

REGION = "us-east-1"
POLICY_FILE = Path(__file__).resolve().parents[2] / "policy" / "iam-policy.json"


def _build(vpcs: int, subnets_per_vpc: int) -> None:
    plain = boto3.client("ec2", region_name=REGION)
    for v in range(vpcs):
        vpc_id = plain.create_vpc(CidrBlock=f"10.{v}.0.0/16")["Vpc"]["VpcId"]
        for s in range(subnets_per_vpc):
            plain.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{v}.{s}.0/24")


def _counts(vpcs: int, subnets_per_vpc: int) -> tuple[dict[str, int], int]:
    with mock_aws():
        _build(vpcs, subnets_per_vpc)
        snapshot, calls = collect([REGION])
    return calls.counts, len(snapshot["regions"][REGION]["Subnets"])


def test_call_count_does_not_grow_with_subnets() -> None:
    few, few_subnets = _counts(5, 4)
    many, many_subnets = _counts(5, 40)

    assert many_subnets - few_subnets == 5 * 36  # the networks really differ
    assert many == few
    assert sum(many.values()) == sum(few.values())
    assert few["ec2:DescribeSubnets"] == 1
    assert few["ec2:DescribeVpcAttribute"] == 2 * 6  # two per VPC (five and the default one)
    assert few["route53profiles:ListProfileAssociations"] == 1  # per region, never per VPC


def test_every_call_made_is_in_the_policy(network: dict[str, str]) -> None:
    session = make_session(None)
    made: set[str] = set()

    def record(model: Any, **_: Any) -> None:
        made.add(f"{model.service_model.service_name}:{model.name}")

    session.events.register("before-call", record)  # an observer of its own, not the CallLog

    snapshot, _ = collect([REGION], session=session)

    assert snapshot["regions"][REGION]["Errors"] == {}
    policy_actions = set(policy_document()["Statement"][0]["Action"])
    assert made <= policy_actions
    # The moto network exercises every call the EC2 and STS collectors declare: nothing unused is shipped.
    # Of ECS, a snapshot reads only the account settings (dualStackIPv6). It has no firewall, DNS Firewall rule group or private zone: of those collectors, only the List
    # calls are made here (their per-resource calls are proven in test_collect_need_kinds.py).
    listed = {
        "network-firewall:ListFirewalls",
        "route53:ListHostedZones",
        "route53:ListHostedZonesByVPC",
        *(k.iam_action for k in resolver.KINDS),
        *profiles.IAM_ACTIONS,
    }
    assert made == set(ec2.IAM_ACTIONS) | set(account.IAM_ACTIONS) | listed | {"ecs:ListAccountSettings"}


def test_policy_is_least_privilege_and_sorted() -> None:
    document = policy_document()
    (statement,) = document["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "*"
    assert statement["Action"] == sorted(set(statement["Action"])) == declared_actions()
    assert "sts:GetCallerIdentity" in statement["Action"]
    assert all(
        is_read_only(*action.split(":")) for action in statement["Action"]
    )  # the guard lets each through


def test_shipped_policy_file_is_the_generated_policy() -> None:
    text = POLICY_FILE.read_text(encoding="utf-8")
    assert json.loads(text) == policy_document()
    assert text == render_policy()  # 2-space indent, trailing newline
