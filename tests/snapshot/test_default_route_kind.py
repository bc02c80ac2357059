"""An audit decides "does this table send most of IPv4 to an internet gateway?" without partitioning
the table when a default route certainly wins most of IPv4 (targets/subnets.py): the answer must be
the partition's, on hand-written tables, on synthetic accounts and on fuzzed snapshots."""

from __future__ import annotations

import copy

from fuzz.mutations import BASES, FUZZ, mutated
from hypothesis import given
from hypothesis import strategies as st
from snapshots import healthy

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.graph.route_choice import route_pieces
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import UNDECIDED, default_route_kind


def _partition_kind(g, rtb: str) -> str | None:
    route = route_pieces(g, rtb, AddressSet.everything(4))[0].route
    return route.target_kind if route is not None else None


def _decided(doc) -> int:
    """Asserts the shortcut agrees with the partition on every table; returns how many it decided."""
    try:
        g = build_graph(parse_snapshot(doc, "tables.json"))
    except InputError:
        return 0
    decided = 0
    for rtb in [n for n, kind in g.nodes(data="kind") if kind == "route-table"]:
        kind = default_route_kind(g, rtb)
        if kind is not UNDECIDED:
            decided += 1
            assert kind == _partition_kind(g, rtb), rtb
    return decided


def _with_routes(*routes: dict) -> dict:
    doc = healthy()
    table = next(t for t in doc["regions"]["us-east-1"]["RouteTables"] if t["RouteTableId"] == "rtb-private")
    table["Routes"] = [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}, *routes]
    return doc


def _kind(doc: dict) -> object:
    return default_route_kind(build_graph(parse_snapshot(doc, "tables.json")), "rtb-private")


def test_a_default_route_beside_small_routes_decides_and_agrees():
    doc = _with_routes(
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
        {"DestinationCidrBlock": "192.168.0.0/16", "NatGatewayId": "nat-1"},
    )
    assert _kind(doc) == "igw"
    assert _decided(doc) >= 1


def test_half_of_ipv4_elsewhere_is_left_to_the_partition():
    # 0.0.0.0/1 and 128.0.0.0/1 leave the default route nothing: the shortcut must not answer.
    doc = _with_routes(
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
        {"DestinationCidrBlock": "0.0.0.0/1", "NatGatewayId": "nat-1"},
        {"DestinationCidrBlock": "128.0.0.0/1", "NatGatewayId": "nat-1"},
    )
    assert _kind(doc) is UNDECIDED
    assert _decided(doc) >= 0


def test_an_unreadable_prefix_list_or_no_default_route_is_left_to_the_partition():
    unreadable = _with_routes(
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
        {"DestinationPrefixListId": "pl-unknown", "NatGatewayId": "nat-1"},
    )
    assert _kind(unreadable) is UNDECIDED
    no_default = _with_routes({"DestinationCidrBlock": "192.168.0.0/16", "NatGatewayId": "nat-1"})
    assert _kind(no_default) is UNDECIDED


def test_the_better_of_two_default_routes_wins_as_in_the_partition():
    # A static route beats a propagated one of the same prefix (AWS's route priority).
    doc = _with_routes(
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vgw-1", "Origin": "EnableVgwRoutePropagation"},
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
    )
    assert _kind(doc) == "igw"
    _decided(doc)


def test_every_base_snapshot_agrees():
    assert sum(_decided(copy.deepcopy(doc)) for doc in BASES.values()) > 0


@FUZZ
@given(data=st.data())
def test_fuzzed_snapshots_agree(data):
    _decided(mutated(data))
