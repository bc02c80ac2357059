"""The demo account builder, run under in-process moto: every resource is there as designed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from fargate_netcheck.demo.account import (
    HOSTILE,
    HOSTILE_SG_NAME,
    HOSTILE_SUBNET_NAME,
    DemoTarget,
    build_demo_account,
)

REGION = "us-east-1"


@pytest.fixture
def demo() -> Iterator[tuple[Any, dict[str, DemoTarget]]]:
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        targets = build_demo_account(ec2, REGION)
        yield ec2, {t.name: t for t in targets}


def _subnet(ec2: Any, subnet_id: str) -> dict[str, Any]:
    return ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]


def _explicit_route_table(ec2: Any, subnet_id: str) -> dict[str, Any] | None:
    tables = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
    return tables["RouteTables"][0] if tables["RouteTables"] else None


def _default_route(table: dict[str, Any]) -> dict[str, Any] | None:
    return next((r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)


def _name(item: dict[str, Any]) -> str | None:
    return next((t["Value"] for t in item.get("Tags", []) if t["Key"] == "Name"), None)


def test_targets_cover_each_story_with_expected_verdicts(demo):
    _, targets = demo
    assert {name: t.expected for name, t in targets.items()} == {
        "private-via-nat": "reachable",
        "public-with-public-ip": "reachable",
        "public-without-public-ip": "unreachable",
        "nat-in-private-subnet": "unreachable",
        "closed-security-group": "unreachable",
        "acl-denies-replies": "unreachable",
        "second-vpc-implicit-main-table": "unreachable",
    }
    for target in targets.values():
        assert (target.expected_blocked_at is None) == (target.expected == "reachable")
        assert bool(target.expected_path) == (target.expected == "reachable")


def test_healthy_private_path_runs_through_an_available_nat_in_the_public_subnet(demo):
    ec2, targets = demo
    subnet, _rtb, nat_id, nat_subnet, public_rtb, igw_id = targets["private-via-nat"].expected_path
    assert _default_route(_explicit_route_table(ec2, subnet))["NatGatewayId"] == nat_id
    nat = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]
    assert nat["State"] == "available"
    assert nat["SubnetId"] == nat_subnet
    assert nat["NatGatewayAddresses"][0]["PublicIp"]
    public_table = _explicit_route_table(ec2, nat_subnet)
    assert public_table["RouteTableId"] == public_rtb
    assert _default_route(public_table)["GatewayId"] == igw_id
    igw = ec2.describe_internet_gateways(InternetGatewayIds=[igw_id])["InternetGateways"][0]
    assert igw["Attachments"] == [{"State": "available", "VpcId": _subnet(ec2, subnet)["VpcId"]}]


def test_demo_vpcs_are_tagged_and_span_two_zones(demo):
    ec2, targets = demo
    vpc_id = _subnet(ec2, targets["private-via-nat"].subnet_id)["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert len({s["AvailabilityZone"] for s in subnets}) == 2
    assert all(_name(s) for s in subnets)
    names = {_name(v) for v in ec2.describe_vpcs()["Vpcs"]}
    assert {"demo-app", "demo-isolated"} <= names


def test_misplaced_nat_sits_in_a_subnet_without_an_igw_route(demo):
    ec2, targets = demo
    target = targets["nat-in-private-subnet"]
    table = _explicit_route_table(ec2, target.subnet_id)
    assert _default_route(table)["NatGatewayId"] == target.expected_blocked_at
    nat = ec2.describe_nat_gateways(NatGatewayIds=[target.expected_blocked_at])["NatGateways"][0]
    nat_table = _explicit_route_table(ec2, nat["SubnetId"])
    assert [r["GatewayId"] for r in nat_table["Routes"]] == ["local"]


def test_public_subnet_targets_differ_only_in_public_ip(demo):
    _, targets = demo
    with_ip, without_ip = targets["public-with-public-ip"], targets["public-without-public-ip"]
    assert with_ip.subnet_id == without_ip.subnet_id
    assert (with_ip.assign_public_ip, without_ip.assign_public_ip) == (True, False)
    assert without_ip.expected_blocked_at == with_ip.expected_path[-1]


def test_closed_security_group_has_no_egress_and_a_hostile_name(demo):
    ec2, targets = demo
    target = targets["closed-security-group"]
    assert target.subnet_id == targets["private-via-nat"].subnet_id
    (group,) = ec2.describe_security_groups(GroupIds=list(target.security_group_ids))["SecurityGroups"]
    assert group["IpPermissionsEgress"] == []
    assert group["GroupId"] == target.expected_blocked_at
    assert _name(group) == HOSTILE_SG_NAME
    assert HOSTILE == "<script>alert(1)</script>"
    assert HOSTILE in HOSTILE_SG_NAME


def test_task_security_groups_allow_all_outbound(demo):
    ec2, targets = demo
    for name in ("private-via-nat", "second-vpc-implicit-main-table"):
        (group,) = ec2.describe_security_groups(GroupIds=list(targets[name].security_group_ids))[
            "SecurityGroups"
        ]
        assert group["IpPermissionsEgress"][0]["IpProtocol"] == "-1"
        assert group["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]


def test_acl_allows_443_out_and_denies_ephemeral_replies_first(demo):
    ec2, targets = demo
    target = targets["acl-denies-replies"]
    acls = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [target.subnet_id]}]
    )
    (acl,) = acls["NetworkAcls"]
    assert acl["NetworkAclId"] == target.expected_blocked_at
    assert _name(_subnet(ec2, target.subnet_id)) == HOSTILE_SUBNET_NAME
    assert HOSTILE in HOSTILE_SUBNET_NAME
    assert not acl["IsDefault"]
    entries = sorted(
        (
            e["Egress"],
            e["RuleNumber"],
            e["Protocol"],
            e["RuleAction"],
            e["PortRange"]["From"],
            e["PortRange"]["To"],
        )
        for e in acl["Entries"]
    )
    assert entries == [
        (False, 100, "6", "deny", 1024, 65535),
        (False, 200, "6", "allow", 0, 65535),
        (True, 100, "6", "allow", 443, 443),
    ]
    # Its routes are healthy: only the ACL blocks.
    healthy_nat = targets["private-via-nat"].expected_path[2]
    assert _default_route(_explicit_route_table(ec2, target.subnet_id))["NatGatewayId"] == healthy_nat


def test_second_vpc_subnet_uses_its_own_local_only_main_table_while_default_vpc_has_igw(demo):
    ec2, targets = demo
    target = targets["second-vpc-implicit-main-table"]
    assert _explicit_route_table(ec2, target.subnet_id) is None
    vpc_id = _subnet(ec2, target.subnet_id)["VpcId"]
    mains = ec2.describe_route_tables(Filters=[{"Name": "association.main", "Values": ["true"]}])[
        "RouteTables"
    ]
    by_vpc = {t["VpcId"]: t for t in mains}
    own_main = by_vpc[vpc_id]
    assert own_main["RouteTableId"] == target.expected_blocked_at
    assert [r["GatewayId"] for r in own_main["Routes"]] == ["local"]
    (default_vpc,) = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    decoy_igw = _default_route(by_vpc[default_vpc["VpcId"]])["GatewayId"]
    assert decoy_igw.startswith("igw-")
    igw = ec2.describe_internet_gateways(InternetGatewayIds=[decoy_igw])["InternetGateways"][0]
    assert igw["Attachments"][0]["VpcId"] == default_vpc["VpcId"]
    # The decoy comes first among main tables, so "the first main table" is the wrong one.
    assert mains[0]["VpcId"] == default_vpc["VpcId"]
    (group,) = ec2.describe_security_groups(GroupIds=list(target.security_group_ids))["SecurityGroups"]
    assert group["VpcId"] == vpc_id
