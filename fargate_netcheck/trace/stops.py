"""What a walk says when it stops for want of something: the target's subnet not in the snapshot
(gone, unreadable or not collected), or a table without a route for an IPv4 destination whose only
default route is IPv6."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from fargate_netcheck.core.model import CheckCode, Target
from fargate_netcheck.graph.build import unread_accounts
from fargate_netcheck.trace.walk import Walk

if TYPE_CHECKING:
    from fargate_netcheck.trace.hops import Position


def subnet_missing(g: nx.DiGraph, walk: Walk, target: Target) -> None:
    """Why the target's subnet is not in the snapshot: gone (every region's subnets were read), in an
    account that could not be read, or not collected."""
    regions = g.graph["regions"].values()
    if unread := unread_accounts(g):
        walk.unknown(
            CheckCode.DATA_FAILED,
            target.subnet_id,
            f"subnet {target.subnet_id} is not in the snapshot, and it may belong to an account that "
            f"could not be read: {unread}",
        )
    elif regions and all(r.collected("Subnets") for r in regions):
        walk.failed(CheckCode.SUBNET_MISSING, target.subnet_id, f"subnet {target.subnet_id} does not exist")
    elif failed := [r for r in regions if r.failed("Subnets")]:
        walk.unknown(
            CheckCode.DATA_FAILED,
            target.subnet_id,
            f"subnet {target.subnet_id} is not in the snapshot because "
            + "; ".join(r.gap("Subnets") for r in failed),
        )
    else:
        walk.unknown(
            CheckCode.DATA_MISSING,
            target.subnet_id,
            f"subnet {target.subnet_id} is not in the snapshot, and not every region's subnets were collected",
        )


def ipv6_only(g: nx.DiGraph, rtb: str, pos: Position) -> str:
    """Why an IPv4 walk found no route, when the table's only default route is IPv6."""
    if pos.destination.version != 4:
        return ""
    v6_default = next(
        (
            r
            for r in g.nodes[rtb].get("routes", ())
            if r.network is not None and r.network.version == 6 and r.network.prefixlen == 0
        ),
        None,
    )
    if v6_default is None:
        return ""
    return (
        f": its default route {v6_default.describe()} is IPv6 only, and there is no 0.0.0.0/0 route; "
        "a dual-stack task still needs IPv4 egress to reach ECR and most services"
    )
