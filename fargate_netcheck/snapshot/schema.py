"""What the analysis reads from each kind of snapshot item, checked once at load time.

Only the fields the analysis uses are checked (a hand-written snapshot may hold just those); every
other AWS field passes through untouched. A field that is present must have the right type, and a
CIDR must parse, so later stages never meet a malformed value.

Two checks share the field table: ``snapshot_fast_check.ItemChecker``, a fast yes/no for the common
all-valid item, and ``validate_item`` here, which is run only when the fast check says no and names
the fault. The detailed check alone decides what is accepted and what every message says.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.schema_needs import NEEDS_FIELD_SPECS, NEEDS_ID_FIELDS, NFW_SYNC_STATE

ID_FIELDS: dict[str, str] = {
    "Vpcs": "VpcId",
    "Subnets": "SubnetId",
    "RouteTables": "RouteTableId",
    "InternetGateways": "InternetGatewayId",
    "NatGateways": "NatGatewayId",
    "EgressOnlyInternetGateways": "EgressOnlyInternetGatewayId",
    "SecurityGroups": "GroupId",
    "NetworkAcls": "NetworkAclId",
    "VpcEndpoints": "VpcEndpointId",
    "ManagedPrefixLists": "PrefixListId",
    "VpcPeeringConnections": "VpcPeeringConnectionId",
    "NetworkInterfaces": "NetworkInterfaceId",
    "Instances": "InstanceId",  # DescribeInstances' instances (not reservations) that routes lead to
    "TransitGateways": "TransitGatewayId",
    "TransitGatewayAttachments": "TransitGatewayAttachmentId",
    "TransitGatewayVpcAttachments": "TransitGatewayAttachmentId",
    "TransitGatewayRouteTables": "TransitGatewayRouteTableId",
    # VPC Block Public Access: the region's one options object, and its exclusions.
    "VpcBlockPublicAccessOptions": "AwsRegion",
    "VpcBlockPublicAccessExclusions": "ExclusionId",
    # ECS ListAccountSettings (effectiveSettings=true): the settings in effect, e.g. dualStackIPv6.
    "EcsAccountSettings": "name",
    **NEEDS_ID_FIELDS,  # Network Firewall, DHCP options, Route 53 Resolver and DNS Firewall, zones
}
KINDS: tuple[str, ...] = tuple(ID_FIELDS)

STR, BOOL, INT, LIST, DICT = str, bool, int, list, dict
CIDR4, CIDR6, CIDR_ANY = "cidr4", "cidr6", "cidr"


class OneOf(frozenset[str]):
    """A string field whose values AWS documents as a closed set, where the analysis reads one value
    as permissive: any other is refused, never read as the permissive one (``"Blackhole"`` as an
    active route, ``"Private"`` as a public NAT gateway would be a guessed ``reachable``)."""


ROUTE_STATES = OneOf({"active", "blackhole"})  # a VPC route; a TGW route as collected (state filter)
NAT_CONNECTIVITY = OneOf({"public", "private"})

# kind -> {field: type}; nested lists of objects as {field: (LIST, {sub: type})}
# One security-group rule, egress or ingress (DescribeSecurityGroups' IpPermission).
_SG_PERMISSION = {
    "IpProtocol": STR,
    "FromPort": INT,
    "ToPort": INT,
    "IpRanges": (LIST, {"CidrIp": CIDR4}),
    "Ipv6Ranges": (LIST, {"CidrIpv6": CIDR6}),
    "PrefixListIds": (LIST, {"PrefixListId": STR}),
    "UserIdGroupPairs": (LIST, {"GroupId": STR}),
}
# One side of a VPC peering connection (its VpcInfo): the peer's ranges as the connection lists them.
_PEER_VPC_INFO = {
    "VpcId": STR,
    "CidrBlock": CIDR4,
    "CidrBlockSet": (LIST, {"CidrBlock": CIDR4}),
    "Ipv6CidrBlockSet": (LIST, {"Ipv6CidrBlock": CIDR6}),
}

FIELD_SPECS: dict[str, dict[str, Any]] = {
    "EcsAccountSettings": {"name": STR, "value": STR, "principalArn": STR},
    "Vpcs": {
        "VpcId": STR,
        "CidrBlock": CIDR4,
        "EnableDnsSupport": BOOL,
        "EnableDnsHostnames": BOOL,
        "DhcpOptionsId": STR,
        "CidrBlockAssociationSet": (LIST, {"CidrBlock": CIDR4}),
        "Ipv6CidrBlockAssociationSet": (LIST, {"Ipv6CidrBlock": CIDR6}),
    },
    "Subnets": {
        "VpcId": STR,
        "CidrBlock": CIDR4,
        "AvailabilityZone": STR,
        "AvailableIpAddressCount": INT,
        "MapPublicIpOnLaunch": BOOL,
        "Ipv6CidrBlockAssociationSet": (LIST, {"Ipv6CidrBlock": CIDR6}),
        "OwnerId": STR,  # a RAM-shared subnet's owner, whose Block Public Access applies
    },
    "RouteTables": {
        "VpcId": STR,
        "Associations": (
            LIST,
            {"Main": BOOL, "SubnetId": STR, "GatewayId": STR, "AssociationState": (DICT, {"State": STR})},
        ),
        "Routes": (
            LIST,
            {
                "DestinationCidrBlock": CIDR4,
                "DestinationIpv6CidrBlock": CIDR6,
                "DestinationPrefixListId": STR,
                "GatewayId": STR,
                "NatGatewayId": STR,
                "TransitGatewayId": STR,
                "VpcPeeringConnectionId": STR,
                "NetworkInterfaceId": STR,
                "InstanceId": STR,
                "EgressOnlyInternetGatewayId": STR,
                "LocalGatewayId": STR,
                "CarrierGatewayId": STR,
                "CoreNetworkArn": STR,
                "State": ROUTE_STATES,
                "Origin": STR,
            },
        ),
    },
    "InternetGateways": {"Attachments": (LIST, {"VpcId": STR, "State": STR})},
    "EgressOnlyInternetGateways": {"Attachments": (LIST, {"VpcId": STR, "State": STR})},
    "NatGateways": {"SubnetId": STR, "VpcId": STR, "State": STR, "ConnectivityType": NAT_CONNECTIVITY},
    "SecurityGroups": {
        "VpcId": STR,
        "IpPermissionsEgress": (LIST, _SG_PERMISSION),
        "IpPermissions": (LIST, _SG_PERMISSION),
    },
    "NetworkAcls": {
        "VpcId": STR,
        "IsDefault": BOOL,
        "Associations": (LIST, {"SubnetId": STR}),
        "Entries": (
            LIST,
            {
                "RuleNumber": INT,
                "Protocol": STR,
                "RuleAction": STR,
                "Egress": BOOL,
                "CidrBlock": CIDR4,
                "Ipv6CidrBlock": CIDR6,
                "PortRange": (DICT, {"From": INT, "To": INT}),
            },
        ),
    },
    "ManagedPrefixLists": {"PrefixListName": STR, "Entries": (LIST, {"Cidr": CIDR_ANY})},
    "VpcEndpoints": {
        "VpcId": STR,
        "ServiceName": STR,
        "VpcEndpointType": STR,
        "State": STR,
        "PrivateDnsEnabled": BOOL,
        "DnsOptions": (DICT, {"PrivateDnsOnlyForInboundResolverEndpoint": BOOL}),
        "SubnetIds": (LIST, STR),
        "RouteTableIds": (LIST, STR),
        "Groups": (LIST, {"GroupId": STR}),
        "PolicyDocument": STR,
    },
    "NetworkInterfaces": {
        "SubnetId": STR,
        "VpcId": STR,
        "Status": STR,
        "SourceDestCheck": BOOL,
        "Association": DICT,
        "Attachment": (DICT, {"InstanceId": STR, "DeviceIndex": INT}),
        "Groups": (LIST, {"GroupId": STR}),
    },
    "Instances": {"State": (DICT, {"Name": STR})},
    "TransitGateways": {"State": STR, "OwnerId": STR},
    "TransitGatewayAttachments": {
        "TransitGatewayId": STR,
        "ResourceType": STR,
        "ResourceId": STR,
        "State": STR,
        "Association": (DICT, {"TransitGatewayRouteTableId": STR, "State": STR}),
    },
    "TransitGatewayVpcAttachments": {
        "TransitGatewayId": STR,
        "VpcId": STR,
        "State": STR,
        "SubnetIds": (LIST, STR),
    },
    "TransitGatewayRouteTables": {
        "TransitGatewayId": STR,
        "Associations": (LIST, {"TransitGatewayAttachmentId": STR, "ResourceId": STR, "State": STR}),
        "Routes": (
            LIST,
            {
                "DestinationCidrBlock": CIDR_ANY,
                "PrefixListId": STR,
                "State": ROUTE_STATES,
                "Type": STR,
                "TransitGatewayAttachments": (
                    LIST,
                    {"TransitGatewayAttachmentId": STR, "ResourceId": STR, "ResourceType": STR},
                ),
            },
        ),
    },
    "VpcPeeringConnections": {
        "Status": (DICT, {"Code": STR}),
        "AccepterVpcInfo": (DICT, _PEER_VPC_INFO),
        "RequesterVpcInfo": (DICT, _PEER_VPC_INFO),
    },
    "VpcBlockPublicAccessOptions": {
        "AwsRegion": STR,
        "State": STR,
        "InternetGatewayBlockMode": STR,
        "ExclusionsAllowed": STR,
    },
    "VpcBlockPublicAccessExclusions": {
        "ExclusionId": STR,
        "InternetGatewayExclusionMode": STR,
        "ResourceArn": STR,
        "State": STR,
    },
    **NEEDS_FIELD_SPECS,
}


# Every kind may carry tags; reports show their values (the Name tag), so their shape is checked too.
TAG_SPEC = {"Tags": (LIST, {"Key": STR, "Value": STR})}


def validate_item(kind: str, item: JsonDict, where: str) -> None:
    """The detailed check: raises an InputError naming ``where`` and the field at fault.

    ``ItemChecker`` answers the common "all fine" case faster; this stays the reference for what is
    accepted and for every message."""
    _check_fields(item, {**TAG_SPEC, **FIELD_SPECS.get(kind, {})}, where)
    if kind == "NetworkAcls":
        for entry in item.get("Entries") or []:  # null is absent, as for every field
            _check_acl_entry(entry, where)
    if kind == "SecurityGroups":
        _check_sg_protocols(item, where)
    if kind == "NetworkFirewalls":
        _check_sync_states(item, where)


def _check_sync_states(firewall: JsonDict, where: str) -> None:
    """Each value of ``FirewallStatus.SyncStates`` (zone -> SyncState; the fields above made both
    objects or null) is a SyncState: an object, its ``Attachment`` an object with string ids."""
    states = (firewall.get("FirewallStatus") or {}).get("SyncStates") or {}
    for zone, state in states.items():
        if state is None:  # null is absent: no attachment in that zone
            continue
        at = f"{where}: FirewallStatus: SyncStates[{zone!r}]"
        if not isinstance(state, dict):
            raise InputError(f"{at} must be an object")
        _check_fields(state, NFW_SYNC_STATE, at)


def _check_fields(obj: dict[str, Any], spec: dict[str, Any], where: str) -> None:
    for name, expected in spec.items():
        if name not in obj or obj[name] is None:
            continue
        value = obj[name]
        if isinstance(expected, tuple) and expected[0] is DICT:  # one nested object
            if not isinstance(value, dict):
                raise InputError(f"{where}: {name} must be an object")
            _check_fields(value, expected[1], f"{where}: {name}")
        elif isinstance(expected, tuple):
            if not isinstance(value, list):
                raise InputError(f"{where}: {name} must be a list")
            for i, sub in enumerate(value):
                if expected[1] is STR:  # a list of ids
                    if not isinstance(sub, str):
                        raise InputError(f"{where}: {name}[{i}] must be a string")
                    continue
                if not isinstance(sub, dict):
                    raise InputError(f"{where}: {name}[{i}] must be an object")
                _check_fields(sub, expected[1], f"{where}: {name}[{i}]")
        elif expected in (CIDR4, CIDR6, CIDR_ANY):
            _check_cidr(value, expected, f"{where}: {name}")
        elif isinstance(expected, OneOf):
            if value not in expected if isinstance(value, str) else True:
                raise InputError(
                    f"{where}: {name} must be one of {', '.join(sorted(expected))}, found {value!r}"
                )
        elif expected is INT:
            if not isinstance(value, int) or isinstance(value, bool):
                raise InputError(f"{where}: {name} must be an integer, found {value!r}")
        elif not isinstance(value, expected):
            raise InputError(f"{where}: {name} must be a {expected.__name__}, found {type(value).__name__}")


def _check_cidr(value: object, family: str, where: str) -> None:
    if not isinstance(value, str):
        raise InputError(f"{where} must be a CIDR string, found {value!r}")
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a CIDR block") from None
    if family != CIDR_ANY and (net.version == 4) != (family == CIDR4):
        raise InputError(f"{where}: {value!r} is not an IPv{4 if family == CIDR4 else 6} CIDR block")


def _check_acl_entry(entry: JsonDict, where: str) -> None:
    at = f"{where}: rule {entry.get('RuleNumber')!r}"
    if not isinstance(entry.get("RuleNumber"), int) or isinstance(entry.get("RuleNumber"), bool):
        raise InputError(f"{at}: RuleNumber must be an integer")
    if entry.get("RuleAction") not in ("allow", "deny"):
        raise InputError(f"{at}: RuleAction must be 'allow' or 'deny'")
    if not isinstance(entry.get("Egress"), bool):
        raise InputError(f"{at}: Egress must be true or false")
    if not isinstance(entry.get("Protocol"), str):  # AWS always gives it: read as "all", it allowed all
        raise InputError(f"{at}: needs Protocol ('-1' for all traffic, or a protocol number)")
    if entry.get("CidrBlock") is None and entry.get("Ipv6CidrBlock") is None:  # null is absent
        raise InputError(f"{at}: needs CidrBlock or Ipv6CidrBlock")
    ports = entry.get("PortRange")
    if ports is not None and not all(isinstance(ports.get(k), int) for k in ("From", "To")):
        raise InputError(f"{at}: PortRange needs integer From and To")


def _check_sg_protocols(group: JsonDict, where: str) -> None:
    """Every rule names its protocol, as AWS always does: a rule without one, read as "all
    traffic", would allow what it may not."""
    for field in ("IpPermissionsEgress", "IpPermissions"):
        for number, rule in enumerate(group.get(field) or [], 1):
            if not isinstance(rule.get("IpProtocol"), str):
                raise InputError(
                    f"{where}: {field} rule {number} needs IpProtocol ('-1' for all traffic, 'tcp', "
                    "'udp', 'icmp' or a protocol number)"
                )
