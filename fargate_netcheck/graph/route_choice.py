"""Route choice within one route table, as AWS documents it (``route-tables-priority``):
longest prefix first; on equal prefixes the local route, then static routes, then prefix-list
routes, then propagated routes. IPv4 and IPv6 routes are independent of each other.

A destination is a set of addresses, so a table does not pick one route for it: it splits it
(``partition``) into pieces, each the addresses one route wins by longest-prefix match over *all*
the table's routes (those more specific than the destination, and each entry of a prefix-list
route, included). Pieces whose routes lead to the same next hop travel together, so a table with
one default route gives one piece and the walk stays one walk. A prefix list whose entries were not
collected could hold any prefix: the addresses it could win are a piece of their own, ``unknown``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from typing import Generic, Protocol, TypeVar

import networkx as nx

from fargate_netcheck.snapshot.addresses import AddressSet, Interval, cut, merge
from fargate_netcheck.snapshot.parse import Network, Route, span_of

_PROPAGATED = "EnableVgwRoutePropagation"


class Prefixed(Protocol):
    """What longest-prefix matching needs of a route (a VPC route, a transit-gateway route)."""

    @property
    def destination(self) -> str: ...

    @property
    def network(self) -> Network | None: ...

    @property
    def prefix_list_id(self) -> str | None: ...


R = TypeVar("R", bound=Prefixed)


@dataclass(frozen=True, slots=True)
class Piece(Generic[R]):
    """Addresses a table sends one way. ``routes``: the routes that win them (one next hop; empty
    when no route does); ``unreadable``: a prefix-list route whose entries were not collected and
    that could win them (then where they go is unknown)."""

    addresses: AddressSet
    routes: tuple[R, ...] = ()
    unreadable: R | None = None

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
) -> list[Piece[R]]:
    """Split ``space`` by longest-prefix match over ``routes`` (ties: higher ``tier`` wins); pieces
    with equal ``next_hop`` merged; the largest piece first, then by first address."""
    candidates: list[tuple[int, int, int, int, int]] = []  # (prefixlen, tier, order, lo, hi)
    unreadable: list[R] = []
    indexed = list(routes)
    width = 32 if space.version == 4 else 128
    for order, route in enumerate(indexed):
        if route.network is not None:
            nets: Iterable[Network] = (route.network,)
        else:
            node = g.nodes.get(route.prefix_list_id) if route.prefix_list_id in g else None
            found = node.get("prefixes") if node else None
            if found is None:
                unreadable.append(route)
                continue
            nets = found
        for net in nets:
            version, lo, hi = span_of(net)
            if version == space.version:
                candidates.append((net.prefixlen, tier(route), order, lo, hi))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
    remaining = list(space.intervals)  # sorted, disjoint: each claim is cut out of it in place
    claims: list[tuple[int, int, int, list[Interval]]] = []  # (prefixlen, tier, order, addresses)
    for prefixlen, rank, order, lo, hi in candidates:
        if not remaining:
            break
        got = cut(remaining, lo, hi)
        if got:
            claims.append((prefixlen, rank, order, got))
    best_unreadable = max(unreadable, key=tier, default=None)
    # key -> (intervals, routes, unreadable route): the claims are disjoint, so a group's addresses
    # are the union of its claims' intervals, merged once at the end
    groups: dict[Hashable, tuple[list[Interval], list[R], R | None]] = {}

    def add(key: Hashable, addresses: list[Interval], route: R | None, unknown: R | None) -> None:
        found = groups.get(key)
        if found is None:
            groups[key] = (list(addresses), [route] if route is not None else [], unknown)
            return
        spans, members, _ = found
        if route is not None and all(m is not route for m in members):
            members.append(route)
        spans.extend(addresses)

    for prefixlen, rank, order, got in claims:
        route = indexed[order]
        if best_unreadable is not None and (width, tier(best_unreadable)) > (prefixlen, rank):
            add(("unreadable",), got, None, best_unreadable)  # it could hold a longer prefix
        else:
            add(("route", next_hop(route)), got, route, None)
    if remaining:
        if best_unreadable is not None:
            add(("unreadable",), remaining, None, best_unreadable)
        else:
            add(("none",), remaining, None, None)
    version = space.version
    pieces = [
        Piece(AddressSet(version, merge(a)), tuple(sorted(m, key=indexed.index)), u)
        for a, m, u in groups.values()
    ]
    return sorted(pieces, key=lambda p: (-p.addresses.size, p.addresses.first()))


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
    if found is None:
        routes = g.nodes[table].get("routes", ())
        relevant = tuple(r for r in routes if r.network is None or _overlaps(space, r.network))
        shared = ("vpc-routes", relevant, space)
        found = cache.get(shared)
        if found is None:
            found = cache[shared] = partition(g, relevant, space, route_tier, next_hop)
        cache[key] = found
    return found


def _overlaps(space: AddressSet, network: Network) -> bool:
    version, lo, hi = span_of(network)
    return version == space.version and space.overlaps(lo, hi)
