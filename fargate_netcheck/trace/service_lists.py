"""A gateway endpoint's service prefix list whose entries were not collected.

AWS adds a route to each route table a gateway endpoint names: the service's AWS-managed prefix list
(``com.amazonaws.<region>.s3``) to the endpoint. A template or plan names the endpoint but not the
list's entries (they are AWS's), and a scan without ``ec2:GetManagedPrefixListEntries`` cannot read
them. Which addresses the list holds is then unknown, but where each address goes is not:

- an address the list holds goes to the endpoint and reaches the list's own service there, which
  never counts toward the destination (``pieces.combine``: it neither makes it reachable nor saves
  it from being blocked);
- every other address goes by the table's other routes, exactly as if the list were not there.

So the piece the list could claim is walked by the table's other routes, and the endpoint is
checked for what the list's share needs of it (available). A part walked that way decides only if
the list cannot hold all of it: a part with addresses outside AWS's published ranges of the region
(``AMAZON`` in ip-ranges.json, which holds every service's) keeps them, so its verdict counts; a
part inside AWS's ranges (``--destination aws:S3``, say) may be the list's alone, and stays unknown.
Only the list's own gateway endpoint qualifies: any other uncollected list, or a second unreadable
list in the same table, stays unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import networkx as nx

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.graph.build import endpoint_service
from fargate_netcheck.graph.route_choice import Piece, next_hop, partition, route_tier
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Route
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.hops import Fork, Position, Step
from fargate_netcheck.trace.walk import Walk

Follow = Callable[[Walk, str, Piece[Route], Position], Step]
PartOf = Callable[[Destination, Piece[Route]], Destination]


def around_service_list(
    g: nx.DiGraph,
    walk: Walk,
    rtb: str,
    piece: Piece[Route],
    pos: Position,
    follow: Follow,
    part_of: PartOf,
    aws_ranges: Callable[[], AddressSet | None],
) -> Step:
    """Walk ``piece`` (addresses an uncollected prefix list may claim) by ``rtb``'s other routes when
    that list is a gateway endpoint's service list; None (nothing recorded) when it is not.
    ``follow`` goes on by one route's piece, ``part_of`` names a piece's part of a destination,
    ``aws_ranges`` gives AWS's published ranges in the endpoint's region (None: not known), asked
    only once the list qualifies."""
    route = piece.unreadable
    if route is None or route.target_kind != "vpce" or not route.target_id:
        return None
    node = g.nodes.get(route.target_id, {})
    item = node.get("item") or {}
    if node.get("kind") != "vpce" or item.get("VpcEndpointType") != "Gateway":
        return None
    if str(item.get("State", "")).lower() != "available":
        return None  # the list's share would be blocked there: which addresses that is stays unknown
    others = [r for r in g.nodes[rtb].get("routes", ()) if r is not route]
    rest = partition(g, others, piece.addresses, route_tier, next_hop)
    if any(p.unreadable is not None or p.tied for p in rest):
        return None
    service = endpoint_service(item.get("ServiceName", ""), node.get("region", ""))
    aws = aws_ranges()
    walk.passed(
        CheckCode.ROUTE,
        rtb,
        f"prefix list {route.prefix_list_id} of gateway endpoint {route.target_id} ({service}) was not read: the "
        f"addresses of {pos.destination} it holds reach {service} there (available), and do not count; the "
        f"rest goes by {rtb}'s other routes",
    )
    branches: list[tuple[Walk, Position | None]] = []
    for sub in rest:
        part = part_of(pos.destination, sub)
        forked = walk.fork(part) if len(rest) > 1 else walk
        forked.destination = part
        if aws is None or not (sub.addresses - aws):
            forked.unknown(
                CheckCode.PREFIX_LIST_UNKNOWN,
                rtb,
                f"all of {part} is inside AWS's published ranges, so prefix list {route.prefix_list_id} (not read) "
                f"may hold all of it: whether it goes to {route.target_id} or by {rtb}'s other routes is unknown",
            )
            branches.append((forked, None))
            continue
        step = follow(forked, rtb, sub, replace(pos, destination=part))
        branches.extend(step.branches if isinstance(step, Fork) else [(forked, step)])
    return Fork(branches)
