"""Where the destination arrives inside a VPC: by the ``local`` route, or over a VPC peering
connection into the peer VPC. It enters the subnets that hold it, each through its network ACL, one
branch per ACL (``deliver``); a peering carries only the peer's own ranges and is not transitive."""

from __future__ import annotations

import networkx as nx

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.graph.build import successor
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network, Route, span_of
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.hops import Position, Step, reply_range, split, task_ipv6_range
from fargate_netcheck.trace.peer_ranges import peer_ranges, peer_side
from fargate_netcheck.trace.returns import LocalReturn, PeeringReturn
from fargate_netcheck.trace.walk import Crossing, Walk


def deliver(g: nx.DiGraph, walk: Walk, pos: Position, vpc_id: str, source: Network | None) -> Step:
    """The destination arrives inside ``vpc_id``: enter the subnets that hold it
    (``enter_destination``) and end the walk there, reached. Subnets behind different network ACLs
    each take their own part of the destination, one branch per ACL: an ACL decides only for its
    subnets' addresses, so one that denies makes that part unreachable, never all of it."""
    groups = list(_holding(g, vpc_id, pos.destination).values())
    if len(groups) > 1:

        def again(w: Walk, p: Position) -> Step:
            return deliver(g, w, p, vpc_id, source)

        return split(walk, pos, _ranges(g, groups[0], pos.destination.version), again, again)
    enter_destination(g, walk, pos, vpc_id, source)
    walk.reached = True
    return None


def _ranges(g: nx.DiGraph, subnets: list[str], version: int) -> AddressSet:
    """The address ranges of ``subnets`` of one IP version (IPv6: every block, as ``_holding``)."""
    if version == 4:
        return AddressSet.of(
            [c for s in subnets if (c := g.nodes[s].get("cidr")) is not None and c.version == 4], 4
        )
    return AddressSet.of([b for s in subnets for b in _ipv6_blocks(g, s)], 6)


def _ipv6_blocks(g: nx.DiGraph, subnet: str) -> list[str]:
    """Every IPv6 block of ``subnet``, associated or not: a subnet more is an ACL more, never a pass."""
    listed = g.nodes[subnet].get("item", {}).get("Ipv6CidrBlockAssociationSet") or ()
    return [b for a in listed if isinstance(b := a.get("Ipv6CidrBlock"), str)]


def enter_destination(g: nx.DiGraph, walk: Walk, pos: Position, vpc_id: str, source: Network | None) -> None:
    """A destination that arrives inside ``vpc_id`` (a local route, a peering) enters the subnets
    that hold it, each through its network ACL (ACLs filter traffic at the subnet level): the
    request in from ``source`` and the replies out to it, once per ACL of those subnets (its first
    subnet by id stands for the others). Traffic within the walk's own subnet crosses no ACL.
    IPv6 comes from the task subnet's IPv6 range (no NAT translates it); a source that is not known
    leaves the walk ``unknown`` where another subnet holds the destination, never a pass."""
    if source is None and pos.destination.version == 6 and not pos.translated_by:
        source = task_ipv6_range(g, walk.path[0])  # the task's subnet, wherever the traffic stands now
    holding = _holding(g, vpc_id, pos.destination)
    for subnets in holding.values():
        subnet = next((s for s in subnets if s != pos.subnet_id), None)
        if subnet is None:
            continue
        if source is None:
            walk.unknown(
                CheckCode.NACL_MISSING,
                subnet,
                f"{pos.destination} is in {subnet}: the range the traffic comes from is not known, so its "
                "network ACL cannot be evaluated",
            )
            return
        walk.crossings.append(Crossing(subnet, source, toward_destination=False))
    if vpc_id == pos.vpc_id and source is not None:  # a peering's or transit gateway's way back is their own
        _local_return(g, walk, pos, holding, source)


def _local_return(
    g: nx.DiGraph, walk: Walk, pos: Position, holding: dict[str | None, list[str]], source: Network
) -> None:
    """Leave the check that each subnet the local route delivers to routes the replies back
    (``LocalReturn``). A walk that came through a transit gateway has it from ``TransitReturn``.
    The appliances that saw the request are those after the translation, if any (before it, the
    replies' address was another)."""
    path = walk.path
    if any(g.nodes.get(hop, {}).get("kind") == "tgw" for hop in path):
        return
    subnets = tuple(sorted(s for group in holding.values() for s in group if s != pos.subnet_id))
    if not subnets:
        return
    start = len(path) - path[::-1].index(pos.translated_by) if pos.translated_by in path else 0
    appliances = frozenset(
        hop for hop in path[start:] if g.nodes.get(hop, {}).get("kind") in ("vpce", "eni", "instance")
    )
    walk.returns.append(LocalReturn(pos.vpc_id, subnets, source, appliances))


def _holding(g: nx.DiGraph, vpc_id: str, dest: Destination) -> dict[str | None, list[str]]:
    """The subnets of ``vpc_id`` that hold part of ``dest`` (by their IPv4 or IPv6 ranges), by ACL,
    each list by id (once per VPC and destination for the run: kept in ``g.graph``, like the route
    partitions)."""
    cache = g.graph.setdefault("holding", {})
    found: dict[str | None, list[str]] | None = cache.get((vpc_id, dest))
    if found is None:
        found = {}
        cache[vpc_id, dest] = found
        pred = g.pred[vpc_id] if vpc_id in g else {}
        for subnet in sorted(s for s, edge in pred.items() if edge.get("rel") == "in-vpc"):
            node = g.nodes[subnet]
            if node.get("kind") != "subnet":
                continue
            if dest.version == 4:
                cidr = node.get("cidr")
                holds = cidr is not None and cidr.version == 4 and dest.space.overlaps(*span_of(cidr)[1:])
            else:
                holds = bool(AddressSet.of(_ipv6_blocks(g, subnet), 6) & dest.space)
            if holds:
                found.setdefault(successor(g, subnet, "uses-nacl"), []).append(subnet)
    return found


def peering(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Step:
    """Traffic for the peer VPC's own ranges arrives; the rest goes nowhere (peering is not
    transitive: never on to the peer's internet or NAT gateway)."""
    pcx = route.target_id
    rtb = walk.path[-1]
    walk.hop(pcx)
    item = g.nodes[pcx]["item"]
    status = (item.get("Status") or {}).get("Code", "unknown")
    peer_vpc = next(
        (v for v in g.successors(pcx) if v != pos.vpc_id and g.nodes[v].get("kind") == "vpc"), None
    )
    version = pos.destination.version
    # The peer's own ranges; those whose association is changing may or may not arrive (unknown).
    inside, unsettled = peer_ranges(g, item, peer_vpc, pos.vpc_id, version, status == "active")

    peer_label = peer_vpc or peer_side(item, pos.vpc_id).get("VpcId") or f"the peer VPC of {pcx}"

    def arrives(w: Walk, p: Position) -> Step:
        if p.destination.outside:
            w.failed(
                CheckCode.KEPT_INSIDE,
                pcx,
                f"route {route.describe()} in {rtb} sends {p.destination} into {pcx}: those addresses are "
                f"peer {peer_label}'s own range, so the traffic ends there and never reaches the hosts "
                "outside that have them",
            )
            return None
        w.passed(CheckCode.PEERING, pcx, f"{p.destination} is inside peer {peer_label} over active {pcx}")
        w.returns.append(PeeringReturn(pcx, peer_vpc, peer_label, p.destination.space, reply_range(g, w, p)))
        if peer_vpc is not None:  # else its subnets, their ACLs and routes are unknown (PeeringReturn)
            return deliver(g, w, p, peer_vpc, reply_range(g, w, p))
        w.reached = True
        return None

    def lost(w: Walk, p: Position) -> Step:
        w.failed(
            CheckCode.PEERING_NOT_TRANSITIVE,
            pcx,
            f"route {route.describe()} in {rtb} sends {p.destination} into VPC peering {pcx}, which carries "
            f"only peer {peer_label}'s own ranges and is not transitive: it never reaches the internet "
            "through the peer VPC's internet or NAT gateway"
            + ("" if status == "active" else f" (and {pcx} is {status})"),
        )
        return None

    def changing_range(w: Walk, p: Position) -> Step:
        w.unknown(
            CheckCode.PEERING,
            pcx,
            f"{p.destination} is in a CIDR block of peer {peer_label} whose association is changing: "
            "whether the peering carries it is not known until it settles; scan again",
        )
        return None

    return split(walk, pos, inside, arrives, lambda w, p: split(w, p, unsettled, changing_range, lost))
