"""Typed views of the AWS fields the trace evaluates: routes, network ACL entries, security group
rules. Built once per resource when the graph is built, so the trace never re-parses strings."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.collection import is_failure

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# A network as (IP version, first address, last address): set arithmetic on integers, not on
# ipaddress objects (whose comparisons run Python code per call).
Span = tuple[int, int, int]


def _parse_network(text: str) -> Network:
    return ipaddress.ip_network(text, strict=False)


NetworkOf = Callable[[str], Network]


def value_or(raw: JsonDict, name: str, default: str) -> str:
    """``raw[name]``, or ``default`` when it is absent or null (docs/snapshot-format.md: a null field
    is an absent one). ``raw.get(name, default)`` gave None for a null, which no value matches: a
    network ACL deny entry with a null ``Protocol`` denied nothing."""
    value = raw.get(name)
    return default if value is None else value


def within(inner: Network, outer: Network) -> bool:
    """``inner`` lies inside ``outer`` (False across IP versions, where ``subnet_of`` would raise)."""
    # Same version checked first; typeshed types subnet_of per class, which a union cannot narrow to.
    return inner.version == outer.version and inner.subnet_of(outer)  # type: ignore[arg-type]


ALL_PORTS = (0, 65535)
TCP = "6"
PORTED = ("6", "17")  # TCP and UDP: AWS requires a port range for these protocols, and only these


def port_range(lo: object, hi: object, protocol: str) -> tuple[int, int] | None:
    """The ports a TCP or UDP rule covers; ALL_PORTS for other protocols (AWS ignores their ports).

    None: a TCP or UDP rule without a valid range (missing, negative, past 65535, or reversed).
    AWS refuses to create one, so only a hand-written or damaged snapshot holds it, and what it
    matches cannot be told: the trace gives unknown wherever it could decide the verdict."""
    if protocol not in PORTED:
        return ALL_PORTS
    if isinstance(lo, int) and isinstance(hi, int) and 0 <= lo <= hi <= 65535:
        return (lo, hi)
    return None


# Route target fields, in the order AWS documents them; the first present wins.
_TARGET_FIELDS = (
    ("NatGatewayId", "nat"),
    ("TransitGatewayId", "tgw"),
    ("VpcPeeringConnectionId", "pcx"),
    ("EgressOnlyInternetGatewayId", "eigw"),
    ("NetworkInterfaceId", "eni"),
    ("InstanceId", "instance"),
    ("LocalGatewayId", "lgw"),
    ("CarrierGatewayId", "cagw"),
    ("CoreNetworkArn", "core-network"),
    ("GatewayId", None),  # igw-, vgw-, vpce- or "local": kind from the id
)
_GATEWAY_PREFIXES = {"igw-": "igw", "vgw-": "vgw", "vpce-": "vpce", "eigw-": "eigw"}


@dataclass(frozen=True, slots=True)
class Route:
    destination: str  # as AWS wrote it: a CIDR or a prefix-list id
    network: Network | None  # None for a prefix-list destination
    prefix_list_id: str | None
    target_id: str
    target_kind: str  # local igw nat tgw pcx eigw eni instance vgw vpce lgw cagw core-network unknown
    state: str  # active | blackhole
    origin: str  # CreateRouteTable | CreateRoute | EnableVgwRoutePropagation

    def describe(self) -> str:
        return f"{self.destination} -> {self.target_id}"


def parse_route(
    raw: JsonDict, kind_of: Callable[[str], str | None] | None = None, network_of: NetworkOf = _parse_network
) -> Route | None:
    """``kind_of`` names the kind of a ``GatewayId`` whose id has no AWS prefix (an infrastructure-as-
    code id such as ``stack/Igw``): the kind of the resource it names in the snapshot.
    ``network_of`` parses a CIDR (``snapshot.networks.Networks`` when many routes are parsed)."""
    cidr = raw.get("DestinationCidrBlock") or raw.get("DestinationIpv6CidrBlock")
    pl = raw.get("DestinationPrefixListId")
    if not cidr and not pl:
        return None
    target_id, kind = "", "unknown"
    for field_name, field_kind in _TARGET_FIELDS:
        value = raw.get(field_name)
        if value:
            target_id = value
            kind = field_kind or _gateway_kind(value, kind_of)
            break
    return Route(
        destination=str(cidr or pl),
        network=network_of(cidr) if cidr else None,
        prefix_list_id=None if cidr else pl,
        target_id=target_id,
        target_kind=kind,
        state=value_or(raw, "State", "active"),
        origin=value_or(raw, "Origin", "CreateRoute"),
    )


def _gateway_kind(gateway_id: str, kind_of: Callable[[str], str | None] | None) -> str:
    if gateway_id == "local":
        return "local"
    for prefix, kind in _GATEWAY_PREFIXES.items():
        if gateway_id.startswith(prefix):
            return kind
    known = kind_of(gateway_id) if kind_of is not None else None
    return known if known is not None and known in _GATEWAY_PREFIXES.values() else "unknown"


@dataclass(frozen=True, slots=True)
class AclEntry:
    number: int
    protocol: str  # "-1" (all) or an IANA number as a string
    allow: bool
    network: Network
    ports: tuple[int, int] | None  # None: a TCP or UDP entry without a valid range (port_range)
    # Derived once here, because the trace evaluates and quotes each entry for thousands of subnets:
    span: Span = field(init=False, compare=False)  # the network as integers, for interval arithmetic
    text: str = field(init=False, compare=False)  # describe()

    def __post_init__(self) -> None:
        action = "allows" if self.allow else "denies"
        proto = "all traffic" if self.protocol == "-1" else _proto_name(self.protocol)
        if self.ports is None:
            ports = " with no valid port range"
        else:
            ports = "" if self.ports == ALL_PORTS else f" ports {self.ports[0]}-{self.ports[1]}"
        object.__setattr__(self, "span", span_of(self.network))
        object.__setattr__(self, "text", f"rule {self.number} {action} {proto}{ports} {self.network}")

    def describe(self) -> str:
        return self.text


def span_of(net: Network) -> Span:
    """Without ``broadcast_address``, a cached property whose first use per network is slow."""
    first = int(net.network_address)
    return (net.version, first, first | ((1 << (net.max_prefixlen - net.prefixlen)) - 1))


def parse_acl_entries(
    raw_entries: list[JsonDict], network_of: NetworkOf = _parse_network
) -> tuple[tuple[AclEntry, ...], tuple[AclEntry, ...]]:
    """(inbound, outbound) entries, lowest rule number first, as AWS evaluates them."""
    inbound: list[AclEntry] = []
    outbound: list[AclEntry] = []
    for raw in raw_entries:
        cidr = raw.get("CidrBlock") or raw.get("Ipv6CidrBlock")
        protocol = _normalise_protocol(str(value_or(raw, "Protocol", "-1")))
        given = raw.get("PortRange")
        given = given if isinstance(given, dict) else {}
        ports = port_range(given.get("From"), given.get("To"), protocol)
        entry = AclEntry(
            number=int(raw["RuleNumber"]),
            protocol=protocol,
            allow=raw["RuleAction"] == "allow",
            network=network_of(str(cidr)),
            ports=ports,
        )
        (outbound if raw["Egress"] else inbound).append(entry)
    return tuple(sorted(inbound, key=_rule_number)), tuple(sorted(outbound, key=_rule_number))


def _rule_number(entry: AclEntry) -> int:
    return entry.number


@dataclass(frozen=True, slots=True)
class SgRule:
    protocol: str  # "-1" or an IANA number as a string
    ports: tuple[int, int] | None  # None: a TCP or UDP rule without a valid range (port_range)
    networks: tuple[Network, ...]
    prefix_list_ids: tuple[str, ...]
    group_ids: tuple[str, ...]

    def covers(self, protocol: str, port: int) -> bool:
        """Certainly allows ``port``: False for a rule whose range is unknown (see ``may_cover``)."""
        if self.protocol not in ("-1", protocol) or self.ports is None:
            return False
        return self.ports[0] <= port <= self.ports[1]

    def may_cover(self, protocol: str) -> bool:
        """A rule of the protocol whose port range is unknown: it may or may not allow the port."""
        return self.ports is None and self.protocol == protocol


def parse_sg_rules(raw_rules: list[JsonDict], network_of: NetworkOf = _parse_network) -> tuple[SgRule, ...]:
    rules = []
    for raw in raw_rules:
        protocol = _normalise_protocol(str(value_or(raw, "IpProtocol", "-1")))
        ports = port_range(raw.get("FromPort"), raw.get("ToPort"), protocol)
        networks = [network_of(r["CidrIp"]) for r in raw.get("IpRanges") or [] if r.get("CidrIp")]
        networks += [network_of(r["CidrIpv6"]) for r in raw.get("Ipv6Ranges") or [] if r.get("CidrIpv6")]
        rules.append(
            SgRule(
                protocol=protocol,
                ports=ports,
                networks=tuple(networks),
                prefix_list_ids=tuple(
                    p["PrefixListId"] for p in raw.get("PrefixListIds") or [] if p.get("PrefixListId")
                ),
                group_ids=tuple(g.get("GroupId", "") for g in raw.get("UserIdGroupPairs") or []),
            )
        )
    return tuple(rules)


_PROTOCOL_NAMES = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "all": "-1"}


def _normalise_protocol(value: str) -> str:
    return _PROTOCOL_NAMES.get(value.lower(), value)


def _proto_name(number: str) -> str:
    return {"6": "TCP", "17": "UDP", "1": "ICMP", "58": "ICMPv6"}.get(number, f"protocol {number}")


def parse_prefix_list_entries(
    raw: JsonDict, network_of: NetworkOf = _parse_network
) -> tuple[Network, ...] | None:
    """The CIDRs of a managed prefix list, or None when its entries are not known: not collected,
    or one without a ``Cidr`` (an IaC value known only after apply), which may cover any address.
    Loading refused every ``Cidr`` that is not a CIDR block."""
    entries = raw.get("Entries")
    if entries is None:
        return None
    nets = []
    for entry in entries:
        cidr = entry.get("Cidr")
        if cidr is None:
            return None
        nets.append(network_of(cidr))
    return tuple(nets)


# VPC Block Public Access exclusion states: in force, and gone for good. Any other state
# (create-in-progress, update-in-progress, update-failed, delete-in-progress, disable-in-progress)
# leaves open whether the exclusion applies.
BPA_EXCLUSION_IN_FORCE = frozenset({"create-complete", "update-complete"})
BPA_EXCLUSION_GONE = frozenset({"create-failed", "delete-complete", "disable-complete"})


@dataclass(frozen=True, slots=True)
class BpaExclusion:
    exclusion_id: str
    resource_id: str  # vpc-... or subnet-..., from the ResourceArn
    mode: str  # allow-bidirectional | allow-egress
    state: str


@dataclass(frozen=True, slots=True)
class BlockPublicAccess:
    """One account's VPC Block Public Access in one region: its mode and exclusions by resource.

    ``mode`` None: not known; ``unreadable`` says why when the options could not be collected, and
    is None when the snapshot does not describe BPA at all (written by hand, or before it was
    collected). ``exclusions`` None: not known either, ``exclusions_gap`` says why."""

    region: str
    mode: str | None
    state: str | None = None
    exclusions_allowed: bool = True
    exclusions: dict[str, tuple[BpaExclusion, ...]] | None = None
    exclusions_gap: str = ""
    unreadable: str | None = None
    unsupported: str | None = None  # the endpoint does not implement BPA (its answer): nothing blocks
    options_failed: bool = False  # ``unreadable`` because collecting the options failed
    exclusions_failed: bool = False  # ``exclusions_gap`` because collecting the exclusions failed


def parse_block_public_access(
    region: str, items: dict[str, list[JsonDict]], errors: dict[str, str]
) -> BlockPublicAccess:
    """The region's BPA from its ``VpcBlockPublicAccessOptions`` (one item) and
    ``VpcBlockPublicAccessExclusions``, with the collection errors of either."""
    options = items.get("VpcBlockPublicAccessOptions")
    failed = errors.get("VpcBlockPublicAccessOptions")
    if failed is not None and not is_failure("VpcBlockPublicAccessOptions", failed):
        return BlockPublicAccess(region, None, unsupported=failed)
    if "VpcBlockPublicAccessOptions" in errors:
        return BlockPublicAccess(
            region, None, unreadable=errors["VpcBlockPublicAccessOptions"], options_failed=True
        )
    if options is None:
        return BlockPublicAccess(region, None)
    if len(options) != 1:
        return BlockPublicAccess(
            region, None, unreadable=f"VpcBlockPublicAccessOptions holds {len(options)} items, not 1"
        )
    exclusions: dict[str, tuple[BpaExclusion, ...]] | None = None
    gap = ""
    if "VpcBlockPublicAccessExclusions" in errors:
        gap = f"its exclusions could not be collected ({errors['VpcBlockPublicAccessExclusions']})"
    elif "VpcBlockPublicAccessExclusions" not in items:
        gap = "its exclusions were not collected"
    else:
        by_resource: dict[str, list[BpaExclusion]] = {}
        for raw in items["VpcBlockPublicAccessExclusions"]:
            resource = (raw.get("ResourceArn") or "").rsplit("/", 1)[-1]
            by_resource.setdefault(resource, []).append(
                BpaExclusion(
                    raw["ExclusionId"],
                    resource,
                    raw.get("InternetGatewayExclusionMode") or "",
                    raw.get("State") or "",
                )
            )
        exclusions = {k: tuple(v) for k, v in by_resource.items()}
    option = options[0]
    mode = option.get("InternetGatewayBlockMode")
    if not mode:
        return BlockPublicAccess(
            region, None, unreadable="VpcBlockPublicAccessOptions has no InternetGatewayBlockMode"
        )
    return BlockPublicAccess(
        region,
        mode=mode,
        state=option.get("State"),
        exclusions_allowed=option.get("ExclusionsAllowed") != "not-allowed",
        exclusions=exclusions,
        exclusions_gap=gap,
        exclusions_failed="VpcBlockPublicAccessExclusions" in errors,
    )
