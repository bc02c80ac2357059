"""Mutations of valid snapshots for the fuzz tests: the bases, the field tables that aim the
mutations at what the analysis reads, and the hypothesis strategies that apply them."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from depth.builders import regional_nat
from hypothesis import HealthCheck, Phase, event, note, settings
from hypothesis import strategies as st
from snapshots import healthy


def _synth_small(tgw_spokes: int) -> dict[str, Any]:
    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import synth

    return synth.generate(2, 4, security_groups=2, sg_rules=3, acl_entries=6, tgw_spokes=tgw_spokes, seed=1)


def _healthy_with_bpa() -> dict[str, Any]:
    """healthy() under VPC Block Public Access, with an exclusion of the NAT gateway's subnet."""
    snap = healthy()
    body = snap["regions"]["us-east-1"]
    body["VpcBlockPublicAccessOptions"] = [
        {"AwsRegion": "us-east-1", "State": "update-complete", "InternetGatewayBlockMode": "block-bidirectional",
         "ExclusionsAllowed": "allowed", "AwsAccountId": "123456789012"}
    ]  # fmt: skip
    body["VpcBlockPublicAccessExclusions"] = [
        {"ExclusionId": "exclusion-1", "InternetGatewayExclusionMode": "allow-egress", "State": "create-complete",
         "ResourceArn": "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-public"}
    ]  # fmt: skip
    return snap


# healthy(), also under Block Public Access; two VPCs as hub and spoke of a transit gateway; two VPCs
# peered (both with prefix lists); healthy() out through a regional NAT gateway.
BASES = {
    "healthy": healthy(),
    "healthy-bpa": _healthy_with_bpa(),
    "synth-tgw": _synth_small(1),
    "synth-peering": _synth_small(0),
    "regional-nat": regional_nat(),
}
FUZZ = settings(
    max_examples=300,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],  # no slow "explain"
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Field names the analysis reads: a garbage value under one of these reaches deeper code.
# Per list of items (a snapshot kind, or a list inside an item): the fields the analysis reads or
# follows, validated or not. The "field" mutation sets one of them to a value of another type.
_ROUTE_TARGETS = [
    "GatewayId", "NatGatewayId", "TransitGatewayId", "VpcPeeringConnectionId", "NetworkInterfaceId",
    "InstanceId", "LocalGatewayId", "CarrierGatewayId", "CoreNetworkArn", "EgressOnlyInternetGatewayId",
]  # fmt: skip
FIELDS_OF = {
    "Vpcs": ["VpcId", "CidrBlock", "EnableDnsSupport", "EnableDnsHostnames", "CidrBlockAssociationSet", "Tags"],
    "Subnets": ["SubnetId", "VpcId", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch", "OwnerId",
                "AvailableIpAddressCount", "Ipv6CidrBlockAssociationSet", "Tags"],
    "RouteTables": ["VpcId", "Associations", "Routes", "OwnerId"],
    "Associations": ["Main", "SubnetId", "GatewayId", "AssociationState", "NetworkAclId", "RouteTableId",
                     "TransitGatewayAttachmentId", "ResourceId", "ResourceType", "State"],
    "Routes": ["DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId", "State", "Origin",
               "Type", "TransitGatewayAttachments", *_ROUTE_TARGETS],
    "NatGateways": ["SubnetId", "VpcId", "State", "ConnectivityType", "NatGatewayAddresses", "AvailabilityMode",
                    "RouteTableId", "AutoProvisionZones"],
    "NatGatewayAddresses": ["AvailabilityZone", "AvailabilityZoneId", "Status"],
    "InternetGateways": ["Attachments"],
    "Attachments": ["VpcId", "State"],
    "SecurityGroups": ["GroupId", "VpcId", "GroupName", "IpPermissionsEgress", "IpPermissions", "OwnerId"],
    "IpPermissionsEgress": ["IpProtocol", "FromPort", "ToPort", "IpRanges", "Ipv6Ranges", "PrefixListIds",
                            "UserIdGroupPairs"],
    "IpPermissions": ["IpProtocol", "FromPort", "ToPort", "IpRanges", "PrefixListIds", "UserIdGroupPairs"],
    "IpRanges": ["CidrIp"], "Ipv6Ranges": ["CidrIpv6"], "PrefixListIds": ["PrefixListId"],
    "UserIdGroupPairs": ["GroupId", "UserId", "VpcId"],
    "NetworkAcls": ["VpcId", "IsDefault", "Associations", "Entries"],
    "Entries": ["RuleNumber", "Protocol", "RuleAction", "Egress", "CidrBlock", "Ipv6CidrBlock", "PortRange", "Cidr"],
    "ManagedPrefixLists": ["PrefixListId", "PrefixListName", "Entries", "AddressFamily"],
    "VpcEndpoints": ["VpcId", "ServiceName", "VpcEndpointType", "State", "SubnetIds", "RouteTableIds", "Groups",
                     "PrivateDnsEnabled", "NetworkInterfaceIds"],
    "Groups": ["GroupId"],
    "VpcPeeringConnections": ["Status", "AccepterVpcInfo", "RequesterVpcInfo"],
    "NetworkInterfaces": ["SubnetId", "VpcId", "Groups", "InterfaceType", "Attachment", "SourceDestCheck"],
    "TransitGateways": ["State", "Options", "OwnerId"],
    "TransitGatewayAttachments": ["TransitGatewayId", "ResourceId", "ResourceType", "State", "Association",
                                  "ResourceOwnerId"],
    "TransitGatewayVpcAttachments": ["TransitGatewayId", "VpcId", "SubnetIds", "State", "VpcOwnerId"],
    "TransitGatewayRouteTables": ["TransitGatewayId", "Associations", "Routes", "State"],
    "TransitGatewayAttachments.inner": ["ResourceId", "ResourceType", "TransitGatewayAttachmentId"],
    # objects inside an item
    "RequesterVpcInfo": ["VpcId", "CidrBlock", "CidrBlockSet", "OwnerId", "Region"],
    "AccepterVpcInfo": ["VpcId", "CidrBlock", "CidrBlockSet", "OwnerId", "Region"],
    "Status": ["Code"], "PortRange": ["From", "To"], "AssociationState": ["State"],
    "Association": ["TransitGatewayRouteTableId", "State"],
    "VpcBlockPublicAccessOptions": ["AwsRegion", "State", "InternetGatewayBlockMode", "ExclusionsAllowed"],
    "VpcBlockPublicAccessExclusions": ["ExclusionId", "InternetGatewayExclusionMode", "ResourceArn", "State"],
}  # fmt: skip
# Field names the analysis reads: a garbage value under one of these reaches deeper code.
KNOWN_KEYS = sorted(
    {"snapshot_version", "regions", "accounts", "account_id", "Errors", "Key", "Value", "Code", "Cidr"}
    | {name for name in FIELDS_OF if "." not in name}
    | {field for fields in FIELDS_OF.values() for field in fields}
)
_OPS = ["delete", "retype", "cidr", "int", "drop", "dup", "id", "garbage", "rename", "enum", "flip"]
OPS = [*_OPS, *["field"] * 4]  # the schema-aware mutation reaches furthest: drawn most often
BAD_CIDRS = [
    "10.0.0.0/33", "300.1.1.1/24", "10.0.0.0/-1", "10.0.0.0/", "/16", "10.0.0.0", "10.0.0.1/24", "",
    " 10.0.0.0/16", "10.0.0.0/8/8", "1e3", "::/129", "::/0", "0.0.0.0/0", "fe80::/10", "2001:db8::/32",
    "10.0.0.0/255.255.0.0", "10.0.0.0/0.0.255.255", "fe80::1%eth0/64", "\u0661\u0660.0.0.0/8", "0.0.0.0/32",
    "255.255.255.255/32", "10.0.0.0/16\n", "pl-00000000", "local",
]  # fmt: skip
# Values the analysis branches on: a valid snapshot with an unusual state, action or kind.
ENUMS = [
    "blackhole", "active", "available", "pending", "deleting", "deleted", "failed", "private", "public",
    "allow", "deny", "associated", "disassociated", "local", "-1", "6", "17", "1", "58", "tcp", "udp",
    "icmp", "all", "Gateway", "Interface", "GatewayLoadBalancer", "EnableVgwRoutePropagation",
    "CreateRoute", "CreateRouteTable", "vpc", "vpn", "peering", "direct-connect-gateway", "attached",
    "detached", "static", "propagated", "rejected", "expired", "igw-app", "nat-app", "local",
    "off", "block-bidirectional", "block-ingress", "allow-egress", "allow-bidirectional", "not-allowed",
    "create-complete", "update-in-progress", "delete-complete", "default-state", "regional", "zonal",
    "enabled", "disabled", "succeeded", "rtb-natgw", "us-east-1a",
]  # fmt: skip
ODD_INTS = st.one_of(
    st.sampled_from([-1, 0, 1, 65535, 65536, 32766, 32767, 32768, 2**31, 2**63, -(2**63)]),
    st.integers(-(2**70), 2**70),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), ODD_INTS, st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12)
)
GARBAGE = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=6), inner, max_size=3),
    ),
    max_leaves=10,
)
RANDOM_IDS = st.from_regex(
    r"\A(subnet|sg|vpc|rtb|nat|igw|eigw|acl|pl|pcx|tgw|tgw-attach|eni|vpce|i|vgw|lgw)-[0-9a-f]{0,17}\Z"
)
FIELD_VALUES = st.one_of(  # mostly present and of another type than expected, sometimes a dangling id
    st.integers(1, 2**40), st.just(True), st.floats(0.5, 1e9), st.lists(SCALARS, min_size=1, max_size=2),
    st.dictionaries(st.sampled_from(KNOWN_KEYS), SCALARS, min_size=1, max_size=2), RANDOM_IDS, GARBAGE,
)  # fmt: skip


def nodes(doc: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    out = [(path, doc)]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += nodes(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += nodes(v, (*path, i))
    return out


def get(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def put(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    get(doc, path[:-1])[path[-1]] = value
    return doc


def pick(data: st.DataObject, candidates: list, label: str):
    return candidates[data.draw(st.integers(0, len(candidates) - 1), label=label)] if candidates else None


def mutate(data: st.DataObject, doc: Any) -> Any:
    """One mutation at a drawn place; returns the (possibly new) document."""
    op = data.draw(st.sampled_from(OPS), label="op")
    event(f"mutation: {op}")
    everything = nodes(doc)
    if op in ("delete", "drop"):
        want = (lambda p, v: bool(p)) if op == "delete" else (lambda p, v: isinstance(v, list) and v)
        hit = pick(data, [p for p, v in everything if want(p, v)], "where")
        if hit is None:
            return doc
        if op == "drop":
            hit = (*hit, data.draw(st.integers(0, len(get(doc, hit)) - 1), label="index"))
        del get(doc, hit[:-1])[hit[-1]]
        note(f"{op} {_path(hit)}")
        return doc
    if op == "dup":
        hit = pick(data, [p for p, v in everything if isinstance(v, list) and v], "where")
        if hit is not None:
            items = get(doc, hit)
            index = data.draw(st.integers(0, len(items) - 1), label="index")
            items.append(copy.deepcopy(items[index]))
            note(f"dup {_path((*hit, index))}")
        return doc
    if op == "field":
        return set_field(data, doc, everything)
    if op in ("garbage", "rename"):
        wanted = (lambda v: isinstance(v, dict)) if op == "garbage" else (lambda v: isinstance(v, dict) and v)
        hit = pick(data, [p for p, v in everything if wanted(v)], "where")
        if hit is None:
            return doc
        target = get(doc, hit)
        key = data.draw(st.sampled_from(KNOWN_KEYS) | st.text(max_size=8), label="key")
        if op == "garbage":
            target[key] = data.draw(GARBAGE, label="value")
            note(f"garbage {_path((*hit, key))} = {target[key]!r}")
        else:
            old = pick(data, list(target), "old key")
            target[key] = target.pop(old)
            note(f"rename {_path((*hit, old))} -> {key!r}")
        return doc
    want = {
        "retype": lambda v: True,
        "cidr": lambda v: isinstance(v, str) and ("/" in v or v.count(".") == 3),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "id": lambda v: isinstance(v, str),
        "enum": lambda v: isinstance(v, str),
        "flip": lambda v: isinstance(v, bool),
    }[op]
    hit = pick(data, [p for p, v in everything if want(v)], "where")
    if hit is None:
        return doc
    if op == "retype":
        value = data.draw(GARBAGE, label="value")
    elif op == "cidr":
        value = data.draw(st.sampled_from(BAD_CIDRS), label="cidr")
    elif op == "int":
        value = data.draw(ODD_INTS, label="int")
    elif op == "enum":
        value = data.draw(st.sampled_from(ENUMS), label="enum")
    elif op == "flip":
        value = not get(doc, hit)
    else:
        ids = sorted({v for _, v in everything if isinstance(v, str) and "-" in v and len(v) < 40})
        value = data.draw(st.sampled_from(ids) | RANDOM_IDS if ids else RANDOM_IDS, label="id")
    note(f"{op} {_path(hit)} = {value!r} (was {get(doc, hit)!r})"[:300])
    return put(doc, hit, value)


def _container(path: tuple) -> str | None:
    """The FIELDS_OF name of the object at ``path`` (an item of a known list, or a known sub-object)."""
    if path and isinstance(path[-1], str):
        return path[-1] if path[-1] in FIELDS_OF and len(path) > 4 else None
    if len(path) < 2 or not isinstance(path[-2], str):
        return None
    if path[-2] == "TransitGatewayAttachments" and "Routes" in path:
        return "TransitGatewayAttachments.inner"
    return path[-2] if path[-2] in FIELDS_OF else None


def set_field(data: st.DataObject, doc: Any, everything: list[tuple[tuple, Any]]) -> Any:
    """Schema-aware: one (kind of object, field it is read for) pair, uniformly; one such object;
    a value of any type or a random id."""
    objects: dict[str, list[tuple]] = {}
    for path, value in everything:
        if isinstance(value, dict) and (name := _container(path)):
            objects.setdefault(name, []).append(path)
    pairs = sorted((name, key) for name in objects for key in FIELDS_OF[name])
    if not pairs:
        return doc
    name, key = data.draw(st.sampled_from(pairs), label="field")
    hit = pick(data, objects[name], "object")
    value = data.draw(FIELD_VALUES, label="value")
    get(doc, hit)[key] = value
    note(f"field {_path((*hit, key))} = {value!r}")
    return doc


def _path(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path) or "(root)"


def mutated(data: st.DataObject, max_mutations: int = 4) -> Any:
    base = data.draw(st.sampled_from(sorted(BASES)), label="base")
    doc = copy.deepcopy(BASES[base])
    note(f"base: {base}")
    for _ in range(data.draw(st.integers(1, max_mutations), label="mutations")):
        doc = mutate(data, doc)
    return doc
