"""CloudFormation and Terraform rule and route properties, as the AWS Describe shapes that hold them.

A security group rule becomes an ``IpPermissions`` item, a network ACL entry a ``NetworkAcls``
entry, a route a ``RouteTables`` route: the same shapes DescribeSecurityGroups, DescribeNetworkAcls
and DescribeRouteTables return. Input keys are given per source (CloudFormation's ``CidrIp`` or
Terraform's ``cidr_blocks``); output keys are AWS's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fargate_netcheck.core.json_types import JsonDict

_PROTOCOLS = {
    "tcp": "tcp",
    "udp": "udp",
    "icmp": "icmp",
    "icmpv6": "icmpv6",
    "all": "-1",
    "-1": "-1",
    "6": "tcp",
    "17": "udp",
    "1": "icmp",
    "58": "icmpv6",
}
# Route target: (CloudFormation property, Terraform attribute, the Describe field AWS returns it in).
ROUTE_TARGETS = (
    ("GatewayId", "gateway_id", "GatewayId"),
    ("NatGatewayId", "nat_gateway_id", "NatGatewayId"),
    ("TransitGatewayId", "transit_gateway_id", "TransitGatewayId"),
    ("VpcPeeringConnectionId", "vpc_peering_connection_id", "VpcPeeringConnectionId"),
    ("EgressOnlyInternetGatewayId", "egress_only_gateway_id", "EgressOnlyInternetGatewayId"),
    ("NetworkInterfaceId", "network_interface_id", "NetworkInterfaceId"),
    ("InstanceId", "instance_id", "InstanceId"),
    ("VpcEndpointId", "vpc_endpoint_id", "GatewayId"),  # a GWLB endpoint shows as GatewayId vpce-...
    ("CarrierGatewayId", "carrier_gateway_id", "CarrierGatewayId"),
    ("LocalGatewayId", "local_gateway_id", "LocalGatewayId"),
    ("CoreNetworkArn", "core_network_arn", "CoreNetworkArn"),
)
ROUTE_DESTINATIONS = (
    ("DestinationCidrBlock", "destination_cidr_block", "DestinationCidrBlock"),
    ("DestinationIpv6CidrBlock", "destination_ipv6_cidr_block", "DestinationIpv6CidrBlock"),
    ("DestinationPrefixListId", "destination_prefix_list_id", "DestinationPrefixListId"),
)


def protocol(value: Any) -> str:
    text = str(value).lower()
    return _PROTOCOLS.get(text, text)


def permission(
    proto: Any,
    from_port: Any = None,
    to_port: Any = None,
    cidrs: Sequence[str] = (),
    ipv6: Sequence[str] = (),
    prefix_lists: Sequence[str] = (),
    groups: Sequence[str] = (),
) -> JsonDict:
    """One IpPermissions item. Ports apply to TCP/UDP (and ICMP type/code); ``-1`` has none."""
    out: JsonDict = {"IpProtocol": protocol(proto)}
    if out["IpProtocol"] != "-1" and from_port is not None and to_port is not None:
        out["FromPort"], out["ToPort"] = int(from_port), int(to_port)
    out["IpRanges"] = [{"CidrIp": c} for c in cidrs]
    out["Ipv6Ranges"] = [{"CidrIpv6": c} for c in ipv6]
    out["PrefixListIds"] = [{"PrefixListId": p} for p in prefix_lists]
    out["UserIdGroupPairs"] = [{"GroupId": g} for g in groups]
    return out


def acl_entry(
    number: Any, proto: Any, action: Any, egress: bool, cidr: Any, ipv6: Any, ports: Any
) -> JsonDict:
    """One NetworkAcls entry. AWS returns the protocol as its number (``-1`` for all)."""
    number_of = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "all": "-1"}
    text = str(proto).lower()
    entry: JsonDict = {
        "RuleNumber": int(number),
        "Protocol": number_of.get(text, text),
        "RuleAction": str(action).lower(),
        "Egress": bool(egress),
    }
    if cidr:
        entry["CidrBlock"] = cidr
    if ipv6:
        entry["Ipv6CidrBlock"] = ipv6
    if ports is not None and entry["Protocol"] in ("6", "17"):
        entry["PortRange"] = {"From": int(ports[0]), "To": int(ports[1])}
    return entry
