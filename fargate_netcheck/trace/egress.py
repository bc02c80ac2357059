"""The internet-egress walk of one target (README "How it works", steps 1-5).

1. the subnet's route table (explicit association, else the main table of the same VPC);
2. the route for the destination (longest prefix; blackholes and missing targets break the path);
3. the next hop (see ``hops``, ``transit``, ``appliances``), repeated from each subnet the traffic
   enters (a NAT gateway's, a firewall endpoint's, a transit gateway attachment's), or from a
   regional NAT gateway's own route table (``regional_nat``);
4. the union of the task's security groups;
5. the network ACL of every subnet crossed, request and reply, both ways;
then the way back that hops left to check (transit gateway and firewall return routes).

The ECR pull walk (``ecr``) reuses the same tracer, so its caches serve both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import networkx as nx

from fargate_netcheck.core.model import CheckCode, PathResult, Target, Verdict
from fargate_netcheck.graph.build import SNAPSHOT_KIND_OF_TARGET, region_of, subnet_cidr
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Route
from fargate_netcheck.trace.appliances import appliance_handlers, current_source
from fargate_netcheck.trace.aws_ranges import ECR_AND_S3, AwsRanges, shipped
from fargate_netcheck.trace.delivery import deliver, peering
from fargate_netcheck.trace.destination import Destination, resolve_service
from fargate_netcheck.trace.dns64 import with_dns64
from fargate_netcheck.trace.ecr import ecr_pull, image_sources
from fargate_netcheck.trace.filters import Filters
from fargate_netcheck.trace.hops import (
    Fork,
    Handler,
    Position,
    Step,
    default_handlers,
    not_followed,
    translated_in,
)
from fargate_netcheck.trace.ipv6 import task_ipv4, task_ipv6
from fargate_netcheck.trace.nat_gateways import nat_gateway
from fargate_netcheck.trace.pieces import combine
from fargate_netcheck.trace.regional_nat import FOLLOWED_FROM_REGIONAL, regional_unknown
from fargate_netcheck.trace.routing import Piece, route_pieces, subnet_route_table
from fargate_netcheck.trace.service_lists import around_service_list
from fargate_netcheck.trace.stops import ipv6_only, subnet_missing
from fargate_netcheck.trace.transit import transit_gateway
from fargate_netcheck.trace.walk import Crossing, Walk, failed_prefix_list

INTERNET = Destination.internet(4)
MAX_HOPS = 16
ECR_PORTS = (443,)
# Route targets that, absent from a snapshot that holds their kind, are unreadable rather than gone:
# a transit gateway shared from another account need not appear in this account's TransitGateways.
_UNREADABLE_WHEN_ABSENT = {"tgw"}
_NOT_GATEWAYS = {"subnet", "route-table", "tgw-route-table", "tgw-attachment"}


def all_handlers() -> dict[str, Handler]:
    """Next-hop handlers by route target kind; kinds not listed are ``not_followed`` (unknown)."""
    return {
        **default_handlers(),
        "pcx": peering,
        "nat": nat_gateway,
        **appliance_handlers(),
        "tgw": transit_gateway,
    }


@dataclass(frozen=True, slots=True)
class TraceOptions:
    destinations: tuple[Destination, ...] = (INTERNET,)
    ports: tuple[int, ...] = (443,)
    ephemeral: tuple[int, int] = (1024, 65535)
    ip_ranges: AwsRanges | None = None  # AWS's published ranges (None: the shipped copy, on first use)


@dataclass(slots=True)
class Tracer:
    """Walks targets over one graph. Route choices and ACL/SG outcomes are cached per resource, so
    an audit of thousands of subnets sharing tables and ACLs evaluates each of them once."""

    graph: nx.DiGraph
    options: TraceOptions = field(default_factory=TraceOptions)
    handlers: dict[str, Handler] = field(default_factory=all_handlers)
    filters: Filters = field(init=False)
    _routes: dict[tuple[str, Destination], list[tuple[Piece[Route], Destination]]] = field(
        default_factory=dict
    )
    _ecr: dict[tuple[str, tuple[str, ...], bool | None, bool, tuple[str, ...]], PathResult] = field(
        default_factory=dict
    )
    # vpce id -> its subnets as a Destination
    endpoint_destinations: dict[str, Destination] = field(default_factory=dict)
    # (service destination, region) -> resolved
    _services: dict[tuple[Destination, str], Destination | None] = field(default_factory=dict)
    # (destination, part, route prefix) -> the part
    _parts: dict[tuple[Destination, AddressSet, str | None], Destination] = field(default_factory=dict)
    _aws: dict[str, Destination] = field(
        default_factory=dict
    )  # service -> its Destination (resolved per region)
    ranges_used: AwsRanges | None = None  # the copy of AWS's ranges a walk used, for the report

    def __post_init__(self) -> None:
        self.filters = Filters(self.graph, self.options.ephemeral)

    def internet_egress(self, target: Target) -> list[PathResult]:
        return [self.walk(target, dest) for dest in self.options.destinations]

    def internet_for_ecr(
        self, target: Target, internet_egress: PathResult | None = None, service: str = ECR_AND_S3
    ) -> PathResult:
        """The walk to ECR's (and S3's) addresses over the internet on TCP 443, decided on the region's
        AWS ranges (``aws_ranges``). The target's own internet-egress result stands for it when the
        options asked exactly that and it was decided: every address of the internet arriving (or
        every one blocked) holds for the service's addresses, which are part of it."""
        wanted = self._aws.get(service)
        if wanted is None:
            wanted = self._aws[service] = Destination.aws(service)
        if (
            internet_egress is not None
            and internet_egress.verdict is not Verdict.UNKNOWN
            and self.options.destinations == (INTERNET,)
            and self.options.ports == ECR_PORTS
            and self._inside_internet(wanted, target.subnet_id)
        ):
            return internet_egress
        return self.walk(target, wanted, ECR_PORTS)

    def _inside_internet(self, destination: Destination, subnet_id: str) -> bool:
        resolved = self.resolve(destination, subnet_id) if subnet_id in self.graph else None
        if resolved is None:
            return False
        inside = resolved._memo.get("inside-internet")
        if inside is None:
            inside = resolved._memo["inside-internet"] = resolved.space.issubset(INTERNET.space)
        return inside

    def resolve(self, destination: Destination, subnet_id: str) -> Destination | None:
        """A service's destination (``aws:S3``) as the addresses AWS lists for it in the target's
        region (or the region it names); None when the copy of the ranges lists none there."""
        if destination.service is None:
            return destination
        region = destination.service_region or self.graph.nodes[subnet_id].get("region", "")
        key = (destination, region)
        if key not in self._services:
            self._services[key] = resolve_service(destination, region, self.ranges())
        return self._services[key]

    def ranges(self) -> AwsRanges:
        """AWS's published ranges (``--ip-ranges`` or the shipped copy), noted as used for the report."""
        self.ranges_used = self.options.ip_ranges or shipped()
        return self.ranges_used

    def ecr_pull(self, target: Target, internet_egress: PathResult | None = None) -> PathResult:
        """How the task pulls its image (see ``ecr``); one evaluation per subnet, groups and IP choice."""
        key = (
            target.subnet_id,
            target.security_group_ids,
            target.assign_public_ip,
            target.evaluate_security_groups,
            image_sources(target),
        )
        if key not in self._ecr:
            self._ecr[key] = ecr_pull(self, target, internet_egress)
        return self._ecr[key]

    def walk(
        self, target: Target, destination: Destination, ports: tuple[int, ...] | None = None
    ) -> PathResult:
        """One destination from one target: a walk per piece the route tables split it into,
        combined into one verdict (``pieces``). The result says what it walked to, and on which
        ports (rules quote them in their fixes)."""
        ports = ports or self.options.ports
        out = self._walk(target, destination, ports)
        if destination.version == 4 and out.verdict is Verdict.REACHABLE:
            out = with_dns64(self, target, destination, out)  # unchanged unless DNS64 may apply
        out.destination = out.destination or destination.label
        out.ports, out.family = ports, destination.version
        return out

    def _walk(self, target: Target, destination: Destination, ports: tuple[int, ...]) -> PathResult:
        g = self.graph
        walk = Walk(path=[target.subnet_id])
        if g.nodes.get(target.subnet_id, {}).get("kind") != "subnet":
            subnet_missing(g, walk, target)
            return walk.result("")
        if not walk.collected(region_of(g, target.subnet_id), "Subnets", target.subnet_id):
            return walk.result("")  # listed, but the kind's collection failed: as if missing
        subnet = g.nodes[target.subnet_id]["item"]
        if not subnet.get("VpcId"):  # AWS always gives it
            walk.unknown(
                CheckCode.DATA_MISSING,
                target.subnet_id,
                f"{target.subnet_id} has no VpcId in the snapshot: its VPC, and so its route table, are unknown",
            )
            return walk.result("")
        resolved = self.resolve(destination, target.subnet_id)
        if resolved is None:
            walk.unknown(
                CheckCode.DATA_MISSING,
                target.subnet_id,
                f"{destination} has no addresses in {g.nodes[target.subnet_id].get('region')} in "
                f"{self.ranges().describe()}: pass a newer download with --ip-ranges",
            )
            return walk.result("")
        destination = resolved
        task_source = subnet_cidr(g, target.subnet_id) if destination.version == 4 else None
        pos = Position(
            subnet_id=target.subnet_id,
            vpc_id=subnet.get("VpcId", ""),
            destination=destination,
            public_source=target.assign_public_ip if destination.version == 4 else _has_ipv6(subnet),
            task_source=task_source,
        )
        walk.crossings.append(Crossing(target.subnet_id, None, origin=True))
        if destination.version == 6 and not task_ipv6(g, walk, target.subnet_id, subnet):
            return walk.result("")
        if destination.version == 4 and not task_ipv4(walk, target.subnet_id, subnet):
            return walk.result("")
        leaves = self._route(walk, pos)
        parts = [
            (leaf.carried(destination), self._finish(leaf, target, pos.vpc_id, ports, destination))
            for leaf in leaves
        ]
        out = combine(destination, parts)
        out.destination = destination.label
        return out

    def _finish(
        self, walk: Walk, target: Target, vpc_id: str, ports: tuple[int, ...], whole: Destination
    ) -> PathResult:
        """The rest of one piece's walk (``whole``: the destination before any split): the way
        back, the task's groups, every ACL crossed."""
        g = self.graph
        destination = walk.carried(whole)
        if walk.reached:
            for leg in walk.returns:
                leg.verify(g, walk)
        if not target.security_groups_known:
            walk.unknown(
                CheckCode.DATA_MISSING,
                target.subnet_id,
                "the task's security groups could not be found (its network interface, service and RunTask "
                "event are gone or unreadable): pass --security-group",
            )
        for port in ports:
            blocks = []
            if target.evaluate_security_groups and target.security_groups_known:
                blocks.append(self.filters.task_egress(walk, target, vpc_id, destination, port))
            for crossing in walk.crossings:
                blocks.extend(self.filters.acl_crossing(walk, crossing, destination, port))
            for nat_instance in walk.nat_instances:
                nat_instance.check(g, self.filters, walk, target, destination, port)
            self.filters.together(walk, destination, port, [b for b in blocks if b is not None])
        if not target.evaluate_security_groups:
            walk.notes.append("security groups not evaluated (no task security groups given)")
        port_list = ", ".join(str(p) for p in ports)
        gateways = [hop for hop in walk.path[1:] if g.nodes.get(hop, {}).get("kind") not in _NOT_GATEWAYS]
        return walk.result(
            f"reaches {destination} on TCP {port_list} through {', '.join(gateways) or 'the VPC'}"
        )

    # -- step 1-3: routes and next hops ---------------------------------------------------------
    def _route(self, walk: Walk, pos: Position) -> list[Walk]:
        """Follow the routes from the task's subnet; every walk that ends is a leaf. A table that
        splits the destination forks the walk, one branch per piece (each carries its piece)."""
        g = self.graph
        walk.destination = pos.destination
        leaves: list[Walk] = []
        branches: list[tuple[Walk, Step, set[tuple[str, str | None]]]] = [(walk, pos, set())]
        while branches:
            walk, at, seen = branches.pop()
            while isinstance(at, Position):
                rtb = at.route_table or subnet_route_table(g, walk, at.subnet_id)
                if rtb is None:
                    break
                if (rtb, at.translated_by) in seen or len(seen) >= MAX_HOPS:
                    walk.failed(CheckCode.ROUTE_LOOP, rtb, f"routing loop: the path returns to {rtb}")
                    break
                seen.add((rtb, at.translated_by))
                walk.hop(rtb)
                pieces = self._choose(rtb, at.destination)
                for piece, part in pieces[1:]:
                    forked = walk.fork(part)
                    step = self._follow(forked, rtb, piece, replace(at, destination=part))
                    branches.append((forked, step, set(seen)))
                piece, part = pieces[0]
                if part is not at.destination:
                    walk.destination = part
                    at = replace(at, destination=part)
                at = self._follow(walk, rtb, piece, at)
            if isinstance(at, Fork):
                branches.extend((forked, step, set(seen)) for forked, step in at.branches)
                continue
            leaves.append(walk)
        return leaves

    def _choose(self, rtb: str, destination: Destination) -> list[tuple[Piece[Route], Destination]]:
        """The table's pieces of ``destination``, each with its part as a destination; once per
        table and destination (the same objects for every target: the filters' caches key on them)."""
        key = (rtb, destination)
        found = self._routes.get(key)
        if found is None:
            pieces = route_pieces(self.graph, rtb, destination.space)
            found = self._routes[key] = [(p, self._piece(destination, p)) for p in pieces]
        return found

    def _piece(self, destination: Destination, piece: Piece[Route]) -> Destination:
        """The part of ``destination`` a piece holds, one object per (destination, part, route
        prefix) for the run: tables routing the same part alike share it, and with it the filters'
        cached outcomes and its CIDR blocks, computed once."""
        by = piece.route.destination if piece.route else None
        key = (destination, piece.addresses, by)
        found = self._parts.get(key)
        if found is None:
            found = self._parts[key] = destination.piece(piece.addresses, by)
        return found

    def _follow(self, walk: Walk, rtb: str, piece: Piece[Route], pos: Position) -> Step:
        g = self.graph
        if pos.route_table is not None:
            how = f"route table of regional NAT gateway {pos.translated_by}"
        elif g.edges[pos.subnet_id, rtb].get("explicit"):
            how = "explicitly associated"
        else:
            how = f"main route table of {pos.vpc_id}"
        unknown = piece.unknown_reason()
        if piece.unlisted is not None:  # the table's routes are not in the snapshot (route_pieces)
            walk.unknown(CheckCode.DATA_MISSING, rtb, str(unknown))
            return None
        if unknown:
            region, version = region_of(g, rtb).region, pos.destination.version
            around = around_service_list(
                g,
                walk,
                rtb,
                piece,
                pos,
                self._follow,
                self._piece,
                lambda: self.ranges().service_space("AMAZON", region, version),
            )
            if around is None:
                listed = piece.unreadable.prefix_list_id if piece.unreadable is not None else None
                if listed:  # a failed collection of the list is why: said first
                    failed_prefix_list(g, walk, listed, pos.subnet_id)
                walk.unknown(CheckCode.PREFIX_LIST_UNKNOWN, rtb, unknown)
            return around
        route = piece.route
        if route is None:
            if translated_in(g, pos) and pos.public_source:
                walk.failed(
                    CheckCode.NAT_PRIVATE_SUBNET,
                    str(pos.translated_by),  # translated_in: set
                    f"NAT {pos.translated_by} sits in {pos.subnet_id}, whose route table {rtb} has no "
                    f"route to {pos.destination}: a NAT gateway or instance must sit in a public subnet "
                    "(a route to an internet gateway)",
                )
            else:
                walk.failed(
                    CheckCode.NO_ROUTE,
                    rtb,
                    f"route table {rtb} ({how}) has no route to {pos.destination}{ipv6_only(g, rtb, pos)}",
                )
            return None
        if route.state == "blackhole":
            walk.failed(
                CheckCode.BLACKHOLE,
                rtb,
                f"route {route.describe()} in {rtb} is a blackhole: its target was deleted or is unavailable",
            )
            return None
        if route.target_kind == "local" and pos.destination.outside:
            walk.failed(
                CheckCode.KEPT_INSIDE,
                rtb,
                f"{rtb} ({how}) routes {pos.destination} by {route.describe()}: those addresses are "
                f"{pos.vpc_id}'s own range, so the traffic stays in the VPC and never reaches the hosts "
                "outside that have them",
            )
            return None
        walk.passed(CheckCode.ROUTE, rtb, f"{rtb} ({how}) routes {pos.destination} by {route.describe()}")
        if route.target_kind == "local" and pos.route_table is None:
            walk.passed(CheckCode.LOCAL, rtb, f"{pos.destination} stays inside {pos.vpc_id} (local route)")
            return deliver(g, walk, pos, pos.vpc_id, current_source(g, pos))
        if not route.target_id:  # AWS always names one; a hand-written route may not
            walk.unknown(
                CheckCode.UNSUPPORTED_TARGET,
                rtb,
                f"route {route.destination} in {rtb} names no target, so egress there cannot be verified",
            )
            return None
        snapshot_kind = SNAPSHOT_KIND_OF_TARGET.get(route.target_kind)
        if snapshot_kind and g.nodes.get(route.target_id, {}).get("kind") in (None, "missing"):
            rd = region_of(g, rtb)
            if rd.collected(snapshot_kind) and route.target_kind in _UNREADABLE_WHEN_ABSENT:
                walk.hop(route.target_id)
                walk.unknown(
                    CheckCode.TGW_UNREADABLE,
                    route.target_id,
                    f"route {route.describe()} in {rtb} goes to transit gateway {route.target_id}, which is not "
                    f"in the snapshot's {snapshot_kind}: it is likely owned by another account; scan that "
                    "account too to follow the path",
                )
            elif rd.collected(snapshot_kind):
                walk.failed(
                    CheckCode.TARGET_MISSING,
                    rtb,
                    f"route {route.describe()} in {rtb} points to {route.target_id}, which does not exist",
                )
            else:
                walk.missing(rd, snapshot_kind, route.target_id)
            return None
        if snapshot_kind and not region_of(g, rtb).collected(snapshot_kind):
            # listed, but under Errors: the list (and what it says of this item) is not known
            walk.hop(route.target_id)
            walk.missing(region_of(g, rtb), snapshot_kind, route.target_id)
            return None
        if pos.route_table is not None and route.target_kind not in FOLLOWED_FROM_REGIONAL:
            walk.hop(route.target_id)
            regional_unknown(
                walk,
                str(pos.translated_by),
                f"its route table {rtb} sends {pos.destination} by {route.describe()}: beyond a regional NAT "
                "gateway only a route to an internet gateway is followed",
            )
            return None
        handler = self.handlers.get(route.target_kind, not_followed)
        return handler(g, walk, route, pos)


def _has_ipv6(subnet: dict) -> bool:
    return bool(subnet.get("Ipv6CidrBlockAssociationSet"))
