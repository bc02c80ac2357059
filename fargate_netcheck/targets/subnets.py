"""Targets from the command line and from an account audit.

A target is one subnet with the task's security groups and public-IP choice; a task listing
several subnets gives one target per subnet, because Fargate may place it in any of them.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import SourceLocation, Target
from fargate_netcheck.graph.build import successor
from fargate_netcheck.graph.route_choice import route_pieces
from fargate_netcheck.snapshot.addresses import AddressSet


def make_target(
    g: nx.DiGraph,
    source: str,
    subnet_id: str,
    security_group_ids: Iterable[str] = (),
    assign_public_ip: bool | None = False,
    *,
    evaluate_security_groups: bool = True,
    location: SourceLocation | None = None,
    needs: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    security_groups_known: bool = True,
) -> Target:
    node = g.nodes.get(subnet_id, {})
    return Target(
        target_id=f"{source}:{subnet_id}",
        source=source,
        subnet_id=subnet_id,
        security_group_ids=tuple(dict.fromkeys(security_group_ids)),
        assign_public_ip=assign_public_ip,
        evaluate_security_groups=evaluate_security_groups,
        account_id=node.get("account"),
        region=node.get("region"),
        location=location,
        needs=needs,
        notes=notes,
        security_groups_known=security_groups_known,
    )


def cli_targets(g: nx.DiGraph, subnets: list[str], groups: list[str], assign_public_ip: bool) -> list[Target]:
    """Targets named on the command line; an id the snapshot does not hold is an input error, unless
    collecting its kind failed somewhere: then it stays a target, and its walk says why it is
    unknown (the failure, not "unknown subnet")."""
    for subnet_id in subnets:
        if g.nodes.get(subnet_id, {}).get("kind") != "subnet" and not _failed(g, "Subnets"):
            raise InputError(f"unknown subnet {subnet_id}: not in the snapshot{_scope(g)}")
    for sg in groups:
        if g.nodes.get(sg, {}).get("kind") != "sg" and not _failed(g, "SecurityGroups"):
            raise InputError(f"unknown security group {sg}: not in the snapshot{_scope(g)}")
    return [
        make_target(g, "cli", s, groups, assign_public_ip, evaluate_security_groups=bool(groups))
        for s in subnets
    ]


def audit_targets(g: nx.DiGraph) -> list[Target]:
    """Every subnet in scope. A subnet whose internet route goes to an internet gateway is evaluated
    as a task with a public IP would be (that is how a task must be launched there); any other
    without one. No task security groups are known, so groups are not evaluated."""
    targets = []
    igw_tables: dict[str, bool] = {}  # route table -> routes the internet to an IGW (tables are shared)
    for subnet_id in sorted(n for n, kind in g.nodes(data="kind") if kind == "subnet"):
        rtb = successor(g, subnet_id, "uses-route-table")
        if rtb is not None and rtb not in igw_tables:
            igw_tables[rtb] = _routes_to_igw(g, rtb)
        public = igw_tables[rtb] if rtb is not None else False
        targets.append(make_target(g, "audit", subnet_id, (), public, evaluate_security_groups=False))
    return targets


def _routes_to_igw(g: nx.DiGraph, rtb: str) -> bool:
    route = route_pieces(g, rtb, AddressSet.everything(4))[0].route  # where most of IPv4 goes
    return route is not None and route.target_kind == "igw"


def _failed(g: nx.DiGraph, kind: str) -> bool:
    """Could ``kind`` exist without being in the snapshot: collecting it failed in some region, or
    some account could not be read at all?"""
    return bool(g.graph.get("unread_accounts")) or any(
        region.failed(kind) for region in g.graph["regions"].values()
    )


def _scope(g: nx.DiGraph) -> str:
    regions = sorted({r for (_, r) in g.graph["regions"]})
    return f" (regions: {', '.join(regions)})" if regions else ""
