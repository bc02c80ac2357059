"""Route tables a walk cannot tell apart but by their ids: one class per set of such tables.

Tools that build a VPC (the CDK, most Terraform modules) give every subnet a route table of its
own, all holding the same routes: a walk from any of them reads the same routes, gateways and
endpoints, and differs only in the table's id in the path and the checks. ``table_classes`` names
those tables by what they hold, so targets behind them can share a walk (``grouping``) and have the
table's id re-labelled like their subnet's. A table keeps its identity (no class) when a walk may
meet it as something other than the task subnet's own table: the table of a subnet the walk enters
(a NAT gateway's, an endpoint's...), one associated with a gateway (ingress routing); and tables
are told apart by everything in their item but their id, tags and subnet associations, and by
which other items name them (an S3 gateway endpoint's ``RouteTableIds``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import networkx as nx

from fargate_netcheck.graph.build import successor


def table_classes(g: nx.DiGraph, visited_subnets: Iterable[str]) -> dict[str, tuple]:
    """Route table id -> its class, for the tables that share a class with another (the others
    are told apart by their ids, and a walk's text needs no re-labelling of them)."""
    keep = {successor(g, s, "uses-route-table") for s in visited_subnets if s in g}
    tables = []
    for node, attrs in g.nodes(data=True):
        if attrs.get("kind") != "route-table" or node in keep:
            continue
        if any(d.get("rel") == "edge-route-table" for d in g.pred[node].values()):
            continue
        tables.append(node)
    if len(tables) < 2:
        return {}
    named_by = _named_by(g, set(tables))
    classes = {}
    for rtb in tables:
        attrs = g.nodes[rtb]
        signature = _content(attrs.get("item") or {}, rtb)
        if signature is None:
            continue
        classes[rtb] = (
            "route-table-class",
            attrs.get("account"),
            attrs.get("region"),
            signature,
            tuple(sorted(named_by.get(rtb, ()))),
        )
    sizes: dict[tuple, int] = {}
    for cls in classes.values():
        sizes[cls] = sizes.get(cls, 0) + 1
    return {rtb: cls for rtb, cls in classes.items() if sizes[cls] > 1}


def _content(item: dict, rtb: str) -> str | None:
    """The table's item as canonical text without what differs between tables of one class: its
    id, tags and subnet associations. None when the id appears anywhere else in the item."""
    rest = {k: v for k, v in item.items() if k not in ("RouteTableId", "Tags", "Associations")}
    associations = [
        {k: v for k, v in a.items() if k not in ("RouteTableId", "RouteTableAssociationId")}
        for a in item.get("Associations") or ()
        if isinstance(a, dict) and not a.get("SubnetId")
    ]
    text = json.dumps([rest, associations], sort_keys=True, default=str)
    return None if rtb in text else text


def _named_by(g: nx.DiGraph, tables: set[str]) -> dict[str, set[str]]:
    """Which nodes' items name each table (a table's own item and its subnets' aside)."""
    named: dict[str, set[str]] = {}
    for node, attrs in g.nodes(data=True):
        if attrs.get("kind") in ("route-table", "subnet"):
            continue
        stack = [attrs.get("item") or {}]
        while stack:
            v = stack.pop()
            if isinstance(v, str):
                if v in tables:
                    named.setdefault(v, set()).add(node)
            elif isinstance(v, dict):
                stack.extend(v.values())
            elif isinstance(v, list | tuple):
                stack.extend(v)
    return named
