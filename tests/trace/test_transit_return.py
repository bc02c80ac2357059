"""A destination inside a VPC reached through a transit gateway (not the internet through its NAT):
the route table of the destination's subnet must send the replies back to the transit gateway."""

from __future__ import annotations

from depth.tgw_builders import tgw_egress
from snapshots import codes, item, region, trace

from fargate_netcheck.core.model import CheckCode, Verdict

TASK = ("sg-spoke-task",)


def test_a_subnet_routing_the_spoke_back_to_the_transit_gateway_is_reachable():
    r = trace(tgw_egress(), "subnet-spoke", groups=TASK, destination="10.100.1.0/24")
    assert r.verdict is Verdict.REACHABLE
    assert any(c.code is CheckCode.TGW_RETURN and c.resource_id == "rtb-egress-public" for c in r.checks)


def test_a_subnet_sending_the_replies_elsewhere_is_unreachable():
    # subnet-egress-tgw's table sends 0.0.0.0/0 (and so 10.1.1.0/24) to nat-egress, not tgw-1
    r = trace(tgw_egress(), "subnet-spoke", groups=TASK, destination="10.100.0.0/28")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "rtb-egress-tgw")
    assert codes(r) == {CheckCode.TGW_NO_RETURN}
    assert "nat-egress" in r.reason and "10.1.1.0/24" in r.reason


def test_a_private_nat_gateway_carries_a_private_destination_on_through_the_transit_gateway():
    snap = tgw_egress()
    region(snap)["NatGateways"].append(
        {
            "NatGatewayId": "nat-private",
            "SubnetId": "subnet-spoke-tgw",
            "VpcId": "vpc-spoke",
            "State": "available",
            "ConnectivityType": "private",
        }
    )
    item(snap, "RouteTables", "rtb-spoke")["Routes"].append(
        {"DestinationCidrBlock": "10.100.0.0/16", "NatGatewayId": "nat-private", "State": "active"}
    )
    item(snap, "RouteTables", "rtb-spoke-main")["Routes"].append(
        {"DestinationCidrBlock": "10.100.0.0/16", "TransitGatewayId": "tgw-1", "State": "active"}
    )
    r = trace(snap, "subnet-spoke", groups=TASK, destination="10.100.1.0/24")
    assert r.verdict is Verdict.REACHABLE, r.reason
    assert r.path[:5] == ["subnet-spoke", "rtb-spoke", "nat-private", "subnet-spoke-tgw", "rtb-spoke-main"]
    item(snap, "RouteTables", "rtb-spoke")["Routes"][-1]["DestinationCidrBlock"] = "0.0.0.0/1"
    internet = trace(snap, "subnet-spoke", groups=TASK, destination="8.8.8.0/24")
    assert (internet.verdict, internet.blocked_at) == (Verdict.UNREACHABLE, "nat-private")
    assert codes(internet) == {CheckCode.NAT_PRIVATE}


def test_an_egress_attachment_that_is_not_available_carries_nothing():
    for state in ("deleting", "failed", "pending"):
        snap = tgw_egress()
        for kind in ("TransitGatewayVpcAttachments", "TransitGatewayAttachments"):
            item(snap, kind, "tgw-attach-egress")["State"] = state
        r = trace(snap, "subnet-spoke", groups=TASK)
        assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "tgw-attach-egress"), state
        assert codes(r) == {CheckCode.TGW_NO_ATTACHMENT}
        assert state in r.reason
