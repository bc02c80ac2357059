"""Centralised egress through a transit gateway: a spoke VPC without gateways and an egress VPC with
the NAT gateway, joined by tgw-1 (hand-written: moto cannot model TGW routes to attachments)."""

from __future__ import annotations

from typing import Any

from depth.builders import open_acl, route, route_table, snapshot, subnet
from snapshots import item


def tgw_egress() -> dict[str, Any]:
    """vpc-spoke 10.1.0.0/16 (no gateways; 0.0.0.0/0 -> tgw-1) and vpc-egress 10.100.0.0/16
    (attachment subnets -> nat-egress -> igw-egress; the public table routes 10.1.0.0/16 back to
    tgw-1). TGW route tables: tgw-rtb-spoke (0.0.0.0/0 -> tgw-attach-egress) and tgw-rtb-egress
    (10.1.0.0/16 -> tgw-attach-spoke, propagated)."""
    spoke, egress = "vpc-spoke", "vpc-egress"
    spoke_tasks = ["subnet-spoke", "subnet-spoke-b"]
    egress_tgw = ["subnet-egress-tgw", "subnet-egress-tgw-b"]
    return snapshot(
        {
            "Vpcs": [
                {
                    "VpcId": spoke,
                    "CidrBlock": "10.1.0.0/16",
                    "EnableDnsSupport": True,
                    "EnableDnsHostnames": True,
                },
                {
                    "VpcId": egress,
                    "CidrBlock": "10.100.0.0/16",
                    "EnableDnsSupport": True,
                    "EnableDnsHostnames": True,
                },
            ],
            "Subnets": [
                subnet("subnet-spoke", spoke, "10.1.1.0/24", "us-east-1a"),
                subnet("subnet-spoke-b", spoke, "10.1.2.0/24", "us-east-1b"),
                subnet("subnet-spoke-tgw", spoke, "10.1.100.0/28", "us-east-1a"),
                subnet("subnet-spoke-tgw-b", spoke, "10.1.100.16/28", "us-east-1b"),
                subnet("subnet-egress-tgw", egress, "10.100.0.0/28", "us-east-1a"),
                subnet("subnet-egress-tgw-b", egress, "10.100.0.16/28", "us-east-1b"),
                subnet("subnet-egress-public", egress, "10.100.1.0/24", "us-east-1a"),
            ],
            "RouteTables": [
                route_table("rtb-spoke-main", spoke, "10.1.0.0/16", [], main=True),
                route_table(
                    "rtb-spoke",
                    spoke,
                    "10.1.0.0/16",
                    spoke_tasks,
                    route("0.0.0.0/0", TransitGatewayId="tgw-1"),
                ),
                route_table("rtb-egress-main", egress, "10.100.0.0/16", [], main=True),
                route_table(
                    "rtb-egress-tgw",
                    egress,
                    "10.100.0.0/16",
                    egress_tgw,
                    route("0.0.0.0/0", NatGatewayId="nat-egress"),
                ),
                route_table(
                    "rtb-egress-public",
                    egress,
                    "10.100.0.0/16",
                    ["subnet-egress-public"],
                    route("0.0.0.0/0", GatewayId="igw-egress"),
                    route("10.1.0.0/16", TransitGatewayId="tgw-1"),
                ),
            ],
            "InternetGateways": [
                {"InternetGatewayId": "igw-egress", "Attachments": [{"VpcId": egress, "State": "available"}]}
            ],
            "NatGateways": [
                {
                    "NatGatewayId": "nat-egress",
                    "SubnetId": "subnet-egress-public",
                    "VpcId": egress,
                    "State": "available",
                }
            ],
            "EgressOnlyInternetGateways": [],
            "SecurityGroups": [
                {
                    "GroupId": "sg-spoke-task",
                    "VpcId": spoke,
                    "IpPermissions": [],
                    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                }
            ],
            "NetworkAcls": [
                open_acl("acl-spoke", spoke, [*spoke_tasks, "subnet-spoke-tgw", "subnet-spoke-tgw-b"]),
                open_acl("acl-egress", egress, [*egress_tgw, "subnet-egress-public"]),
            ],
            "VpcEndpoints": [],
            "ManagedPrefixLists": [],
            "VpcPeeringConnections": [],
            "TransitGateways": [
                {"TransitGatewayId": "tgw-1", "State": "available", "OwnerId": "111111111111"}
            ],
            "TransitGatewayVpcAttachments": [
                _vpc_attachment("tgw-attach-spoke", spoke, ["subnet-spoke-tgw", "subnet-spoke-tgw-b"]),
                _vpc_attachment("tgw-attach-egress", egress, egress_tgw),
            ],
            "TransitGatewayAttachments": [
                _attachment("tgw-attach-spoke", spoke, "tgw-rtb-spoke"),
                _attachment("tgw-attach-egress", egress, "tgw-rtb-egress"),
            ],
            "TransitGatewayRouteTables": [
                {
                    "TransitGatewayRouteTableId": "tgw-rtb-spoke",
                    "TransitGatewayId": "tgw-1",
                    "Associations": [_association("tgw-attach-spoke", spoke)],
                    "Routes": [_tgw_route("0.0.0.0/0", "tgw-attach-egress", egress, "static")],
                },
                {
                    "TransitGatewayRouteTableId": "tgw-rtb-egress",
                    "TransitGatewayId": "tgw-1",
                    "Associations": [_association("tgw-attach-egress", egress)],
                    "Routes": [_tgw_route("10.1.0.0/16", "tgw-attach-spoke", spoke, "propagated")],
                },
            ],
        }
    )


def tgw_egress_no_return() -> dict[str, Any]:
    """The egress VPC's public route table lost its route back to the spoke (10.1.0.0/16 -> tgw-1)."""
    snap = tgw_egress()
    rtb = item(snap, "RouteTables", "rtb-egress-public")
    rtb["Routes"] = [r for r in rtb["Routes"] if r.get("TransitGatewayId") != "tgw-1"]
    return snap


def _vpc_attachment(att: str, vpc: str, subnets: list[str]) -> dict[str, Any]:
    return {
        "TransitGatewayAttachmentId": att,
        "TransitGatewayId": "tgw-1",
        "VpcId": vpc,
        "State": "available",
        "SubnetIds": subnets,
    }


def _attachment(att: str, vpc: str, table: str) -> dict[str, Any]:
    return {
        "TransitGatewayAttachmentId": att,
        "TransitGatewayId": "tgw-1",
        "ResourceType": "vpc",
        "ResourceId": vpc,
        "State": "available",
        "Association": {"TransitGatewayRouteTableId": table, "State": "associated"},
    }


def _association(att: str, vpc: str) -> dict[str, Any]:
    return {
        "TransitGatewayAttachmentId": att,
        "ResourceId": vpc,
        "ResourceType": "vpc",
        "State": "associated",
    }


def _tgw_route(cidr: str, att: str, vpc: str, kind: str) -> dict[str, Any]:
    return {
        "DestinationCidrBlock": cidr,
        "State": "active",
        "Type": kind,
        "TransitGatewayAttachments": [
            {"TransitGatewayAttachmentId": att, "ResourceId": vpc, "ResourceType": "vpc"}
        ],
    }
