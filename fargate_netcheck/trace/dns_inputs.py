"""What ``dns.resolve`` needs of one VPC, read from the snapshot (``DnsInputs``), once per VPC.

A kind that was not collected leaves its part ``None`` and its reason in ``gaps``, so a need's DNS
check is ``unknown`` only when that part matters. Interface endpoints with private DNS, in a VPC
with both DNS attributes on, add the private zone of their service's name.

One exception, like VPC Block Public Access's, so that snapshots written to the documented format
before these kinds existed (by hand, or by an older ``scan``) keep their verdicts: a region that
describes *none* of the name-resolution kinds (no key and no collection error for any of them) is
read as AWS leaves a VPC nobody configured: the Amazon-provided resolver, no Resolver rules, no DNS
Firewall, no Route 53 Profile, no private hosted zones; every DNS check then says so (``assumed``).
A region that describes some of them is read strictly: what it lacks is ``unknown`` (so a snapshot
of an older ``scan``, which lists the others but not ``Route53ProfileAssociations``, leaves its
names ``unknown``: its VPCs may use a Profile).
"""

from __future__ import annotations

import networkx as nx

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.graph.build import region_of
from fargate_netcheck.needs.catalog import aws_suffix, needed_names
from fargate_netcheck.snapshot.store import RegionData
from fargate_netcheck.trace.dns_decision import DnsInputs
from fargate_netcheck.trace.endpoints import (
    dns_off,
    doubtful_endpoints,
    in_transition,
    inbound_resolvers_only,
    is_available,
    item,
    private_dns_endpoints,
    vpc_dns,
)
from fargate_netcheck.trace.walk import VPC_ATTRIBUTES

_NO_RULE_ID = "(unnamed: an association without ResolverRuleId)"
NAME_RESOLUTION_KINDS = (
    "DhcpOptions",
    "ResolverRules",
    "ResolverRuleAssociations",
    "DnsFirewallRuleGroupAssociations",
    "DnsFirewallRuleGroups",
    "DnsFirewallDomainLists",
    "DnsFirewallConfigs",
    "Route53ProfileAssociations",
    "HostedZones",
)
ASSUMED_DEFAULTS = (
    "the snapshot describes none of the name-resolution kinds (written by hand, or by an older scan): read "
    "as AWS's defaults, the Amazon-provided resolver with no Resolver rules, DNS Firewall, Route 53 Profile or "
    "private zones"
)


def describes_name_resolution(rd: RegionData) -> bool:
    """Does the region say anything about name resolution (a key, or a failed collection of one)?"""
    return any(kind in rd.items or kind in rd.errors for kind in NAME_RESOLUTION_KINDS)


def assumed_name_resolution(g: nx.DiGraph) -> list[str]:
    """The report's note on the regions read with AWS's defaults (none, or one line)."""
    regions = sorted(
        f"{rd.account_id or '-'}/{rd.region}"
        for rd in g.graph["regions"].values()
        if not describes_name_resolution(rd)
    )
    return (
        [f"{', '.join(regions)}: {ASSUMED_DEFAULTS} (and VPC endpoints without a policy as full access)"]
        if regions
        else []
    )


def endpoint_zone(service: str, region: str) -> str:
    """The name an interface endpoint's private DNS answers for (with its subdomains)."""
    sfx = aws_suffix(region)
    if service == "ecr.api":
        return f"api.ecr.{region}.{sfx}"
    if service == "ecr.dkr":
        return f"dkr.ecr.{region}.{sfx}"
    return f"{service}.{region}.{sfx}"


def _items(rd: RegionData, kind: str, gaps: dict[str, str]) -> list[JsonDict] | None:
    if rd.collected(kind):
        return rd.items[kind]
    gaps[kind] = rd.gap(kind)
    return None


def dns_inputs(g: nx.DiGraph, vpc_id: str) -> DnsInputs:
    vpc = g.nodes[vpc_id].get("item", {})
    rd = region_of(g, vpc_id)
    if not describes_name_resolution(rd):
        return DnsInputs(
            vpc_id=vpc_id,
            primary_cidr=vpc.get("CidrBlock"),
            dns_support=vpc_dns(g, vpc_id)[0],
            endpoint_zones=_endpoint_zones(g, vpc_id, rd),
            unnamed_endpoints=_unnamed_endpoints(g, vpc_id),
            endpoint_dns_doubt=_endpoint_dns_doubt(g, vpc_id),
            aaaa_only_endpoints=_aaaa_only_endpoints(g, vpc_id),
            transitional_endpoints=_transitional_endpoints(g, vpc_id),
            gaps=_vpc_gaps(g, vpc_id, rd),
            assumed=ASSUMED_DEFAULTS,
        )
    gaps: dict[str, str] = _vpc_gaps(g, vpc_id, rd)
    dhcp = None
    dopt_id = vpc.get("DhcpOptionsId")
    options = _items(rd, "DhcpOptions", gaps)
    if options is not None and dopt_id != "default":
        dhcp = next((o for o in options if o.get("DhcpOptionsId") == dopt_id), None)
        if dhcp is None:
            gaps["DhcpOptions"] = (
                f"the DHCP options {dopt_id} of {vpc_id} are not in the snapshot"
                if dopt_id
                else f"{vpc_id} has no DhcpOptionsId in the snapshot"
            )
    rules = _items(rd, "ResolverRules", gaps)
    associations = _items(rd, "ResolverRuleAssociations", gaps)
    associated = None
    if rules is not None and associations is not None:
        # An association that names no rule names one that is not in the snapshot either.
        ids = {
            str(a.get("ResolverRuleId") or _NO_RULE_ID)
            for a in associations
            if a.get("VPCId") == vpc_id and a.get("Status") != "DELETING"
        }
        associated = [r for r in rules if r.get("Id") in ids]
        if len(associated) < len(ids):
            missing = ", ".join(sorted(ids - {r.get("Id") for r in associated}))
            gaps["ResolverRules"] = (
                f"Resolver rules {missing} associated with {vpc_id} are not in the snapshot"
            )
            associated = None
    if associated is None and "ResolverRules" not in gaps:
        gaps["ResolverRules"] = gaps["ResolverRuleAssociations"]  # the reason, not a generic one
    groups = _items(rd, "DnsFirewallRuleGroups", gaps)
    lists = _items(rd, "DnsFirewallDomainLists", gaps)
    configs = rd.items.get("DnsFirewallConfigs") or []
    zones = _items(rd, "HostedZones", gaps)
    region = rd.region
    return DnsInputs(
        vpc_id=vpc_id,
        primary_cidr=vpc.get("CidrBlock"),
        dns_support=vpc_dns(g, vpc_id)[0],
        dhcp_options=dhcp,
        resolver_rules=associated,
        firewall_associations=_items(rd, "DnsFirewallRuleGroupAssociations", gaps),
        profile_associations=_items(rd, "Route53ProfileAssociations", gaps),
        firewall_groups=None if groups is None else {x.get("Id", ""): x for x in groups},
        domain_lists=None if lists is None else {x.get("Id", ""): x for x in lists},
        fail_open=next((c.get("FirewallFailOpen") for c in configs if c.get("ResourceId") == vpc_id), None),
        hosted_zones=None
        if zones is None
        else [
            z
            for z in zones
            if any(
                # VPCRegion null, as absent: the zone's own region
                v.get("VPCId") == vpc_id and (v.get("VPCRegion") or region) == region
                for v in z.get("VPCs") or []
            )
        ],
        unplaced_zones=tuple(_unplaced_zones(zones or [])),
        endpoint_zones=_endpoint_zones(g, vpc_id, rd),
        unnamed_endpoints=_unnamed_endpoints(g, vpc_id),
        endpoint_dns_doubt=_endpoint_dns_doubt(g, vpc_id),
        aaaa_only_endpoints=_aaaa_only_endpoints(g, vpc_id),
        transitional_endpoints=_transitional_endpoints(g, vpc_id),
        gaps=gaps,
        recorded=frozenset(needed_names(region, rd.account_id)),
    )


def _vpc_gaps(g: nx.DiGraph, vpc_id: str, rd: RegionData) -> dict[str, str]:
    """The gaps of what a VPC's resolution reads besides the name-resolution kinds: the VPC's DNS
    attributes when DescribeVpcAttribute failed, and ``VpcEndpoints`` when the region's endpoints
    were not collected and their private DNS could take effect (DNS not known to be off)."""
    gaps = {VPC_ATTRIBUTES: rd.gap(VPC_ATTRIBUTES)} if rd.failed(VPC_ATTRIBUTES) else {}
    if not rd.collected("VpcEndpoints") and not dns_off(g, vpc_id):
        gaps["VpcEndpoints"] = rd.gap("VpcEndpoints")
    return gaps


def _endpoint_zones(g: nx.DiGraph, vpc_id: str, rd: RegionData) -> dict[str, str] | None:
    """The names the VPC's interface endpoints with private DNS answer, each with its endpoint: for
    an AWS service, its regional name (AWS, CreateVpcEndpoint ``PrivateDnsEnabled``: "the default
    public DNS name for the service for the Region ... resolves to the private IP addresses of the
    endpoint network interfaces"), whatever the service; and the names in the endpoint's
    ``DnsEntries`` other than its own ``vpce`` names (how an endpoint service's private DNS name
    shows). None when the endpoints were not collected: any name may be one of theirs (a failed
    collection is not "no endpoints")."""
    if dns_off(g, vpc_id):
        return {}
    if not rd.collected("VpcEndpoints"):
        return None
    # An attribute not known (EnableDnsHostnames not collected) still lists the zones: the private
    # DNS may be in force, and ``endpoint_dns_doubt`` says why a name they answer is unknown.
    region = rd.region
    zones: dict[str, str] = {}
    for service in sorted(g.nodes[vpc_id].get("endpoints", {})):
        # none available: one in transition may hold the name (``endpoint_doubt`` makes it unknown)
        found = private_dns_endpoints(g, vpc_id, service) or doubtful_endpoints(g, vpc_id, service)
        if not found:
            continue
        if _aws_service(service):
            zones.setdefault(endpoint_zone(service, region), found[0])
        for entry in item(g, found[0]).get("DnsEntries") or []:
            name = entry.get("DnsName") if isinstance(entry, dict) else None
            if isinstance(name, str) and name and not name.rstrip(".").endswith(_VPCE_SUFFIXES):
                zones.setdefault(name.lstrip("*.").rstrip(".").lower(), found[0])
    return zones


_VPCE_SUFFIXES = (".vpce.amazonaws.com", ".vpce.amazonaws.com.cn")


def _aws_service(service: str) -> bool:
    """An AWS service's short name (``sts``, ``ecr.api``), not an endpoint service's full name."""
    return bool(service) and not service.startswith(("com.", "cn.com.")) and "vpce-svc" not in service


def _unnamed_endpoints(g: nx.DiGraph, vpc_id: str) -> tuple[str, ...]:
    """The VPC's interface endpoints with private DNS whose ``ServiceName`` is not given (null or
    absent; AWS always gives it): graph.build indexes them under no service, and their private DNS may
    answer any name (``dns.resolve`` makes the names ``unknown``)."""
    if dns_off(g, vpc_id):
        return ()
    endpoints = {e: item(g, e) for e in g.predecessors(vpc_id) if g.nodes[e].get("kind") == "vpce"}
    return tuple(
        sorted(
            e
            for e, found in endpoints.items()
            if not isinstance(found.get("ServiceName"), str)
            and found.get("VpcEndpointType", "Interface") == "Interface"
            and is_available(found)
            and found.get("PrivateDnsEnabled") is True
            and not inbound_resolvers_only(found)
        )
    )


def _unplaced_zones(zones: list[JsonDict]) -> list[JsonDict]:
    """Private hosted zones without their ``VPCs`` (null or absent: ListHostedZones' items, written by
    hand; GetHostedZone always gives them): which VPCs they are associated with is unknown. A zone
    ``Config`` marks public answers no VPC's query from its private side."""
    return [
        z
        for z in zones
        if not isinstance(z.get("VPCs"), list) and (z.get("Config") or {}).get("PrivateZone") is not False
    ]


def _endpoint_dns_doubt(g: nx.DiGraph, vpc_id: str) -> str | None:
    """Why the private DNS of the VPC's interface endpoints may or may not be in force: it needs both
    DNS attributes on (AWS, "Private DNS"), and one is not known (none known to be off)."""
    if dns_off(g, vpc_id) or None not in vpc_dns(g, vpc_id):
        return None
    unknown = [
        name
        for name, value in zip(("EnableDnsSupport", "EnableDnsHostnames"), vpc_dns(g, vpc_id), strict=True)
        if value is None
    ]
    return (
        f"{' and '.join(unknown)} of {vpc_id} not known (not collected): whether the private DNS of its "
        "interface endpoints is in force is unknown"
    )


def _aaaa_only_endpoints(g: nx.DiGraph, vpc_id: str) -> frozenset[str]:
    """The VPC's interface endpoints whose private DNS names get AAAA records only: ``DnsRecordIpType``
    ``ipv6`` ("Create AAAA records for the private, Regional, and zonal DNS names"), or an endpoint
    with IPv6 addresses only (``IpAddressType`` ``ipv6``)."""
    found = set()
    for e in g.predecessors(vpc_id) if vpc_id in g else ():
        if g.nodes[e].get("kind") != "vpce":
            continue
        endpoint = item(g, e)
        record_type = str((endpoint.get("DnsOptions") or {}).get("DnsRecordIpType") or "").lower()
        if record_type == "ipv6" or str(endpoint.get("IpAddressType") or "").lower() == "ipv6":
            found.add(e)
    return frozenset(found)


def _transitional_endpoints(g: nx.DiGraph, vpc_id: str) -> dict[str, str]:
    """The VPC's interface endpoints whose state is in transition or not recorded
    (``endpoints.in_transition``: pending, deleting, ...), each with its state: their private DNS may
    or may not answer."""
    found = {}
    for e in g.predecessors(vpc_id) if vpc_id in g else ():
        if g.nodes[e].get("kind") == "vpce" and in_transition(item(g, e)):
            found[e] = str(item(g, e).get("State") or "in no state the snapshot records")
    return found
