"""Replies from the internet enter the VPC at the internet gateway, and a route table associated
with that gateway (a gateway route table, "ingress routing") routes them before any subnet's
table does: the way back to the task (or its NAT) must survive it."""

from __future__ import annotations

from typing import Any

from snapshots import _local, codes, healthy, region, trace

from fargate_netcheck.core.model import CheckCode, Verdict


def with_edge_table(*routes: dict[str, Any]) -> dict[str, Any]:
    """healthy() with rtb-edge associated with igw-app (an edge association, not a subnet's)."""
    snap = healthy()
    region(snap)["RouteTables"].append(
        {
            "RouteTableId": "rtb-edge",
            "VpcId": "vpc-app",
            "Associations": [
                {"Main": False, "GatewayId": "igw-app", "AssociationState": {"State": "associated"}}
            ],
            "Routes": [_local(), *routes],
        }
    )
    return snap


BLACKHOLE_TO_NAT_SUBNET = {
    "DestinationCidrBlock": "10.0.0.0/24",
    "GatewayId": "vpce-gone",
    "State": "blackhole",
}


def test_gateway_route_table_with_the_local_route_lets_replies_back():
    r = trace(with_edge_table(), "subnet-private")
    assert r.verdict is Verdict.REACHABLE
    assert any(c.code is CheckCode.ROUTE and c.resource_id == "rtb-edge" for c in r.checks)


def test_replies_to_the_nat_subnet_blackholed_at_the_gateway_route_table_are_unreachable():
    r = trace(with_edge_table(BLACKHOLE_TO_NAT_SUBNET), "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "rtb-edge")
    assert codes(r) == {CheckCode.BLACKHOLE}
    assert "10.0.0.0/24" in r.reason and "igw-app" in r.reason


def test_replies_to_a_public_task_blackholed_at_the_gateway_route_table_are_unreachable():
    r = trace(with_edge_table(BLACKHOLE_TO_NAT_SUBNET), "subnet-public", public=True)
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "rtb-edge")


def test_a_blackhole_for_another_subnet_does_not_matter():
    snap = with_edge_table(
        {"DestinationCidrBlock": "10.0.2.0/24", "GatewayId": "vpce-gone", "State": "blackhole"}
    )
    assert trace(snap, "subnet-private").verdict is Verdict.REACHABLE


def test_replies_sent_to_an_appliance_the_request_never_crossed_are_unknown():
    snap = with_edge_table(
        {"DestinationCidrBlock": "10.0.0.0/24", "NetworkInterfaceId": "eni-appliance", "State": "active"}
    )
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.FIREWALL_ASYMMETRIC}
    assert "eni-appliance" in r.reason


def test_a_gateway_route_table_whose_association_is_changing_is_unknown_not_skipped():
    """While the edge association is being made (or removed), replies may or may not follow the
    table: a blackhole in it is not known to apply, nor known not to."""
    for state in ("associating", "disassociating"):
        snap = with_edge_table(BLACKHOLE_TO_NAT_SUBNET)
        region(snap)["RouteTables"][-1]["Associations"][0]["AssociationState"]["State"] = state
        r = trace(snap, "subnet-private")
        assert r.verdict is Verdict.UNKNOWN, (state, r.reason)
        assert CheckCode.ROUTE_TABLE_MISSING in codes(r) and "igw-app" in r.reason
