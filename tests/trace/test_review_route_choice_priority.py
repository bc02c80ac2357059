"""Route choice against AWS's documented priority (VPC User Guide, "Route priority"; "Route
priority and prefix lists"): probes of the cases earlier reviews left open."""

from __future__ import annotations

import ipaddress

import networkx as nx

from fargate_netcheck.core.model import CheckCode, Verdict
from fargate_netcheck.graph.route_choice import next_hop, partition, route_tier
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Route
from tests.snapshots import codes, healthy, item, region, trace


def _two_lists_with_one_entry(first: dict, second: dict) -> dict:
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Routes"] += [first, second]
    region(snap)["ManagedPrefixLists"] += [
        {"PrefixListId": "pl-partner", "Entries": [{"Cidr": "151.101.0.0/24"}]},
        {"PrefixListId": "pl-vendor", "Entries": [{"Cidr": "151.101.0.0/24"}]},
    ]
    return snap


TO_NAT = {"DestinationPrefixListId": "pl-partner", "NatGatewayId": "nat-app", "State": "active"}
TO_NOWHERE = {"DestinationPrefixListId": "pl-vendor", "NatGatewayId": "nat-gone", "State": "blackhole"}


def test_prefix_lists_with_the_same_entry_to_different_targets_are_unknown_not_the_first_listed():
    # AWS: "If your route table references multiple prefix lists that have overlapping CIDR blocks
    # to different targets, we randomly choose which route takes priority." The snapshot cannot say
    # which one it chose: neither the first listed (reachable) nor the second (blackhole) is known.
    for first, second in ((TO_NAT, TO_NOWHERE), (TO_NOWHERE, TO_NAT)):
        r = trace(_two_lists_with_one_entry(first, second), "subnet-private", destination="151.101.0.7/32")
        assert r.verdict is Verdict.UNKNOWN, r.reason
        assert codes(r) == {CheckCode.PREFIX_LIST_UNKNOWN}
        assert "pl-partner" in r.reason and "pl-vendor" in r.reason


def test_prefix_lists_with_the_same_entry_to_the_same_target_still_decide():
    same = dict(TO_NOWHERE, NatGatewayId="nat-app", State="active")
    r = trace(_two_lists_with_one_entry(TO_NAT, same), "subnet-private", destination="151.101.0.7/32")
    assert r.verdict is Verdict.REACHABLE, r.reason


def test_a_longer_entry_still_beats_a_tie_of_shorter_ones():
    snap = _two_lists_with_one_entry(TO_NAT, TO_NOWHERE)
    region(snap)["ManagedPrefixLists"][-1]["Entries"].append({"Cidr": "151.101.0.0/25"})
    r = trace(snap, "subnet-private", destination="151.101.0.7/32")
    assert r.verdict is Verdict.UNREACHABLE and r.blocked_at == "rtb-private", r.reason


def test_a_tie_splits_only_the_addresses_it_covers():
    g = nx.DiGraph()
    g.add_node("pl-a", prefixes=(ipaddress.ip_network("151.101.0.0/24"),))
    g.add_node("pl-b", prefixes=(ipaddress.ip_network("151.101.0.0/24"),))
    default = Route(
        "0.0.0.0/0", ipaddress.ip_network("0.0.0.0/0"), None, "nat-a", "nat", "active", "CreateRoute"
    )
    a = Route("pl-a", None, "pl-a", "pcx-a", "pcx", "active", "CreateRoute")
    b = Route("pl-b", None, "pl-b", "pcx-b", "pcx", "active", "CreateRoute")
    space = AddressSet.of(["151.101.0.0/23"])
    pieces = partition(g, [default, a, b], space, route_tier, next_hop)
    by_addresses = {str(p.addresses): p for p in pieces}
    tied = by_addresses["151.101.0.0/24"]
    assert tied.routes == () and tied.tied == (a, b)
    assert "pl-a" in (tied.unknown_reason() or "") and "pl-b" in (tied.unknown_reason() or "")
    assert by_addresses["151.101.1.0/24"].routes == (default,)


# AWS ("Route priority and prefix lists"): "If the CIDR block in a prefix list entry is not valid for
# the route table, that CIDR block is ignored. For example, in a subnet route table, if the prefix
# list contains an entry with a more specific CIDR than the VPC CIDR, that entry is ignored."
CORP = {"DestinationPrefixListId": "pl-corp", "NatGatewayId": "nat-gone", "State": "blackhole"}


def _corp_list(snap: dict, rtb: str, *cidrs: str) -> dict:
    item(snap, "RouteTables", rtb)["Routes"].append(dict(CORP))
    region(snap)["ManagedPrefixLists"].append(
        {"PrefixListId": "pl-corp", "Entries": [{"Cidr": c} for c in cidrs]}
    )
    return snap


def test_a_prefix_list_entry_inside_the_vpc_cidr_does_not_beat_the_local_route():
    snap = _corp_list(healthy(), "rtb-private", "10.0.2.0/24", "151.101.0.0/24")
    r = trace(snap, "subnet-private", destination="10.0.2.0/24")
    assert r.verdict is Verdict.REACHABLE, r.reason
    assert "local" in r.reason or CheckCode.LOCAL in {c.code for c in r.checks}
    # the list's other entries still route (and here break) what they cover
    assert trace(snap, "subnet-private", destination="151.101.0.7/32").verdict is Verdict.UNREACHABLE


def test_replies_through_the_nat_are_not_lost_to_a_prefix_list_entry_inside_the_vpc():
    # The NAT's subnet table sends the task subnet's range back by the local route: an entry for it
    # in a prefix list is ignored, so the replies are delivered.
    snap = _corp_list(healthy(), "rtb-public", "10.0.1.0/24")
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.REACHABLE, r.reason


def test_a_prefix_list_entry_holding_the_vpc_cidr_is_valid_and_loses_to_local_only_by_length():
    snap = _corp_list(healthy(), "rtb-private", "10.0.0.0/8")
    assert trace(snap, "subnet-private", destination="10.0.2.0/24").verdict is Verdict.REACHABLE
    r = trace(snap, "subnet-private", destination="10.1.0.0/24")
    assert r.verdict is Verdict.UNREACHABLE and r.blocked_at == "rtb-private", r.reason


def test_a_subnet_on_the_main_table_while_the_main_association_moves_is_unknown_not_the_old_main():
    # ReplaceRouteTableAssociation on the main association: until it settles, either table may
    # route the subnets that have no explicit association (as for a subnet's own association).
    snap = healthy()
    item(snap, "RouteTables", "rtb-main")["Routes"].append(
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-app", "State": "active"}
    )
    assert trace(snap, "subnet-isolated").verdict is Verdict.REACHABLE
    item(snap, "RouteTables", "rtb-private")["Associations"].append(
        {
            "Main": True,
            "RouteTableAssociationId": "rtbassoc-main2",
            "AssociationState": {"State": "associating"},
        }
    )
    r = trace(snap, "subnet-isolated")
    assert (r.verdict, codes(r)) == (Verdict.UNKNOWN, {CheckCode.ROUTE_TABLE_MISSING}), r.reason
    assert "rtb-private" in r.reason and "associating" in r.reason
    # a subnet with its own association is not affected
    assert trace(snap, "subnet-private").verdict is Verdict.REACHABLE


def test_in_a_gateway_route_table_a_prefix_list_entry_for_a_subnet_is_not_ignored():
    """AWS's rule (an entry more specific than the VPC CIDR is ignored) is written for subnet route
    tables; a gateway route table exists to route subnets' ranges to an appliance, so its entries
    keep their addresses."""
    from fargate_netcheck.graph.build import build_graph
    from fargate_netcheck.graph.route_choice import route_pieces
    from fargate_netcheck.snapshot.store import parse_snapshot

    snap = _corp_list(healthy(), "rtb-public", "10.0.1.0/24")
    edge = {
        "RouteTableId": "rtb-edge",
        "VpcId": "vpc-app",
        "Routes": [
            {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
            dict(CORP),
        ],
        "Associations": [{"RouteTableAssociationId": "a-edge", "GatewayId": "igw-app", "Main": False}],
    }
    region(snap)["RouteTables"].append(edge)
    g = build_graph(parse_snapshot(snap))
    space = AddressSet.of(["10.0.1.0/24"])
    (subnet_piece,) = route_pieces(g, "rtb-public", space)
    (edge_piece,) = route_pieces(g, "rtb-edge", space)
    assert subnet_piece.route is not None and subnet_piece.route.target_kind == "local"
    assert edge_piece.route is not None and edge_piece.route.prefix_list_id == "pl-corp"


def test_replies_that_routes_tie_for_are_unknown_not_dropped():
    """On the way back as on the way out: where two routes tie, AWS picks one at random."""
    from fargate_netcheck.core.model import Status
    from fargate_netcheck.graph.route_choice import Piece
    from fargate_netcheck.trace.returns import back_to

    def route(pl: str, target: str) -> Route:
        return Route(pl, None, pl, target, "tgw-attachment", "active", "CreateRoute")

    tied = Piece(
        AddressSet.of(["10.9.0.0/24"]), tied=(route("pl-a", "tgw-attach-a"), route("pl-b", "tgw-attach-b"))
    )
    check = back_to([tied], lambda r: r.target_id == "tgw-attach-a")
    assert check.status is Status.UNKNOWN and check.lost == ()
    assert "at random" in (check.unreadable.unknown_reason() if check.unreadable else "")


def test_transit_gateway_routes_of_one_destination_rank_as_aws_documents():
    """Static, then prefix list, then propagated by source: VPC, Direct Connect gateway, Connect,
    Site-to-Site VPN; two of one rank to different attachments tie (unknown)."""
    from fargate_netcheck.snapshot.transit_items import TgwHop, TgwRoute
    from fargate_netcheck.trace.transit import tgw_pieces

    def tgw_route(kind: str, attachment: str, resource: str) -> TgwRoute:
        hop = TgwHop(attachment, f"{resource}-1", resource)
        return TgwRoute("10.9.0.0/16", ipaddress.ip_network("10.9.0.0/16"), None, "active", kind, (hop,))

    def winner(*routes: TgwRoute):
        g = nx.DiGraph()
        g.add_node("tgw-rtb-1", tgw_routes=routes)
        (piece,) = tgw_pieces(g, "tgw-rtb-1", AddressSet.of(["10.9.1.0/24"]))
        return piece

    vpn = tgw_route("propagated", "tgw-attach-vpn", "vpn")
    vpc = tgw_route("propagated", "tgw-attach-vpc", "vpc")
    dx = tgw_route("propagated", "tgw-attach-dx", "direct-connect-gateway")
    static = tgw_route("static", "tgw-attach-static", "vpn")
    assert winner(vpn, vpc).route == vpc
    assert winner(vpn, dx).route == dx
    assert winner(vpc, dx).route == vpc
    assert winner(vpn, static).route == static
    second_vpn = tgw_route("propagated", "tgw-attach-vpn2", "vpn")
    tie = winner(vpn, second_vpn)
    assert tie.route is None and len(tie.tied) == 2
