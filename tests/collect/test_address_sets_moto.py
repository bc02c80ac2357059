"""Address-set routing on networks moto builds and the collector reads: a default route in two
halves to a NAT gateway, and a partner range into a VPC peering beside the default route."""

from __future__ import annotations

from typing import Any

import pytest

from fargate_netcheck.collect import collect
from fargate_netcheck.core.model import CheckCode, Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import Destination, TraceOptions, trace_targets

REGION = "us-east-1"


@pytest.fixture
def vpc(ec2: Any) -> dict[str, str]:
    """A VPC with a public subnet (-> igw, hosts the NAT gateway) and a private one whose route
    table holds only the local route; a peer VPC; a security group allowing all egress."""
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    public_rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rtb, SubnetId=public)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    private_rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=private_rtb, SubnetId=private)
    peer = ec2.create_vpc(CidrBlock="172.20.0.0/16")["Vpc"]["VpcId"]
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc_id, PeerVpcId=peer)["VpcPeeringConnection"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    sg = ec2.create_security_group(GroupName="task", Description="task", VpcId=vpc_id)["GroupId"]
    return {
        "private": private,
        "private_rtb": private_rtb,
        "nat": nat,
        "pcx": pcx["VpcPeeringConnectionId"],
        "sg": sg,
    }


def _egress(network: dict[str, str], destination: str = "0.0.0.0/0"):
    snapshot, _ = collect([REGION])
    g = build_graph(parse_snapshot(snapshot))
    target = make_target(g, "t", network["private"], (network["sg"],), False)
    options = TraceOptions(destinations=(Destination.of(destination),))
    return trace_targets(g, [target], options)[0].internet_egress


def test_default_route_in_two_halves_to_a_nat_is_reachable(ec2: Any, vpc: dict[str, str]) -> None:
    for half in ("0.0.0.0/1", "128.0.0.0/1"):
        ec2.create_route(RouteTableId=vpc["private_rtb"], DestinationCidrBlock=half, NatGatewayId=vpc["nat"])
    r = _egress(vpc)
    assert (r.verdict, r.pieces) == (Verdict.REACHABLE, None)
    assert r.path[:3] == [vpc["private"], vpc["private_rtb"], vpc["nat"]]


def test_partner_range_into_a_peering_beside_the_default_route(ec2: Any, vpc: dict[str, str]) -> None:
    ec2.create_route(
        RouteTableId=vpc["private_rtb"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=vpc["nat"]
    )
    ec2.create_route(
        RouteTableId=vpc["private_rtb"], DestinationCidrBlock="52.0.0.0/8", VpcPeeringConnectionId=vpc["pcx"]
    )
    r = _egress(vpc)
    assert r.verdict is Verdict.UNKNOWN
    assert [(p.destination, p.result.blocked_at) for p in r.pieces][1] == (("52.0.0.0/8",), vpc["pcx"])
    assert _egress(vpc, "8.8.8.0/24").verdict is Verdict.REACHABLE
    lost = _egress(vpc, "52.94.0.0/16")
    assert (lost.verdict, lost.blocked_at) == (Verdict.UNREACHABLE, vpc["pcx"])
    assert CheckCode.PEERING_NOT_TRANSITIVE in {c.code for c in lost.failed()}
    assert _egress(vpc, "172.20.1.0/24").verdict is Verdict.UNREACHABLE  # no route for the peer yet
    ec2.create_route(
        RouteTableId=vpc["private_rtb"],
        DestinationCidrBlock="172.20.0.0/16",
        VpcPeeringConnectionId=vpc["pcx"],
    )
    assert _egress(vpc, "172.20.1.0/24").verdict is Verdict.REACHABLE


def test_ecs_account_settings_are_collected_effective(moto: None) -> None:
    snapshot, _ = collect([REGION])
    region = snapshot["regions"][REGION]
    assert "EcsAccountSettings" in region and "EcsAccountSettings" not in region["Errors"]
    assert all({"name", "value"} <= set(s) for s in region["EcsAccountSettings"])
