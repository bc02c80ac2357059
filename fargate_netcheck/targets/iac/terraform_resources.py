"""Terraform aws provider resources as snapshot items (``Network``), as AWS would describe them.

Creates and updates add their planned values; with an overlay (a snapshot of the live network
underneath), deletes and the old half of updates remove what the resource made, by its AWS id.
Terraform's own behaviour is followed where it differs from CloudFormation's: an
``aws_security_group`` loses AWS's default "all out" rule, and ``aws_default_*`` resources replace
every rule of the defaults they adopt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.targets.iac.needs_world import endpoint_policy, record_unmodelled, tf_unmodelled_kind
from fargate_netcheck.targets.iac.network import VpcDefaults, free_addresses
from fargate_netcheck.targets.iac.rules_shape import ROUTE_DESTINATIONS, ROUTE_TARGETS
from fargate_netcheck.targets.iac.terraform_dhcp import (
    tf_default_dhcp_options,
    tf_dhcp_association,
    tf_dhcp_options,
)
from fargate_netcheck.targets.iac.terraform_plan import Instance
from fargate_netcheck.targets.iac.terraform_security import SecurityResources
from fargate_netcheck.targets.iac.terraform_transit import (
    tf_tgw_attachment,
    tf_tgw_link,
    tf_tgw_route,
    tf_tgw_route_table,
    tf_transit_gateway,
)
from fargate_netcheck.targets.iac.values import Unknown, first_unknown

_VPC_DEFAULTS = {
    "default_security_group_id": "default_security_group",
    "default_network_acl_id": "default_network_acl",
    "main_route_table_id": "main_route_table",
    "default_route_table_id": "main_route_table",
}


_TGW_DEFAULTS = ("association_default_route_table_id", "propagation_default_route_table_id")


def vpc_defaults(vpc_id: str) -> VpcDefaults:
    return VpcDefaults(
        f"{vpc_id}/main_route_table", f"{vpc_id}/default_network_acl", f"{vpc_id}/default_security_group"
    )


def computed_attribute(inst: Instance, attr: str) -> Any:
    """What AWS creates with a new VPC or transit gateway, named after it, when the plan cannot know its id."""
    if isinstance((inst.after or {}).get(attr), str):
        return None
    if inst.type == "aws_vpc" and attr in _VPC_DEFAULTS:
        return f"{inst.id()}/{_VPC_DEFAULTS[attr]}"
    if inst.type == "aws_ec2_transit_gateway" and attr in _TGW_DEFAULTS:
        return f"{inst.id()}/default_route_table"
    return None


class TfResources(SecurityResources):
    """Adds, updates and removes what each resource makes, by kind of resource."""

    def apply(self, inst: Instance) -> None:
        handler = _HANDLERS.get(inst.type)
        if handler is None:
            unmodelled = tf_unmodelled_kind(
                inst.type, inst.after, self.plan.expression(inst, "vpc") is not None
            )
            unchanged = self.overlay and set(inst.actions) <= {"no-op", "read"}  # the scan shows it
            if unmodelled is not None and not unchanged and (self.overlay or not inst.deleted):
                record_unmodelled(self.net, unmodelled, inst.address, inst.type)
            return
        existing = self.overlay and inst.before is not None
        if existing and set(inst.actions) <= {"no-op", "read"}:
            return  # the snapshot already shows it
        if existing and ("delete" in inst.actions or "update" in inst.actions):
            self.remove(inst)
        if not inst.deleted:
            handler[0](self, inst)

    def apply_delete(self, inst: Instance) -> None:
        """Without a snapshot the plan's own no-op resources are the network: a delete takes its
        part away from them (once every resource is in place)."""
        if inst.type in _HANDLERS and inst.deleted and not self.overlay:
            self.remove(inst)

    def remove(self, inst: Instance) -> None:
        before = inst.before or {}
        remover = _HANDLERS[inst.type][1]
        if isinstance(remover, str):
            old = self.net.get(remover, before.get("id"))
            if old is not None and "update" in inst.actions:
                self.kept[(remover, before["id"])] = {k: old[k] for k in ("Associations",) if k in old}
            if isinstance(before.get("id"), str):
                self.net.remove(remover, before["id"])
        elif remover is not None:
            remover(self, before)

    # -- resources ---------------------------------------------------------------------------
    def vpc(self, inst: Instance) -> None:
        cidr = self.one("Vpcs", inst, "cidr_block")
        vpc = {
            "VpcId": inst.id(),
            "CidrBlock": cidr,
            "Tags": self.tags(inst),
            "EnableDnsSupport": self.v("Vpcs", inst, "enable_dns_support", default=True),
            "EnableDnsHostnames": self.v("Vpcs", inst, "enable_dns_hostnames", default=False),
        }
        if (inst.after or {}).get("assign_generated_ipv6_cidr_block"):
            self.net.unknown("Vpcs", f"{inst.address}: AWS picks its IPv6 block at apply")
        made = vpc_defaults(inst.id())
        known = {
            a: (inst.after or {}).get(a)
            for a in ("main_route_table_id", "default_network_acl_id", "default_security_group_id")
        }
        defaults = VpcDefaults(
            known["main_route_table_id"] or made.main_route_table,
            known["default_network_acl_id"] or made.network_acl,
            known["default_security_group_id"] or made.security_group,
        )
        dhcp = (inst.after or {}).get("dhcp_options_id")
        if isinstance(dhcp, str) and dhcp:
            vpc["DhcpOptionsId"] = dhcp  # an existing VPC's set, kept
        self.net.add_vpc({k: v for k, v in vpc.items() if v is not None}, defaults)
        if inst.before is not None and not inst.replaced and not isinstance(dhcp, str):
            self.net.new_vpcs.discard(inst.id())  # not created by the plan: its options are not AWS's default

    def vpc_cidr_association(self, inst: Instance) -> None:
        """A secondary IPv4 block of a VPC (of the plan, or of the scan under it): its subnets lie
        in it. A block IPAM allocates at apply is kept as an association without ``CidrBlock``
        (the VPC's blocks are then not all known)."""
        vpc = self.net.get("Vpcs", self.one("Vpcs", inst, "vpc_id"))
        if vpc is None:
            return
        cidr = self.one("Vpcs", inst, "cidr_block")
        block = {"CidrBlock": cidr} if isinstance(cidr, str) and cidr else {}
        vpc.setdefault("CidrBlockAssociationSet", []).append(
            {**block, "CidrBlockState": {"State": "associated"}}
        )

    def subnet(self, inst: Instance) -> None:
        cidr = self.one("Subnets", inst, "cidr_block")
        ipv6 = self.one("Subnets", inst, "ipv6_cidr_block")
        self.add(
            "Subnets",
            inst,
            {
                "SubnetId": inst.id(),
                "VpcId": self.one("Subnets", inst, "vpc_id"),
                "CidrBlock": cidr,
                "State": "available",
                "AvailabilityZone": self.one("Subnets", inst, "availability_zone"),
                "AvailableIpAddressCount": free_addresses(cidr),
                "MapPublicIpOnLaunch": bool(
                    self.v("Subnets", inst, "map_public_ip_on_launch", default=False)
                ),
                "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": ipv6}] if ipv6 else None,
                "Tags": self.tags(inst),
            },
        )

    def route_table(self, inst: Instance) -> None:
        table = self.net.add_route_table(inst.id(), self.one("RouteTables", inst, "vpc_id"))
        table["Tags"] = self.tags(inst)
        table.update(self.kept.pop(("RouteTables", inst.id()), {}))
        for i, _ in enumerate(self.inline("RouteTables", inst, "route")):
            self._route(inst, inst.id(), ("route", i), "cidr_block", "ipv6_cidr_block")

    def default_route_table(self, inst: Instance) -> None:
        table = self.net.get("RouteTables", self.one("RouteTables", inst, "default_route_table_id"))
        if table is None:
            return
        table["Routes"] = [r for r in table.get("Routes") or [] if r.get("GatewayId") == "local"]
        for i, _ in enumerate(self.inline("RouteTables", inst, "route")):
            self._route(inst, table["RouteTableId"], ("route", i), "cidr_block", "ipv6_cidr_block")

    def route(self, inst: Instance) -> None:
        table = self.one("RouteTables", inst, "route_table_id")
        if isinstance(table, str):
            self._route(inst, table, (), "destination_cidr_block", "destination_ipv6_cidr_block")

    def _route(self, inst: Instance, table: str, at: tuple[Any, ...], cidr4: str, cidr6: str) -> None:
        route: JsonDict = {"State": "active", "Origin": "CreateRoute"}
        names = {
            cidr4: "DestinationCidrBlock",
            cidr6: "DestinationIpv6CidrBlock",
            "destination_prefix_list_id": "DestinationPrefixListId",
        }
        names |= {tf: aws for _, tf, aws in ROUTE_TARGETS}
        for tf, aws in names.items():
            value = self.plan.value(inst, *at, tf)
            if isinstance(value, Unknown) or first_unknown(value):
                self.v("RouteTables", inst, *at, tf)  # records the reason
                return
            if value:
                route[aws] = value
        self.net.add_route(table, route)

    def remove_route(self, before: JsonDict) -> None:
        route = {aws: before.get(tf) for _, tf, aws in ROUTE_DESTINATIONS}
        if isinstance(before.get("route_table_id"), str):
            self.net.remove_route(before["route_table_id"], route)

    def association(self, inst: Instance) -> None:
        table = self.one("RouteTables", inst, "route_table_id")
        subnet, gateway = (
            self.one("RouteTables", inst, "subnet_id"),
            self.one("RouteTables", inst, "gateway_id"),
        )
        if isinstance(table, str) and (subnet or gateway):
            self.net.associate_route_table(table, subnet, gateway, inst.id())

    def remove_association(self, before: JsonDict) -> None:
        for table in self.net.items.get("RouteTables", {}).values():
            table["Associations"] = [
                a
                for a in table.get("Associations") or []
                if a.get("RouteTableAssociationId") != before.get("id")
                and not (a.get("SubnetId") and a.get("SubnetId") == before.get("subnet_id"))
            ]

    def main_association(self, inst: Instance) -> None:
        vpc, table = self.one("RouteTables", inst, "vpc_id"), self.one("RouteTables", inst, "route_table_id")
        if isinstance(vpc, str) and isinstance(table, str):
            self.net.set_main_route_table(vpc, table, inst.id())

    def remove_main_association(self, before: JsonDict) -> None:
        """Destroying it makes the VPC's original main table (``original_route_table_id``) main again."""
        vpc, original = before.get("vpc_id"), before.get("original_route_table_id")
        if isinstance(vpc, str) and isinstance(original, str):
            self.net.set_main_route_table(vpc, original, f"{original}#main")

    @staticmethod
    def gateway(kind: str, state: str) -> Callable[[TfResources, Instance], None]:
        def build(self: TfResources, inst: Instance) -> None:
            vpc = (
                self.one(kind, inst, "vpc_id")
                if "vpc_id" in (inst.after or {}) or "vpc_id" in (inst.after_unknown or {})
                else None
            )
            self.add(
                kind,
                inst,
                {
                    _ID[kind]: inst.id(),
                    "Attachments": [{"State": state, "VpcId": vpc}] if vpc else [],
                    "Tags": self.tags(inst),
                },
            )

        return build

    def igw_attachment(self, inst: Instance) -> None:
        igw, vpc = (
            self.one("InternetGateways", inst, "internet_gateway_id"),
            self.one("InternetGateways", inst, "vpc_id"),
        )
        if isinstance(igw, str) and isinstance(vpc, str):
            self.net.attach_gateway("InternetGateways", igw, vpc, "available")

    def nat_gateway(self, inst: Instance) -> None:
        self.add(
            "NatGateways",
            inst,
            {
                "NatGatewayId": inst.id(),
                "SubnetId": self.one("NatGateways", inst, "subnet_id"),
                "State": "available",
                "ConnectivityType": self.v("NatGateways", inst, "connectivity_type", default="public"),
                "AvailabilityMode": self.v("NatGateways", inst, "availability_mode", default="zonal"),
                "Tags": self.tags(inst),
            },
        )

    def vpc_endpoint(self, inst: Instance) -> None:
        vpc = self.one("VpcEndpoints", inst, "vpc_id")
        etype = self.v("VpcEndpoints", inst, "vpc_endpoint_type", default="Gateway")
        groups = self.many("VpcEndpoints", inst, "security_group_ids")
        if etype == "Interface" and not groups and isinstance(vpc, str):
            groups = [vpc_defaults(vpc).security_group]
        self.add(
            "VpcEndpoints",
            inst,
            {
                "VpcEndpointId": inst.id(),
                "VpcId": vpc,
                "ServiceName": self.v("VpcEndpoints", inst, "service_name"),
                "VpcEndpointType": etype,
                "State": "available",
                "PrivateDnsEnabled": bool(self.v("VpcEndpoints", inst, "private_dns_enabled", default=False)),
                "SubnetIds": self.many("VpcEndpoints", inst, "subnet_ids"),
                "RouteTableIds": self.many("VpcEndpoints", inst, "route_table_ids"),
                "Groups": [{"GroupId": x} for x in groups],
                "PolicyDocument": endpoint_policy(
                    self.plan.value(inst, "policy")
                    if self.plan.expression(inst, "policy")
                    else (inst.after or {}).get("policy")
                ),
            },
        )

    @staticmethod
    def endpoint_association(field: str, attr: str, wrap: bool) -> Callable[[TfResources, Instance], None]:
        def build(self: TfResources, inst: Instance) -> None:
            endpoint = self.net.get("VpcEndpoints", self.one("VpcEndpoints", inst, "vpc_endpoint_id"))
            value = self.one("VpcEndpoints", inst, attr)
            if endpoint is not None and isinstance(value, str):
                endpoint.setdefault(field, []).append({"GroupId": value} if wrap else value)

        return build

    def prefix_list(self, inst: Instance) -> None:
        entries = [
            {"Cidr": self.v("ManagedPrefixLists", inst, "entry", i, "cidr")}
            for i, _ in enumerate(self.many("ManagedPrefixLists", inst, "entry"))
        ]
        self.add(
            "ManagedPrefixLists",
            inst,
            {
                "PrefixListId": inst.id(),
                "PrefixListName": self.v("ManagedPrefixLists", inst, "name"),
                "AddressFamily": self.v("ManagedPrefixLists", inst, "address_family"),
                "State": "create-complete",
                "Entries": entries,
            },
        )

    def peering(self, inst: Instance) -> None:
        mine, peer = (
            self.one("VpcPeeringConnections", inst, "vpc_id"),
            self.one("VpcPeeringConnections", inst, "peer_vpc_id"),
        )
        accepted = (
            self.v("VpcPeeringConnections", inst, "auto_accept", default=False)
            or (inst.after or {}).get("accept_status") == "active"
        )
        self.add(
            "VpcPeeringConnections",
            inst,
            {
                "VpcPeeringConnectionId": inst.id(),
                "Status": {"Code": "active" if accepted else "pending-acceptance"},
                "RequesterVpcInfo": self.net.vpc_info(mine),
                "AccepterVpcInfo": self.net.vpc_info(peer),
            },
        )


_ID = {"InternetGateways": "InternetGatewayId", "EgressOnlyInternetGateways": "EgressOnlyInternetGatewayId"}
_Handler = tuple[
    Callable[[TfResources, Instance], None], Any
]  # (add, remove: a snapshot kind or a function of `before`)
_HANDLERS: dict[str, _Handler] = {
    "aws_vpc": (TfResources.vpc, "Vpcs"),
    "aws_vpc_ipv4_cidr_block_association": (TfResources.vpc_cidr_association, None),
    "aws_subnet": (TfResources.subnet, "Subnets"),
    "aws_route_table": (TfResources.route_table, "RouteTables"),
    "aws_default_route_table": (TfResources.default_route_table, None),
    "aws_route": (TfResources.route, TfResources.remove_route),
    "aws_route_table_association": (TfResources.association, TfResources.remove_association),
    "aws_main_route_table_association": (TfResources.main_association, TfResources.remove_main_association),
    "aws_internet_gateway": (TfResources.gateway("InternetGateways", "available"), "InternetGateways"),
    "aws_internet_gateway_attachment": (TfResources.igw_attachment, None),
    "aws_egress_only_internet_gateway": (
        TfResources.gateway("EgressOnlyInternetGateways", "attached"),
        "EgressOnlyInternetGateways",
    ),
    "aws_nat_gateway": (TfResources.nat_gateway, "NatGateways"),
    "aws_security_group": (TfResources.security_group, "SecurityGroups"),
    "aws_default_security_group": (TfResources.default_security_group, None),
    "aws_security_group_rule": (TfResources.sg_rule, TfResources.remove_rule),
    "aws_vpc_security_group_egress_rule": (TfResources.sg_rule, TfResources.remove_egress_rule),
    "aws_vpc_security_group_ingress_rule": (TfResources.sg_rule, TfResources.remove_ingress_rule),
    "aws_network_acl": (TfResources.network_acl, "NetworkAcls"),
    "aws_default_network_acl": (TfResources.default_network_acl, None),
    "aws_network_acl_rule": (TfResources.acl_rule, TfResources.remove_acl_rule),
    "aws_network_acl_association": (TfResources.acl_association, None),
    "aws_vpc_endpoint": (TfResources.vpc_endpoint, "VpcEndpoints"),
    "aws_vpc_endpoint_route_table_association": (
        TfResources.endpoint_association("RouteTableIds", "route_table_id", False),
        None,
    ),
    "aws_vpc_endpoint_subnet_association": (
        TfResources.endpoint_association("SubnetIds", "subnet_id", False),
        None,
    ),
    "aws_vpc_endpoint_security_group_association": (
        TfResources.endpoint_association("Groups", "security_group_id", True),
        None,
    ),
    "aws_ec2_managed_prefix_list": (TfResources.prefix_list, "ManagedPrefixLists"),
    "aws_vpc_dhcp_options": (tf_dhcp_options, "DhcpOptions"),
    "aws_default_vpc_dhcp_options": (tf_default_dhcp_options, None),
    "aws_vpc_dhcp_options_association": (tf_dhcp_association, None),
    "aws_vpc_peering_connection": (TfResources.peering, "VpcPeeringConnections"),
    "aws_ec2_transit_gateway": (tf_transit_gateway, "TransitGateways"),
    "aws_ec2_transit_gateway_route_table": (tf_tgw_route_table, "TransitGatewayRouteTables"),
    "aws_ec2_transit_gateway_vpc_attachment": (tf_tgw_attachment, None),
    "aws_ec2_transit_gateway_route_table_association": (tf_tgw_link(propagate=False), None),
    "aws_ec2_transit_gateway_route_table_propagation": (tf_tgw_link(propagate=True), None),
    "aws_ec2_transit_gateway_route": (tf_tgw_route, None),
}
ORDER = tuple(_HANDLERS)  # resources first, then what refers to them: the plan is applied in this order
