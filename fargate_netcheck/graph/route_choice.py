"""Route choice within one route table, as AWS documents it (``route-tables-priority``):
longest prefix first; on equal prefixes the local route, then static routes, then prefix-list
routes, then propagated routes. IPv4 and IPv6 routes are independent of each other.

A destination is a set of addresses, so a table does not pick one route for it: it splits it
(``partition``) into pieces, each the addresses one route wins by longest-prefix match over *all*
the table's routes (those more specific than the destination, and each entry of a prefix-list
route, included). Pieces whose routes lead to the same next hop travel together, so a table with
one default route gives one piece and the walk stays one walk. A prefix list whose entries were not
collected could hold any prefix: the addresses it could win are a piece of their own, ``unknown``.
So are the addresses that routes of equal prefix and priority but different next hops tie for (two
prefix lists holding one CIDR: AWS "randomly choose[s] which route takes priority"). A prefix-list
entry inside the VPC's own ranges is "not valid for the route table" and AWS ignores it: in a VPC
route table the local route keeps those addresses (``route_pieces``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from typing import Generic, Protocol, TypeVar

import networkx as nx

from fargate_netcheck.graph.build import successor, vpc_cidrs
from fargate_netcheck.snapshot.addresses import AddressSet, Interval, cut, merge
from fargate_netcheck.snapshot.parse import Network, Route, Span, span_of

_PROPAGATED = "EnableVgwRoutePropagation"


class Prefixed(Protocol):
    """What longest-prefix matching needs of a route (a VPC route, a transit-gateway route)."""

    @property
    def destination(self) -> str: ...

    @property
    def network(self) -> Network | None: ...

    @property
    def prefix_list_id(self) -> str | None: ...

    def describe(self) -> str: ...


R = TypeVar("R", bound=Prefixed)


@dataclass(frozen=True, slots=True)
class Piece(Generic[R]):
    """Addresses a table sends one way. ``routes``: the routes that win them (one next hop; empty
    when no route does); ``unreadable``: a prefix-list route whose entries were not collected and
    that could win them; ``tied``: routes that win them equally but lead to different next hops
    (in both cases where they go is unknown)."""

    addresses: AddressSet
    routes: tuple[R, ...] = ()
    unreadable: R | None = None
    tied: tuple[R, ...] = ()  # routes of equal prefix and priority to different next hops
    unlisted: str | None = None  # the table whose routes the snapshot does not hold (none are known)

    @property
    def route(self) -> R | None:
        """The one route that stands for the piece (routes of one next hop merged for the reasons)."""
        if not self.routes:
            return None
        if len(self.routes) == 1:
            return self.routes[0]
        # Every route kind R stands for is a dataclass; the Prefixed protocol cannot say so to mypy.
        return replace(self.routes[0], destination=", ".join(r.destination for r in self.routes))  # type: ignore[type-var]

    def unknown_reason(self, kind: str = "route") -> str | None:
        if self.unlisted is not None:
            return f"route table {self.unlisted} has no Routes in the snapshot: where it sends {self.addresses.summary()} is unknown"
        if self.tied:
            names = ", ".join(r.describe() for r in self.tied)
            return (
                f"{kind}s {names} match {self.addresses.summary()} with equal prefix and priority but lead to "
                "different targets: AWS picks one of them at random, and the snapshot does not say which"
            )
        u = self.unreadable
        if u is None:
            return None
        return (
            f"{kind} {u.destination} uses prefix list {u.prefix_list_id} whose entries were not collected; "
            f"it may match {self.addresses.summary()}"
        )


def partition(
    g: nx.DiGraph,
    routes: Iterable[R],
    space: AddressSet,
    tier: Callable[[R], int],
    next_hop: Callable[[R], Hashable],
    inside: tuple[Span, ...] = (),
) -> list[Piece[R]]:
    """Split ``space`` by longest-prefix match over ``routes`` (ties: higher ``tier`` wins; routes of
    equal prefix and tier to different ``next_hop``s: a ``tied`` piece); pieces with equal
    ``next_hop`` merged; the largest piece first, then by first address. Prefix-list entries that
    lie ``inside`` one of the given spans are ignored (``route_pieces``: the VPC's own ranges)."""
    indexed = list(routes)
    candidates, unreadable = _candidates(g, indexed, space.version, tier, inside)
    remaining = list(space.intervals)  # sorted, disjoint: each claim is cut out of it in place
    # (prefixlen, tier, the routes that hold those addresses equally, the addresses)
    claims: list[tuple[int, int, tuple[int, ...], list[Interval]]] = []
    for (prefixlen, rank, lo, hi), orders in candidates:
        if not remaining:
            break
        got = cut(remaining, lo, hi)
        if got:
            claims.append((prefixlen, rank, orders, got))
    best_unreadable = max(unreadable, key=tier, default=None)
    width = 32 if space.version == 4 else 128
    # key -> (intervals, routes, unreadable route, tied routes): the claims are disjoint, so a
    # group's addresses are the union of its claims' intervals, merged once at the end
    groups: dict[Hashable, tuple[list[Interval], list[R], R | None, tuple[R, ...]]] = {}

    def add(
        key: Hashable, addresses: list[Interval], route: R | None, unknown: R | None, tied: tuple[R, ...] = ()
    ) -> None:
        found = groups.get(key)
        if found is None:
            groups[key] = (list(addresses), [route] if route is not None else [], unknown, tied)
            return
        spans, members, _, _ = found
        if route is not None and all(m is not route for m in members):
            members.append(route)
        spans.extend(addresses)

    for prefixlen, rank, orders, got in claims:
        winners = _distinct_hops([indexed[o] for o in orders], next_hop)
        if best_unreadable is not None and (width, tier(best_unreadable)) > (prefixlen, rank):
            add(("unreadable",), got, None, best_unreadable)  # it could hold a longer prefix
        elif len(winners) > 1:
            add(("tied", *map(next_hop, winners)), got, None, None, tuple(winners))
        else:
            add(("route", next_hop(winners[0])), got, winners[0], None)
    if remaining:
        if best_unreadable is not None:
            add(("unreadable",), remaining, None, best_unreadable)
        else:
            add(("none",), remaining, None, None)
    version = space.version
    pieces = [
        Piece(AddressSet(version, merge(a)), tuple(sorted(m, key=indexed.index)), u, t)
        for a, m, u, t in groups.values()
    ]
    return sorted(pieces, key=lambda p: (-p.addresses.size, p.addresses.first()))


def _candidates(
    g: nx.DiGraph, indexed: list[R], version: int, tier: Callable[[R], int], inside: tuple[Span, ...]
) -> tuple[list[tuple[tuple[int, int, int, int], tuple[int, ...]]], list[R]]:
    """Each (prefixlen, tier, lo, hi) a route or prefix-list entry of ``version`` holds, with the
    routes (by order) that hold it, most specific and highest tier first; and the prefix-list routes
    whose entries were not collected. Entries ``inside`` a span are left out."""
    found: dict[tuple[int, int, int, int], list[int]] = {}
    unreadable: list[R] = []
    for order, route in enumerate(indexed):
        if route.network is not None:
            nets: Iterable[Network] = (route.network,)
        else:
            node = g.nodes.get(route.prefix_list_id) if route.prefix_list_id in g else None
            prefixes = node.get("prefixes") if node else None
            if prefixes is None:
                unreadable.append(route)
                continue
            nets = prefixes
        for net in nets:
            net_version, lo, hi = span_of(net)
            if net_version != version:
                continue
            if route.network is None and any(v == version and a <= lo and hi <= b for v, a, b in inside):
                continue
            orders = found.setdefault((net.prefixlen, tier(route), lo, hi), [])
            if order not in orders:
                orders.append(order)
    ranked = sorted(found.items(), key=lambda c: (-c[0][0], -c[0][1], c[0][2]))
    return [(key, tuple(orders)) for key, orders in ranked], unreadable


def _distinct_hops(routes: list[R], next_hop: Callable[[R], Hashable]) -> list[R]:
    """The first route to each next hop among routes that win the same addresses equally."""
    seen: dict[Hashable, R] = {}
    for route in routes:
        seen.setdefault(next_hop(route), route)
    return list(seen.values())


def route_tier(route: Route) -> int:
    if route.target_kind == "local":
        return 3
    if route.origin == _PROPAGATED:
        return 0
    return 1 if route.prefix_list_id else 2


def next_hop(route: Route) -> Hashable:
    """Routes with equal next hops carry their addresses on together. A gateway endpoint's route
    by prefix list differs from one by CIDR (only the first carries the service's traffic)."""
    return (route.target_kind, route.target_id, route.state, route.prefix_list_id is not None)


def route_pieces(g: nx.DiGraph, table: str, space: AddressSet) -> list[Piece[Route]]:
    """A VPC route table's partition of ``space``, computed once per table and set for the run
    (kept in ``g.graph["partitions"]``: derived from the graph, like its indexes).

    Tables whose routes that can win part of ``space`` are equal (a route by CIDR that overlaps it,
    and every route by prefix list) share one partition: the other routes claim nothing. Routes are
    values (frozen, compared field by field), so the pieces are the same for each of them."""
    cache = g.graph.setdefault("partitions", {})
    key = ("vpc", table, space)
    found: list[Piece[Route]] | None = cache.get(key)
    if found is None and g.nodes[table].get("routes_unlisted"):  # AWS always lists them: not known
        none_known: list[Piece[Route]] = [Piece(space, unlisted=table)]
        found = cache[key] = none_known
    if found is None:
        routes = g.nodes[table].get("routes", ())
        relevant = tuple(r for r in routes if r.network is None or _overlaps(space, r.network))
        lists = any(r.network is None for r in relevant)
        # (AWS's example is a subnet route table: a gateway route table routes subnets' ranges)
        gateway_table = any(d.get("rel") == "edge-route-table" for _, _, d in g.in_edges(table, data=True))
        inside = _vpc_ranges(g, table, routes, space.version) if lists and not gateway_table else ()
        shared = ("vpc-routes", relevant, space, inside)
        found = cache.get(shared)
        if found is None:
            found = cache[shared] = partition(g, relevant, space, route_tier, next_hop, inside)
        cache[key] = found
    return found


def _vpc_ranges(g: nx.DiGraph, table: str, routes: Iterable[Route], version: int) -> tuple[Span, ...]:
    """The ranges of the table's VPC (its CIDR blocks, and its ``local`` routes' destinations): a
    prefix-list entry inside one "is not valid for the route table" and AWS ignores it (VPC User
    Guide, "Route priority and prefix lists"), so the local route keeps the VPC's addresses."""
    networks = [r.network for r in routes if r.target_kind == "local" and r.network is not None]
    vpc = successor(g, table, "in-vpc")
    for cidr in vpc_cidrs(g.nodes[vpc].get("item") or {}) if vpc in g else ():
        try:
            networks.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    return tuple(sorted({span_of(n) for n in networks if n.version == version}))


def _overlaps(space: AddressSet, network: Network) -> bool:
    version, lo, hi = span_of(network)
    return version == space.version and space.overlaps(lo, hi)
