"""Route-table partition against a brute-force model: for random small tables over a tiny address
space, the pieces are disjoint, cover the destination, and each address's piece is the route AWS's
longest-prefix match picks for it (ties: local, static, prefix list, propagated; equal routes to
different next hops: unknown, AWS picks one at random)."""

from __future__ import annotations

import ipaddress

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Route
from fargate_netcheck.trace.destination import Destination, internet_space
from fargate_netcheck.trace.routing import next_hop, partition, route_tier

# a /24 at the top of IPv4, so addresses can be enumerated one by one
BASE = int(ipaddress.ip_address("203.0.113.0"))
TARGETS = ["nat-a", "nat-b", "pcx-x", "igw-a"]


def _net(offset: int, prefixlen: int) -> ipaddress.IPv4Network:
    size = 1 << (32 - prefixlen)
    return ipaddress.ip_network((BASE + (offset // size) * size, prefixlen))


networks = st.builds(_net, st.integers(0, 255), st.integers(24, 32))


@st.composite
def tables(draw):
    """Routes by CIDR and by prefix list (some lists unreadable), with origins and states."""
    g = nx.DiGraph()
    routes = []
    for i in range(draw(st.integers(0, 6))):
        target = draw(st.sampled_from(TARGETS))
        kind = target.split("-")[0]
        origin = draw(st.sampled_from(["CreateRoute", "EnableVgwRoutePropagation"]))
        state = draw(st.sampled_from(["active", "active", "blackhole"]))
        if draw(st.booleans()):
            net = draw(networks)
            routes.append(Route(str(net), net, None, target, kind, state, origin))
        else:
            pl = f"pl-{i}"
            entries = draw(st.lists(networks, max_size=3))
            g.add_node(pl, prefixes=None if draw(st.integers(0, 4)) == 0 else tuple(entries))
            routes.append(Route(pl, None, pl, target, kind, state, origin))
    return g, routes


def _best(g: nx.DiGraph, routes: list[Route], address: int):
    """Per-address LPM: (chosen route, whether an unreadable prefix list could beat it, whether
    routes of equal rank to different next hops tie for it: AWS picks one of them at random)."""
    ip = ipaddress.ip_address(address)
    best, rank, unreadable, equal = None, (-1, -1), False, set()
    for route in routes:
        nets = (route.network,) if route.network is not None else g.nodes[route.prefix_list_id]["prefixes"]
        if nets is None:
            continue
        for net in nets:
            if ip in net and (net.prefixlen, route_tier(route)) > rank:
                best, rank = route, (net.prefixlen, route_tier(route))
                equal = {next_hop(route)}
            elif ip in net and (net.prefixlen, route_tier(route)) == rank:
                equal.add(next_hop(route))
    for route in routes:
        if route.network is None and g.nodes[route.prefix_list_id]["prefixes"] is None:
            unreadable = unreadable or (32, route_tier(route)) > rank
    return best, unreadable, len(equal) > 1


@settings(max_examples=300, deadline=None)
@given(table=tables(), dest=st.lists(networks, min_size=1, max_size=3))
def test_pieces_are_disjoint_cover_the_set_and_match_per_address_lpm(table, dest):
    g, routes = table
    space = AddressSet.of(dest)
    pieces = partition(g, routes, space, route_tier, next_hop)
    union = AddressSet.empty(4)
    for piece in pieces:
        assert not (union & piece.addresses), "pieces overlap"
        union = union | piece.addresses
    assert union == space
    assert len({next_hop(p.routes[0]) for p in pieces if p.routes}) == len([p for p in pieces if p.routes])
    for piece in pieces:
        for lo, hi in piece.addresses.intervals:
            for address in range(lo, hi + 1):
                best, unreadable, tied = _best(g, routes, address)
                if unreadable:
                    assert piece.unreadable is not None
                elif tied:
                    assert piece.routes == () and piece.unreadable is None and len(piece.tied) > 1
                elif best is None:
                    assert piece.routes == () and piece.unreadable is None
                else:
                    assert piece.unreadable is None and next_hop(piece.routes[0]) == next_hop(best)


@settings(max_examples=200, deadline=None)
@given(a=st.lists(networks, max_size=4), b=st.lists(networks, max_size=4))
def test_set_algebra_matches_python_sets(a, b):
    def addresses(nets):
        return {int(x) for n in nets for x in n}

    sa, sb = AddressSet.of(a, 4), AddressSet.of(b, 4)
    for got, want in (
        (sa & sb, addresses(a) & addresses(b)),
        (sa | sb, addresses(a) | addresses(b)),
        (sa - sb, addresses(a) - addresses(b)),
    ):
        assert addresses(got.networks()) == want
        assert got.size == len(want)


@settings(max_examples=300, deadline=None)
@given(value=st.integers(0, 2**32 - 1))
def test_the_internet_holds_only_global_addresses(value):
    address = ipaddress.IPv4Address(value)
    if internet_space(4).contains_address(value):
        assert address.is_global and not address.is_multicast


@settings(max_examples=300, deadline=None)
@given(value=st.integers(0, 2**128 - 1))
def test_the_ipv6_internet_holds_only_global_addresses(value):
    if internet_space(6).contains_address(value):
        assert ipaddress.IPv6Address(value).is_global


def test_documentation_cgnat_and_benchmark_ranges_are_not_the_internet():
    internet = Destination.internet(4).space
    for cidr in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "100.64.0.0/10", "198.18.0.0/15"):
        assert not (internet & AddressSet.of([cidr]))


def test_one_default_route_gives_one_piece():
    g = nx.DiGraph()
    default = Route(
        "0.0.0.0/0", ipaddress.ip_network("0.0.0.0/0"), None, "nat-a", "nat", "active", "CreateRoute"
    )
    local = Route("10.0.0.0/16", ipaddress.ip_network("10.0.0.0/16"), None, "local", "local", "active", "x")
    (piece,) = partition(g, [local, default], internet_space(4), route_tier, next_hop)
    assert piece.routes == (default,) and piece.addresses == internet_space(4)


def test_halves_to_one_nat_travel_together():
    g = nx.DiGraph()
    halves = [
        Route(c, ipaddress.ip_network(c), None, "nat-a", "nat", "active", "CreateRoute")
        for c in ("0.0.0.0/1", "128.0.0.0/1")
    ]
    (piece,) = partition(g, halves, internet_space(4), route_tier, next_hop)
    assert piece.route.describe() == "0.0.0.0/1, 128.0.0.0/1 -> nat-a"
