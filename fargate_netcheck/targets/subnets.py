"""Targets from the command line and from an account audit.

A target is one subnet with the task's security groups and public-IP choice; a task listing
several subnets gives one target per subnet, because Fargate may place it in any of them.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.gc_quiet import gc_quiet
from fargate_netcheck.core.model import SourceLocation, Target
from fargate_netcheck.graph.build import successor
from fargate_netcheck.graph.route_choice import route_pieces, route_tier
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network, Route


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
    node = g._node.get(subnet_id, {})
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
    unknown (the failure, not "unknown subnet"). A subnet or group named twice counts once: a task
    launched with ``--subnet a --subnet a`` runs in one subnet, so it is one target."""
    subnets, groups = list(dict.fromkeys(subnets)), list(dict.fromkeys(groups))
    for subnet_id in subnets:
        if g.nodes.get(subnet_id, {}).get("kind") != "subnet" and not _failed(g, "Subnets"):
            raise InputError(f"unknown subnet {subnet_id}: not in the snapshot{_scope(g)}")
    for sg in groups:
        if g.nodes.get(sg, {}).get("kind") != "sg" and not _failed(g, "SecurityGroups"):
            raise InputError(f"unknown security group {sg}: not in the snapshot{_scope(g)}")
    return [_cli_target(g, s, groups, assign_public_ip) for s in subnets]


def _cli_target(g: nx.DiGraph, subnet_id: str, groups: list[str], assign_public_ip: bool) -> Target:
    """Without ``--security-group`` the task is one that names no group: ECS gives it its VPC's
    default group, which is then checked (not found: unknown, never "not evaluated" and a pass)."""
    if groups:
        return make_target(g, "cli", subnet_id, groups, assign_public_ip)
    default = default_group(g, subnet_id)
    note = f"no --security-group: ECS uses the VPC's default group {default or '(not in the snapshot)'}"
    return make_target(
        g,
        "cli",
        subnet_id,
        (default,) if default else (),
        assign_public_ip,
        notes=(note,),
        security_groups_known=default is not None,
    )


def default_group(g: nx.DiGraph, subnet_id: str) -> str | None:
    """The VPC's default security group (``GroupName`` ``default``) of ``subnet_id``'s VPC: what ECS gives an
    awsvpc task that names no group; None when the snapshot does not hold it."""
    vpc = g.nodes.get(subnet_id, {}).get("item", {}).get("VpcId")
    if vpc not in g:
        return None
    for node, attrs in g.pred[vpc].items():
        node_attrs = g.nodes[node]
        if (
            attrs.get("rel") == "in-vpc"
            and node_attrs.get("kind") == "sg"
            and node_attrs["item"].get("GroupName") == "default"
        ):
            return node
    return None


def audit_targets(g: nx.DiGraph) -> list[Target]:
    """Every subnet in scope. A subnet whose internet route goes to an internet gateway is evaluated
    as a task with a public IP would be (that is how a task must be launched there); any other
    without one. No task security groups are known, so groups are not evaluated."""
    with gc_quiet():  # tens of thousands of long-lived targets, no cyclic garbage (see build_graph)
        return _audit_targets(g)


def _audit_targets(g: nx.DiGraph) -> list[Target]:
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
    kind = default_route_kind(g, rtb)
    if kind is UNDECIDED:
        route = route_pieces(g, rtb, AddressSet.everything(4))[0].route  # where most of IPv4 goes
        kind = route.target_kind if route is not None else None
    return kind == "igw"


UNDECIDED = object()
_HALF_OF_IPV4 = 1 << 31


def default_route_kind(g: nx.DiGraph, rtb: str) -> str | object:
    """The ``target_kind`` of the route that wins most of IPv4 in table ``rtb`` (what
    ``route_pieces(g, rtb, everything(4))[0].route`` names), when a default route certainly wins it:
    every other IPv4 destination of the table together spans less than half of IPv4, so the piece
    of the best 0.0.0.0/0 route (longest-prefix match leaves it all the rest) is the largest.
    ``UNDECIDED`` otherwise (no default route, a prefix list whose entries were not collected, more
    specific routes covering half of IPv4 or more): the partition decides. An audit asks this of
    every table, and the trace partitions other address sets, so the partition would be made for
    nothing."""
    nodes = g._node
    best: tuple[tuple[int, int], Route] | None = None  # ((tier, -order), route) of the best default
    others = 0  # the sizes of every other IPv4 destination, summed (their union is no larger)
    for order, route in enumerate(nodes[rtb].get("routes", ())):
        if route.network is not None:
            nets: tuple[Network, ...] = (route.network,)
        else:
            node = nodes.get(route.prefix_list_id)
            found = node.get("prefixes") if node is not None else None
            if found is None:
                return UNDECIDED
            nets = found
        for net in nets:
            if net.version != 4:
                continue
            if net.prefixlen == 0 and route.network is not None:
                rank = (route_tier(route), -order)  # the partition's order: higher tier, then first
                if best is None or rank > best[0]:
                    best = (rank, route)
            else:
                others += 1 << (32 - net.prefixlen)
    if best is None or others >= _HALF_OF_IPV4:
        return UNDECIDED
    return best[1].target_kind


def _failed(g: nx.DiGraph, kind: str) -> bool:
    """Could ``kind`` exist without being in the snapshot: collecting it failed in some region, or
    some account could not be read at all?"""
    return bool(g.graph.get("unread_accounts")) or any(
        region.failed(kind) for region in g.graph["regions"].values()
    )


def _scope(g: nx.DiGraph) -> str:
    regions = sorted({r for (_, r) in g.graph["regions"]})
    return f" (regions: {', '.join(regions)})" if regions else ""
