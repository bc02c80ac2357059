"""Which route table a subnet's traffic follows, within a walk. How one table splits a destination
(longest prefix over all its routes, AWS's tie order: ``partition``) is a question about the graph,
answered by ``graph.route_choice``: the target sources ask it too, and they never import the trace."""

from __future__ import annotations

import networkx as nx

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.graph.build import region_of, successor
from fargate_netcheck.graph.route_choice import Piece, Prefixed, next_hop, partition, route_pieces, route_tier
from fargate_netcheck.trace.walk import Walk

__all__ = ["Piece", "Prefixed", "next_hop", "partition", "route_pieces", "route_tier", "subnet_route_table"]


def subnet_route_table(g: nx.DiGraph, walk: Walk, subnet_id: str) -> str | None:
    """The table a subnet's traffic follows (its explicit association, else its VPC's main table,
    as the graph resolved it); None, with the reason recorded as unknown, when it is not known."""
    if not walk.collected(region_of(g, subnet_id), "RouteTables", subnet_id):
        return None
    rtb = successor(g, subnet_id, "uses-route-table")
    unlisted = g.nodes[subnet_id].get("route_table_unlisted")
    if unlisted:
        walk.unknown(
            CheckCode.ROUTE_TABLE_MISSING,
            subnet_id,
            f"route table {unlisted} has no Associations in the snapshot (AWS always lists them): it may be "
            f"{subnet_id}'s table or its VPC's main one, so which table routes its traffic is not known",
        )
        return None
    changing = g.nodes[subnet_id].get("route_table_changing")
    if changing:
        walk.unknown(
            CheckCode.ROUTE_TABLE_MISSING,
            subnet_id,
            f"the route table association of {subnet_id} is changing ({changing}): which table routes its "
            "traffic is not known until it settles; scan again",
        )
        return None
    if rtb is None:
        vpc_id = g.nodes[subnet_id]["item"].get("VpcId", "its VPC")
        walk.unknown(
            CheckCode.ROUTE_TABLE_MISSING,
            subnet_id,
            f"{subnet_id} has no explicit route table association and no main route table of {vpc_id} "
            "is in the snapshot",
        )
    return rtb
