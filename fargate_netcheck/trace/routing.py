"""Route choice within one route table, as AWS documents it (``route-tables-priority``):
longest prefix first; on equal prefixes the local route, then static routes, then prefix-list
routes, then propagated routes. IPv4 and IPv6 routes are independent of each other."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from fargate_netcheck.parse import Network, Route

_PROPAGATED = "EnableVgwRoutePropagation"


@dataclass(frozen=True, slots=True)
class RouteChoice:
    route: Route | None
    unknown: str | None = None  # why the choice cannot be made (a prefix list that was not collected)


def _rank(route: Route, prefixlen: int) -> tuple[int, int]:
    if route.target_kind == "local":
        tier = 3
    elif route.origin == _PROPAGATED:
        tier = 0
    elif route.prefix_list_id:
        tier = 1
    else:
        tier = 2
    return prefixlen, tier


def choose_route(g: nx.DiGraph, routes: tuple[Route, ...], destination: Network) -> RouteChoice:
    best: Route | None = None
    best_rank = (-1, -1)
    unreadable: list[Route] = []
    for route in routes:
        if route.network is not None:
            if route.network.version != destination.version or not destination.subnet_of(route.network):
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
        rank = _rank(route, prefixlen)
        if rank > best_rank:
            best, best_rank = route, rank
    # A prefix list we cannot read could hold a prefix as long as the destination's own.
    for route in unreadable:
        if _rank(route, destination.prefixlen) > best_rank:
            return RouteChoice(
                None,
                f"route {route.describe()} uses prefix list {route.prefix_list_id} whose entries "
                "were not collected; it may match the destination",
            )
    return RouteChoice(best)
