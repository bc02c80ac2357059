"""Next hops: what happens to the traffic at each kind of route target.

Each handler gets the walk, the route and where the traffic stands, and returns where it stands
next (the walk goes on from that subnet's route table), or None when the walk ends there (reached,
or stopped with a failed or unknown check). Handlers are looked up by the route's target kind.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, replace

import networkx as nx

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.graph.build import subnet_cidr
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network, Route
from fargate_netcheck.trace.bpa import check_block_public_access
from fargate_netcheck.trace.destination import Destination, internet_space
from fargate_netcheck.trace.ipv6 import subnet_ipv6_blocks
from fargate_netcheck.trace.returns import GatewayReturn
from fargate_netcheck.trace.walk import Walk


@dataclass(frozen=True, slots=True)
class Position:
    """Where the traffic stands: in a subnet, with or without a public source address."""

    subnet_id: str
    vpc_id: str
    destination: Destination
    public_source: (
        bool | None
    )  # a public IPv4 address (the task's own, or a NAT gateway's) or IPv6; None: unknown
    task_source: Network | None  # the task subnet's range, for the ACLs of subnets passed through
    translated_by: str | None = None  # the NAT gateway (or NAT instance ENI) that translated the source
    # The table that routes the traffic from here instead of the subnet's: a regional NAT gateway's
    # own (it sits in no subnet; ``nat_gateways``).
    route_table: str | None = None


def translated_in(g: nx.DiGraph, pos: Position) -> bool:
    """Does the traffic stand in the subnet of the NAT that translated it (a NAT's own subnet)?"""
    if not pos.translated_by or pos.translated_by not in g:
        return False
    return bool(g.nodes[pos.translated_by].get("item", {}).get("SubnetId") == pos.subnet_id)


@dataclass(slots=True)
class Fork:
    """A hop that splits the destination: each branch is a walk carrying its piece, and where it
    stands next (None: that branch ended)."""

    branches: list[tuple[Walk, Position | None]]


Step = Position | Fork | None
Handler = Callable[[nx.DiGraph, Walk, Route, Position], Step]
Leg = Callable[[Walk, Position], Step]


def split(walk: Walk, pos: Position, inside: AddressSet, go_in: Leg, go_out: Leg) -> Step:
    """Send the part of the destination inside ``inside`` on by ``go_in``, the rest by ``go_out``
    (one walk when all of it goes one way, a ``Fork`` otherwise)."""
    dest = pos.destination
    part_in = dest.within(inside)
    if part_in == dest.space:
        return go_in(walk, pos)
    if not part_in:
        return go_out(walk, pos)
    branches: list[tuple[Walk, Position | None]] = []
    for part, go in ((part_in, go_in), (dest.space - inside, go_out)):
        piece = dest.piece(part)
        forked = walk.fork(piece)
        step = go(forked, replace(pos, destination=piece))
        branches.extend(step.branches if isinstance(step, Fork) else [(forked, step)])
    return Fork(branches)


def _not_internet(kind: str) -> Leg:
    """The part of a destination outside the internet, at an internet-facing gateway: dropped."""

    def stop(walk: Walk, pos: Position) -> Step:
        gateway = walk.path[-1]
        walk.failed(
            CheckCode.NOT_INTERNET,
            gateway,
            f"{pos.destination} is not internet address space (private, shared, documentation or reserved "
            f"blocks): {kind} {gateway} never delivers it",
        )
        return None

    return stop


def internet_gateway(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Step:
    walk.hop(route.target_id)
    return split(
        walk,
        pos,
        internet_space(pos.destination.version),
        lambda w, p: _through_internet_gateway(g, w, route, p),
        _not_internet("internet gateway"),
    )


def _attachment_unknown(g: nx.DiGraph, walk: Walk, gateway: str, label: str, vpc_id: str) -> bool:
    """AWS always lists a gateway's ``Attachments``, each with its ``State``: absent (or null) is not
    known, never "not attached" (recorded as unknown)."""
    listed = (g.nodes[gateway].get("item") or {}).get("Attachments")
    edge = g.get_edge_data(gateway, vpc_id)
    if listed is not None and (edge is None or edge.get("state") is not None):
        return False
    what = "no Attachments" if listed is None else f"an attachment to {vpc_id} without a State"
    walk.unknown(
        CheckCode.DATA_MISSING,
        gateway,
        f"{label} {gateway} has {what} in the snapshot: whether it is attached to {vpc_id} is unknown",
    )
    return True


def _through_internet_gateway(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Step:
    igw = route.target_id
    edge = g.get_edge_data(igw, pos.vpc_id)
    if _attachment_unknown(g, walk, igw, "internet gateway", pos.vpc_id):
        return None
    if edge is None or edge.get("state") not in ("available", "attached"):
        state = f" (attachment state {edge.get('state')})" if edge else ""
        walk.failed(
            CheckCode.IGW_NOT_ATTACHED, igw, f"internet gateway {igw} is not attached to {pos.vpc_id}{state}"
        )
        return None
    if _from_another_vpc(walk, igw, "internet gateway", pos):
        return None
    if pos.destination.version == 4 and pos.public_source is None:
        walk.unknown(
            CheckCode.DATA_MISSING,
            igw,
            f"{pos.subnet_id} routes {route.destination} to internet gateway {igw}, which needs a public IP on "
            "the task, and whether the task had one is unknown (pass --assign-public-ip or --no-assign-public-ip)",
        )
        return None
    if pos.destination.version == 4 and not pos.public_source:
        walk.failed(
            CheckCode.NO_PUBLIC_IP,
            igw,
            f"{pos.subnet_id} routes {route.destination} to internet gateway {igw}, but the task gets no "
            "public IP (assignPublicIp=DISABLED; Fargate ignores the subnet's MapPublicIpOnLaunch): "
            "replies have no way back",
        )
        return None
    walk.passed(CheckCode.IGW, igw, f"internet gateway {igw} is attached to {pos.vpc_id}")
    walk.reached = check_block_public_access(g, walk, pos, igw)
    walk.returns.append(GatewayReturn(igw, reply_range(g, walk, pos)))
    return None


def reply_range(g: nx.DiGraph, walk: Walk, pos: Position) -> Network | None:
    """Where replies go inside the VPC: the subnet of the NAT that translated the traffic, else the
    task's own range (IPv6: its subnet's IPv6 block, which no NAT translates); None when not known
    (a regional NAT gateway's addresses lie in none of the VPC's subnets)."""
    if pos.translated_by:
        return subnet_cidr(g, g.nodes[pos.translated_by].get("item", {}).get("SubnetId", ""))
    if pos.destination.version == 6:
        return task_ipv6_range(g, walk.path[0])
    return pos.task_source


def _from_another_vpc(walk: Walk, gateway: str, label: str, pos: Position) -> bool:
    """IPv6 traffic that entered this VPC through a transit gateway carries an address of another
    VPC, which this VPC's gateway never carries (AWS, "Centralized egress for IPv6": a central VPC
    sends spokes' IPv6 out only through NAT66 or proxy instances). True when it stops the walk."""
    if pos.destination.version != 6 or pos.public_source is not False:
        return False
    walk.failed(
        CheckCode.IGW_OTHER_VPC,
        gateway,
        f"IPv6 traffic from {walk.path[0]} reaches {label} {gateway} of {pos.vpc_id} from another VPC: a gateway "
        "carries only its own VPC's IPv6 addresses (centralised IPv6 egress needs NAT66 or proxy instances); "
        "give the task's VPC its own egress-only internet gateway",
    )
    return True


def egress_only_gateway(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Step:
    eigw = route.target_id
    walk.hop(eigw)
    if pos.destination.version == 4:
        walk.failed(CheckCode.EIGW_IPV4, eigw, f"egress-only internet gateway {eigw} carries IPv6 only")
        return None
    return split(
        walk,
        pos,
        internet_space(6),
        lambda w, p: _through_egress_only_gateway(g, w, route, p),
        _not_internet("egress-only internet gateway"),
    )


def _through_egress_only_gateway(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Step:
    eigw = route.target_id
    edge = g.get_edge_data(eigw, pos.vpc_id)
    if _attachment_unknown(g, walk, eigw, "egress-only internet gateway", pos.vpc_id):
        return None
    if edge is None or edge.get("state") not in ("attached", "available"):
        walk.failed(
            CheckCode.IGW_NOT_ATTACHED,
            eigw,
            f"egress-only internet gateway {eigw} is not attached to {pos.vpc_id}",
        )
        return None
    if _from_another_vpc(walk, eigw, "egress-only internet gateway", pos):
        return None
    walk.passed(CheckCode.IGW, eigw, f"egress-only internet gateway {eigw} is attached to {pos.vpc_id}")
    walk.reached = check_block_public_access(g, walk, pos, eigw)
    return None


def task_ipv6_range(g: nx.DiGraph, subnet_id: str) -> Network | None:
    """The range the task's IPv6 address comes from (as ``ipv6.task_ipv6`` reads it)."""
    blocks = subnet_ipv6_blocks(g.nodes.get(subnet_id, {}).get("item", {}))
    return ipaddress.ip_network(blocks[0], strict=False) if blocks else None


_LABELS = {
    "tgw": "transit gateway",
    "vgw": "virtual private gateway (VPN / Direct Connect)",
    "vpce": "VPC endpoint (Gateway Load Balancer / firewall)",
    "eni": "network interface (NAT instance or appliance)",
    "instance": "EC2 instance (NAT instance)",
    "lgw": "local gateway (Outposts)",
    "cagw": "carrier gateway (Wavelength)",
    "core-network": "Cloud WAN core network",
    "unknown": "target of an unknown kind",
}


def not_followed(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Position | None:
    walk.hop(route.target_id)
    label = _LABELS.get(route.target_kind, route.target_kind)
    walk.unknown(
        CheckCode.UNSUPPORTED_TARGET,
        route.target_id,
        f"route {route.describe()} goes to a {label}; what lies beyond it is not in what "
        "fargate-netcheck can follow, so egress there cannot be verified",
    )
    return None


def default_handlers() -> dict[str, Handler]:
    return {
        "igw": internet_gateway,
        "eigw": egress_only_gateway,
    }
