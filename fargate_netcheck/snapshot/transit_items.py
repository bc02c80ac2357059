"""Transit gateway items as the trace reads them: TGW routes (SearchTransitGatewayRoutes) and
attachments merged from their two Describe calls, each record's State kept."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.parse import Network, value_or


@dataclass(frozen=True, slots=True)
class TgwHop:
    """Where a transit gateway route sends traffic: one attachment."""

    attachment_id: str
    resource_id: str
    resource_type: str  # vpc | vpn | direct-connect-gateway | peering | connect | ...


@dataclass(frozen=True, slots=True)
class TgwRoute:
    """One route of a transit gateway route table (SearchTransitGatewayRoutes)."""

    destination: str  # a CIDR or a prefix-list id, as AWS wrote it
    network: Network | None
    prefix_list_id: str | None
    state: str  # active | blackhole
    type: str  # static | propagated
    hops: tuple[TgwHop, ...]

    def describe(self) -> str:
        target = ", ".join(h.attachment_id for h in self.hops) or self.state
        blackhole = " (blackhole)" if self.state == "blackhole" and self.hops else ""
        return f"{self.destination} -> {target}{blackhole}"


def parse_tgw_route(raw: JsonDict) -> TgwRoute | None:
    cidr = raw.get("DestinationCidrBlock")
    pl = raw.get("PrefixListId")
    if not cidr and not pl:
        return None
    hops = tuple(
        TgwHop(a.get("TransitGatewayAttachmentId", ""), a.get("ResourceId", ""), a.get("ResourceType", ""))
        for a in raw.get("TransitGatewayAttachments") or []
        if a.get("TransitGatewayAttachmentId")
    )
    return TgwRoute(
        destination=str(cidr or pl),
        network=ipaddress.ip_network(cidr, strict=False) if cidr else None,
        prefix_list_id=None if cidr else pl,
        state=value_or(raw, "State", "active"),
        type=value_or(raw, "Type", "static"),
        hops=hops,
    )


UNLISTED = "unlisted"  # the state of an attachment that only a TGW route table's associations name


@dataclass(frozen=True, slots=True)
class TgwAttachment:
    """A transit gateway attachment, merged from DescribeTransitGatewayAttachments (resource type,
    associated route table) and DescribeTransitGatewayVpcAttachments (the subnets).

    ``states`` keeps every ``State`` a record gave, by where it was read: records that disagree
    (one call saw it ``available``, the other ``deleting``) describe an attachment in change."""

    attachment_id: str
    tgw_id: str | None
    resource_type: str | None
    resource_id: str | None  # the VPC id for a VPC attachment
    state: str
    subnet_ids: tuple[str, ...] | None  # None: not collected
    route_table_id: str | None  # the associated TGW route table, when the attachment says so
    states: tuple[tuple[str, str], ...] = ()  # (where read, State) of each record that gave one
    # The attachment's own ``Association``: (route table, its State or None when absent); None: no
    # Association on the record (not associated, as far as that record says)
    association: tuple[str | None, str | None] | None = None

    @property
    def conflict(self) -> str | None:
        """What the records say when they disagree on the attachment's state, else None."""
        if len({state for _, state in self.states}) < 2:
            return None
        return ", ".join(f"{state} in {where}" for where, state in self.states)


def parse_tgw_attachment(attachment_id: str, generic: JsonDict | None, vpc: JsonDict | None) -> TgwAttachment:
    generic, vpc = generic or {}, vpc or {}
    raw_association = generic.get("Association")
    association = raw_association if isinstance(raw_association, dict) else {}
    subnets = vpc.get("SubnetIds")
    states = tuple(
        (where, record["State"])
        for where, record in (
            ("DescribeTransitGatewayAttachments", generic),
            ("DescribeTransitGatewayVpcAttachments", vpc),
        )
        if isinstance(record.get("State"), str)
    )
    return TgwAttachment(
        attachment_id=attachment_id,
        tgw_id=generic.get("TransitGatewayId") or vpc.get("TransitGatewayId"),
        resource_type=generic.get("ResourceType") or ("vpc" if vpc else None),
        resource_id=generic.get("ResourceId") or vpc.get("VpcId"),
        state=states[0][1] if states else "unknown",
        subnet_ids=tuple(subnets) if isinstance(subnets, list) else None,
        route_table_id=association.get("TransitGatewayRouteTableId")
        if association.get("State") == "associated"
        else None,
        states=states,
        association=(association.get("TransitGatewayRouteTableId"), association.get("State"))
        if association
        else None,
    )
