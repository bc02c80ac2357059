"""What the analysis reads from each kind of snapshot item, checked once at load time.

Only the fields the analysis uses are checked (a hand-written snapshot may hold just those); every
other AWS field passes through untouched. A field that is present must have the right type, and a
CIDR must parse, so later stages never meet a malformed value.

Two checks share the field table: ``ItemChecker``, a fast yes/no for the common all-valid item, and
``validate_item``, which is run only when the fast check says no and names the fault. The detailed
check alone decides what is accepted and what every message says.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from fargate_netcheck.errors import InputError

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
    "TransitGateways": "TransitGatewayId",
    "TransitGatewayAttachments": "TransitGatewayAttachmentId",
    "TransitGatewayVpcAttachments": "TransitGatewayAttachmentId",
    "TransitGatewayRouteTables": "TransitGatewayRouteTableId",
    # VPC Block Public Access: the region's one options object, and its exclusions.
    "VpcBlockPublicAccessOptions": "AwsRegion",
    "VpcBlockPublicAccessExclusions": "ExclusionId",
}
KINDS: tuple[str, ...] = tuple(ID_FIELDS)

STR, BOOL, INT, LIST, DICT = str, bool, int, list, dict
CIDR4, CIDR6, CIDR_ANY = "cidr4", "cidr6", "cidr"

# kind -> {field: type}; nested lists of objects as {field: (LIST, {sub: type})}
_FIELDS: dict[str, dict[str, Any]] = {
    "Vpcs": {
        "VpcId": STR,
        "CidrBlock": CIDR4,
        "EnableDnsSupport": BOOL,
        "EnableDnsHostnames": BOOL,
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
        "Associations": (LIST, {"Main": BOOL, "SubnetId": STR, "GatewayId": STR, "AssociationState": DICT}),
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
                "State": STR,
            },
        ),
    },
    "InternetGateways": {"Attachments": (LIST, {"VpcId": STR, "State": STR})},
    "EgressOnlyInternetGateways": {"Attachments": (LIST, {"VpcId": STR, "State": STR})},
    "NatGateways": {"SubnetId": STR, "VpcId": STR, "State": STR, "ConnectivityType": STR},
    "SecurityGroups": {
        "VpcId": STR,
        "IpPermissionsEgress": (
            LIST,
            {
                "IpProtocol": STR,
                "FromPort": INT,
                "ToPort": INT,
                "IpRanges": (LIST, {"CidrIp": CIDR4}),
                "Ipv6Ranges": (LIST, {"CidrIpv6": CIDR6}),
                "PrefixListIds": (LIST, {"PrefixListId": STR}),
                "UserIdGroupPairs": (LIST, {"GroupId": STR}),
            },
        ),
        "IpPermissions": (
            LIST,
            {
                "IpProtocol": STR,
                "FromPort": INT,
                "ToPort": INT,
                "IpRanges": (LIST, {"CidrIp": CIDR4}),
                "Ipv6Ranges": (LIST, {"CidrIpv6": CIDR6}),
                "PrefixListIds": (LIST, {"PrefixListId": STR}),
                "UserIdGroupPairs": (LIST, {"GroupId": STR}),
            },
        ),
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
                "PortRange": DICT,
            },
        ),
    },
    "ManagedPrefixLists": {"PrefixListName": STR, "Entries": (LIST, {"Cidr": STR})},
    "VpcEndpoints": {
        "VpcId": STR,
        "ServiceName": STR,
        "VpcEndpointType": STR,
        "State": STR,
        "PrivateDnsEnabled": BOOL,
        "SubnetIds": (LIST, STR),
        "RouteTableIds": (LIST, STR),
        "Groups": (LIST, {"GroupId": STR}),
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
                "State": STR,
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
        "AccepterVpcInfo": (DICT, {"VpcId": STR, "CidrBlock": CIDR4}),
        "RequesterVpcInfo": (DICT, {"VpcId": STR, "CidrBlock": CIDR4}),
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
}


# Every kind may carry tags; reports show their values (the Name tag), so their shape is checked too.
_TAGS = {"Tags": (LIST, {"Key": STR, "Value": STR})}


def validate_item(kind: str, item: dict[str, Any], where: str) -> None:
    """The detailed check: raises an InputError naming ``where`` and the field at fault.

    ``ItemChecker`` answers the common "all fine" case faster; this stays the reference for what is
    accepted and for every message."""
    _check_fields(item, {**_TAGS, **_FIELDS.get(kind, {})}, where)
    if kind == "NetworkAcls":
        for entry in item.get("Entries") or []:  # null is absent, as for every field
            _check_acl_entry(entry, where)


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
        elif expected is INT:
            if not isinstance(value, int) or isinstance(value, bool):
                raise InputError(f"{where}: {name} must be an integer, found {value!r}")
        elif not isinstance(value, expected):
            raise InputError(f"{where}: {name} must be a {expected.__name__}, found {type(value).__name__}")


def _check_cidr(value: Any, family: str, where: str) -> None:
    if not isinstance(value, str):
        raise InputError(f"{where} must be a CIDR string, found {value!r}")
    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise InputError(f"{where}: {value!r} is not a CIDR block") from None
    if family != CIDR_ANY and (net.version == 4) != (family == CIDR4):
        raise InputError(f"{where}: {value!r} is not an IPv{4 if family == CIDR4 else 6} CIDR block")


def _check_acl_entry(entry: dict[str, Any], where: str) -> None:
    at = f"{where}: rule {entry.get('RuleNumber')!r}"
    if not isinstance(entry.get("RuleNumber"), int) or isinstance(entry.get("RuleNumber"), bool):
        raise InputError(f"{at}: RuleNumber must be an integer")
    if entry.get("RuleAction") not in ("allow", "deny"):
        raise InputError(f"{at}: RuleAction must be 'allow' or 'deny'")
    if not isinstance(entry.get("Egress"), bool):
        raise InputError(f"{at}: Egress must be true or false")
    if entry.get("CidrBlock") is None and entry.get("Ipv6CidrBlock") is None:  # null is absent
        raise InputError(f"{at}: needs CidrBlock or Ipv6CidrBlock")
    ports = entry.get("PortRange")
    if ports is not None and not all(isinstance(ports.get(k), int) for k in ("From", "To")):
        raise InputError(f"{at}: PortRange needs integer From and To")


# The CIDRs the fast path accepts without ipaddress (a strict subset of what ipaddress accepts, so
# the verdict is the same): a dotted quad without leading zeros, or IPv6 written in full or ending in
# "::", each with a decimal prefix in range. Anything else is left to ipaddress.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_IPV4_CIDR = rf"{_OCTET}(?:\.{_OCTET}){{3}}/(?:3[0-2]|[12][0-9]|[0-9])"
_HEXTET = "[0-9a-fA-F]{1,4}"
_IPV6_CIDR = (
    rf"(?:{_HEXTET}(?::{_HEXTET}){{7}}|(?:{_HEXTET}:){{1,7}}:|::)/(?:12[0-8]|1[01][0-9]|[1-9][0-9]|[0-9])"
)
_FAMILY = {CIDR4: 4, CIDR6: 6, CIDR_ANY: 0}  # 0: either family

# A field spec compiled for the fast path: (scalars, cidrs, lists, objects). scalars: (field, exact
# class); cidrs: (field, IP version or 0 for either); lists: (field, leaf, sub), see _compile;
# objects: (field, compiled spec).
_Compiled = tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]


class ItemChecker:
    """A fast yes/no "certainly valid?" for items, for one load; ``validate_item`` says what is wrong.

    ``validate_item`` formats a message path for every nested value it visits, calls a function per
    field and parses every CIDR with ipaddress: on a large snapshot that costs more than reading the
    JSON. This checker uses exact-class tests (stricter than isinstance: a str subclass is a "no"),
    compiled field specs and memoised CIDR verdicts, and builds no strings. On a "no" the caller runs
    ``validate_item``, which raises the message or accepts an unusual but valid value, so accepted
    inputs and messages are exactly ``validate_item``'s. Made per load: nothing runs at import time
    and the memo does not outlive the load.
    """

    __slots__ = ("_ipv4", "_ipv6", "_specs", "_versions")

    def __init__(self) -> None:
        self._specs: dict[str, _Compiled] = {}
        self._versions: dict[str, int] = {}  # CIDR text -> 4, 6, or 0 when not a CIDR
        self._ipv4 = re.compile(_IPV4_CIDR).fullmatch
        self._ipv6 = re.compile(_IPV6_CIDR).fullmatch

    def fits(self, kind: str, item: dict[str, Any]) -> bool:
        """True when ``validate_item(kind, item, ...)`` certainly passes."""
        spec = self._specs.get(kind)
        if spec is None:
            spec = self._specs[kind] = _compile({**_TAGS, **_FIELDS.get(kind, {})})
        if item.__class__ is not dict or not self._fits(item, spec):
            return False
        return kind != "NetworkAcls" or _acl_entries_fit(item)

    def _fits(self, obj: dict[str, Any], spec: _Compiled) -> bool:
        scalars, cidrs, lists, objects = spec
        get = obj.get
        for name, cls in scalars:
            value = get(name)
            if value.__class__ is not cls and value is not None:
                return False
        for name, family in cidrs:
            value = get(name)
            if value is not None and not self._is_cidr(value, family):
                return False
        for name, leaf, sub in lists:
            value = get(name)
            if value.__class__ is not list:
                if value is None:
                    continue
                return False
            if leaf is not None:
                if not _leaves_fit(value, leaf):
                    return False
            elif sub is not None:
                for element in value:
                    if element.__class__ is not dict or not self._fits(element, sub):
                        return False
            else:  # a list of ids
                for element in value:
                    if element.__class__ is not str:
                        return False
        for name, sub in objects:
            value = get(name)
            if value is not None and (value.__class__ is not dict or not self._fits(value, sub)):
                return False
        return True

    def _is_cidr(self, value: Any, family: int) -> bool:
        if value.__class__ is not str:
            return False
        version = self._versions.get(value)
        if version is None:
            version = self._versions[value] = self._version(value)
        return version != 0 and (family == 0 or version == family)

    def _version(self, text: str) -> int:
        if self._ipv4(text):
            return 4
        if self._ipv6(text):
            return 6
        try:
            return ipaddress.ip_network(text, strict=False).version
        except Exception:  # whatever it is, _check_cidr meets it again and reports it
            return 0


def _leaves_fit(elements: list[Any], scalars: tuple[tuple[str, type], ...]) -> bool:
    """A list of small objects of scalar fields only (tags, associations), without recursion."""
    for element in elements:
        if element.__class__ is not dict:
            return False
        get = element.get
        for name, cls in scalars:
            value = get(name)
            if value.__class__ is not cls and value is not None:
                return False
    return True


def _compile(spec: dict[str, Any]) -> _Compiled:
    """Group a field table by the test each field needs, so the fast path runs one tight loop per test.

    A list's elements are checked as leaves (``scalars`` of a spec with only scalar fields), by
    recursion (a compiled spec), or as strings (neither)."""
    scalars: list[tuple[str, type]] = []
    cidrs: list[tuple[str, int]] = []
    lists: list[tuple[str, Any, _Compiled | None]] = []
    objects: list[tuple[str, _Compiled]] = []
    for name, expected in spec.items():
        if isinstance(expected, tuple) and expected[0] is DICT:
            objects.append((name, _compile(expected[1])))
        elif isinstance(expected, tuple) and expected[1] is STR:
            lists.append((name, None, None))
        elif isinstance(expected, tuple):
            sub = _compile(expected[1])
            leaf = sub[0] if not any(sub[1:]) else None
            lists.append((name, leaf, None if leaf is not None else sub))
        elif isinstance(expected, str):
            cidrs.append((name, _FAMILY[expected]))
        else:
            scalars.append((name, expected))
    return tuple(scalars), tuple(cidrs), tuple(lists), tuple(objects)


def _acl_entries_fit(acl: dict[str, Any]) -> bool:
    """``_check_acl_entry``'s rules, answered yes/no; entries are already known to be plain dicts."""
    for entry in acl.get("Entries") or ():
        ports = entry.get("PortRange")
        if (
            entry.get("RuleNumber").__class__ is not int
            or entry.get("RuleAction") not in ("allow", "deny")
            or entry.get("Egress").__class__ is not bool
            or (entry.get("CidrBlock") is None and entry.get("Ipv6CidrBlock") is None)
            or (
                ports is not None
                and not (isinstance(ports.get("From"), int) and isinstance(ports.get("To"), int))
            )
        ):
            return False
    return True
