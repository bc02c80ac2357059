"""A per-VPC view of the network for reports: subnets by AZ, route tables and their routes, gateways.

Built from the graph (see ``fargate_netcheck.graph.build``) once, stored on ``Report.topology``, drawn by the
HTML writer. Everything is sorted so the same graph always gives the same view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.parse import parse_route

# Node kinds shown as gateways of a VPC, with the label a reader sees.
GATEWAY_LABELS = {
    "igw": "internet gateway",
    "eigw": "egress-only internet gateway",
    "nat": "NAT gateway",
    "vpce": "VPC endpoint",
    "pcx": "peering connection",
    "tgw": "transit gateway",
    "eni": "network interface",
    "missing": "missing (not in snapshot)",
}


@dataclass(frozen=True, slots=True)
class RouteView:
    destination: str
    target: str
    state: str  # as AWS wrote it: active | blackhole
    target_missing: bool = False  # the target is not in the snapshot (deleted, or not collected)


@dataclass(frozen=True, slots=True)
class RouteTableView:
    route_table_id: str
    name: str | None
    main: bool
    routes: tuple[RouteView, ...]


@dataclass(frozen=True, slots=True)
class SubnetView:
    subnet_id: str
    name: str | None
    cidr: str | None
    availability_zone: str
    route_table_id: str | None
    explicit_route_table: bool
    nacl_id: str | None


@dataclass(frozen=True, slots=True)
class AzView:
    name: str
    subnets: tuple[SubnetView, ...]


@dataclass(frozen=True, slots=True)
class GatewayView:
    gateway_id: str
    kind: str  # a graph node kind: igw, eigw, nat, vpce, pcx, tgw, eni, missing
    label: str
    name: str | None
    state: str | None
    detail: str  # e.g. "public, in subnet-…" for a NAT gateway, the service name of an endpoint


@dataclass(frozen=True, slots=True)
class VpcView:
    vpc_id: str
    name: str | None
    cidrs: tuple[str, ...]
    account: str | None
    region: str | None
    azs: tuple[AzView, ...]
    route_tables: tuple[RouteTableView, ...]
    gateways: tuple[GatewayView, ...]

    def names(self) -> dict[str, str]:
        """Resource id -> Name tag, for every named resource in this view."""
        named: dict[str, str | None] = {self.vpc_id: self.name}
        named |= {s.subnet_id: s.name for az in self.azs for s in az.subnets}
        named |= {t.route_table_id: t.name for t in self.route_tables}
        named |= {g.gateway_id: g.name for g in self.gateways}
        return {k: v for k, v in named.items() if v}


def build_topology(graph: nx.DiGraph) -> list[VpcView]:
    """One view per VPC node in the graph, ordered by (account, region, vpc id)."""
    vpcs = [n for n, a in graph.nodes(data=True) if a.get("kind") == "vpc"]
    views = [_vpc_view(graph, vpc_id) for vpc_id in vpcs]
    return sorted(views, key=lambda v: (v.account or "", v.region or "", v.vpc_id))


def tag_name(item: JsonDict) -> str | None:
    """The value of the resource's ``Name`` tag, if any."""
    for tag in item.get("Tags") or []:
        if tag.get("Key") == "Name" and tag.get("Value"):
            return str(tag["Value"])
    return None


def _members(graph: nx.DiGraph, node: str, rel: str, kind: str) -> list[str]:
    found = [
        src
        for src, data in graph.pred[node].items()
        if data.get("rel") == rel and graph.nodes[src].get("kind") == kind
    ]
    return sorted(found)


def _vpc_view(graph: nx.DiGraph, vpc_id: str) -> VpcView:
    attrs = graph.nodes[vpc_id]
    item = attrs.get("item") or {}
    subnets = [_subnet_view(graph, s) for s in _members(graph, vpc_id, "in-vpc", "subnet")]
    by_az: dict[str, list[SubnetView]] = {}
    for subnet in subnets:
        by_az.setdefault(subnet.availability_zone, []).append(subnet)
    route_tables = [_route_table_view(graph, r) for r in _members(graph, vpc_id, "in-vpc", "route-table")]
    return VpcView(
        vpc_id=vpc_id,
        name=tag_name(item),
        cidrs=tuple(_vpc_cidrs(item)),
        account=attrs.get("account"),
        region=attrs.get("region"),
        azs=tuple(AzView(az, tuple(by_az[az])) for az in sorted(by_az)),
        route_tables=tuple(route_tables),
        gateways=tuple(_gateways(graph, vpc_id, [s.subnet_id for s in subnets], route_tables)),
    )


def _vpc_cidrs(item: JsonDict) -> list[str]:
    cidrs = [a["CidrBlock"] for a in item.get("CidrBlockAssociationSet") or [] if a.get("CidrBlock")]
    if item.get("CidrBlock") and item["CidrBlock"] not in cidrs:
        cidrs.insert(0, item["CidrBlock"])
    ipv6 = item.get("Ipv6CidrBlockAssociationSet") or []
    return cidrs + [a["Ipv6CidrBlock"] for a in ipv6 if a.get("Ipv6CidrBlock")]


def _successor(graph: nx.DiGraph, node: str, rel: str) -> tuple[str | None, dict[str, Any]]:
    for nbr, data in sorted(graph.succ[node].items()):
        if data.get("rel") == rel:
            return nbr, data
    return None, {}


def _subnet_view(graph: nx.DiGraph, subnet_id: str) -> SubnetView:
    item = graph.nodes[subnet_id].get("item") or {}
    rtb, rtb_edge = _successor(graph, subnet_id, "uses-route-table")
    nacl, _ = _successor(graph, subnet_id, "uses-nacl")
    return SubnetView(
        subnet_id=subnet_id,
        name=tag_name(item),
        cidr=item.get("CidrBlock"),
        availability_zone=str(item.get("AvailabilityZone") or "unknown AZ"),
        route_table_id=rtb,
        explicit_route_table=bool(rtb_edge.get("explicit", False)),
        nacl_id=nacl,
    )


def _route_table_view(graph: nx.DiGraph, rtb_id: str) -> RouteTableView:
    item = graph.nodes[rtb_id].get("item") or {}
    main = any(a.get("Main") for a in item.get("Associations") or [])
    routes = []
    for raw in item.get("Routes") or []:
        route = parse_route(raw)
        if route is None:
            continue
        target = route.target_id or "?"
        missing = target in graph and graph.nodes[target].get("kind") == "missing"
        routes.append(RouteView(route.destination, target, route.state, missing))
    return RouteTableView(rtb_id, tag_name(item), main, tuple(routes))


def _gateways(
    graph: nx.DiGraph, vpc_id: str, subnet_ids: list[str], route_tables: list[RouteTableView]
) -> list[GatewayView]:
    ids: set[str] = set()
    for kind in ("igw", "eigw"):
        ids.update(_members(graph, vpc_id, "attached", kind))
    ids.update(_members(graph, vpc_id, "in-vpc", "vpce"))
    ids.update(_members(graph, vpc_id, "peers", "pcx"))
    for subnet_id in subnet_ids:
        ids.update(_members(graph, subnet_id, "in-subnet", "nat"))
    for table in route_tables:
        ids.update(r.target for r in table.routes if r.target in graph and r.target != "local")
    return [_gateway_view(graph, g) for g in sorted(ids) if graph.nodes[g].get("kind") in GATEWAY_LABELS]


def _gateway_view(graph: nx.DiGraph, gateway_id: str) -> GatewayView:
    attrs = graph.nodes[gateway_id]
    kind = attrs["kind"]
    item = attrs.get("item") or {}
    status = item.get("Status")
    state = item.get("State") or (status.get("Code") if isinstance(status, dict) else status)
    detail = ""
    if kind == "nat":
        detail = f"{item.get('ConnectivityType') or 'public'}, in {item.get('SubnetId') or '?'}"
    elif kind == "vpce":
        detail = f"{item.get('VpcEndpointType') or '?'} {item.get('ServiceName') or '?'}"
    elif kind in ("igw", "eigw"):
        states = sorted({str(a.get("State")) for a in item.get("Attachments") or []})
        state = ", ".join(states) or "detached"
    elif kind == "pcx":
        peers = [
            (item.get(side) or {}).get("VpcId") or "?" for side in ("RequesterVpcInfo", "AccepterVpcInfo")
        ]
        detail = " <-> ".join(peers)
    return GatewayView(
        gateway_id=gateway_id,
        kind=kind,
        label=GATEWAY_LABELS[kind],
        name=tag_name(item),
        state=str(state) if state else None,
        detail=detail,
    )
