"""Appliances on the path: VPC endpoints used as route targets and NAT instances.

- A route to a ``vpce-`` whose type is ``GatewayLoadBalancer`` (a Gateway Load Balancer endpoint,
  which is also what an AWS Network Firewall endpoint is) is followed into the endpoint's subnet and
  on by that subnet's route table. An AWS Network Firewall in the snapshot must have the endpoint's
  attachment READY, and has its policy evaluated for each walk's flow by port and address
  (``firewall_policy.inspect``, from ``Filters``) and for each need by name (from the needs walk);
  any other appliance's rules are not: the walk records a passed ``firewall.policy-not-evaluated`` check (rule GW008 turns it into a
  warning) and says so in the reason. The way back is checked at the end of the walk (``FirewallReturn``).
- A route to a ``Gateway`` endpoint (S3, DynamoDB) carries only traffic to that service's prefix
  list, never internet traffic.
- A route to an instance or a network interface is a NAT instance: the interface must be in use,
  have a public IP and its source/destination check off, and the instance it is attached to must be
  ``running`` (a stopped or stopping instance keeps its interface ``in-use`` and the route may still
  read ``active``, but nothing forwards; its state not collected is ``unknown``); the walk goes on
  from its subnet, which must route to an internet gateway like a NAT gateway's.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

import networkx as nx

from fargate_netcheck.core.model import CheckCode, Status
from fargate_netcheck.graph.build import endpoint_service, region_of, successor, successors
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network, Route
from fargate_netcheck.trace.firewall_policy import endpoint_doubt, firewall_of, network_firewall_endpoint
from fargate_netcheck.trace.hops import Handler, Position, Step, task_ipv6_range
from fargate_netcheck.trace.nat_instance_groups import NatInstanceGroups
from fargate_netcheck.trace.returns import NatReturn, back_to, edge_table_changing, record_delivery
from fargate_netcheck.trace.routing import route_pieces
from fargate_netcheck.trace.tgw_attachments import subnet_az
from fargate_netcheck.trace.walk import Crossing, Walk

# Devices that can follow a firewall on a path (a route to an instance shows as instance, then its ENI).
_NEXT_DEVICES = {"igw", "eigw", "nat", "eni", "tgw", "vpce", "pcx", "vgw"}
# Devices whose replies enter the VPC by no route table of their own (AWS associates gateway route
# tables with internet and virtual private gateways only): they bypass a firewall endpoint.
_NO_INGRESS_TABLE = {"eigw": "egress-only internet gateway", "pcx": "VPC peering connection"}


def appliance_handlers() -> dict[str, Handler]:
    return {"vpce": vpc_endpoint, "eni": nat_instance, "instance": nat_instance}


# -- VPC endpoints as route targets ---------------------------------------------------------------
def vpc_endpoint(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Step:
    vpce = route.target_id
    walk.hop(vpce)
    item = g.nodes[vpce]["item"]
    kind = item.get("VpcEndpointType", "")
    if kind == "Gateway":
        return _gateway_endpoint(g, walk, route, pos)
    if kind != "GatewayLoadBalancer":
        walk.unknown(
            CheckCode.UNSUPPORTED_TARGET,
            vpce,
            f"route {route.describe()} goes to VPC endpoint {vpce} of type {kind or 'unknown'}, "
            "which fargate-netcheck cannot follow",
        )
        return None
    label = _firewall_label(item)
    state = item.get("State")
    if not state:  # null, as absent (AWS always gives it): available or not is not known
        walk.unknown(
            CheckCode.DATA_MISSING, vpce, f"{label} {vpce} has no State: whether it is available is unknown"
        )
        return None
    if state.lower() != "available":
        walk.failed(CheckCode.VPCE_NOT_AVAILABLE, vpce, f"{label} {vpce} is {state}, not available")
        return None
    subnet = next(iter(item.get("SubnetIds") or []), None)
    if subnet is None or g.nodes.get(subnet, {}).get("kind") != "subnet":
        walk.unknown(CheckCode.DATA_MISSING, vpce, f"the subnet of {label} {vpce} is not in the snapshot")
        return None
    firewall, _ = firewall_of(g, vpce)
    doubt = endpoint_doubt(firewall, vpce) if firewall is not None else None
    if doubt is not None:
        walk.unknown(CheckCode.NFW_UNKNOWN, vpce, doubt)
        return None
    walk.passed(
        CheckCode.FIREWALL, vpce, f"{label} {vpce} is available; traffic passes through it in {subnet}"
    )
    if firewall is not None:
        walk.notes.append(
            f"the policy of Network Firewall {firewall.get('FirewallName', vpce)} is evaluated for each need by name"
        )
    else:
        walk.add(
            CheckCode.FIREWALL_POLICY,
            Status.PASS,
            vpce,
            f"the rules behind {label} {vpce} (firewall policy or appliance) are not evaluated: it may still "
            f"drop traffic to {pos.destination}",
        )
        walk.notes.append(f"the firewall rules behind {vpce} are not evaluated")
    # IPv6 is never translated: the task subnet's own IPv6 range, wherever the traffic stands now.
    source = current_source(g, pos) if pos.destination.version == 4 else task_ipv6_range(g, walk.path[0])
    walk.hop(subnet)
    if subnet != pos.subnet_id:
        walk.crossings.append(Crossing(subnet, source))
    walk.returns.append(FirewallReturn(vpce, len(walk.path), source))
    return replace(pos, subnet_id=subnet)


def _gateway_endpoint(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Position | None:
    vpce = route.target_id
    item = g.nodes[vpce]["item"]
    service = endpoint_service(item.get("ServiceName", ""), g.nodes[vpce].get("region", ""))
    if route.prefix_list_id is None:
        walk.failed(
            CheckCode.VPCE_NOT_INTERNET,
            vpce,
            f"route {route.describe()} sends {pos.destination} to gateway endpoint {vpce} ({service}), "
            f"which carries only traffic to {service}, never to the internet",
        )
        return None
    state = item.get("State")
    if not state:  # null, as absent (AWS always gives it): available or not is not known
        walk.unknown(
            CheckCode.DATA_MISSING,
            vpce,
            f"gateway endpoint {vpce} has no State: whether it is available is unknown",
        )
        return None
    if state.lower() != "available":
        walk.failed(CheckCode.VPCE_NOT_AVAILABLE, vpce, f"gateway endpoint {vpce} is {state}, not available")
        return None
    walk.passed(
        CheckCode.EP_SERVICE,
        vpce,
        f"{pos.destination} is in prefix list {route.prefix_list_id} of {service}: it reaches {service} "
        f"through gateway endpoint {vpce}, not the internet",
    )
    walk.reached = True
    return None


def _firewall_label(item: dict) -> str:
    return (
        "Network Firewall endpoint" if network_firewall_endpoint(item) else "Gateway Load Balancer endpoint"
    )


def current_source(g: nx.DiGraph, pos: Position) -> Network | None:
    """The range the traffic's source address is in: the NAT's subnet after translation, else the task's."""
    if pos.translated_by and pos.translated_by in g:
        subnet = g.nodes[pos.translated_by].get("item", {}).get("SubnetId")
        cidr = g.nodes.get(subnet, {}).get("item", {}).get("CidrBlock") if subnet else None
        if cidr:
            return ipaddress.ip_network(cidr, strict=False)
    return pos.task_source


@dataclass(frozen=True, slots=True)
class FirewallReturn:
    """Replies must come back through the same firewall endpoint, or a stateful firewall (which saw
    only one direction) drops the flow. Where replies re-enter depends on the next device after the
    firewall: an internet gateway uses its edge route table (a route table associated with the
    gateway); a NAT gateway or instance uses its subnet's route table. Without such a route the
    path is asymmetric: ``unknown``, since whether the appliance drops it is in its configuration."""

    vpce: str
    index: int  # position in the walk's path just after the firewall's subnet
    source: Network | None

    def verify(self, g: nx.DiGraph, walk: Walk) -> None:
        nxt = next(
            (h for h in walk.path[self.index :] if g.nodes.get(h, {}).get("kind") in _NEXT_DEVICES), None
        )
        kind = g.nodes.get(nxt, {}).get("kind") if nxt else None
        source = self.source
        if nxt is not None and kind in _NO_INGRESS_TABLE:  # no route table can be associated with it
            walk.unknown(
                CheckCode.FIREWALL_ASYMMETRIC,
                nxt,
                f"replies through {_NO_INGRESS_TABLE[kind]} {nxt} enter the VPC without passing firewall "
                f"endpoint {self.vpce} (only an internet or virtual private gateway takes a route table): the "
                "path is asymmetric and a stateful firewall drops such flows",
            )
            return
        if nxt is not None and kind == "tgw" and source is not None:
            self._from_transit(g, walk, nxt, source)
            return
        if source is None or nxt is None or kind not in ("igw", "nat", "eni"):
            walk.notes.append(f"the return path through firewall endpoint {self.vpce} is not verified")
            return
        if kind == "igw":
            if edge_table_changing(g, walk, nxt):
                return
            tables = successors(g, nxt, "edge-route-table")
            if not tables:
                walk.unknown(
                    CheckCode.FIREWALL_ASYMMETRIC,
                    nxt,
                    f"no route table is associated with internet gateway {nxt} (an edge association): "
                    f"replies to {source} enter the VPC without passing firewall endpoint {self.vpce}; "
                    "the path is asymmetric and a stateful firewall drops such flows",
                )
                return
            self._expect(g, walk, tables[0], source, f"edge route table {tables[0]} of {nxt}")
            return
        subnet = g.nodes[nxt].get("item", {}).get("SubnetId")
        rtb = successor(g, subnet, "uses-route-table") if subnet in g else None
        if rtb is None:
            walk.notes.append(f"the return path through firewall endpoint {self.vpce} is not verified")
            return
        self._expect(g, walk, rtb, source, f"route table {rtb} of {nxt}'s subnet {subnet}")

    def _from_transit(self, g: nx.DiGraph, walk: Walk, tgw: str, source: Network) -> None:
        """Replies from a transit gateway enter the firewall's VPC through the attachment's network
        interface in the Availability Zone the request left from, and that subnet's route table
        routes them on: it must send them back through the firewall endpoint."""
        vpc = successor(g, self.vpce, "in-vpc")
        az = subnet_az(g, walk.path[self.index - 1])  # the firewall endpoint's subnet
        attachments = (
            [g.nodes[a].get("attachment") for a in successors(g, vpc, "tgw-attachment")] if vpc else []
        )
        subnet = next(
            (
                s
                for a in attachments
                if a is not None and a.tgw_id == tgw
                for s in a.subnet_ids or ()
                if s in g and az is not None and subnet_az(g, s) == az
            ),
            None,
        )
        rtb = successor(g, subnet, "uses-route-table") if subnet is not None else None
        if rtb is None:
            walk.unknown(
                CheckCode.FIREWALL_ASYMMETRIC,
                tgw,
                f"the subnet (or its route table) where replies from {tgw} enter {vpc or 'the VPC'} in {az} "
                f"is not in the snapshot: whether they come back through firewall endpoint {self.vpce} is unknown",
            )
            return
        self._expect(g, walk, rtb, source, f"route table {rtb} of {subnet}, where replies from {tgw} enter,")

    def _expect(self, g: nx.DiGraph, walk: Walk, rtb: str, source: Network, where: str) -> None:
        check = back_to(route_pieces(g, rtb, AddressSet.of([source])), lambda r: r.target_id == self.vpce)
        record_delivery(
            walk,
            check,
            rtb,
            CheckCode.FIREWALL_RETURN,
            f"{where} routes replies to {source} back through firewall endpoint {self.vpce}",
            f"{where} sends replies to {source} by {check.by()}, not back through firewall endpoint {self.vpce}",
            "the path is asymmetric and a stateful firewall drops such flows",
            g=g,
        )


# -- NAT instances --------------------------------------------------------------------------------
def nat_instance(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Position | None:
    target = route.target_id
    walk.hop(target)
    eni = target
    if route.target_kind == "instance":
        enis = sorted(
            successors(g, target, "has-eni"), key=lambda e: g.edges[target, e].get("device_index", 0)
        )
        if not enis:
            rd = region_of(g, target)
            if not rd.collected("NetworkInterfaces"):
                walk.missing(rd, "NetworkInterfaces", target)
            else:
                walk.unknown(
                    CheckCode.DATA_MISSING,
                    target,
                    f"no network interface of instance {target} is in the snapshot: its NAT cannot be verified",
                )
            return None
        eni = enis[0]
        walk.hop(eni)
    item = g.nodes[eni]["item"]
    instance = (item.get("Attachment") or {}).get("InstanceId") or (
        target if route.target_kind == "instance" else None
    )
    label = f"NAT instance {instance} ({eni})" if instance else f"network interface {eni}"
    if pos.translated_by:
        walk.failed(
            CheckCode.NAT_PRIVATE_SUBNET,
            pos.translated_by,
            f"NAT {pos.translated_by} sits in {pos.subnet_id}, whose route table sends {pos.destination} "
            f"to {label} instead of an internet gateway",
        )
        return None
    status, check = item.get("Status"), item.get("SourceDestCheck")
    if status is None or check is None:  # AWS always gives both: absent or null is not known
        field = "Status" if status is None else "SourceDestCheck"
        walk.unknown(CheckCode.DATA_MISSING, eni, f"{label} has no {field}: whether it forwards is unknown")
        return None
    if status != "in-use":
        walk.failed(CheckCode.NAT_INSTANCE_DOWN, eni, f"{label} is {status}, not in use: it forwards nothing")
        return None
    if check is not False:
        walk.failed(
            CheckCode.NAT_INSTANCE_SRC_DST,
            eni,
            f"{label} has its source/destination check on: it drops traffic not addressed to itself, so "
            "it cannot forward the task's packets",
        )
        return None
    public_ip = (item.get("Association") or {}).get("PublicIp")
    if pos.destination.version == 4 and not public_ip:
        walk.failed(
            CheckCode.NAT_INSTANCE_NO_PUBLIC_IP,
            eni,
            f"{label} has no public IP: it cannot translate the task's traffic to the internet",
        )
        return None
    if instance is None:
        walk.unknown(
            CheckCode.DATA_MISSING,
            eni,
            f"{label} is attached to no EC2 instance in the snapshot (no Attachment.InstanceId): what "
            "forwards the task's traffic behind it, and whether it translates it, is unknown",
        )
        return None
    if not _running(g, walk, instance, eni, label):
        return None
    subnet = item.get("SubnetId")
    if g.nodes.get(subnet, {}).get("kind") != "subnet":
        walk.unknown(CheckCode.DATA_MISSING, eni, f"the subnet of {label} is not in the snapshot")
        return None
    walk.passed(
        CheckCode.NAT_INSTANCE,
        eni,
        f"{label} is in use, running, with public IP {public_ip} and source/destination check off",
    )
    walk.notes.append(f"the NAT setup inside {label} (its iptables rules) is not evaluated")
    walk.nat_instances.append(NatInstanceGroups(eni, label, pos.task_source))
    walk.hop(subnet)
    if subnet != pos.subnet_id:
        walk.crossings.append(Crossing(subnet, pos.task_source))
    walk.returns.append(NatReturn(eni, subnet, pos.task_source))
    return replace(pos, subnet_id=subnet, public_source=True, translated_by=eni)


def _running(g: nx.DiGraph, walk: Walk, instance: str, eni: str, label: str) -> bool:
    """Is the NAT instance ``running``? Any other state (pending, stopping, stopped, shutting-down,
    terminated) forwards nothing: ``unreachable`` at the instance. Its state not collected (the
    ``Instances`` kind missing or failed, or this instance not in it): ``unknown``."""
    rd = region_of(g, eni)
    if not rd.collected("Instances"):
        walk.missing(rd, "Instances", instance, f": whether {label} is running is unknown")
        return False
    state = ((g.nodes.get(instance, {}).get("item") or {}).get("State") or {}).get("Name")
    if state is None:
        walk.unknown(
            CheckCode.DATA_MISSING,
            instance,
            f"instance {instance} is not in the snapshot (or has no State): whether {label} is running is unknown",
        )
        return False
    if state != "running":
        walk.failed(
            CheckCode.NAT_INSTANCE_DOWN, instance, f"{label} is {state}, not running: it forwards nothing"
        )
        return False
    return True
