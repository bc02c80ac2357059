"""Transit gateways: from a VPC route to ``tgw-`` through the transit gateway's route table into
another VPC (centralised egress), and the way back.

1. The transit gateway must be ``available`` and the task's VPC attached to it (an ``available``
   attachment, from TransitGatewayVpcAttachments or TransitGatewayAttachments) with a subnet in the
   task subnet's Availability Zone: AWS forwards nothing to a transit gateway from an AZ where the
   attachment has no subnet.
2. The attachment's associated TGW route table decides, by longest prefix (on equal prefixes a
   static route beats a prefix-list route, which beats a propagated one). A ``blackhole`` route
   stops the traffic at that table.
3. A route to a VPC attachment enters that VPC through the attachment's subnet **in the task
   subnet's AZ** (the transit gateway keeps traffic in its AZ when it can), else the attachment's
   first subnet. That subnet's network ACL applies (source: the task subnet), and its route table
   is followed on (to a NAT gateway and internet gateway, typically).
4. Return path (``TransitReturn``, checked once the walk has reached its destination): the route
   table of the subnet where the traffic was translated (the NAT's) must route the task's range back
   to the same transit gateway (through a firewall endpoint first is fine), and the route table
   associated with the egress attachment must route it back to the task VPC's attachment.

What cannot be read (a transit gateway or route table owned by another account and not in the
snapshot, AccessDenied in ``Errors``) makes the verdict ``unknown`` with the reason.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace

import networkx as nx

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.graph.build import region_of, successor
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network, Route
from fargate_netcheck.snapshot.transit_items import UNLISTED, TgwAttachment, TgwRoute
from fargate_netcheck.trace.appliances import current_source
from fargate_netcheck.trace.hops import Fork, Position, Step
from fargate_netcheck.trace.returns import back_to, destination_route_back, record
from fargate_netcheck.trace.routing import Piece, partition, route_pieces, subnet_route_table
from fargate_netcheck.trace.tgw_attachments import (
    MODIFYING,
    MODIFYING_WHY,
    associated_table,
    attached_in_az,
    attachment_doubt,
    subnet_az,
    subnets_collected,
    vpc_attachment,
)
from fargate_netcheck.trace.walk import Crossing, Walk


def transit_gateway(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Step:
    tgw = route.target_id
    walk.hop(tgw)
    state = g.nodes[tgw]["item"].get("State")
    if state is None:  # AWS always gives it: absent is not known, never available
        walk.unknown(
            CheckCode.TGW_NOT_AVAILABLE,
            tgw,
            f"transit gateway {tgw} has no State in the snapshot: whether it forwards traffic is not known",
        )
        return None
    if state == MODIFYING:
        walk.unknown(CheckCode.TGW_NOT_AVAILABLE, tgw, f"transit gateway {tgw} is {state}: {MODIFYING_WHY}")
        return None
    if state != "available":
        walk.failed(CheckCode.TGW_NOT_AVAILABLE, tgw, f"transit gateway {tgw} is {state}, not available")
        return None
    att = vpc_attachment(g, walk, pos, tgw)
    if att is None or not attached_in_az(g, walk, att, pos.subnet_id):
        return None
    _leave_vpc(g, walk, pos, att)
    table = associated_table(g, walk, att.attachment_id, tgw)
    if table is None:
        return None
    walk.hop(table)
    pieces = _pieces(g, walk, table, pos.destination.space)
    if pieces is None:
        return None
    if len(pieces) == 1:
        return _tgw_piece(g, walk, table, pieces[0], pos, tgw, att.attachment_id)
    branches: list[tuple[Walk, Position | None]] = []
    for piece in pieces:
        part = pos.destination.piece(piece.addresses)
        forked = walk.fork(part)
        step = _tgw_piece(g, forked, table, piece, replace(pos, destination=part), tgw, att.attachment_id)
        branches.extend(step.branches if isinstance(step, Fork) else [(forked, step)])
    return Fork(branches)


def _tgw_piece(
    g: nx.DiGraph, walk: Walk, table: str, piece: Piece[TgwRoute], pos: Position, tgw: str, spoke_att: str
) -> Step:
    """Where a TGW route table sends one piece of the destination."""
    unknown = piece.unknown_reason("transit gateway route")
    if unknown:
        walk.unknown(CheckCode.PREFIX_LIST_UNKNOWN, table, unknown)
        return None
    choice = piece.route
    if choice is None:
        walk.failed(
            CheckCode.TGW_NO_ROUTE,
            table,
            f"transit gateway route table {table} of {tgw} has no route to {pos.destination}",
        )
        return None
    if choice.state == "blackhole":
        walk.failed(
            CheckCode.TGW_BLACKHOLE,
            table,
            f"transit gateway route {choice.destination} in {table} is a blackhole: {tgw} drops "
            f"{pos.destination}",
        )
        return None
    if not choice.hops:
        walk.unknown(
            CheckCode.TGW_UNREADABLE,
            table,
            f"transit gateway route {choice.destination} in {table} names no attachment: where it leads is unknown",
        )
        return None
    hop = choice.hops[0]
    if hop.resource_type != "vpc":
        walk.hop(hop.attachment_id)
        walk.unknown(
            CheckCode.UNSUPPORTED_TARGET,
            hop.attachment_id,
            f"{table} routes {pos.destination} to a {hop.resource_type or 'non-VPC'} attachment "
            f"{hop.attachment_id}; what lies beyond it cannot be followed",
        )
        return None
    ecmp = f" (one of {len(choice.hops)} equal-cost attachments)" if len(choice.hops) > 1 else ""
    walk.passed(
        CheckCode.TGW,
        table,
        f"{table} of {tgw} routes {pos.destination} by {choice.describe()} ({choice.type}){ecmp}",
    )
    walk.hop(hop.attachment_id)
    return _enter_vpc(g, walk, pos, tgw, spoke_att, hop.attachment_id, hop.resource_id)


def _pieces(g: nx.DiGraph, walk: Walk, table: str, space: AddressSet) -> list[Piece[TgwRoute]] | None:
    """A TGW route table's partition of ``space``; None (with the gap recorded) when its routes
    were not collected."""
    routes = g.nodes[table].get("tgw_routes")
    if routes is None:
        rd = region_of(g, table)
        reason = (
            rd.gap("TransitGatewayRoutes")
            if "TransitGatewayRoutes" in rd.errors
            else f"the routes of {table} were not collected"
        )
        walk.unknown(CheckCode.TGW_UNREADABLE, table, reason)
        return None
    return tgw_pieces(g, table, space)


def tgw_pieces(g: nx.DiGraph, table: str, space: AddressSet) -> list[Piece[TgwRoute]]:
    """Longest prefix; on equal prefixes static, then prefix-list, then propagated routes in AWS's
    order (``_tier``); once per table and set, like ``routing.route_pieces``."""
    cache = g.graph.setdefault("partitions", {})
    key = ("tgw", table, space)
    found: list[Piece[TgwRoute]] | None = cache.get(key)
    if found is None:
        routes = g.nodes[table].get("tgw_routes") or ()
        found = cache[key] = partition(g, routes, space, _tier, _tgw_next_hop)
    return found


def _tgw_next_hop(route: TgwRoute) -> Hashable:
    return (route.state, route.hops)


# AWS's "route evaluation order" for routes of one destination: static, prefix-list, then the
# propagated ones by what propagated them (VPC, Direct Connect gateway, Connect, Site-to-Site VPN).
# A propagated route of any other resource type ranks below them all; routes of one rank to
# different attachments tie (ECMP, or AWS's choice): ``partition`` makes that part unknown.
_PROPAGATED_RANK = {"vpc": 5, "direct-connect-gateway": 4, "connect": 3, "vpn": 2}


def _tier(route: TgwRoute) -> int:
    if route.prefix_list_id:
        return 7
    if route.type != "propagated":
        return 8
    kind = route.hops[0].resource_type if route.hops else ""
    return _PROPAGATED_RANK.get(kind, 1)


def _enter_vpc(
    g: nx.DiGraph, walk: Walk, pos: Position, tgw: str, spoke_att: str, egress_att: str, resource_id: str
) -> Position | None:
    att = g.nodes.get(egress_att, {}).get("attachment")
    doubt = attachment_doubt(att) if att is not None else None
    if doubt is not None:
        walk.unknown(CheckCode.TGW_NO_ATTACHMENT, egress_att, f"attachment {egress_att} of {tgw} {doubt}")
        return None
    if att is not None and att.state not in ("available", UNLISTED):
        walk.failed(
            CheckCode.TGW_NO_ATTACHMENT,
            egress_att,
            f"attachment {egress_att} of {tgw} is {att.state}, not available: the route to it carries nothing",
        )
        return None
    vpc = (att.resource_id if att is not None else None) or resource_id
    known = g.nodes.get(vpc, {}).get("kind") == "vpc"
    rd = region_of(g, vpc if known else egress_att) if known or egress_att in g else None
    if not known or (rd is not None and not rd.collected("Vpcs")):  # listed under a kind that failed
        if rd is not None and not rd.collected("Vpcs"):  # its region's VPCs were not read
            walk.missing(
                rd,
                "Vpcs",
                egress_att,
                f": VPC {vpc} of attachment {egress_att} is not known: the path beyond it cannot be followed",
            )
            return None
        walk.unknown(
            CheckCode.TGW_UNREADABLE,
            egress_att,
            f"VPC {vpc} of attachment {egress_att} is not in the snapshot (another account or region?): "
            "the path beyond it cannot be followed",
        )
        return None
    if att is not None and not subnets_collected(g, walk, att, f"where the traffic enters {vpc} is unknown"):
        return None
    subnets = [s for s in (att.subnet_ids if att is not None else None) or () if s in g]
    unread = [
        s for s in subnets if g.nodes[s].get("kind") == "subnet" and not region_of(g, s).collected("Subnets")
    ]
    if unread:  # listed, but the kind's collection failed: as if missing
        where = f": subnet {unread[0]} of attachment {egress_att} in {vpc} is not known"
        walk.missing(region_of(g, unread[0]), "Subnets", egress_att, where)
        return None
    if not subnets:
        walk.unknown(
            CheckCode.DATA_MISSING,
            egress_att,
            f"the subnets of attachment {egress_att} in {vpc} are not in the snapshot",
        )
        return None
    az = subnet_az(g, pos.subnet_id)
    subnet = next((s for s in subnets if subnet_az(g, s) == az), subnets[0])
    source = current_source(g, pos)
    walk.hop(subnet)
    # The attachment's network interface hands the traffic on inside the VPC: this subnet's ACL
    # sees the request out to the destination and its replies, not the traffic from the task.
    walk.crossings.append(Crossing(subnet, source, toward_source=False))
    walk.returns.append(TransitReturn(tgw, spoke_att, egress_att, source, vpc, len(walk.path)))
    return Position(
        subnet_id=subnet,
        vpc_id=vpc,
        destination=pos.destination,
        public_source=False,  # a private address: only this VPC's NAT can translate it
        task_source=source,
    )


def _leave_vpc(g: nx.DiGraph, walk: Walk, pos: Position, att: TgwAttachment) -> None:
    """The traffic reaches the transit gateway through the attachment's subnet in its own AZ. When
    that is another subnet than the one the traffic stands in, its ACL applies to the request from
    the task (inbound) and the replies to it (outbound), and to nothing else."""
    az = subnet_az(g, pos.subnet_id)
    subnet = next((s for s in att.subnet_ids or () if subnet_az(g, s) == az and s in g), None)
    if subnet is not None and subnet != pos.subnet_id:
        walk.crossings.append(Crossing(subnet, current_source(g, pos), toward_destination=False))


@dataclass(frozen=True, slots=True)
class TransitReturn:
    tgw: str
    spoke_attachment: str
    egress_attachment: str
    source: Network | None
    vpc_id: str
    index: int  # position in the walk's path just after the attachment subnet

    def verify(self, g: nx.DiGraph, walk: Walk) -> None:
        if self.source is None:
            walk.notes.append(
                f"the return path through {self.tgw} is not verified (the task's range is unknown)"
            )
            return
        self._vpc_side(g, walk, self.source)
        self._tgw_side(g, walk, self.source)

    def _vpc_side(self, g: nx.DiGraph, walk: Walk, source: Network) -> None:
        nat = next(
            (h for h in walk.path[self.index :] if g.nodes.get(h, {}).get("kind") in ("nat", "eni")), None
        )
        subnet = g.nodes[nat]["item"].get("SubnetId") if nat else None
        if nat is None and walk.destination is not None and self._arrived_here(g, walk):
            # the destination is in this VPC: its subnets' tables must send the replies back
            how = f"to {self.tgw}"
            codes = (CheckCode.TGW_RETURN, CheckCode.TGW_NO_RETURN)
            destination_route_back(g, walk, self.vpc_id, walk.destination.space, source, self.tgw, codes, how)
            return
        if subnet is None or subnet not in g:
            walk.notes.append(
                f"the route back to {source} inside {self.vpc_id} is not verified (no NAT after {self.tgw})"
            )
            return
        space = AddressSet.of([source])
        via = ""
        for hop in range(3):  # a firewall endpoint in between is followed to its own subnet (twice)
            rtb = subnet_route_table(g, walk, subnet)
            if rtb is None:
                return
            pieces = route_pieces(g, rtb, space)
            route = pieces[0].route if len(pieces) == 1 else None
            target = g.nodes.get(route.target_id, {}) if route is not None else {}
            if (
                hop < 2
                and route is not None
                and route.target_kind == "vpce"
                and route.state != "blackhole"
                and target.get("item", {}).get("VpcEndpointType") == "GatewayLoadBalancer"
                and (target["item"].get("SubnetIds") or [None])[0] in g
            ):
                via += f" (through firewall endpoint {route.target_id})"
                subnet = target["item"]["SubnetIds"][0]
                continue
            check = back_to(pieces, lambda r: r.target_id == self.tgw)
            record(
                walk,
                check,
                rtb,
                (CheckCode.TGW_RETURN, CheckCode.TGW_NO_RETURN),
                f"{rtb} routes replies to {source} back to {self.tgw}{via}",
                f"route table {rtb} of {subnet} (the way back from {nat}{via}) has no route for "
                f"{source} to {self.tgw} ({check.by()}): replies to the task are dropped",
                g=g,
            )
            return

    def _arrived_here(self, g: nx.DiGraph, walk: Walk) -> bool:
        """Did the walk end by a ``local`` route of this VPC (after the attachment subnet)?"""
        return any(
            c.code is CheckCode.LOCAL and successor(g, c.resource_id, "in-vpc") == self.vpc_id
            for c in walk.checks
        )

    def _tgw_side(self, g: nx.DiGraph, walk: Walk, source: Network) -> None:
        table = associated_table(g, walk, self.egress_attachment, self.tgw)
        if table is None:
            return
        pieces = _pieces(g, walk, table, AddressSet.of([source]))
        if pieces is None:
            return
        check = back_to(pieces, lambda r: any(h.attachment_id == self.spoke_attachment for h in r.hops))
        record(
            walk,
            check,
            table,
            (CheckCode.TGW_RETURN, CheckCode.TGW_NO_RETURN),
            f"{table} (associated with {self.egress_attachment}) routes replies to {source} back to "
            f"{self.spoke_attachment}",
            f"{table} (associated with {self.egress_attachment}) routes replies to {source} by "
            f"{check.by()}, not to {self.spoke_attachment}: replies never reach the task",
            kind="transit gateway route",
            g=g,
        )
