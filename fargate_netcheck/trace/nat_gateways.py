"""The NAT gateway hop: a public one translates IPv4 for the internet from its subnet (whose route
table must lead to an internet gateway); a private one never reaches the internet; IPv6 only in
NAT64's ``64:ff9b::/96`` (AWS, "DNS64 and NAT64"), translated to the embedded IPv4 address. The
IPv4 path a NAT64 translation takes is not traced (``unknown``: name the IPv4 destination); other
IPv6 traffic a NAT gateway does not forward.

A regional NAT gateway (``AvailabilityMode`` ``regional``; AWS, "Regional NAT gateways for
automatic multi-AZ expansion") sits in no subnet: it forwards by a route table of its own
(``RouteTableId``, which AWS creates with a route to the internet gateway), and it serves the
Availability Zones it covers: every AZ where the VPC has subnets when ``AutoProvisionZones`` is
``enabled``; in manual mode (``disabled``) those its ``NatGatewayAddresses`` list, "each AZ [with]
its own configuration to handle outbound NAT traffic from that AZ". So the walk goes on from its
route table, crossing no subnet's ACL, with the task's AZ covered or the verdict ``unknown`` (an AZ
that manual mode leaves out: AWS does not say what happens to its traffic). Beyond its table only a
route to an internet gateway is followed; any other target is ``unknown``, never guessed at. A
private regional NAT gateway is not evaluated (``unknown``).

A NAT gateway with an appliance attached (``AttachedAppliances``: a Network Firewall proxy filtering
what leaves through it) is ``unknown`` too: its rules are not read, so what it lets through is not
known.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import networkx as nx

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Route
from fargate_netcheck.trace.destination import internet_space
from fargate_netcheck.trace.hops import Position, Step, split
from fargate_netcheck.trace.regional_nat import regional_unknown, through_regional
from fargate_netcheck.trace.returns import NatReturn
from fargate_netcheck.trace.walk import Crossing, Walk

NAT64 = AddressSet.of(["64:ff9b::/96"], 6)


def _nat64(nat: str, walk: Walk, pos: Position) -> Step:
    walk.unknown(
        CheckCode.NAT_IPV6,
        nat,
        f"NAT gateway {nat} translates {pos.destination} (NAT64) to the IPv4 addresses it embeds; that IPv4 "
        "path is not traced: check the IPv4 destination with --destination",
    )
    return None


def _not_nat64(nat: str, walk: Walk, pos: Position) -> Step:
    walk.failed(
        CheckCode.NAT_IPV6,
        nat,
        f"NAT gateway {nat} forwards IPv6 only to NAT64's 64:ff9b::/96; {pos.destination} is dropped there "
        "(route IPv6 to an egress-only or internet gateway)",
    )
    return None


def nat_gateway(g: nx.DiGraph, walk: Walk, route: Route, pos: Position) -> Step:
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
    state = item.get("State")
    if state is None:  # AWS always gives it: absent or null is not known
        walk.unknown(
            CheckCode.DATA_MISSING, nat, f"NAT gateway {nat} has no State: whether it is available is unknown"
        )
        return None
    if state != "available":
        walk.failed(CheckCode.NAT_NOT_AVAILABLE, nat, f"NAT gateway {nat} is {state}, not available")
        return None
    subnet = g.nodes.get(item.get("SubnetId") or "", {}).get("item") or {}
    # its subnet's VPC, where it sits, first (its own VpcId is the same in anything AWS wrote)
    home = next((v for v in (subnet.get("VpcId"), item.get("VpcId")) if v and v != pos.vpc_id), None)
    if home:  # AWS refuses such a route: a plan's wrong id, a hand-written file
        walk.failed(
            CheckCode.TARGET_MISSING,
            nat,
            f"route {route.describe()} in {walk.path[-2]} points to NAT gateway {nat} of {home}, not of "
            f"{pos.vpc_id}: a route can only send traffic to a NAT gateway in its own VPC",
        )
        return None
    if pos.destination.version == 6:
        return split(walk, pos, NAT64, partial(_nat64, nat), partial(_not_nat64, nat))
    if item.get("ConnectivityType", "public") != "private":
        return _through_nat_gateway(g, walk, item, pos, public=True)

    # A private NAT gateway translates to its private address, for other VPCs and on-premises
    # networks (through a transit or virtual private gateway); never for the internet.
    def internet(w: Walk, p: Position) -> Step:
        w.failed(
            CheckCode.NAT_PRIVATE,
            nat,
            f"NAT gateway {nat} is a private NAT gateway: it cannot reach the internet",
        )
        return None

    return split(
        walk,
        pos,
        internet_space(pos.destination.version),
        internet,
        lambda w, p: _through_nat_gateway(g, w, item, p, public=False),
    )


# The attachment state in which an appliance no longer filters; any other may (``attaching``,
# ``detaching``, ``detach-failed``; ``attach-failed`` too, as nothing says it filters nothing).
_DETACHED = frozenset({"detached"})


def _undecided(item: dict) -> tuple[CheckCode, str, str] | None:
    """Why what crosses this NAT gateway cannot be decided here (the module docstring), if so."""
    nat = item["NatGatewayId"]
    listed = item.get("AttachedAppliances")
    attached = [
        a for a in (listed if isinstance(listed, list) else [listed] if listed else [])
        if not isinstance(a, dict) or str(a.get("AttachmentState", "")).lower() not in _DETACHED
    ]  # fmt: skip
    if attached:
        names = ", ".join(
            str(a.get("ApplianceArn") or a.get("Type") or "?") if isinstance(a, dict) else "?"
            for a in attached
        )
        return (
            CheckCode.NAT_APPLIANCE,
            nat,
            f"NAT gateway {nat} has an appliance attached ({names}) that filters what leaves through it; "
            "its rules are not read, so what it lets through is not known",
        )
    return None


def _through_nat_gateway(
    g: nx.DiGraph, walk: Walk, item: dict, pos: Position, public: bool
) -> Position | None:
    nat = item["NatGatewayId"]
    if (undecided := _undecided(item)) is not None:
        walk.unknown(*undecided)
        return None
    if item.get("AvailabilityMode") == "regional":
        if not public:
            regional_unknown(walk, nat, "it is private: its forwarding is not evaluated")
            return None
        return through_regional(g, walk, item, pos)
    nat_subnet = item.get("SubnetId")
    if not nat_subnet or nat_subnet not in g:
        walk.unknown(CheckCode.DATA_MISSING, nat, f"the subnet of NAT gateway {nat} is not in the snapshot")
        return None
    walk.passed(CheckCode.NAT, nat, f"NAT gateway {nat} is available and {'public' if public else 'private'}")
    walk.hop(nat_subnet)
    if nat_subnet != pos.subnet_id:
        walk.crossings.append(Crossing(nat_subnet, pos.task_source, origin=False))
    walk.returns.append(NatReturn(nat, nat_subnet, pos.task_source))
    return replace(pos, subnet_id=nat_subnet, public_source=public, translated_by=nat)
