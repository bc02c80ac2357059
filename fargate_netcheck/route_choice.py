"""Route choice within one route table, as AWS documents it (``route-tables-priority``):
longest prefix first; on equal prefixes the local route, then static routes, then prefix-list
routes, then propagated routes. IPv4 and IPv6 routes are independent of each other."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import networkx as nx

from fargate_netcheck.parse import Network, Route, within

_PROPAGATED = "EnableVgwRoutePropagation"


@dataclass(frozen=True, slots=True)
class RouteChoice:
    route: Route | None
    unknown: str | None = None  # why the choice cannot be made (a prefix list that was not collected)


class Prefixed(Protocol):
    """What longest-prefix matching needs of a route (a VPC route, a transit-gateway route)."""

    @property
    def network(self) -> Network | None: ...

    @property
    def prefix_list_id(self) -> str | None: ...


R = TypeVar("R", bound=Prefixed)


def longest_prefix(
    g: nx.DiGraph, routes: Iterable[R], destination: Network, tier: Callable[[R], int]
) -> tuple[R | None, R | None]:
    """``(best, unreadable)``: the longest-prefix route (ties broken by ``tier``, higher wins), and
    a route whose prefix list was not collected and could beat it (then no choice can be made)."""
    best: R | None = None
    best_rank = (-1, -1)
    unreadable: list[R] = []
    for route in routes:
        if route.network is not None:
            if not within(destination, route.network):
                continue
            prefixlen = route.network.prefixlen
        else:
            node = g.nodes.get(route.prefix_list_id) if route.prefix_list_id in g else None
            cidrs = node.get("prefixes") if node else None
            if cidrs is None:
                unreadable.append(route)
                continue
            lengths = [
                n.prefixlen for n in cidrs if n.version == destination.version and destination.subnet_of(n)
            ]
            if not lengths:
                continue
            prefixlen = max(lengths)
        rank = (prefixlen, tier(route))
        if rank > best_rank:
            best, best_rank = route, rank
    # A prefix list we cannot read could hold a prefix as long as the destination's own.
    blocking = next((r for r in unreadable if (destination.prefixlen, tier(r)) > best_rank), None)
    return best, blocking


def _tier(route: Route) -> int:
    if route.target_kind == "local":
        return 3
    if route.origin == _PROPAGATED:
        return 0
    return 1 if route.prefix_list_id else 2


def choose_route(g: nx.DiGraph, routes: tuple[Route, ...], destination: Network) -> RouteChoice:
    best, unreadable = longest_prefix(g, routes, destination, _tier)
    if unreadable is not None:
        return RouteChoice(
            None,
            f"route {unreadable.describe()} uses prefix list {unreadable.prefix_list_id} whose entries "
            "were not collected; it may match the destination",
        )
    return RouteChoice(best)
