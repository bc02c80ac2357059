"""A regional NAT gateway on the way out (``nat_gateways`` says what AWS documents of it).

It sits in no subnet: the traffic it translates crosses no subnet's network ACL and goes on by the
gateway's own route table (``RouteTableId``), which must belong to the gateway's VPC and be in the
snapshot. The task's Availability Zone must be one it serves. Replies it translates back leave by
the same table (``NatReturn``).
"""

from __future__ import annotations

from dataclasses import replace

import networkx as nx

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.graph.build import region_of
from fargate_netcheck.trace.hops import Position
from fargate_netcheck.trace.returns import NatReturn
from fargate_netcheck.trace.walk import Walk

# The only route target followed beyond a regional NAT gateway's table (``egress._follow``).
FOLLOWED_FROM_REGIONAL = frozenset({"igw"})


def regional_unknown(walk: Walk, nat: str, why: str) -> None:
    """Record why what crosses regional NAT gateway ``nat`` is not decided."""
    walk.unknown(
        CheckCode.NAT_REGIONAL,
        nat,
        f"NAT gateway {nat} is a regional NAT gateway, and {why}; verify its path to an internet gateway "
        "by hand",
    )


def through_regional(g: nx.DiGraph, walk: Walk, item: dict, pos: Position) -> Position | None:
    """A public regional NAT gateway, available: where the traffic goes on from (its route table),
    or None with the reason recorded."""
    nat = item["NatGatewayId"]
    az = _zone(g.nodes[pos.subnet_id].get("item") or {})
    not_served = _not_serving(item, az, pos.subnet_id)
    if not_served:
        regional_unknown(walk, nat, not_served)
        return None
    table = item.get("RouteTableId")
    if not isinstance(table, str) or not table:
        regional_unknown(
            walk,
            nat,
            "the route table it forwards by is not in the snapshot (no RouteTableId: AWS creates it with the "
            "gateway, so infrastructure code does not hold it)",
        )
        return None
    node = g.nodes.get(table, {})
    if node.get("kind") != "route-table":
        region = region_of(g, nat)
        if not region.collected("RouteTables"):
            walk.missing(
                region, "RouteTables", nat, f": the route table {table} of regional NAT gateway {nat}"
            )
        else:
            regional_unknown(walk, nat, f"its route table {table} is not in the snapshot's RouteTables")
        return None
    table_vpc = (node.get("item") or {}).get("VpcId")
    if table_vpc != pos.vpc_id:
        regional_unknown(
            walk, nat, f"its route table {table} belongs to {table_vpc or 'no VPC'}, not {pos.vpc_id}"
        )
        return None
    walk.passed(
        CheckCode.NAT,
        nat,
        f"NAT gateway {nat} is available, public and regional: it serves {az[0] or az[1]} of {pos.subnet_id} "
        f"({_how_served(item)}) and forwards by its route table {table}",
    )
    walk.returns.append(NatReturn(nat, None, pos.task_source, table=table))
    return replace(pos, public_source=True, translated_by=nat, route_table=table)


def _zone(subnet: dict) -> tuple[str | None, str | None]:
    """A subnet's Availability Zone (name, id)."""
    name, zone_id = subnet.get("AvailabilityZone"), subnet.get("AvailabilityZoneId")
    return (
        name if isinstance(name, str) and name else None,
        zone_id if isinstance(zone_id, str) and zone_id else None,
    )


def _in_zone(address: dict, az: tuple[str | None, str | None]) -> bool:
    """Whether a gateway address is in the zone ``az`` (name, id). AZ names map to different zones
    in different accounts (AWS, "AZ IDs for your AWS resources"): where both sides give an AZ ID,
    the IDs decide, never the names (a subnet seen from a participant account of a shared VPC names
    its zone as that account does)."""
    name, zone_id = az
    their_id = address.get("AvailabilityZoneId")
    if zone_id and isinstance(their_id, str) and their_id:
        return their_id == zone_id
    return bool(name) and address.get("AvailabilityZone") == name


def _how_served(item: dict) -> str:
    if item.get("AutoProvisionZones") == "enabled":
        return "automatic mode: every AZ where the VPC has subnets"
    return "manual mode: an address there is in use"


def _not_serving(item: dict, az: tuple[str | None, str | None], subnet_id: str) -> str | None:
    """Why the gateway may not serve the traffic of ``subnet_id``'s AZ; None when it does."""
    mode = item.get("AutoProvisionZones")
    if mode == "enabled":
        return None
    if mode != "disabled":
        return (
            f"whether it covers Availability Zones by itself is not in the snapshot (AutoProvisionZones "
            f"{mode!r}), so whether it serves {subnet_id} is not known"
        )
    name, zone_id = az
    if name is None and zone_id is None:
        return f"the Availability Zone of {subnet_id} is not in the snapshot, so whether it serves it is not known"
    listed = [a for a in item.get("NatGatewayAddresses") or () if isinstance(a, dict) and _in_zone(a, az)]
    if any(a.get("Status") == "succeeded" for a in listed):
        return None
    where = name or zone_id
    if listed:
        states = ", ".join(sorted({str(a.get("Status")) for a in listed}))
        return (
            f"its addresses in {where} ({subnet_id}'s Availability Zone) are {states}, not in use (succeeded)"
        )
    return (
        f"in manual mode (AutoProvisionZones disabled) it lists no address in {where} ({subnet_id}'s "
        "Availability Zone): AWS gives each AZ its own configuration and does not say what happens to the "
        "traffic of an AZ without one"
    )
