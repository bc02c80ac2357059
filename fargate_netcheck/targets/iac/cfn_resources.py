"""CloudFormation network resources as snapshot items (``Network``), as AWS would describe them.

Ids are ``<stack>/<LogicalId>``; what AWS creates with a VPC is named after it:
``<stack>/<Vpc>.MainRouteTable``, ``.DefaultNetworkAcl`` and ``.DefaultSecurityGroup`` (the last two
are also ``Fn::GetAtt`` results). A property whose value cannot be known before deployment makes the
verdicts that need its kind ``unknown``, naming the resource, the file and line, and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.targets.iac.cfn_base import as_bool, check_cidr
from fargate_netcheck.targets.iac.cfn_intrinsics import NO_VALUE, Evaluator
from fargate_netcheck.targets.iac.cfn_security import CfnSecurity
from fargate_netcheck.targets.iac.cfn_template import FOREACH, deploy_time_rewrites
from fargate_netcheck.targets.iac.cfn_transit import CfnTransit
from fargate_netcheck.targets.iac.needs_world import (
    associate_dhcp,
    cfn_unmodelled_kind,
    dhcp_item,
    endpoint_policy,
    record_unmodelled,
)
from fargate_netcheck.targets.iac.network import VpcDefaults, free_addresses
from fargate_netcheck.targets.iac.rules_shape import ROUTE_DESTINATIONS, ROUTE_TARGETS
from fargate_netcheck.targets.iac.values import Unknown

EC2 = "AWS::EC2::"
# Resources whose attributes are whatever they return (a nested stack's outputs, a custom
# resource's data), not their own id, even when named ``...Id``.
# What a template rewritten at deployment may hold that this one does not show: every walk reads them.
_REWRITTEN_KINDS = ("Subnets", "RouteTables", "SecurityGroups", "NetworkAcls")
_ANY_ATTRIBUTES = ("AWS::CloudFormation::Stack", "AWS::CloudFormation::CustomResource", "Custom::")

# Fn::GetAtt's attributes of the network types whose return values CloudFormation documents (the
# resource's own id first); an attribute not listed is refused, as CloudFormation refuses it.
_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    f"{EC2}VPC": (
        "VpcId",
        "CidrBlock",
        "CidrBlockAssociations",
        "DefaultNetworkAcl",
        "DefaultSecurityGroup",
        "Ipv6CidrBlocks",
    ),
    f"{EC2}Subnet": (
        "SubnetId",
        "AvailabilityZone",
        "AvailabilityZoneId",
        "BlockPublicAccessStates",
        "CidrBlock",
        "Ipv6CidrBlocks",
        "NetworkAclAssociationId",
        "OutpostArn",
        "VpcId",
    ),
    f"{EC2}SecurityGroup": ("GroupId", "VpcId"),
    f"{EC2}RouteTable": ("RouteTableId",),
    f"{EC2}InternetGateway": ("InternetGatewayId",),
}


def vpc_defaults(vpc_id: str) -> VpcDefaults:
    return VpcDefaults(
        f"{vpc_id}.MainRouteTable", f"{vpc_id}.DefaultNetworkAcl", f"{vpc_id}.DefaultSecurityGroup"
    )


def attribute(ev: Evaluator, logical: str, attr: str) -> Any:
    """``Fn::GetAtt`` of a resource: ids are known, addresses AWS assigns are not. An attribute a
    network type in ``_ATTRIBUTES`` does not have is a template CloudFormation refuses; other types'
    attributes are read as before (a property, an ``...Id``, else unknown until deployment)."""
    resource = ev.resources[logical]
    rtype = resource.get("Type") if isinstance(resource, dict) else None
    rid = ev.resource_id(logical)
    props = resource.get("Properties") or {}
    if isinstance(rtype, str) and rtype.startswith(_ANY_ATTRIBUTES):
        return Unknown(f"{rid}.{attr} is what the {rtype} returns at deployment")
    known = _ATTRIBUTES.get(rtype) if isinstance(rtype, str) else None
    if known is not None:
        if attr not in known:
            raise InputError(
                f"{ev.t.shown}: Fn::GetAtt {logical}.{attr}: an {rtype} has no attribute {attr!r} "
                f"(it has {', '.join(known)})"
            )
        if attr == known[0]:  # the resource's own id
            return rid
    if rtype == f"{EC2}VPC":
        defaults = vpc_defaults(rid)
        special = {
            "DefaultSecurityGroup": defaults.security_group,
            "DefaultNetworkAcl": defaults.network_acl,
            "CidrBlockAssociations": [f"{rid}#cidr"],
        }
        if attr in special:
            return special[attr]
    if attr in props and attr not in ("Tags",):
        return ev.value(props[attr])
    if known is None and (attr == "Id" or attr.endswith("Id") or attr == "Arn"):
        return rid
    return Unknown(f"{rid}.{attr} is set by AWS at deployment")


class CfnResources(CfnSecurity, CfnTransit):
    """Turns one stack's resources into ``Network`` items: first the resources, then their relations."""

    def build(self) -> None:
        resources = self.ev.resources
        active = []
        for reason in deploy_time_rewrites(self.ev.t):  # what deployment does to it: unknown here
            for kind in _REWRITTEN_KINDS:
                self.net.unknown(kind, reason)
        for logical, resource in resources.items():
            if logical.startswith(FOREACH) or logical == "Fn::Transform":
                continue  # reported above
            if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
                raise InputError(f"{self.ev.t.where(logical, resources)}: resource {logical} has no Type")
            condition = resource.get("Condition")
            if condition is not None and not self.ev.condition(condition):
                continue
            props = resource.get("Properties") or {}
            if not isinstance(props, dict):
                raise InputError(
                    f"{self.ev.t.where(logical, resources)}: {logical}: Properties must be a mapping"
                )
            active.append((logical, resource["Type"], props))
            self.active.add(logical)
            unmodelled = cfn_unmodelled_kind(resource["Type"], props)
            if unmodelled is not None:
                record_unmodelled(self.net, unmodelled, self.where(logical), resource["Type"])
        for phase in (_ITEMS, _RELATIONS):
            for logical, rtype, props in active:
                handler = phase.get(rtype)
                if handler is not None:
                    try:
                        handler(self, logical, props)
                    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
                        raise InputError(
                            f"{self.where(logical)}: {rtype}: a property has the wrong shape ({exc})"
                        ) from None

    # -- resources -----------------------------------------------------------------------------
    def vpc(self, logical: str, props: JsonDict) -> None:
        vpc: JsonDict = {"VpcId": self.rid(logical), "Tags": self.tags(props)}
        cidr = self.get("Vpcs", logical, props, "CidrBlock", NO_VALUE)
        if cidr is NO_VALUE:
            self.net.unknown(
                "Vpcs", f"{self.where(logical)}: its CIDR block comes from an IPAM pool at deployment"
            )
        elif cidr is not None:
            vpc["CidrBlock"] = cidr
        vpc["EnableDnsSupport"] = as_bool(self.get("Vpcs", logical, props, "EnableDnsSupport", True))
        vpc["EnableDnsHostnames"] = as_bool(self.get("Vpcs", logical, props, "EnableDnsHostnames", False))
        vpc["InstanceTenancy"] = self.get("Vpcs", logical, props, "InstanceTenancy", "default")
        self.net.add_vpc(vpc, vpc_defaults(vpc["VpcId"]))

    def subnet(self, logical: str, props: JsonDict) -> None:
        g = lambda name, default=None: self.get("Subnets", logical, props, name, default)  # noqa: E731
        item: JsonDict = {
            "SubnetId": self.rid(logical),
            "VpcId": g("VpcId"),
            "State": "available",
            "MapPublicIpOnLaunch": as_bool(g("MapPublicIpOnLaunch", False)),
            "Tags": self.tags(props),
        }
        cidr, az = g("CidrBlock"), g("AvailabilityZone")
        if cidr is not None:
            item["CidrBlock"] = cidr
            item["AvailableIpAddressCount"] = free_addresses(cidr)
        if az is not None:
            item["AvailabilityZone"] = az
        ipv6 = g("Ipv6CidrBlock")
        if ipv6:
            item["Ipv6CidrBlockAssociationSet"] = [
                {"Ipv6CidrBlock": ipv6, "Ipv6CidrBlockState": {"State": "associated"}}
            ]
        self.net.add("Subnets", {k: v for k, v in item.items() if v is not None})

    def route_table(self, logical: str, props: JsonDict) -> None:
        self.net.add_route_table(self.rid(logical), self.get("RouteTables", logical, props, "VpcId"))[
            "Tags"
        ] = self.tags(props)

    @staticmethod
    def gateway(kind: str) -> Callable[[CfnResources, str, JsonDict], None]:
        def build(self: CfnResources, logical: str, props: JsonDict) -> None:
            from fargate_netcheck.snapshot.schema import ID_FIELDS

            item: JsonDict = {
                ID_FIELDS[kind]: self.rid(logical),
                "Attachments": [],
                "Tags": self.tags(props),
            }
            if kind == "EgressOnlyInternetGateways":  # created attached to its VPC
                vpc = self.get(kind, logical, props, "VpcId")
                item["Attachments"] = [{"State": "attached", "VpcId": vpc}] if vpc else []
            self.net.add(kind, item)

        return build

    def nat_gateway(self, logical: str, props: JsonDict) -> None:
        g = lambda name, default=None: self.get("NatGateways", logical, props, name, default)  # noqa: E731
        item = {
            "NatGatewayId": self.rid(logical),
            "SubnetId": g("SubnetId"),
            "State": "available",
            "ConnectivityType": g("ConnectivityType", "public"),
            "AvailabilityMode": g("AvailabilityMode", "zonal"),  # regional: no RouteTableId (unknown)
            "Tags": self.tags(props),
        }
        self.net.add("NatGateways", {k: v for k, v in item.items() if v is not None})

    def vpc_endpoint(self, logical: str, props: JsonDict) -> None:
        g = lambda name, default=None: self.get("VpcEndpoints", logical, props, name, default)  # noqa: E731
        etype = g("VpcEndpointType", "Gateway")
        groups = g("SecurityGroupIds") or []
        vpc = g("VpcId")
        if etype == "Interface" and not groups and isinstance(vpc, str):
            groups = [vpc_defaults(vpc).security_group]
        item = {
            "VpcEndpointId": self.rid(logical),
            "VpcId": vpc,
            "ServiceName": g("ServiceName"),
            "VpcEndpointType": etype,
            "State": "available",
            "PrivateDnsEnabled": as_bool(g("PrivateDnsEnabled", False)),
            "SubnetIds": g("SubnetIds") or [],
            "RouteTableIds": g("RouteTableIds") or [],
            "Groups": [{"GroupId": x} for x in groups],
            "PolicyDocument": endpoint_policy(self.ev.value(props.get("PolicyDocument"))),
        }
        self.net.add("VpcEndpoints", {k: v for k, v in item.items() if v is not None})

    def dhcp_options(self, logical: str, props: JsonDict) -> None:
        g = lambda name: self.get("DhcpOptions", logical, props, name)  # noqa: E731
        self.net.add(
            "DhcpOptions",
            dhcp_item(
                self.rid(logical),
                domain_name=g("DomainName"),
                servers=g("DomainNameServers"),
                ntp=g("NtpServers"),
                netbios=g("NetbiosNameServers"),
                node_type=g("NetbiosNodeType"),
                tags=self.tags(props),
            ),
        )

    def dhcp_association(self, logical: str, props: JsonDict) -> None:
        dhcp = self.get("DhcpOptions", logical, props, "DhcpOptionsId")
        vpc = self.get("DhcpOptions", logical, props, "VpcId")
        associate_dhcp(self.net, vpc, dhcp)

    def prefix_list(self, logical: str, props: JsonDict) -> None:
        g = lambda name, default=None: self.get("ManagedPrefixLists", logical, props, name, default)  # noqa: E731
        item = {
            "PrefixListId": self.rid(logical),
            "PrefixListName": g("PrefixListName"),
            "AddressFamily": g("AddressFamily"),
            "MaxEntries": g("MaxEntries"),
            "State": "create-complete",
            "Entries": [
                {"Cidr": e.get("Cidr"), "Description": e.get("Description", "")} for e in g("Entries") or []
            ],
        }
        for entry in item["Entries"]:
            check_cidr(
                entry["Cidr"], f"{self.where(logical)}: an entry's Cidr", ipv6=":" in str(entry["Cidr"])
            )
        self.net.add("ManagedPrefixLists", {k: v for k, v in item.items() if v is not None})

    def peering(self, logical: str, props: JsonDict) -> None:
        g = lambda name, default=None: self.get("VpcPeeringConnections", logical, props, name, default)  # noqa: E731
        mine, peer = g("VpcId"), g("PeerVpcId")
        other_account = g("PeerOwnerId") not in (None, self.ev.ctx.account)
        status = "pending-acceptance" if other_account and not g("PeerRoleArn") else "active"
        item = {
            "VpcPeeringConnectionId": self.rid(logical),
            "Status": {"Code": status},
            "RequesterVpcInfo": self.net.vpc_info(mine),
            "AccepterVpcInfo": self.net.vpc_info(peer),
        }
        self.net.add("VpcPeeringConnections", item)

    # -- relations -----------------------------------------------------------------------------
    def route(self, logical: str, props: JsonDict) -> None:
        table = self.get("RouteTables", logical, props, "RouteTableId")
        route: JsonDict = {"State": "active", "Origin": "CreateRoute"}
        for cfn, _, aws in (*ROUTE_DESTINATIONS, *ROUTE_TARGETS):
            value = self.get("RouteTables", logical, props, cfn, NO_VALUE)  # absent or AWS::NoValue
            if value is None:
                return  # unknown: recorded; the route's table cannot be evaluated
            if value is not NO_VALUE:
                route[aws] = value
        if isinstance(table, str):
            self.net.add_route(table, route)

    def subnet_route_table(self, logical: str, props: JsonDict) -> None:
        table, subnet = (self.get("RouteTables", logical, props, k) for k in ("RouteTableId", "SubnetId"))
        if isinstance(table, str) and isinstance(subnet, str):
            self.net.associate_route_table(table, subnet, None, self.rid(logical))

    def gateway_route_table(self, logical: str, props: JsonDict) -> None:
        table, gateway = (self.get("RouteTables", logical, props, k) for k in ("RouteTableId", "GatewayId"))
        if isinstance(table, str) and isinstance(gateway, str):
            self.net.associate_route_table(table, None, gateway, self.rid(logical))

    def gateway_attachment(self, logical: str, props: JsonDict) -> None:
        vpc = self.get("InternetGateways", logical, props, "VpcId")
        igw = self.get("InternetGateways", logical, props, "InternetGatewayId")
        if isinstance(vpc, str) and isinstance(igw, str):
            self.net.attach_gateway("InternetGateways", igw, vpc, "available")

    def vpc_cidr(self, logical: str, props: JsonDict) -> None:
        vpc = self.net.get("Vpcs", self.get("Vpcs", logical, props, "VpcId"))
        if vpc is None:
            return
        cidr = self.get("Vpcs", logical, props, "CidrBlock")
        if cidr or "Ipv4IpamPoolId" in props:  # IPAM's block is known at deployment only: kept unnamed
            block = {"CidrBlock": cidr} if isinstance(cidr, str) and cidr else {}
            vpc.setdefault("CidrBlockAssociationSet", []).append(
                {**block, "CidrBlockState": {"State": "associated"}}
            )
        if (
            as_bool(self.get("Vpcs", logical, props, "AmazonProvidedIpv6CidrBlock", False))
            or "Ipv6Pool" in props
        ):
            self.net.unknown("Vpcs", f"{self.where(logical)}: AWS picks the IPv6 block at deployment")
        ipv6 = self.get("Vpcs", logical, props, "Ipv6CidrBlock")
        if ipv6:
            vpc.setdefault("Ipv6CidrBlockAssociationSet", []).append(
                {"Ipv6CidrBlock": ipv6, "Ipv6CidrBlockState": {"State": "associated"}}
            )


_ITEMS: dict[str, Callable[[CfnResources, str, JsonDict], None]] = {
    f"{EC2}VPC": CfnResources.vpc,
    f"{EC2}Subnet": CfnResources.subnet,
    f"{EC2}RouteTable": CfnResources.route_table,
    f"{EC2}InternetGateway": CfnResources.gateway("InternetGateways"),
    f"{EC2}EgressOnlyInternetGateway": CfnResources.gateway("EgressOnlyInternetGateways"),
    f"{EC2}NatGateway": CfnResources.nat_gateway,
    f"{EC2}SecurityGroup": CfnResources.security_group,
    f"{EC2}NetworkAcl": CfnResources.network_acl,
    f"{EC2}VPCEndpoint": CfnResources.vpc_endpoint,
    f"{EC2}PrefixList": CfnResources.prefix_list,
    f"{EC2}DHCPOptions": CfnResources.dhcp_options,
    f"{EC2}TransitGateway": CfnResources.transit_gateway,
    f"{EC2}TransitGatewayAttachment": CfnResources.tgw_attachment,
    f"{EC2}TransitGatewayVpcAttachment": CfnResources.tgw_attachment,
    f"{EC2}TransitGatewayRouteTable": CfnResources.tgw_route_table,
}
_RELATIONS: dict[str, Callable[[CfnResources, str, JsonDict], None]] = {
    f"{EC2}VPCCidrBlock": CfnResources.vpc_cidr,
    f"{EC2}VPCDHCPOptionsAssociation": CfnResources.dhcp_association,
    f"{EC2}VPCPeeringConnection": CfnResources.peering,
    f"{EC2}Route": CfnResources.route,
    f"{EC2}SubnetRouteTableAssociation": CfnResources.subnet_route_table,
    f"{EC2}GatewayRouteTableAssociation": CfnResources.gateway_route_table,
    f"{EC2}VPCGatewayAttachment": CfnResources.gateway_attachment,
    f"{EC2}SecurityGroupIngress": CfnResources.sg_rule("Source"),
    f"{EC2}SecurityGroupEgress": CfnResources.sg_rule("Destination"),
    f"{EC2}NetworkAclEntry": CfnResources.acl_entry,
    f"{EC2}SubnetNetworkAclAssociation": CfnResources.subnet_acl,
    f"{EC2}TransitGatewayRouteTableAssociation": CfnResources.tgw_link(propagate=False),
    f"{EC2}TransitGatewayRouteTablePropagation": CfnResources.tgw_link(propagate=True),
    f"{EC2}TransitGatewayRoute": CfnResources.tgw_route,
}
