"""Review of the core engine (route tables, peering, ACLs, the way back): inputs AWS can produce where
a verdict was wrong. Each test names the AWS behaviour it rests on."""

from __future__ import annotations

import copy
from typing import Any

from snapshots import codes, healthy, item, region, trace

from fargate_netcheck.core.model import CheckCode, Verdict

# -- replies from a subnet reached by the local route ----------------------------------------------
# AWS, VPC User Guide, "Subnet route tables" / "Routing for a middlebox appliance": a route more
# specific than the local route sends a subnet's traffic for that range elsewhere; replies leave the
# destination subnet by *its* route table, so a blackhole there drops them, and an appliance the
# request never crossed sees only one direction of the flow.


def _isolated_replies_by(route: dict[str, Any]) -> dict[str, Any]:
    """healthy(), where subnet-isolated's table (the main one) routes subnet-private's range by ``route``."""
    snap = healthy()
    item(snap, "RouteTables", "rtb-main")["Routes"].append(route)
    region(snap)["NetworkInterfaces"] = []
    return snap


def test_local_destination_whose_replies_meet_a_blackhole_is_unreachable() -> None:
    snap = _isolated_replies_by(
        {"DestinationCidrBlock": "10.0.1.0/24", "NetworkInterfaceId": "eni-gone", "State": "blackhole"}
    )
    result = trace(snap, "subnet-private", destination="10.0.2.0/24")
    assert result.verdict is Verdict.UNREACHABLE
    assert result.blocked_at == "rtb-main"
    assert CheckCode.BLACKHOLE in codes(result)


def test_local_destination_whose_replies_go_to_an_appliance_not_crossed_is_unknown() -> None:
    snap = _isolated_replies_by(
        {"DestinationCidrBlock": "10.0.1.0/24", "NetworkInterfaceId": "eni-fw", "State": "active"}
    )
    region(snap)["NetworkInterfaces"] = [
        {"NetworkInterfaceId": "eni-fw", "SubnetId": "subnet-public", "Status": "in-use"}
    ]
    result = trace(snap, "subnet-private", destination="10.0.2.0/24")
    assert result.verdict is Verdict.UNKNOWN
    assert CheckCode.FIREWALL_ASYMMETRIC in codes(result)


def test_local_destination_with_plain_local_replies_stays_reachable() -> None:
    result = trace(healthy(), "subnet-private", destination="10.0.2.0/24")
    assert result.verdict is Verdict.REACHABLE


# -- a peer VPC's CIDR blocks that are no longer (or not yet) its own --------------------------------
# AWS, EC2 API Reference, VpcCidrBlockState: associating | associated | disassociating |
# disassociated | failing | failed. DescribeVpcs keeps listing a removed block for a while; a peering
# connection carries traffic only to the peer's associated ranges.


def _peered(secondary_state: str) -> dict[str, Any]:
    """healthy(), with vpc-peer (10.1.0.0/16, secondary 10.2.0.0/16 in ``secondary_state``) peered
    over active pcx-1; subnet-private routes 10.2.0.0/16 to pcx-1, and the peer routes back."""
    snap = healthy()
    body = region(snap)
    body["Vpcs"].append(
        {
            "VpcId": "vpc-peer",
            "CidrBlock": "10.1.0.0/16",
            "CidrBlockAssociationSet": [
                {"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}},
                {"CidrBlock": "10.2.0.0/16", "CidrBlockState": {"State": secondary_state}},
            ],
        }
    )
    body["Subnets"].append(
        {
            "SubnetId": "subnet-peer",
            "VpcId": "vpc-peer",
            "CidrBlock": "10.1.0.0/24",
            "AvailabilityZone": "us-east-1a",
        }
    )
    body["RouteTables"].append(
        {
            "RouteTableId": "rtb-peer",
            "VpcId": "vpc-peer",
            "Associations": [{"Main": True}],
            "Routes": [
                {"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "local", "State": "active"},
                {"DestinationCidrBlock": "10.0.0.0/16", "VpcPeeringConnectionId": "pcx-1", "State": "active"},
            ],
        }
    )
    body["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-peer",
            "VpcId": "vpc-peer",
            "IsDefault": True,
            "Associations": [{"SubnetId": "subnet-peer"}],
            "Entries": copy.deepcopy(item(snap, "NetworkAcls", "acl-default")["Entries"]),
        }
    )
    body["VpcPeeringConnections"].append(
        {
            "VpcPeeringConnectionId": "pcx-1",
            "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": "vpc-app", "CidrBlock": "10.0.0.0/16"},
            "AccepterVpcInfo": {"VpcId": "vpc-peer", "CidrBlock": "10.1.0.0/16"},
        }
    )
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": "10.2.0.0/16", "VpcPeeringConnectionId": "pcx-1", "State": "active"}
    )
    return snap


def test_peer_range_that_was_disassociated_is_not_reached() -> None:
    result = trace(_peered("disassociated"), "subnet-private", destination="10.2.0.0/24")
    assert result.verdict is Verdict.UNREACHABLE
    assert result.blocked_at == "pcx-1"


def test_peer_range_being_disassociated_is_unknown() -> None:
    result = trace(_peered("disassociating"), "subnet-private", destination="10.2.0.0/24")
    assert result.verdict is Verdict.UNKNOWN


def test_peer_range_associated_is_reached() -> None:
    result = trace(_peered("associated"), "subnet-private", destination="10.2.0.0/24")
    assert result.verdict is Verdict.REACHABLE


# -- a destination spread over subnets with different network ACLs ----------------------------------
# A destination is a set of addresses: when the local route delivers it to several subnets and only
# one subnet's ACL denies the request, only that part is blocked (unknown overall, not unreachable).
# One destination subnet's ACL decided the whole destination (unreachable): ``delivery.deliver`` now
# forks the walk per ACL of the subnets that hold it.


def test_destination_partly_behind_a_denying_acl_is_unknown() -> None:
    snap = healthy()
    default = item(snap, "NetworkAcls", "acl-default")
    default["Associations"] = [a for a in default["Associations"] if a["SubnetId"] != "subnet-isolated"]
    deny_all = [
        {
            "RuleNumber": 32767,
            "Protocol": "-1",
            "RuleAction": "deny",
            "Egress": egress,
            "CidrBlock": "0.0.0.0/0",
        }
        for egress in (True, False)
    ]
    region(snap)["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-iso",
            "VpcId": "vpc-app",
            "IsDefault": False,
            "Associations": [{"SubnetId": "subnet-isolated"}],
            "Entries": deny_all,
        }
    )
    # 10.0.0.0/22: subnet-public (allowed), subnet-private (the task's own), subnet-isolated (denied)
    result = trace(snap, "subnet-private", destination="10.0.0.0/22")
    assert result.verdict is Verdict.UNKNOWN
