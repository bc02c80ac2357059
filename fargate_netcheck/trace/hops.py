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

from fargate_netcheck.graph import vpc_cidrs
from fargate_netcheck.model import CheckCode
from fargate_netcheck.parse import Network, Route, within
from fargate_netcheck.trace.bpa import check_block_public_access
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.walk import Crossing, Walk


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


def translated_in(g: nx.DiGraph, pos: Position) -> bool:
    """Does the traffic stand in the subnet of the NAT that translated it (a NAT's own subnet)?"""
    if not pos.translated_by or pos.translated_by not in g:
        return False
    return g.nodes[pos.translated_by].get("item", {}).get("SubnetId") == pos.subnet_id


Handler = Callable[[nx.DiGraph, Walk, Route, Position], Position | None]


def internet_gateway(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Position | None:
    igw = route.target_id
    walk.hop(igw)
    edge = g.get_edge_data(igw, pos.vpc_id)
    if edge is None or edge.get("state") not in ("available", "attached"):
        state = f" (attachment state {edge.get('state')})" if edge else ""
        walk.failed(
            CheckCode.IGW_NOT_ATTACHED, igw, f"internet gateway {igw} is not attached to {pos.vpc_id}{state}"
        )
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
    return None


def nat_gateway(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Position | None:
    nat = route.target_id
    walk.hop(nat)
    if pos.translated_by:
        walk.failed(
            CheckCode.NAT_PRIVATE_SUBNET,
            pos.translated_by,
            f"NAT gateway {pos.translated_by} sits in {pos.subnet_id}, whose route table sends "
            f"{pos.destination} to another NAT gateway ({nat}) instead of an internet gateway",
        )
        return None
    item = g.nodes[nat]["item"]
    state = item.get("State", "unknown")
    if state != "available":
        walk.failed(CheckCode.NAT_NOT_AVAILABLE, nat, f"NAT gateway {nat} is {state}, not available")
        return None
    if item.get("ConnectivityType", "public") == "private":
        walk.failed(
            CheckCode.NAT_PRIVATE,
            nat,
            f"NAT gateway {nat} is a private NAT gateway: it cannot reach the internet",
        )
        return None
    nat_subnet = item.get("SubnetId")
    if not nat_subnet or nat_subnet not in g:
        walk.unknown(CheckCode.DATA_MISSING, nat, f"the subnet of NAT gateway {nat} is not in the snapshot")
        return None
    walk.passed(CheckCode.NAT, nat, f"NAT gateway {nat} is available and public")
    walk.hop(nat_subnet)
    if nat_subnet != pos.subnet_id:
        walk.crossings.append(Crossing(nat_subnet, pos.task_source, origin=False))
    return replace(pos, subnet_id=nat_subnet, public_source=True, translated_by=nat)


def egress_only_gateway(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Position | None:
    eigw = route.target_id
    walk.hop(eigw)
    if pos.destination.version == 4:
        walk.failed(CheckCode.EIGW_IPV4, eigw, f"egress-only internet gateway {eigw} carries IPv6 only")
        return None
    edge = g.get_edge_data(eigw, pos.vpc_id)
    if edge is None or edge.get("state") not in ("attached", "available"):
        walk.failed(
            CheckCode.IGW_NOT_ATTACHED,
            eigw,
            f"egress-only internet gateway {eigw} is not attached to {pos.vpc_id}",
        )
        return None
    walk.passed(CheckCode.IGW, eigw, f"egress-only internet gateway {eigw} is attached to {pos.vpc_id}")
    walk.reached = check_block_public_access(g, walk, pos, eigw)
    return None


def peering(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Position | None:
    pcx = route.target_id
    walk.hop(pcx)
    item = g.nodes[pcx]["item"]
    status = (item.get("Status") or {}).get("Code", "unknown")
    peer_vpc = next(
        (v for v in g.successors(pcx) if v != pos.vpc_id and g.nodes[v].get("kind") == "vpc"), None
    )
    peer_cidrs = vpc_cidrs(g.nodes[peer_vpc]["item"]) if peer_vpc else []
    inside_peer = any(_contains(cidr, pos.destination) for cidr in peer_cidrs)
    if status == "active" and inside_peer:
        walk.passed(CheckCode.PEERING, pcx, f"{pos.destination} is inside peer {peer_vpc} over active {pcx}")
        walk.reached = True
        return None
    walk.failed(
        CheckCode.PEERING_NOT_TRANSITIVE,
        pcx,
        f"route {route.describe()} sends {pos.destination} over VPC peering, which is not transitive: "
        "it never reaches the internet through the peer VPC's internet or NAT gateway"
        + ("" if status == "active" else f" (and {pcx} is {status})"),
    )
    return None


def _contains(cidr: str, destination: Destination) -> bool:
    net = ipaddress.ip_network(cidr, strict=False)
    return within(destination.network, net)


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
        "nat": nat_gateway,
        "eigw": egress_only_gateway,
        "pcx": peering,
    }
