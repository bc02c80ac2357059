"""The way back, over a set of addresses: replies go to every address the task may have (its
subnet's range, or the NAT's), so a table on the return path must send *all* of it back the same
way. A table splits the range like any destination (``routing.partition``); ``back_to`` says which
pieces go back and which are lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import networkx as nx

from fargate_netcheck.core.model import CheckCode, Status
from fargate_netcheck.graph.build import region_of, subnet_cidr, successor, successors
from fargate_netcheck.graph.route_choice import Prefixed, route_pieces
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network, span_of
from fargate_netcheck.trace.routing import Piece, subnet_route_table
from fargate_netcheck.trace.walk import Walk, failed_prefix_list


class ReturnRoute(Prefixed, Protocol):
    """A route on the way back (a VPC route, a transit gateway route)."""

    @property
    def state(self) -> str: ...  # active | blackhole

    def describe(self) -> str: ...


R = TypeVar("R", bound=ReturnRoute)


@dataclass(frozen=True, slots=True)
class ReturnCheck(Generic[R]):
    back: AddressSet  # the part of the range whose replies go back the right way
    lost: tuple[Piece[R], ...]  # pieces whose route goes elsewhere, is a blackhole, or is missing
    unreadable: Piece[R] | None  # a piece an uncollected prefix list may claim, or routes tie for

    @property
    def status(self) -> Status:
        if self.unreadable is not None:
            return Status.UNKNOWN
        if not self.lost:
            return Status.PASS
        return Status.FAIL if not self.back else Status.UNKNOWN

    def by(self) -> str:
        """How the lost pieces go (``10.1.1.0/25 by 10.1.0.0/17 -> pcx-1``)."""
        parts = []
        for piece in self.lost:
            route = piece.route
            how = "no route" if route is None else route.describe()
            if route is not None and route.state == "blackhole" and "blackhole" not in how:
                how += " (blackhole)"
            parts.append(how if piece.addresses == self.whole else f"{piece.addresses} by {how}")
        return "; ".join(parts)

    @property
    def dropped(self) -> bool:
        """Every lost piece meets a blackhole or no route: the replies are dropped, not diverted."""
        return all(p.route is None or p.route.state == "blackhole" for p in self.lost)

    @property
    def whole(self) -> AddressSet:
        spaces = [p.addresses for p in self.lost]
        total = self.back
        for s in spaces:
            total = total | s
        return total


def back_to(pieces: list[Piece[R]], goes_back: Callable[[R], bool]) -> ReturnCheck[R]:
    back = AddressSet.empty(pieces[0].addresses.version) if pieces else AddressSet.empty(4)
    lost: list[Piece[R]] = []
    unreadable: Piece[R] | None = None
    for piece in pieces:
        route = piece.route
        if piece.unreadable is not None or piece.tied or piece.unlisted:  # where those replies go: unknown
            unreadable = unreadable or piece
        elif route is not None and route.state != "blackhole" and goes_back(route):
            back = back | piece.addresses
        else:
            lost.append(piece)
    return ReturnCheck(back, tuple(lost), unreadable)


def record(
    walk: Walk,
    check: ReturnCheck[R],
    resource: str,
    codes: tuple[CheckCode, CheckCode],
    passed: str,
    failed: str,
    kind: str = "route",
    lost_status: Status = Status.FAIL,
    g: nx.DiGraph | None = None,
) -> None:
    """Record a return check: ``codes`` (pass, not back); ``failed`` is said of the lost part,
    recorded as ``lost_status`` when all of it is lost."""
    status = check.status
    if check.unreadable is not None:
        pl_id = getattr(check.unreadable.unreadable, "prefix_list_id", None)  # a tie has no list
        if g is not None and pl_id:  # ``g``: where a failed collection of the list is why, say so first
            failed_prefix_list(g, walk, pl_id, resource)
        code = CheckCode.DATA_MISSING if check.unreadable.unlisted else CheckCode.PREFIX_LIST_UNKNOWN
        walk.unknown(code, resource, check.unreadable.unknown_reason(kind) or "")
    elif status is Status.PASS:
        walk.passed(codes[0], resource, passed)
    elif status is Status.FAIL:
        walk.add(codes[1], lost_status, resource, failed)
    else:
        walk.add(
            codes[1],
            Status.UNKNOWN,
            resource,
            f"only {check.back} of the replies' range goes back; {failed} (a task given an address there "
            "never gets its replies)",
        )


def record_delivery(
    walk: Walk,
    check: ReturnCheck[R],
    resource: str,
    passed_code: CheckCode,
    passed: str,
    lost: str,
    diverted: str,
    g: nx.DiGraph | None = None,
) -> None:
    """Record a check that replies reach the task: ``lost`` says how the lost part goes; dropped
    there (a blackhole, no route) they never arrive (unreachable, ``route.blackhole``); sent to an
    appliance the request never crossed (``diverted`` says so), a stateful one drops them (unknown,
    ``firewall.asymmetric``)."""
    dropped = check.dropped
    record(
        walk,
        check,
        resource,
        (passed_code, CheckCode.BLACKHOLE if dropped else CheckCode.FIREWALL_ASYMMETRIC),
        passed,
        f"{lost}: {'they are dropped before they reach the task' if dropped else diverted}",
        lost_status=Status.FAIL if dropped else Status.UNKNOWN,
        g=g,
    )


@dataclass(frozen=True, slots=True)
class GatewayReturn:
    """Replies from the internet enter the VPC at the internet gateway, and a route table associated
    with the gateway (AWS, "Gateway route tables": ingress routing) routes them before any subnet's
    table. Its routes for the replies' range (the task's subnet, IPv4 or IPv6, or the NAT's) must
    deliver them (``routes_back``)."""

    gateway: str
    source: Network | None  # where the replies go inside the VPC (None: not known)

    def verify(self, g: nx.DiGraph, walk: Walk) -> None:
        if edge_table_changing(g, walk, self.gateway):
            return
        tables = successors(g, self.gateway, "edge-route-table")
        if not tables:
            return
        table = tables[0]
        where = f"gateway route table {table} of {self.gateway}"
        routes_back(g, walk, table, self.source, where, (self.gateway,))


def edge_table_changing(g: nx.DiGraph, walk: Walk, gateway: str) -> bool:
    """Whether a route table association of ``gateway`` is being made or removed (recorded unknown:
    either way may route the replies that enter by it)."""
    changing = g.nodes[gateway].get("edge_table_changing") if gateway in g else None
    if changing:
        walk.unknown(
            CheckCode.ROUTE_TABLE_MISSING,
            gateway,
            f"the gateway route table association of {gateway} is changing ({changing}): whether replies "
            "entering by it follow that table is not known",
        )
    return bool(changing)


@dataclass(frozen=True, slots=True)
class NatReturn:
    """Replies a NAT (gateway or instance) translates back to the task leave the NAT's subnet by that
    subnet's route table (AWS, "Subnet route tables": a route more specific than ``local`` may send
    a subnet's range to an appliance, and the longest prefix wins), whose routes for the task's
    range must deliver them (``routes_back``). A regional NAT gateway sits in no subnet: its own
    route table routes them (AWS, "Regional NAT gateways": return routes to middleboxes go there)."""

    nat: str
    subnet: str | None  # the NAT's (None: a regional NAT gateway, which sits in no subnet)
    source: Network | None  # the task's range (None: not known)
    table: str | None = None  # a regional NAT gateway's own route table, which it forwards by

    def verify(self, g: nx.DiGraph, walk: Walk) -> None:
        if self.table is not None:
            where = f"route table {self.table} of regional NAT gateway {self.nat} (the way back from it)"
            routes_back(g, walk, self.table, self.source, where, (self.nat,))
            return
        # the subnet's table, resolved (or its absence recorded) on the way out
        table = successor(g, self.subnet, "uses-route-table") if self.subnet else None
        if table is None:
            return
        where = f"route table {table} of {self.subnet} (the way back from {self.nat})"
        routes_back(g, walk, table, self.source, where, (self.nat,))


def routes_back(
    g: nx.DiGraph, walk: Walk, table: str, source: Network | None, where: str, not_back: tuple[str, ...]
) -> None:
    """``table``'s routes for ``source`` must deliver the replies: by the ``local`` route, or to a
    device the request went through (a transit gateway, a firewall endpoint: whose own return checks
    say more), other than those in ``not_back`` (the gateway or NAT the replies come from). A
    blackhole or no route drops them (unreachable); an appliance the request never crossed sees only
    one direction of the flow (unknown, as for a firewall). A range not known is unknown."""
    if source is None:
        walk.unknown(
            CheckCode.DATA_MISSING,
            table,
            f"the range replies go back to is not known (the task subnet's CIDR block): whether {where} "
            "routes them back cannot be told",
        )
        return
    crossed = set(walk.path).difference(not_back)
    check = back_to(
        route_pieces(g, table, AddressSet.of([source])),
        lambda r: r.target_kind == "local" or r.target_id in crossed,
    )
    record_delivery(
        walk,
        check,
        table,
        CheckCode.ROUTE,
        f"{where} routes replies to {source} back",
        f"{where} routes replies to {source} by {check.by()}",
        "an appliance the request never crossed sees only the replies, and a stateful one drops them",
        g=g,
    )


@dataclass(frozen=True, slots=True)
class PeeringReturn:
    """Traffic that arrives in a peer VPC gets replies only if the route table of each peer subnet
    that holds the destination sends the replies' range back over the same peering connection (AWS,
    VPC Peering Guide, "Update your route tables for a VPC peering connection": the owner of each
    VPC adds a route to the other's range). A peer VPC outside the snapshot (another account's) has
    route tables nobody read: unknown."""

    pcx: str
    peer_vpc: str | None  # None: not in the snapshot
    peer_label: str
    destination: AddressSet  # what arrived in the peer VPC
    source: Network | None  # the replies' range (None: not known)

    def verify(self, g: nx.DiGraph, walk: Walk) -> None:
        if self.source is None:
            walk.unknown(
                CheckCode.DATA_MISSING,
                self.pcx,
                f"the range replies go back to is not known (the task subnet's CIDR block): whether "
                f"{self.peer_label} routes them back over {self.pcx} cannot be told",
            )
            return
        if self.peer_vpc is None:
            walk.unknown(
                CheckCode.DATA_MISSING,
                self.pcx,
                f"{self.peer_label} is not in the snapshot (another account's?): whether its route tables send "
                f"replies to {self.source} back over {self.pcx} is unknown; scan that account too",
            )
            return
        destination_route_back(
            g,
            walk,
            self.peer_vpc,
            self.destination,
            self.source,
            self.pcx,
            (CheckCode.PEERING, CheckCode.PEERING_NO_RETURN),
            f"over {self.pcx}",
        )


@dataclass(frozen=True, slots=True)
class LocalReturn:
    """Traffic the ``local`` route delivers to other subnets of the VPC gets replies only if the
    route table of each of them sends the replies' range back. A route more specific than ``local``
    (AWS, VPC User Guide, "Subnet route tables": routing for a middlebox appliance) may send them
    elsewhere: a blackhole drops them (unreachable); an appliance the request never crossed sees
    only the replies, and a stateful one drops them (unknown). Back means the ``local`` route, or,
    where the request crossed appliances in the VPC (``appliances``), a route to one of them."""

    vpc_id: str
    subnets: tuple[str, ...]  # the subnets of ``vpc_id`` holding the destination (the walk's own left out)
    source: Network  # the replies' range
    appliances: frozenset[str] = frozenset()

    def verify(self, g: nx.DiGraph, walk: Walk) -> None:
        space = AddressSet.of([self.source])
        for subnet in self.subnets:
            rtb = subnet_route_table(g, walk, subnet)
            if rtb is None:
                continue
            if self.appliances:
                check = back_to(route_pieces(g, rtb, space), lambda r: r.target_id in self.appliances)
            else:
                check = back_to(route_pieces(g, rtb, space), lambda r: r.target_kind == "local")
            where = f"{rtb} (of {subnet} in {self.vpc_id})"
            record_delivery(
                walk,
                check,
                rtb,
                CheckCode.ROUTE,
                f"{where} routes replies to {self.source} back",
                f"{where} routes replies to {self.source} by {check.by()}",
                "an appliance the request never crossed sees only the replies, and a stateful one drops them"
                if not self.appliances
                else f"they bypass {', '.join(sorted(self.appliances))}, which saw the request: a stateful "
                "appliance drops such flows",
                g=g,
            )


def destination_route_back(
    g: nx.DiGraph,
    walk: Walk,
    vpc: str,
    destination: AddressSet,
    source: Network,
    gateway: str,
    codes: tuple[CheckCode, CheckCode],
    how: str,
) -> None:
    """The route table of each subnet of ``vpc`` that holds part of ``destination`` must send
    replies to ``source`` back to ``gateway`` (``how`` says the way, for the reasons)."""
    if not walk.collected(region_of(g, vpc), "Subnets", gateway):
        return
    holding = [
        s
        for s, rel in g.pred[vpc].items()
        if rel.get("rel") == "in-vpc" and g.nodes[s].get("kind") == "subnet" and _holds(g, s, destination)
    ]
    for subnet in holding:
        rtb = subnet_route_table(g, walk, subnet)
        if rtb is None:
            continue
        check = back_to(route_pieces(g, rtb, AddressSet.of([source])), lambda r: r.target_id == gateway)
        record(
            walk,
            check,
            rtb,
            codes,
            f"{rtb} (of {subnet} in {vpc}) routes replies to {source} back {how}",
            f"{rtb} (of {subnet} in {vpc}) routes replies to {source} by {check.by()}, not back {how}: "
            "replies never reach the task",
            g=g,
        )


def _holds(g: nx.DiGraph, subnet: str, destination: AddressSet) -> bool:
    """Does ``subnet`` hold part of ``destination``: by its IPv4 range, or by any of its IPv6 blocks
    (associated or not: a subnet more is a route table more to check, never a pass)?"""
    if destination.version == 6:
        blocks = [
            a.get("Ipv6CidrBlock")
            for a in g.nodes[subnet].get("item", {}).get("Ipv6CidrBlockAssociationSet") or ()
        ]
        return bool(AddressSet.of([b for b in blocks if isinstance(b, str)], 6) & destination)
    cidr = subnet_cidr(g, subnet)
    if cidr is None:
        return False
    version, lo, hi = span_of(cidr)
    return version == destination.version and destination.overlaps(lo, hi)
