"""The way back inside the VPC: replies a NAT gateway translates back leave the NAT's subnet by that
subnet's route table, and IPv6 replies (from the internet, or from a peer VPC) go back to the task
subnet's IPv6 block. A route more specific than ``local`` may take them elsewhere (AWS allows one
for a whole subnet range), and the longest prefix wins."""

from __future__ import annotations

from typing import Any

from address_fixtures import dual_stack_app
from snapshots import _local, codes, healthy, item, region, trace

from fargate_netcheck.core.model import CheckCode, Status, Verdict

TASK_RANGE = "10.0.1.0/24"  # subnet-private


def nat_subnet_route(destination: str = TASK_RANGE, **target: Any) -> dict[str, Any]:
    """healthy() with rtb-public (the NAT gateway's subnet) routing ``destination`` to ``target``."""
    snap = healthy()
    item(snap, "RouteTables", "rtb-public")["Routes"].append({"DestinationCidrBlock": destination, **target})
    return snap


def test_the_nat_subnet_table_routing_the_task_range_locally_is_a_checked_pass():
    r = trace(healthy(), "subnet-private")
    assert r.verdict is Verdict.REACHABLE
    back = [c for c in r.checks if c.resource_id == "rtb-public" and "replies" in c.reason]
    assert [(c.code, c.status) for c in back] == [(CheckCode.ROUTE, Status.PASS)]
    assert "the way back from nat-app" in back[0].reason


def test_replies_blackholed_in_the_nat_subnet_table_are_unreachable():
    r = trace(nat_subnet_route(NetworkInterfaceId="eni-gone", State="blackhole"), "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "rtb-public")
    assert codes(r) == {CheckCode.BLACKHOLE}
    assert f"replies to {TASK_RANGE}" in r.reason and "nat-app" in r.reason


def test_replies_sent_by_the_nat_subnet_table_to_an_appliance_never_crossed_are_unknown():
    r = trace(nat_subnet_route(NetworkInterfaceId="eni-appliance", State="active"), "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.FIREWALL_ASYMMETRIC}


def test_a_nat_subnet_route_for_part_of_the_task_range_makes_it_unknown():
    snap = nat_subnet_route("10.0.1.128/25", NetworkInterfaceId="eni-gone", State="blackhole")
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert "only 10.0.1.0/25 of the replies' range goes back" in r.reason


# -- IPv6 -------------------------------------------------------------------------------------------
def ipv6_to_internet() -> dict[str, Any]:
    """dual_stack_app() with subnet-public (2600:1f18:9::/64) routing ::/0 to igw-app."""
    snap = dual_stack_app()
    item(snap, "RouteTables", "rtb-public")["Routes"].append(
        {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-app", "State": "active"}
    )
    return snap


def with_edge_table(snap: dict[str, Any], *routes: dict[str, Any]) -> dict[str, Any]:
    region(snap)["RouteTables"].append(
        {
            "RouteTableId": "rtb-edge",
            "VpcId": "vpc-app",
            "Associations": [{"GatewayId": "igw-app", "AssociationState": {"State": "associated"}}],
            "Routes": [
                _local(),
                {"DestinationIpv6CidrBlock": "2600:1f18:9::/56", "GatewayId": "local", "State": "active"},
                *routes,
            ],
        }
    )
    return snap


INTERNET_V6 = "2a05:d018::/32"


def test_ipv6_replies_through_a_gateway_route_table_with_local_routes_get_back():
    r = trace(with_edge_table(ipv6_to_internet()), "subnet-public", destination=INTERNET_V6)
    assert r.verdict is Verdict.REACHABLE
    assert any(
        c.resource_id == "rtb-edge" and "2600:1f18:9::/64" in c.reason and c.status is Status.PASS
        for c in r.checks
    )


def test_ipv6_replies_blackholed_at_the_gateway_route_table_are_unreachable():
    blackhole = {
        "DestinationIpv6CidrBlock": "2600:1f18:9::/64",
        "NetworkInterfaceId": "eni-gone",
        "State": "blackhole",
    }
    r = trace(with_edge_table(ipv6_to_internet(), blackhole), "subnet-public", destination=INTERNET_V6)
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "rtb-edge")
    assert codes(r) == {CheckCode.BLACKHOLE}


def ipv6_peer(route_back: bool) -> dict[str, Any]:
    """dual_stack_app() with subnet-public routing vpc-peer's 2600:1f18:7::/56 over pcx-1; vpc-peer's
    table routes the app's IPv6 range back over pcx-1 only when ``route_back``."""
    snap = dual_stack_app()
    reg = region(snap)
    reg["Vpcs"].append(
        {
            "VpcId": "vpc-peer",
            "CidrBlock": "10.7.0.0/16",
            "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:7::/56"}],
        }
    )
    reg["Subnets"].append(
        {
            "SubnetId": "subnet-peer",
            "VpcId": "vpc-peer",
            "CidrBlock": "10.7.0.0/24",
            "AvailabilityZone": "us-east-1a",
            "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:7::/64"}],
        }
    )
    routes = [
        {"DestinationCidrBlock": "10.7.0.0/16", "GatewayId": "local", "State": "active"},
        {"DestinationIpv6CidrBlock": "2600:1f18:7::/56", "GatewayId": "local", "State": "active"},
    ]
    if route_back:
        routes.append(
            {
                "DestinationIpv6CidrBlock": "2600:1f18:9::/56",
                "VpcPeeringConnectionId": "pcx-1",
                "State": "active",
            }
        )
    reg["RouteTables"].append(
        {"RouteTableId": "rtb-peer", "VpcId": "vpc-peer", "Associations": [{"Main": True}], "Routes": routes}
    )
    acl = item(snap, "NetworkAcls", "acl-default")
    reg["NetworkAcls"].append(
        {
            **acl,
            "NetworkAclId": "acl-peer",
            "VpcId": "vpc-peer",
            "Associations": [{"SubnetId": "subnet-peer"}],
        }
    )
    reg["VpcPeeringConnections"].append(
        {
            "VpcPeeringConnectionId": "pcx-1",
            "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": "vpc-app", "CidrBlock": "10.0.0.0/16"},
            "AccepterVpcInfo": {"VpcId": "vpc-peer", "CidrBlock": "10.7.0.0/16"},
        }
    )
    item(snap, "RouteTables", "rtb-public")["Routes"].append(
        {"DestinationIpv6CidrBlock": "2600:1f18:7::/56", "VpcPeeringConnectionId": "pcx-1", "State": "active"}
    )
    return snap


def test_ipv6_peer_that_routes_replies_back_over_the_peering_is_reachable():
    r = trace(ipv6_peer(route_back=True), "subnet-public", destination="2600:1f18:7::/64")
    assert r.verdict is Verdict.REACHABLE
    assert any(c.code is CheckCode.PEERING and c.resource_id == "rtb-peer" for c in r.checks)


def test_ipv6_peer_without_a_route_back_is_unreachable():
    r = trace(ipv6_peer(route_back=False), "subnet-public", destination="2600:1f18:7::/64")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "rtb-peer")
    assert codes(r) == {CheckCode.PEERING_NO_RETURN}
    assert "2600:1f18:9::/64" in r.reason


def test_a_return_table_without_routes_in_the_snapshot_is_unknown_not_no_route_back():
    """AWS always lists a table's routes (the local one at least): without them, where the
    replies go is not known; read as none, they were 'dropped' (a definite unreachable)."""
    snap = ipv6_peer(route_back=True)
    del item(snap, "RouteTables", "rtb-peer")["Routes"]
    r = trace(snap, "subnet-public", destination="2600:1f18:7::/64")
    assert r.verdict is Verdict.UNKNOWN
    assert "rtb-peer has no Routes in the snapshot" in r.reason


def test_a_forward_table_without_routes_in_the_snapshot_is_unknown_not_no_route():
    snap = healthy()
    del item(snap, "RouteTables", "rtb-public")["Routes"]  # the NAT gateway's subnet's table
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN and codes(r) == {CheckCode.DATA_MISSING}
    assert "rtb-public has no Routes in the snapshot" in r.reason
