"""What one VPC's name resolution depends on (``DnsInputs``) and what it decides (``DnsDecision``);
``trace.dns`` resolves, ``trace.dns_inputs`` gathers the inputs from the graph."""

from __future__ import annotations

from dataclasses import dataclass, field

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Verdict


@dataclass(frozen=True, slots=True)
class DnsInputs:
    """What one VPC's resolution depends on. A list is None when its kind was not collected;
    ``gaps`` says why, by snapshot kind."""

    vpc_id: str
    # The VPC's primary IPv4 block: the Amazon resolver answers at its base + 2 ("for VPCs with
    # multiple IPv4 CIDR blocks, the DNS server IP address is located in the primary CIDR block").
    primary_cidr: str | None = None
    dns_support: bool | None = True
    dhcp_options: JsonDict | None = None  # the VPC's set; None with DhcpOptionsId "default"
    resolver_rules: list[JsonDict] | None = field(default_factory=list)  # associated with the VPC
    firewall_associations: list[JsonDict] | None = field(default_factory=list)
    profile_associations: list[JsonDict] | None = field(default_factory=list)  # the region's
    firewall_groups: dict[str, JsonDict] | None = field(default_factory=dict)  # by Id
    domain_lists: dict[str, JsonDict] | None = field(default_factory=dict)  # by Id
    fail_open: str | None = None  # the VPC's DnsFirewallConfigs FirewallFailOpen
    hosted_zones: list[JsonDict] | None = field(default_factory=list)  # private, associated
    # private DNS zone name -> vpce id; None: the endpoints were not collected (any name may be theirs)
    endpoint_zones: dict[str, str] | None = field(default_factory=dict)
    unnamed_endpoints: tuple[str, ...] = ()  # private DNS interface endpoints without a ServiceName
    # Why the endpoints' private DNS may or may not be in force (EnableDnsHostnames not known): their
    # zones are listed, and a name one of them would answer is ``unknown``. None: known.
    endpoint_dns_doubt: str | None = None
    # Endpoints whose private DNS names get AAAA records only (``DnsRecordIpType`` ``ipv6``, or an
    # ``ipv6`` endpoint): an IPv4 walk finds no address there, and the IPv6 one is not traced.
    aaaa_only_endpoints: frozenset[str] = frozenset()
    # Endpoints whose state is in transition or not recorded (pending, deleting): their private DNS
    # may or may not answer the names they hold.
    transitional_endpoints: dict[str, str] = field(default_factory=dict)  # vpce -> its state
    # Private hosted zones whose VPC associations the snapshot does not give (no ``VPCs``, as
    # ListHostedZones lists them): any of them may be associated with the VPC.
    unplaced_zones: tuple[JsonDict, ...] = ()
    gaps: dict[str, str] = field(default_factory=dict)
    recorded: frozenset[str] | None = None  # names whose records the zones hold (None: every name)
    assumed: str = ""  # what was assumed for kinds the snapshot does not describe at all


@dataclass(frozen=True, slots=True)
class DnsDecision:
    verdict: Verdict  # REACHABLE: the name resolves (to ``answer``)
    at: str | None
    reason: str
    answer: str | None = None  # "public" | the vpce id it resolves to
    missing: bool = False  # UNKNOWN because a kind it depends on was not collected


def gap(inputs: DnsInputs, kind: str, at: str, why: str) -> DnsDecision:
    """UNKNOWN because ``kind`` was not collected (``inputs.gaps`` says why): ``why`` it matters."""
    reason = f"{inputs.gaps.get(kind, f'{kind} were not collected')}: {why}"
    return DnsDecision(Verdict.UNKNOWN, at, reason, missing=True)
