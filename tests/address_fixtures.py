"""Snapshots for the address-set cases of issue 11 (written to tests/trace/data/ as fixtures the
CLI reads; ``test_address_fixtures`` keeps the files equal to these builders)."""

from __future__ import annotations

import copy
from typing import Any

from snapshots import healthy, item, region

NAT = {"NatGatewayId": "nat-app", "State": "active"}


def default_route_in_halves() -> dict[str, Any]:
    """subnet-private routes 0.0.0.0/1 and 128.0.0.0/1 to nat-app (no 0.0.0.0/0): AWS routes that
    exactly like a default route."""
    snap = healthy()
    rtb = item(snap, "RouteTables", "rtb-private")
    rtb["Routes"] = [r for r in rtb["Routes"] if r.get("DestinationCidrBlock") != "0.0.0.0/0"]
    rtb["Routes"] += [{"DestinationCidrBlock": half, **NAT} for half in ("0.0.0.0/1", "128.0.0.0/1")]
    return snap


def partner_range_into_peering() -> dict[str, Any]:
    """subnet-private: 0.0.0.0/0 -> nat-app, and a partner's 52.0.0.0/8 -> pcx-partner (to
    vpc-partner 172.20.0.0/16): a peering never reaches the internet, and 52/8 holds much of AWS's
    us-east-1 space."""
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": "52.0.0.0/8", "VpcPeeringConnectionId": "pcx-partner", "State": "active"}
    )
    reg = region(snap)
    reg["Vpcs"].append({"VpcId": "vpc-partner", "CidrBlock": "172.20.0.0/16"})
    reg["VpcPeeringConnections"].append(
        {
            "VpcPeeringConnectionId": "pcx-partner",
            "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": "vpc-app", "CidrBlock": "10.0.0.0/16"},
            "AccepterVpcInfo": {"VpcId": "vpc-partner", "CidrBlock": "172.20.0.0/16"},
        }
    )
    return snap


def ipv6_route_without_ipv6_subnet() -> dict[str, Any]:
    """vpc-app has an IPv6 block and rtb-private routes ::/0 to eigw-app, but subnet-private has no
    IPv6 block: its tasks get no IPv6 address. ECS dual-stack is on."""
    snap = healthy()
    item(snap, "Vpcs", "vpc-app")["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:1::/56"}]
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-app", "State": "active"}
    )
    reg = region(snap)
    reg["EgressOnlyInternetGateways"] = [
        {
            "EgressOnlyInternetGatewayId": "eigw-app",
            "Attachments": [{"VpcId": "vpc-app", "State": "attached"}],
        }
    ]
    reg["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": "enabled"}]
    return snap


def dual_stack_app() -> dict[str, Any]:
    """healthy() with IPv6: vpc-app 2600:1f18:9::/56, a /64 per subnet (DNS64 off), local IPv6 routes,
    ECS dual-stack on, ACLs and sg-open open to ::/0."""
    snap = healthy()
    reg = region(snap)
    item(snap, "Vpcs", "vpc-app")["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:9::/56"}]
    for n, subnet in enumerate(("subnet-public", "subnet-private", "subnet-isolated")):
        item(snap, "Subnets", subnet)["Ipv6CidrBlockAssociationSet"] = [
            {"Ipv6CidrBlock": f"2600:1f18:9:{n}::/64"}
        ]
        item(snap, "Subnets", subnet)["EnableDns64"] = False
    for table in reg["RouteTables"]:
        table["Routes"].append(
            {"DestinationIpv6CidrBlock": "2600:1f18:9::/56", "GatewayId": "local", "State": "active"}
        )
    reg["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": "enabled"}]
    acl = item(snap, "NetworkAcls", "acl-default")
    acl["Entries"] += [
        {**{k: v for k, v in e.items() if k != "CidrBlock"}, "Ipv6CidrBlock": "::/0"} for e in acl["Entries"]
    ]
    item(snap, "SecurityGroups", "sg-open")["IpPermissionsEgress"][0]["Ipv6Ranges"] = [{"CidrIpv6": "::/0"}]
    return snap


FIXTURES = {
    "default_route_in_halves.json": default_route_in_halves,
    "partner_range_into_peering.json": partner_range_into_peering,
    "ipv6_route_without_ipv6_subnet.json": ipv6_route_without_ipv6_subnet,
}


def build(name: str) -> dict[str, Any]:
    return copy.deepcopy(FIXTURES[name]())
