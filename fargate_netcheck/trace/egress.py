"""The internet-egress walk of one target (DESIGN.md, "The egress model", steps 1-5).

1. the subnet's route table (explicit association, else the main table of the same VPC);
2. the route for the destination (longest prefix; blackholes and missing targets break the path);
3. the next hop (see ``hops``), repeated from the NAT gateway's subnet when there is one;
4. the union of the task's security groups;
5. the network ACL of every subnet crossed, request and reply, both ways.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import networkx as nx

from fargate_netcheck.graph import SNAPSHOT_KIND_OF_TARGET, region_of, successor
from fargate_netcheck.model import CheckCode, PathResult, Status, Target
from fargate_netcheck.parse import Network
from fargate_netcheck.trace.acl import evaluate_acl
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.hops import Handler, Position, default_handlers, not_followed
from fargate_netcheck.trace.routing import RouteChoice, choose_route
from fargate_netcheck.trace.security_groups import evaluate_egress
from fargate_netcheck.trace.walk import Crossing, Walk

INTERNET = Destination.internet(4)
MAX_HOPS = 16


@dataclass(frozen=True, slots=True)
class TraceOptions:
    destinations: tuple[Destination, ...] = (INTERNET,)
    ports: tuple[int, ...] = (443,)
    ephemeral: tuple[int, int] = (1024, 65535)


@dataclass(slots=True)
class Tracer:
    """Walks targets over one graph. Route choices and ACL/SG outcomes are cached per resource, so
    an audit of thousands of subnets sharing tables and ACLs evaluates each of them once."""

    graph: nx.DiGraph
    options: TraceOptions = field(default_factory=TraceOptions)
    handlers: dict[str, Handler] = field(default_factory=default_handlers)
    _routes: dict = field(default_factory=dict)
    _acls: dict = field(default_factory=dict)
    _sgs: dict = field(default_factory=dict)

    def internet_egress(self, target: Target) -> list[PathResult]:
        return [self.walk(target, dest) for dest in self.options.destinations]

    def walk(self, target: Target, destination: Destination) -> PathResult:
        g = self.graph
        walk = Walk(path=[target.subnet_id])
        if g.nodes.get(target.subnet_id, {}).get("kind") != "subnet":
            self._subnet_missing(walk, target)
            return walk.result("")
        subnet = g.nodes[target.subnet_id]["item"]
        task_source = _network(subnet.get("CidrBlock")) if destination.version == 4 else None
        pos = Position(
            subnet_id=target.subnet_id,
            vpc_id=subnet.get("VpcId", ""),
            destination=destination,
            public_source=target.assign_public_ip if destination.version == 4 else _has_ipv6(subnet),
            task_source=task_source,
        )
        walk.crossings.append(Crossing(target.subnet_id, None, origin=True))
        self._route(walk, pos)
        for port in self.options.ports:
            if target.evaluate_security_groups:
                self._security_groups(walk, target, pos.vpc_id, destination, port)
            for crossing in walk.crossings:
                self._acl(walk, crossing, destination, port)
        if not target.evaluate_security_groups:
            walk.notes.append("security groups not evaluated (no task security groups given)")
        ports = ", ".join(str(p) for p in self.options.ports)
        gateways = [
            hop for hop in walk.path[1:] if g.nodes.get(hop, {}).get("kind") not in ("subnet", "route-table")
        ]
        return walk.result(f"reaches {destination} on TCP {ports} through {', '.join(gateways) or 'the VPC'}")

    # -- step 1-3: routes and next hops ---------------------------------------------------------
    def _route(self, walk: Walk, pos: Position | None) -> None:
        g = self.graph
        seen: set[tuple[str, str | None]] = set()
        while pos is not None:
            rd = region_of(g, pos.subnet_id)
            if not rd.collected("RouteTables"):
                walk.unknown(CheckCode.DATA_MISSING, pos.subnet_id, rd.gap("RouteTables"))
                return
            rtb = successor(g, pos.subnet_id, "uses-route-table")
            if rtb is None:
                walk.unknown(
                    CheckCode.ROUTE_TABLE_MISSING,
                    pos.subnet_id,
                    f"{pos.subnet_id} has no explicit route table association and no main route table "
                    f"of {pos.vpc_id} is in the snapshot",
                )
                return
            if (rtb, pos.translated_by) in seen or len(seen) >= MAX_HOPS:
                walk.failed(CheckCode.ROUTE_LOOP, rtb, f"routing loop: the path returns to {rtb}")
                return
            seen.add((rtb, pos.translated_by))
            walk.hop(rtb)
            choice = self._choose(rtb, pos.destination)
            pos = self._follow(walk, rtb, choice, pos)

    def _choose(self, rtb: str, destination: Destination) -> RouteChoice:
        key = (rtb, destination.network)
        if key not in self._routes:
            routes = self.graph.nodes[rtb].get("routes", ())
            self._routes[key] = choose_route(self.graph, routes, destination.network)
        return self._routes[key]

    def _follow(self, walk: Walk, rtb: str, choice: RouteChoice, pos: Position) -> Position | None:
        g = self.graph
        explicit = g.edges[pos.subnet_id, rtb].get("explicit")
        how = "explicitly associated" if explicit else f"main route table of {pos.vpc_id}"
        if choice.unknown:
            walk.unknown(CheckCode.PREFIX_LIST_UNKNOWN, rtb, choice.unknown)
            return None
        route = choice.route
        if route is None:
            if pos.translated_by:
                walk.failed(
                    CheckCode.NAT_PRIVATE_SUBNET,
                    pos.translated_by,
                    f"NAT gateway {pos.translated_by} sits in {pos.subnet_id}, whose route table {rtb} has no "
                    f"route to {pos.destination}: a NAT gateway must sit in a public subnet (a route to an "
                    "internet gateway)",
                )
            else:
                walk.failed(
                    CheckCode.NO_ROUTE, rtb, f"route table {rtb} ({how}) has no route to {pos.destination}"
                )
            return None
        if route.state == "blackhole":
            walk.failed(
                CheckCode.BLACKHOLE,
                rtb,
                f"route {route.describe()} in {rtb} is a blackhole: its target was deleted or is unavailable",
            )
            return None
        walk.passed(CheckCode.ROUTE, rtb, f"{rtb} ({how}) routes {pos.destination} by {route.describe()}")
        if route.target_kind == "local":
            walk.passed(CheckCode.LOCAL, rtb, f"{pos.destination} stays inside {pos.vpc_id} (local route)")
            walk.reached = True
            return None
        snapshot_kind = SNAPSHOT_KIND_OF_TARGET.get(route.target_kind)
        if snapshot_kind and g.nodes.get(route.target_id, {}).get("kind") in (None, "missing"):
            rd = region_of(g, rtb)
            if rd.collected(snapshot_kind):
                walk.failed(
                    CheckCode.TARGET_MISSING,
                    rtb,
                    f"route {route.describe()} in {rtb} points to {route.target_id}, which does not exist",
                )
            else:
                walk.unknown(CheckCode.DATA_MISSING, route.target_id, rd.gap(snapshot_kind))
            return None
        handler = self.handlers.get(route.target_kind, not_followed)
        return handler(g, walk, route, pos)

    def _subnet_missing(self, walk: Walk, target: Target) -> None:
        regions = self.graph.graph["regions"].values()
        if regions and all(r.collected("Subnets") for r in regions):
            walk.failed(
                CheckCode.SUBNET_MISSING, target.subnet_id, f"subnet {target.subnet_id} does not exist"
            )
        else:
            walk.unknown(
                CheckCode.DATA_MISSING,
                target.subnet_id,
                f"subnet {target.subnet_id} is not in the snapshot, and not every region's subnets were collected",
            )

    # -- step 4: security groups ----------------------------------------------------------------
    def _security_groups(self, walk: Walk, target: Target, vpc_id: str, dest: Destination, port: int) -> None:
        g = self.graph
        region = region_of(g, target.subnet_id)
        if not region.collected("SecurityGroups"):
            walk.unknown(CheckCode.DATA_MISSING, target.subnet_id, region.gap("SecurityGroups"))
            return
        label = ", ".join(target.security_group_ids) or "(none)"
        rules = []
        for sg in target.security_group_ids:
            node = g.nodes.get(sg)
            if node is None or node.get("kind") != "sg":
                walk.failed(CheckCode.SG_MISSING, sg, f"security group {sg} does not exist")
                return
            if node["item"].get("VpcId") != vpc_id:
                walk.failed(
                    CheckCode.SG_WRONG_VPC,
                    sg,
                    f"security group {sg} belongs to {node['item'].get('VpcId')}, not to {vpc_id} of "
                    f"{target.subnet_id}: ECS refuses to launch the task",
                )
                return
            rules.extend(node.get("sg_egress", ()))
        key = (target.security_group_ids, dest.addresses, port)
        if key not in self._sgs:
            self._sgs[key] = evaluate_egress(rules, dest, port, self._prefix_lists(rules))
        outcome = self._sgs[key]
        blame = target.security_group_ids[0] if len(target.security_group_ids) == 1 else label
        walk.add(
            {Status.PASS: CheckCode.SG, Status.FAIL: CheckCode.SG_EGRESS_DENIED}.get(
                outcome.status, CheckCode.SG_PARTIAL
            ),
            outcome.status,
            blame if target.security_group_ids else target.subnet_id,
            f"security groups {label}: {outcome.detail}",
        )

    def _prefix_lists(self, rules: list) -> dict[str, tuple[Network, ...] | None]:
        g = self.graph
        ids = {pl for rule in rules for pl in rule.prefix_list_ids}
        return {pl: (g.nodes[pl].get("prefixes") if pl in g else None) for pl in ids}

    # -- step 5: network ACLs -------------------------------------------------------------------
    def _acl(self, walk: Walk, crossing: Crossing, dest: Destination, port: int) -> None:
        g = self.graph
        subnet_id, source = crossing.subnet_id, crossing.source
        region = region_of(g, subnet_id)
        if not region.collected("NetworkAcls"):
            walk.unknown(CheckCode.DATA_MISSING, subnet_id, region.gap("NetworkAcls"))
            return
        acl = successor(g, subnet_id, "uses-nacl")
        if acl is None:
            walk.unknown(
                CheckCode.NACL_MISSING, subnet_id, f"no network ACL of {subnet_id} is in the snapshot"
            )
            return
        eph = self.options.ephemeral
        port_range = (port, port)
        # (egress?, peer addresses, ports, what the traffic is)
        legs = [(True, dest.addresses, port_range, f"request to {dest} on TCP {port}")]
        legs.append((False, dest.addresses, eph, f"replies from {dest} to ports {eph[0]}-{eph[1]}"))
        if source is not None:
            legs.insert(0, (False, (source,), port_range, f"request from {source} on TCP {port}"))
            legs.append((True, (source,), eph, f"replies to {source} on ports {eph[0]}-{eph[1]}"))
        elif not crossing.origin:
            walk.unknown(
                CheckCode.NACL_MISSING, acl, "the task subnet's address range is unknown (no CidrBlock)"
            )
        node = g.nodes[acl]
        for egress, peer, ports, what in legs:
            key = (acl, egress, peer, ports)
            if key not in self._acls:
                self._acls[key] = evaluate_acl(node["acl_out" if egress else "acl_in"], peer, ports)
            outcome = self._acls[key]
            direction = "outbound" if egress else "inbound"
            is_reply = what.startswith("replies")
            code = {
                Status.PASS: CheckCode.NACL,
                Status.FAIL: CheckCode.NACL_REPLY_DENIED if is_reply else CheckCode.NACL_REQUEST_DENIED,
                Status.UNKNOWN: CheckCode.NACL_PARTIAL,
            }[outcome.status]
            verb = {Status.PASS: "allows", Status.FAIL: "blocks", Status.UNKNOWN: "blocks part of"}[
                outcome.status
            ]
            walk.add(
                code,
                outcome.status,
                acl,
                f"network ACL {acl} of {subnet_id} {verb} {direction} {what} ({outcome.deciding})",
            )


def _network(cidr: str | None) -> Network | None:
    return ipaddress.ip_network(cidr, strict=False) if cidr else None


def _has_ipv6(subnet: dict) -> bool:
    return bool(subnet.get("Ipv6CidrBlockAssociationSet"))
