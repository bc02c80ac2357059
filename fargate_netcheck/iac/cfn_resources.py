"""CloudFormation network resources as snapshot items (``Network``), as AWS would describe them.

Ids are ``<stack>/<LogicalId>``; what AWS creates with a VPC is named after it:
``<stack>/<Vpc>.MainRouteTable``, ``.DefaultNetworkAcl`` and ``.DefaultSecurityGroup`` (the last two
are also ``Fn::GetAtt`` results). A property whose value cannot be known before deployment makes the
verdicts that need its kind ``unknown``, naming the resource, the file and line, and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fargate_netcheck.errors import InputError
from fargate_netcheck.iac.cfn_intrinsics import Evaluator
from fargate_netcheck.iac.network import Network, VpcDefaults, allow_all_out, free_addresses
from fargate_netcheck.iac.rules_shape import ROUTE_DESTINATIONS, ROUTE_TARGETS, acl_entry, permission
from fargate_netcheck.iac.values import Unknown, first_unknown

EC2 = "AWS::EC2::"
# Properties whose value is one id, CIDR or name: anything else is a template CloudFormation refuses.
_SCALAR_SUFFIXES = (
    "Id",
    "CidrBlock",
    "CidrIp",
    "CidrIpv6",
    "AvailabilityZone",
    "ConnectivityType",
    "ServiceName",
    "Arn",
)


def vpc_defaults(vpc_id: str) -> VpcDefaults:
    return VpcDefaults(
        f"{vpc_id}.MainRouteTable", f"{vpc_id}.DefaultNetworkAcl", f"{vpc_id}.DefaultSecurityGroup"
    )


def attribute(ev: Evaluator, logical: str, attr: str) -> Any:
    """``Fn::GetAtt`` of a resource: ids are known, addresses AWS assigns are not."""
    resource = ev.resources[logical]
    rtype = resource.get("Type") if isinstance(resource, dict) else None
    rid = ev.resource_id(logical)
    props = resource.get("Properties") or {}
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
    if attr == "Id" or attr.endswith("Id") or attr == "Arn":
        return rid
    return Unknown(f"{rid}.{attr} is set by AWS at deployment")


class CfnResources:
    """Turns one stack's resources into ``Network`` items: first the resources, then their relations."""

    def __init__(self, ev: Evaluator, net: Network) -> None:
        self.ev = ev
        self.net = net
        self.active: set[str] = set()  # logical ids whose Condition holds

    def build(self) -> None:
        resources = self.ev.resources
        active = []
        for logical, resource in resources.items():
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

    # -- property access -----------------------------------------------------------------------
    def where(self, logical: str) -> str:
        return f"{self.ev.resource_id(logical)} ({self.ev.t.where(logical, self.ev.resources)})"

    def get(self, kind: str, logical: str, props: dict[str, Any], name: str, default: Any = None) -> Any:
        """The evaluated property; an unknown value is recorded against ``kind`` and returns None."""
        if name not in props:
            return default
        value = self.ev.value(props[name])
        unknown = first_unknown(value)
        if unknown is not None:
            self.net.unknown(
                kind, f"{self.where(logical)}: {name} is not known before deployment ({unknown.reason})"
            )
            return None
        if name.endswith(_SCALAR_SUFFIXES) and not isinstance(value, str):
            raise InputError(f"{self.where(logical)}: {name} must be a string, found {type(value).__name__}")
        return value

    def rid(self, logical: str) -> str:
        return self.ev.resource_id(logical)

    def tags(self, props: dict[str, Any]) -> list[dict[str, str]]:
        tags = self.ev.value(props.get("Tags") or [])
        return [
            {"Key": str(t["Key"]), "Value": str(t["Value"])}
            for t in tags
            if isinstance(t, dict) and not first_unknown(t) and "Key" in t and "Value" in t
        ]

    # -- resources -----------------------------------------------------------------------------
    def vpc(self, logical: str, props: dict[str, Any]) -> None:
        vpc: dict[str, Any] = {"VpcId": self.rid(logical), "Tags": self.tags(props)}
        cidr = self.get("Vpcs", logical, props, "CidrBlock")
        if cidr is None and "CidrBlock" not in props:
            self.net.unknown(
                "Vpcs", f"{self.where(logical)}: its CIDR block comes from an IPAM pool at deployment"
            )
        if cidr is not None:
            vpc["CidrBlock"] = cidr
        vpc["EnableDnsSupport"] = _bool(self.get("Vpcs", logical, props, "EnableDnsSupport", True))
        vpc["EnableDnsHostnames"] = _bool(self.get("Vpcs", logical, props, "EnableDnsHostnames", False))
        vpc["InstanceTenancy"] = self.get("Vpcs", logical, props, "InstanceTenancy", "default")
        self.net.add_vpc(vpc, vpc_defaults(vpc["VpcId"]))

    def subnet(self, logical: str, props: dict[str, Any]) -> None:
        g = lambda name, default=None: self.get("Subnets", logical, props, name, default)  # noqa: E731
        item: dict[str, Any] = {
            "SubnetId": self.rid(logical),
            "VpcId": g("VpcId"),
            "State": "available",
            "MapPublicIpOnLaunch": _bool(g("MapPublicIpOnLaunch", False)),
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

    def route_table(self, logical: str, props: dict[str, Any]) -> None:
        self.net.add_route_table(self.rid(logical), self.get("RouteTables", logical, props, "VpcId"))[
            "Tags"
        ] = self.tags(props)

    @staticmethod
    def gateway(kind: str) -> Callable[[CfnResources, str, dict[str, Any]], None]:
        def build(self: CfnResources, logical: str, props: dict[str, Any]) -> None:
            from fargate_netcheck.snapshot_schema import ID_FIELDS

            item: dict[str, Any] = {
                ID_FIELDS[kind]: self.rid(logical),
                "Attachments": [],
                "Tags": self.tags(props),
            }
            if kind == "EgressOnlyInternetGateways":  # created attached to its VPC
                vpc = self.get(kind, logical, props, "VpcId")
                item["Attachments"] = [{"State": "attached", "VpcId": vpc}] if vpc else []
            self.net.add(kind, item)

        return build

    def nat_gateway(self, logical: str, props: dict[str, Any]) -> None:
        g = lambda name, default=None: self.get("NatGateways", logical, props, name, default)  # noqa: E731
        item = {
            "NatGatewayId": self.rid(logical),
            "SubnetId": g("SubnetId"),
            "State": "available",
            "ConnectivityType": g("ConnectivityType", "public"),
            "Tags": self.tags(props),
        }
        self.net.add("NatGateways", {k: v for k, v in item.items() if v is not None})

    def security_group(self, logical: str, props: dict[str, Any]) -> None:
        g = lambda name, default=None: self.get("SecurityGroups", logical, props, name, default)  # noqa: E731
        egress = g("SecurityGroupEgress")
        if "SecurityGroupEgress" not in props:
            egress_rules = [
                allow_all_out()
            ]  # AWS adds "all out"; CloudFormation replaces it when egress is declared
        else:  # an unknown value is recorded against SecurityGroups: never the default "all out" instead
            egress_rules = [self.rule(logical, r, "Destination") for r in egress or []]
        item = {
            "GroupId": self.rid(logical),
            "GroupName": g("GroupName") or self.rid(logical),
            "Description": g("GroupDescription", ""),
            "VpcId": g("VpcId"),
            "IpPermissions": [self.rule(logical, r, "Source") for r in g("SecurityGroupIngress") or []],
            "IpPermissionsEgress": egress_rules,
            "Tags": self.tags(props),
        }
        self.net.add("SecurityGroups", {k: v for k, v in item.items() if v is not None})

    def rule(self, logical: str, rule: dict[str, Any], side: str) -> dict[str, Any]:
        pl = rule.get(f"{side}PrefixListId")
        group = rule.get(f"{side}SecurityGroupId") or (
            rule.get("SourceSecurityGroupName") if side == "Source" else None
        )
        try:
            return permission(
                rule.get("IpProtocol", "-1"),
                rule.get("FromPort"),
                rule.get("ToPort"),
                [rule["CidrIp"]] if rule.get("CidrIp") else [],
                [rule["CidrIpv6"]] if rule.get("CidrIpv6") else [],
                [pl] if pl else [],
                [group] if group else [],
            )
        except (TypeError, ValueError):
            raise InputError(
                f"{self.where(logical)}: a security group rule's ports are not numbers: {rule!r}"
            ) from None

    @staticmethod
    def sg_rule(side: str) -> Callable[[CfnResources, str, dict[str, Any]], None]:
        def build(self: CfnResources, logical: str, props: dict[str, Any]) -> None:
            values = {k: self.get("SecurityGroups", logical, props, k) for k in props}
            group = self.net.get("SecurityGroups", values.get("GroupId"))
            if group is not None and None not in values.values():
                field = "IpPermissions" if side == "Source" else "IpPermissionsEgress"
                group[field].append(self.rule(logical, values, side))

        return build

    def network_acl(self, logical: str, props: dict[str, Any]) -> None:
        self.net.add_network_acl(self.rid(logical), self.get("NetworkAcls", logical, props, "VpcId"))[
            "Tags"
        ] = self.tags(props)

    def vpc_endpoint(self, logical: str, props: dict[str, Any]) -> None:
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
            "PrivateDnsEnabled": _bool(g("PrivateDnsEnabled", False)),
            "SubnetIds": g("SubnetIds") or [],
            "RouteTableIds": g("RouteTableIds") or [],
            "Groups": [{"GroupId": x} for x in groups],
            "PolicyDocument": g("PolicyDocument"),
        }
        self.net.add("VpcEndpoints", {k: v for k, v in item.items() if v is not None})

    def prefix_list(self, logical: str, props: dict[str, Any]) -> None:
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
        self.net.add("ManagedPrefixLists", {k: v for k, v in item.items() if v is not None})

    def peering(self, logical: str, props: dict[str, Any]) -> None:
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
    def route(self, logical: str, props: dict[str, Any]) -> None:
        table = self.get("RouteTables", logical, props, "RouteTableId")
        route: dict[str, Any] = {"State": "active", "Origin": "CreateRoute"}
        for cfn, _, aws in (*ROUTE_DESTINATIONS, *ROUTE_TARGETS):
            value = self.get("RouteTables", logical, props, cfn)
            if value is None and cfn in props:
                return  # unknown: recorded; the route's table cannot be evaluated
            if value is not None:
                route[aws] = value
        if isinstance(table, str):
            self.net.add_route(table, route)

    def subnet_route_table(self, logical: str, props: dict[str, Any]) -> None:
        table, subnet = (self.get("RouteTables", logical, props, k) for k in ("RouteTableId", "SubnetId"))
        if isinstance(table, str) and isinstance(subnet, str):
            self.net.associate_route_table(table, subnet, None, self.rid(logical))

    def gateway_route_table(self, logical: str, props: dict[str, Any]) -> None:
        table, gateway = (self.get("RouteTables", logical, props, k) for k in ("RouteTableId", "GatewayId"))
        if isinstance(table, str) and isinstance(gateway, str):
            self.net.associate_route_table(table, None, gateway, self.rid(logical))

    def gateway_attachment(self, logical: str, props: dict[str, Any]) -> None:
        vpc = self.get("InternetGateways", logical, props, "VpcId")
        igw = self.get("InternetGateways", logical, props, "InternetGatewayId")
        if isinstance(vpc, str) and isinstance(igw, str):
            self.net.attach_gateway("InternetGateways", igw, vpc, "available")

    def acl_entry(self, logical: str, props: dict[str, Any]) -> None:
        values = {k: self.get("NetworkAcls", logical, props, k) for k in props}
        acl = self.net.get("NetworkAcls", values.get("NetworkAclId"))
        if acl is None or None in values.values():
            return
        ports = values.get("PortRange")
        try:
            entry = acl_entry(
                values["RuleNumber"],
                values["Protocol"],
                values["RuleAction"],
                _bool(values.get("Egress", False)),
                values.get("CidrBlock"),
                values.get("Ipv6CidrBlock"),
                (ports.get("From"), ports.get("To")) if isinstance(ports, dict) else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"{self.where(logical)}: a network ACL entry needs RuleNumber, Protocol, RuleAction and numeric ports ({exc})"
            ) from None
        acl["Entries"].append(entry)

    def subnet_acl(self, logical: str, props: dict[str, Any]) -> None:
        acl, subnet = (self.get("NetworkAcls", logical, props, k) for k in ("NetworkAclId", "SubnetId"))
        if isinstance(acl, str) and isinstance(subnet, str):
            self.net.associate_network_acl(acl, subnet, self.rid(logical))

    def vpc_cidr(self, logical: str, props: dict[str, Any]) -> None:
        vpc = self.net.get("Vpcs", self.get("Vpcs", logical, props, "VpcId"))
        if vpc is None:
            return
        cidr = self.get("Vpcs", logical, props, "CidrBlock")
        if cidr:
            vpc.setdefault("CidrBlockAssociationSet", []).append(
                {"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}
            )
        if (
            _bool(self.get("Vpcs", logical, props, "AmazonProvidedIpv6CidrBlock", False))
            or "Ipv6Pool" in props
        ):
            self.net.unknown("Vpcs", f"{self.where(logical)}: AWS picks the IPv6 block at deployment")
        ipv6 = self.get("Vpcs", logical, props, "Ipv6CidrBlock")
        if ipv6:
            vpc.setdefault("Ipv6CidrBlockAssociationSet", []).append(
                {"Ipv6CidrBlock": ipv6, "Ipv6CidrBlockState": {"State": "associated"}}
            )


def _bool(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


_ITEMS: dict[str, Callable[[CfnResources, str, dict[str, Any]], None]] = {
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
}
_RELATIONS: dict[str, Callable[[CfnResources, str, dict[str, Any]], None]] = {
    f"{EC2}VPCCidrBlock": CfnResources.vpc_cidr,
    f"{EC2}VPCPeeringConnection": CfnResources.peering,
    f"{EC2}Route": CfnResources.route,
    f"{EC2}SubnetRouteTableAssociation": CfnResources.subnet_route_table,
    f"{EC2}GatewayRouteTableAssociation": CfnResources.gateway_route_table,
    f"{EC2}VPCGatewayAttachment": CfnResources.gateway_attachment,
    f"{EC2}SecurityGroupIngress": CfnResources.sg_rule("Source"),
    f"{EC2}SecurityGroupEgress": CfnResources.sg_rule("Destination"),
    f"{EC2}NetworkAclEntry": CfnResources.acl_entry,
    f"{EC2}SubnetNetworkAclAssociation": CfnResources.subnet_acl,
}
