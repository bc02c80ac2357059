"""The network a template or plan describes, as snapshot items being built (verbatim AWS shapes).

``Network`` holds items by snapshot kind and id, and knows what AWS does on its own when a resource
is created: a VPC comes with a main route table (its local route), a default network ACL (allow all
both ways, then deny) and a default security group (all from itself in, all out); a custom ACL
starts with only its deny-all rules; every route table routes the VPC's CIDRs ``local``; a new VPC
uses the region's default DHCP options (``needs_world``). Values
that cannot be known before deployment are recorded per kind in ``errors``, which the snapshot's
``Errors`` carries, so the verdicts that need that kind are ``unknown`` with the reason.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.schema import ID_FIELDS
from fargate_netcheck.targets.iac.transit import Transit

IPV4_ALL, IPV6_ALL = "0.0.0.0/0", "::/0"
ASSOCIATED = {"State": "associated"}


@dataclass(frozen=True, slots=True)
class VpcDefaults:
    """The ids given to what AWS creates with a VPC."""

    main_route_table: str
    network_acl: str
    security_group: str


@dataclass(slots=True)
class Network:
    items: dict[str, dict[str, JsonDict]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    new_route_tables: set[str] = field(default_factory=set)  # tables that get their local routes here
    new_acls: set[str] = field(default_factory=set)  # ACLs that get AWS's final deny-all rules here
    transit: Transit = field(default_factory=Transit)
    # VPCs the code creates: AWS associates them with the region's default DHCP options
    new_vpcs: set[str] = field(default_factory=set)
    default_dhcp: JsonDict | None = None  # the region's default DHCP options, when the code adopts them

    # -- items ---------------------------------------------------------------------------------
    def add(self, kind: str, item: JsonDict) -> JsonDict:
        self.items.setdefault(kind, {})[item[ID_FIELDS[kind]]] = item
        return item

    def get(self, kind: str, item_id: Any) -> JsonDict | None:
        return self.items.get(kind, {}).get(item_id) if isinstance(item_id, str) else None

    def remove(self, kind: str, item_id: str) -> None:
        self.items.get(kind, {}).pop(item_id, None)

    def unknown(self, kind: str, reason: str) -> None:
        """A value of ``kind`` cannot be known before deployment: verdicts needing it are unknown."""
        reasons = self.errors.setdefault(kind, [])
        if reason not in reasons:
            reasons.append(reason)

    # -- what AWS creates ----------------------------------------------------------------------
    def add_vpc(self, vpc: JsonDict, defaults: VpcDefaults) -> None:
        vpc_id = vpc["VpcId"]
        vpc.setdefault("State", "available")
        vpc.setdefault("EnableDnsSupport", True)
        vpc.setdefault("EnableDnsHostnames", False)
        if isinstance(vpc.get("CidrBlock"), str):
            vpc.setdefault(
                "CidrBlockAssociationSet",
                [{"CidrBlock": vpc["CidrBlock"], "CidrBlockState": {"State": "associated"}}],
            )
        self.add("Vpcs", vpc)
        self.new_vpcs.add(vpc_id)
        table = self.add_route_table(defaults.main_route_table, vpc_id)
        table["Associations"].append(
            {
                "Main": True,
                "RouteTableAssociationId": f"{defaults.main_route_table}#main",
                "RouteTableId": defaults.main_route_table,
                "AssociationState": dict(ASSOCIATED),
            }
        )
        entries = [_acl_entry(100, "allow", egress, IPV4_ALL) for egress in (True, False)]
        self.new_acls.add(defaults.network_acl)
        self.add(
            "NetworkAcls",
            {
                "NetworkAclId": defaults.network_acl,
                "VpcId": vpc_id,
                "IsDefault": True,
                "Associations": [],
                "Entries": entries,
            },
        )
        self.add(
            "SecurityGroups",
            {
                "GroupId": defaults.security_group,
                "GroupName": "default",
                "Description": "default VPC security group",
                "VpcId": vpc_id,
                "IpPermissions": [
                    {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": defaults.security_group}]}
                ],
                "IpPermissionsEgress": [allow_all_out()],
            },
        )

    def add_route_table(self, table_id: str, vpc_id: Any) -> JsonDict:
        self.new_route_tables.add(table_id)
        return self.add(
            "RouteTables", {"RouteTableId": table_id, "VpcId": vpc_id, "Associations": [], "Routes": []}
        )

    def add_network_acl(self, acl_id: str, vpc_id: Any) -> JsonDict:
        self.new_acls.add(acl_id)
        return self.add(
            "NetworkAcls",
            {"NetworkAclId": acl_id, "VpcId": vpc_id, "IsDefault": False, "Associations": [], "Entries": []},
        )

    # -- relations -----------------------------------------------------------------------------
    def associate_route_table(
        self, table_id: str, subnet_id: str | None, gateway_id: str | None, assoc_id: str
    ) -> None:
        """A subnet (or an edge gateway) uses ``table_id``; a subnet has one table, as in AWS."""
        for other in self.items.get("RouteTables", {}).values():
            other["Associations"] = [
                a
                for a in other.get("Associations") or []
                if not (subnet_id and a.get("SubnetId") == subnet_id)
                and not (gateway_id and a.get("GatewayId") == gateway_id)
            ]
        table = self.get("RouteTables", table_id)
        if table is not None:
            key = {"SubnetId": subnet_id} if subnet_id else {"GatewayId": gateway_id}
            table["Associations"].append(
                {
                    "Main": False,
                    "RouteTableAssociationId": assoc_id,
                    "RouteTableId": table_id,
                    **key,
                    "AssociationState": dict(ASSOCIATED),
                }
            )

    def set_main_route_table(self, vpc_id: str, table_id: str, assoc_id: str) -> None:
        for other in self.items.get("RouteTables", {}).values():
            if other.get("VpcId") == vpc_id:
                other["Associations"] = [a for a in other.get("Associations") or [] if not a.get("Main")]
        table = self.get("RouteTables", table_id)
        if table is not None:
            table["Associations"].append(
                {
                    "Main": True,
                    "RouteTableAssociationId": assoc_id,
                    "RouteTableId": table_id,
                    "AssociationState": dict(ASSOCIATED),
                }
            )

    def associate_network_acl(self, acl_id: str, subnet_id: str, assoc_id: str) -> None:
        for other in self.items.get("NetworkAcls", {}).values():
            other["Associations"] = [
                a for a in other.get("Associations") or [] if a.get("SubnetId") != subnet_id
            ]
        acl = self.get("NetworkAcls", acl_id)
        if acl is not None:
            acl["Associations"].append(
                {"NetworkAclAssociationId": assoc_id, "NetworkAclId": acl_id, "SubnetId": subnet_id}
            )

    def add_route(self, table_id: str, route: JsonDict) -> None:
        table = self.get("RouteTables", table_id)
        if table is None:
            return
        key = route_key(route)
        table["Routes"] = [r for r in table.get("Routes") or [] if route_key(r) != key] + [route]

    def remove_route(self, table_id: str, route: JsonDict) -> None:
        table = self.get("RouteTables", table_id)
        if table is not None:
            key = route_key(route)
            table["Routes"] = [r for r in table.get("Routes") or [] if route_key(r) != key]

    def attach_gateway(self, kind: str, gateway_id: str, vpc_id: str, state: str) -> None:
        gateway = self.get(kind, gateway_id)
        if gateway is not None:
            gateway["Attachments"] = [{"State": state, "VpcId": vpc_id}]

    def vpc_info(self, vpc_id: Any) -> JsonDict:
        """A peering connection's side: the VPC and its CIDR when known."""
        vpc = self.get("Vpcs", vpc_id)
        info: JsonDict = {"VpcId": vpc_id} if isinstance(vpc_id, str) else {}
        if vpc is not None and isinstance(vpc.get("CidrBlock"), str):
            info["CidrBlock"] = vpc["CidrBlock"]
        return info

    # -- the end -------------------------------------------------------------------------------
    def finish(self) -> None:
        """What AWS derives: local routes, a custom ACL's deny-all rules, subnet-derived VPC ids,
        transit gateway associations and propagated routes."""
        self.transit.finish(self)
        for table_id in self.new_route_tables:
            table = self.get("RouteTables", table_id)
            vpc = self.get("Vpcs", table.get("VpcId")) if table is not None else None
            if table is None or vpc is None:
                continue
            local = [
                {
                    "DestinationCidrBlock" if ":" not in c else "DestinationIpv6CidrBlock": c,
                    "GatewayId": "local",
                    "State": "active",
                    "Origin": "CreateRouteTable",
                }
                for c in vpc_cidrs(vpc)
            ]
            table["Routes"] = local + [r for r in table["Routes"] if r.get("GatewayId") != "local"]
        for acl_id in self.new_acls:
            acl = self.get("NetworkAcls", acl_id)
            if acl is None:
                continue
            vpc = self.get("Vpcs", acl.get("VpcId"))
            ipv6 = vpc is not None and any(":" in c for c in vpc_cidrs(vpc))
            if acl.get("IsDefault") and ipv6:
                acl["Entries"] += [_acl_entry(101, "allow", e, IPV6_ALL) for e in (True, False)]
            acl["Entries"] += [_acl_entry(32767, "deny", e, IPV4_ALL) for e in (True, False)]
            if ipv6:
                acl["Entries"] += [_acl_entry(32768, "deny", e, IPV6_ALL) for e in (True, False)]
        for nat in self.items.get("NatGateways", {}).values():
            subnet = self.get("Subnets", nat.get("SubnetId"))
            if subnet is not None and "VpcId" not in nat and isinstance(subnet.get("VpcId"), str):
                nat["VpcId"] = subnet["VpcId"]

    def snapshot_region(self) -> JsonDict:
        body: JsonDict = {kind: list(items.values()) for kind, items in sorted(self.items.items())}
        if self.errors:
            body["Errors"] = {kind: "; ".join(reasons) for kind, reasons in sorted(self.errors.items())}
        return body


def vpc_cidrs(vpc: JsonDict) -> list[str]:
    cidrs = [
        a["CidrBlock"]
        for a in vpc.get("CidrBlockAssociationSet") or []
        if isinstance(a.get("CidrBlock"), str)
    ]
    if not cidrs and isinstance(vpc.get("CidrBlock"), str):
        cidrs = [vpc["CidrBlock"]]
    cidrs += [
        a["Ipv6CidrBlock"]
        for a in vpc.get("Ipv6CidrBlockAssociationSet") or []
        if isinstance(a.get("Ipv6CidrBlock"), str)
    ]
    return list(dict.fromkeys(cidrs))


def route_key(route: JsonDict) -> str | None:
    """A route's destination: what makes it one route of its table."""
    for key in ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId"):
        if route.get(key):
            value = route[key]
            if not isinstance(value, str):  # (a number or true would read as an address)
                return str(value)
            try:
                return str(ipaddress.ip_network(value, strict=False))
            except ValueError:
                return value
    return None


def allow_all_out() -> JsonDict:
    return {"IpProtocol": "-1", "IpRanges": [{"CidrIp": IPV4_ALL}]}


def _acl_entry(number: int, action: str, egress: bool, cidr: str) -> JsonDict:
    key = "Ipv6CidrBlock" if ":" in cidr else "CidrBlock"
    return {"RuleNumber": number, "Protocol": "-1", "RuleAction": action, "Egress": egress, key: cidr}


def free_addresses(cidr: Any) -> int | None:
    """A new subnet's available addresses: all but the five AWS reserves."""
    if not isinstance(cidr, str):
        return None
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except (TypeError, ValueError):
        return None
    return max(net.num_addresses - 5, 0) if net.version == 4 else None
