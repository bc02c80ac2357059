"""Route targets beyond internet, NAT and transit gateways (review): what lies behind a network
interface that no instance owns, interface data that is absent, and the way back through a
Gateway Load Balancer endpoint whose next device is a transit gateway or a VPC peering."""

from __future__ import annotations

from typing import Any

import pytest
from address_fixtures import partner_range_into_peering
from depth.builders import nat_instance, route, route_table, subnet
from depth.harness import codes, result
from depth.tgw_builders import tgw_egress
from snapshots import ALLOW_ALL_ACL, item, region, trace

from fargate_netcheck.core.model import CheckCode, Verdict

OPEN = ("sg-open",)
SPOKE = ("sg-spoke-task",)
GWLB = "com.amazonaws.vpce.us-east-1.vpce-svc-0ab"


# -- a network interface as the target -------------------------------------------------------------
@pytest.mark.parametrize(
    "attachment",
    [None, {"InstanceOwnerId": "amazon-aws", "DeviceIndex": 1}],
    ids=["no-attachment", "requester-managed"],
)
def test_an_interface_no_instance_owns_is_unknown_not_a_nat_instance(attachment):
    # The route names only the interface; no EC2 instance is behind it in the snapshot, so whether
    # anything forwards (and translates) the task's traffic is not known: never reachable.
    snap = nat_instance(Attachment=attachment)
    item(snap, "RouteTables", "rtb-private")["Routes"][-1].pop("InstanceId")
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert (r.verdict, codes(r)) == (Verdict.UNKNOWN, {CheckCode.DATA_MISSING})
    assert "eni-nat" in r.reason and "no EC2 instance" in r.reason


@pytest.mark.parametrize("field", ["Status", "SourceDestCheck"])
def test_an_interface_field_that_is_absent_is_unknown_not_a_fault(field):
    snap = nat_instance()
    item(snap, "NetworkInterfaces", "eni-nat").pop(field)
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert (r.verdict, r.blocked_at, codes(r)) == (Verdict.UNKNOWN, None, {CheckCode.DATA_MISSING})
    assert f"no {field}" in r.reason


# -- a firewall endpoint followed by a transit gateway ---------------------------------------------
def spoke_firewall() -> dict[str, Any]:
    """tgw_egress() with the spoke's tasks sending 0.0.0.0/0 to GWLB endpoint vpce-spfw (in
    subnet-spoke-fw, which routes 0.0.0.0/0 to tgw-1). The TGW attachment subnets use the spoke's
    main table (local only): replies from tgw-1 go straight to the task, past the firewall."""
    snap = tgw_egress()
    reg = region(snap)
    reg["Subnets"].append(subnet("subnet-spoke-fw", "vpc-spoke", "10.1.200.0/28", "us-east-1a"))
    reg["RouteTables"].append(
        route_table(
            "rtb-spoke-fw",
            "vpc-spoke",
            "10.1.0.0/16",
            ["subnet-spoke-fw"],
            route("0.0.0.0/0", TransitGatewayId="tgw-1"),
        )
    )
    item(snap, "NetworkAcls", "acl-spoke")["Associations"].append({"SubnetId": "subnet-spoke-fw"})
    item(snap, "RouteTables", "rtb-spoke")["Routes"][-1] = route("0.0.0.0/0", GatewayId="vpce-spfw")
    reg["VpcEndpoints"].append(
        {
            "VpcEndpointId": "vpce-spfw",
            "VpcId": "vpc-spoke",
            "ServiceName": GWLB,
            "VpcEndpointType": "GatewayLoadBalancer",
            "State": "available",
            "SubnetIds": ["subnet-spoke-fw"],
        }
    )
    return snap


def test_replies_from_a_transit_gateway_that_bypass_the_firewall_are_asymmetric():
    r = result(spoke_firewall(), "subnet-spoke", SPOKE).internet_egress
    assert r.path[:6] == [
        "subnet-spoke",
        "rtb-spoke",
        "vpce-spfw",
        "subnet-spoke-fw",
        "rtb-spoke-fw",
        "tgw-1",
    ]
    assert (r.verdict, codes(r)) == (Verdict.UNKNOWN, {CheckCode.FIREWALL_ASYMMETRIC})
    assert "rtb-spoke-main of subnet-spoke-tgw" in r.reason and "vpce-spfw" in r.reason


def test_replies_from_a_transit_gateway_routed_back_through_the_firewall_are_reachable():
    snap = spoke_firewall()
    item(snap, "RouteTables", "rtb-spoke-main")["Routes"].append(route("10.1.1.0/24", GatewayId="vpce-spfw"))
    r = result(snap, "subnet-spoke", SPOKE).internet_egress
    assert r.verdict is Verdict.REACHABLE
    assert any(c.code is CheckCode.FIREWALL_RETURN and c.resource_id == "rtb-spoke-main" for c in r.checks)


# -- a firewall endpoint followed by a VPC peering -------------------------------------------------
def peering_through_firewall() -> dict[str, Any]:
    """subnet-private sends vpc-partner's 172.20.0.0/16 to GWLB endpoint vpce-fw (subnet-public),
    whose table sends it over pcx-partner; the partner's subnet routes replies back over it."""
    snap = partner_range_into_peering()
    pcx = {"VpcPeeringConnectionId": "pcx-partner", "State": "active"}
    item(snap, "RouteTables", "rtb-private")["Routes"].append(route("172.20.0.0/16", GatewayId="vpce-fw"))
    item(snap, "RouteTables", "rtb-public")["Routes"].append({"DestinationCidrBlock": "172.20.0.0/16", **pcx})
    reg = region(snap)
    reg["VpcEndpoints"].append(
        {
            "VpcEndpointId": "vpce-fw",
            "VpcId": "vpc-app",
            "ServiceName": GWLB,
            "VpcEndpointType": "GatewayLoadBalancer",
            "State": "available",
            "SubnetIds": ["subnet-public"],
        }
    )
    reg["Subnets"].append(
        {
            "SubnetId": "subnet-partner",
            "VpcId": "vpc-partner",
            "CidrBlock": "172.20.5.0/24",
            "AvailabilityZone": "us-east-1a",
        }
    )
    reg["RouteTables"].append(
        {
            "RouteTableId": "rtb-partner",
            "VpcId": "vpc-partner",
            "Associations": [{"Main": True}],
            "Routes": [
                {"DestinationCidrBlock": "172.20.0.0/16", "GatewayId": "local"},
                {"DestinationCidrBlock": "10.0.0.0/16", **pcx},
            ],
        }
    )
    reg["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-partner",
            "VpcId": "vpc-partner",
            "IsDefault": True,
            "Associations": [{"SubnetId": "subnet-partner", "NetworkAclId": "acl-partner"}],
            "Entries": ALLOW_ALL_ACL,
        }
    )
    return snap


def test_replies_over_a_peering_enter_past_the_firewall_and_are_asymmetric():
    # No route table can be associated with a peering connection (gateway route tables take only
    # internet and virtual private gateways): replies are delivered by the local route, past vpce-fw.
    r = trace(peering_through_firewall(), "subnet-private", destination="172.20.5.0/24")
    assert r.path[:4] == ["subnet-private", "rtb-private", "vpce-fw", "subnet-public"]
    assert (r.verdict, codes(r)) == (Verdict.UNKNOWN, {CheckCode.FIREWALL_ASYMMETRIC})
    assert "VPC peering connection pcx-partner" in r.reason
