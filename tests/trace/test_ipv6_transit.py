"""IPv6 through a transit gateway: a spoke's IPv6 traffic never leaves by another VPC's internet or
egress-only gateway (AWS's centralised IPv6 egress needs NAT66 or proxy instances there)."""

from __future__ import annotations

from typing import Any

from depth.tgw_builders import tgw_egress
from snapshots import codes, item, region, trace

from fargate_netcheck.core.model import CheckCode, Verdict

ALL_V6 = {"Ipv6CidrBlock": "::/0"}


def dual_stack_tgw_egress(gateway: dict[str, str]) -> dict[str, Any]:
    """tgw_egress() with IPv6: subnet-spoke (also the spoke attachment's subnet in its AZ) routes ::/0
    to tgw-1, tgw-rtb-spoke sends ::/0 to the egress attachment, whose subnet routes ::/0 to
    ``gateway`` (a route target field and id); ACLs and the task's group open to ::/0."""
    snap = tgw_egress()
    reg = region(snap)
    item(snap, "Vpcs", "vpc-spoke")["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:1::/56"}]
    item(snap, "Vpcs", "vpc-egress")["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:2::/56"}]
    item(snap, "Subnets", "subnet-spoke")["Ipv6CidrBlockAssociationSet"] = [
        {"Ipv6CidrBlock": "2600:1f18:1:1::/64"}
    ]
    item(snap, "TransitGatewayVpcAttachments", "tgw-attach-spoke")["SubnetIds"] = ["subnet-spoke"]
    item(snap, "RouteTables", "rtb-spoke")["Routes"].append(
        {"DestinationIpv6CidrBlock": "::/0", "TransitGatewayId": "tgw-1", "State": "active"}
    )
    item(snap, "RouteTables", "rtb-egress-tgw")["Routes"].append(
        {"DestinationIpv6CidrBlock": "::/0", **gateway, "State": "active"}
    )
    item(snap, "TransitGatewayRouteTables", "tgw-rtb-spoke")["Routes"].append(
        {
            "DestinationCidrBlock": "::/0",
            "State": "active",
            "Type": "static",
            "TransitGatewayAttachments": [
                {
                    "TransitGatewayAttachmentId": "tgw-attach-egress",
                    "ResourceId": "vpc-egress",
                    "ResourceType": "vpc",
                }
            ],
        }
    )
    reg["EgressOnlyInternetGateways"] = [
        {
            "EgressOnlyInternetGatewayId": "eigw-egress",
            "Attachments": [{"VpcId": "vpc-egress", "State": "attached"}],
        }
    ]
    reg["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": "enabled"}]
    for acl in reg["NetworkAcls"]:
        acl["Entries"] += [
            {**{k: v for k, v in e.items() if k != "CidrBlock"}, **ALL_V6} for e in acl["Entries"]
        ]
    item(snap, "SecurityGroups", "sg-spoke-task")["IpPermissionsEgress"][0]["Ipv6Ranges"] = [
        {"CidrIpv6": "::/0"}
    ]
    return snap


def test_spoke_ipv6_through_the_egress_vpcs_egress_only_gateway_is_unreachable():
    snap = dual_stack_tgw_egress({"EgressOnlyInternetGatewayId": "eigw-egress"})
    r = trace(snap, "subnet-spoke", groups=("sg-spoke-task",), destination="::/0")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "eigw-egress")
    assert codes(r) == {CheckCode.IGW_OTHER_VPC}
    assert "vpc-egress" in r.reason and "subnet-spoke" in r.reason


def test_spoke_ipv6_through_the_egress_vpcs_internet_gateway_is_unreachable():
    snap = dual_stack_tgw_egress({"GatewayId": "igw-egress"})
    r = trace(snap, "subnet-spoke", groups=("sg-spoke-task",), destination="::/0")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "igw-egress")
    assert codes(r) == {CheckCode.IGW_OTHER_VPC}
