"""How a need's name resolves inside one VPC, as Route 53 Resolver documents it.

In order:
1. the VPC's DHCP options: anything but the Amazon-provided resolver (``AmazonProvidedDNS``, the
   base address + 2 of the VPC's primary IPv4 block, or ``169.254.169.253``) answers from servers this tool cannot see:
   ``unknown``; and the Amazon resolver needs the VPC's ``EnableDnsSupport`` on;
2. a Route 53 Profile associated with the VPC (an association not ``FAILED`` or ``DELETED``: one
   being created, updated or deleted may be in force): the Profile's private hosted zones, Resolver
   rules and DNS Firewall rule groups apply to the VPC, and they are not collected: ``unknown``,
   naming the Profile and the association;
3. Route 53 Resolver DNS Firewall (``trace.dns_firewall``): the first rule of the VPC's rule
   groups, by priority, whose domain list matches the name decides;
4. where the answer comes from: the Resolver rules associated with the VPC, its private hosted
   zones and the private DNS zones of its interface endpoints, the most specific domain winning
   (a Resolver rule before a zone of the same name). A ``FORWARD`` rule sends the query to other
   resolvers: ``unknown``. A ``SYSTEM`` rule keeps it with Route 53 Resolver (zones, then public
   DNS). A private hosted zone is authoritative: no record for the name means it does not resolve
   (``unreachable`` at the zone); a record points somewhere this tool does not follow (``unknown``).
   An endpoint's zone resolves the name to the endpoint; nothing else: public DNS. A ``FORWARD``
   rule, a private hosted zone or a private DNS interface endpoint whose domain the snapshot does not
   give (no ``DomainName``, ``Name`` or ``ServiceName``; AWS always gives it) may answer any name:
   ``unknown``, as is an order AWS gives by ``Priority`` when an item has none.
"""

from __future__ import annotations

import ipaddress

from fargate_netcheck.core.dns_names import covers, labels, norm, record_matches
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Verdict
from fargate_netcheck.trace.dns_decision import DnsDecision, DnsInputs, gap
from fargate_netcheck.trace.dns_firewall import firewall
from fargate_netcheck.trace.walk import VPC_ATTRIBUTES

AMAZON_DNS = "AmazonProvidedDNS"
_METADATA_RESOLVER = "169.254.169.253"


def resolve(name: str, inputs: DnsInputs) -> DnsDecision:
    name = norm(name)
    for step in (_dhcp, _profile, firewall):
        decision = step(name, inputs)
        if decision is not None:
            return decision
    return _answer(name, inputs)


# -- 1. DHCP options ------------------------------------------------------------------------------
def _dhcp(name: str, inputs: DnsInputs) -> DnsDecision | None:
    vpc = inputs.vpc_id
    if "DhcpOptions" in inputs.gaps:
        return gap(inputs, "DhcpOptions", vpc, f"which DNS servers {vpc} hands its tasks is unknown")
    servers = [AMAZON_DNS]
    dopt = inputs.dhcp_options
    if dopt is not None:
        config = {c.get("Key"): c.get("Values") or [] for c in dopt.get("DhcpConfigurations") or []}
        servers = [v.get("Value") for v in config.get("domain-name-servers", [])]
    where = dopt.get("DhcpOptionsId", vpc) if dopt else vpc
    if None in servers:  # a Values entry without its Value: which server it names is not known
        return DnsDecision(
            Verdict.UNKNOWN,
            where,
            f"DHCP options {where} of {vpc} list a domain-name-servers entry without a Value: which resolver "
            f"answers {name} is unknown",
        )
    own = [s for s in servers if s is not None and not _amazon_resolver(s, inputs.primary_cidr)]
    if not servers:
        return DnsDecision(
            Verdict.UNKNOWN,
            where,
            f"DHCP options {where} of {vpc} name no domain-name-servers: how {name} resolves is unknown",
        )
    if own:
        return DnsDecision(
            Verdict.UNKNOWN,
            where,
            f"DHCP options {where} of {vpc} send DNS queries to {', '.join(own)}, not (only) the Amazon-provided "
            f"resolver: what they answer for {name} is not known",
        )
    if inputs.dns_support is False:
        return DnsDecision(
            Verdict.UNREACHABLE,
            vpc,
            f"{vpc} has EnableDnsSupport off: the Amazon-provided resolver does not answer, so {name} does not resolve",
        )
    if inputs.dns_support is None:
        if VPC_ATTRIBUTES in inputs.gaps:  # DescribeVpcAttribute failed
            return gap(inputs, VPC_ATTRIBUTES, vpc, f"the DNS attributes of {vpc} are not known")
        return DnsDecision(Verdict.UNKNOWN, vpc, f"the DNS attributes of {vpc} were not collected")
    return None


def _amazon_resolver(server: str, primary_cidr: str | None) -> bool:
    """Base + 2 of a secondary block is an address like any other: nothing documented answers there."""
    if server in (AMAZON_DNS, _METADATA_RESOLVER):
        return True
    try:
        address = ipaddress.ip_address(server)
        primary = ipaddress.ip_network(primary_cidr or "", strict=False)
    except ValueError:
        return False
    return address == primary.network_address + 2


# -- 2. Route 53 Profiles ---------------------------------------------------------------------------
# An association in these states applies nothing to the VPC; any other (absent included) may.
PROFILE_NOT_IN_FORCE = frozenset({"FAILED", "DELETED"})


def profile_in_force(association: JsonDict, vpc_id: str) -> bool:
    """Does ``association`` (a ListProfileAssociations item) attach a Profile to ``vpc_id``?
    ``ResourceId`` is the VPC's id, or its ARN (``arn:aws:ec2:<region>:<account>:vpc/<id>``)."""
    resource = str(association.get("ResourceId") or "")
    return resource.rsplit("/", 1)[-1] == vpc_id and (
        str(association.get("Status") or "").upper() not in PROFILE_NOT_IN_FORCE
    )


def _profile(name: str, inputs: DnsInputs) -> DnsDecision | None:
    vpc = inputs.vpc_id
    if inputs.profile_associations is None:
        return gap(
            inputs,
            "Route53ProfileAssociations",
            vpc,
            f"a Route 53 Profile associated with {vpc} may answer or block {name}",
        )
    found = sorted(
        (a for a in inputs.profile_associations if profile_in_force(a, vpc)), key=lambda a: str(a.get("Id"))
    )
    if not found:
        return None
    association = found[0]
    profile = association.get("ProfileId") or "(a Profile not named)"
    owner = f", owner {association['OwnerId']}" if association.get("OwnerId") else ""
    status = association.get("Status") or "status not given"
    return DnsDecision(
        Verdict.UNKNOWN,
        str(profile),
        f"VPC {vpc} uses Route 53 Profile {profile} (association {association.get('Id')}, {status}{owner}): "
        f"its private hosted zones, Resolver forwarding rules and DNS Firewall rule groups are not collected, "
        f"so how {name} resolves is unknown",
    )


# -- 4. Resolver rules, private hosted zones, endpoint zones ------------------------------------
def _answer(name: str, inputs: DnsInputs) -> DnsDecision:
    vpc = inputs.vpc_id
    if inputs.resolver_rules is None:
        return gap(inputs, "ResolverRules", vpc, f"a Resolver rule may forward {name} elsewhere")
    # A rule or zone without its domain name (AWS always gives one) cannot be matched: see below.
    rules = [(r["DomainName"], r) for r in inputs.resolver_rules if _named(r, "DomainName", name)]
    rule_domain, rule = max(rules, key=lambda r: labels(r[0]), default=("", None))
    # Each zone that covers the name, with what answers for it: a private hosted zone (its item)
    # or an interface endpoint's private DNS (its vpce id); a hosted zone first on a tie.
    zone_names: list[tuple[str, JsonDict | str]] = [
        (z["Name"], z) for z in inputs.hosted_zones or [] if _named(z, "Name", name)
    ]
    if inputs.endpoint_zones is None:
        return gap(inputs, "VpcEndpoints", vpc, f"an interface endpoint's private DNS may answer {name}")
    zone_names += [(zone, vpce) for zone, vpce in inputs.endpoint_zones.items() if covers(zone, name)]
    zone = max(zone_names, key=lambda z: labels(z[0]), default=None)
    rule_wins = rule is not None and (zone is None or labels(rule_domain) >= labels(zone[0]))
    if rule is not None and rule_wins and str(rule.get("RuleType")).upper() == "FORWARD":
        targets = ", ".join(
            f"{t.get('Ip') or t.get('Ipv6')}:{t.get('Port', 53)}" for t in rule.get("TargetIps") or []
        )
        rid = rule.get("Id", "?")
        return DnsDecision(
            Verdict.UNKNOWN,
            rid,
            f"Resolver rule {rid} ({rule.get('Name') or rule.get('DomainName')}) forwards {name} "
            f"(domain {norm(rule_domain)}) to {targets or 'other resolvers'}: what they answer is not known",
        )
    unmatched = _unmatched(name, inputs)
    if unmatched is not None:
        return unmatched
    if inputs.hosted_zones is None:
        return gap(inputs, "HostedZones", vpc, f"a private hosted zone may shadow {name}")
    unplaced = _unplaced(name, inputs, zone[0] if zone else None)
    if unplaced is not None:
        return unplaced
    if zone is None:
        return DnsDecision(Verdict.REACHABLE, None, f"{name} resolves through public DNS", "public")
    _zone_name, found = zone
    if isinstance(found, str):
        return _endpoint_answer(name, found, inputs)
    return _zone_answer(name, found, inputs.recorded)


def _unplaced(name: str, inputs: DnsInputs, winner: str | None) -> DnsDecision | None:
    """UNKNOWN when a private hosted zone whose VPC associations are not given covers ``name`` at
    least as closely as what answers it otherwise (the most specific zone wins): it may be
    associated with the VPC, and then it answers."""
    for zone in inputs.unplaced_zones:
        zone_name = zone.get("Name")
        if not isinstance(zone_name, str) or not covers(zone_name, name):
            continue
        if winner is not None and labels(zone_name) < labels(winner):
            continue  # a more specific zone answers, whatever this one is associated with
        zid = str(zone.get("Id", "?")).rsplit("/", 1)[-1]
        return DnsDecision(
            Verdict.UNKNOWN,
            zid,
            f"private hosted zone {norm(zone_name)} ({zid}) covers {name}, and the snapshot does not give its "
            f"VPCs (GetHostedZone's VPC associations): whether it answers {name} in {inputs.vpc_id} is unknown",
            missing=True,
        )
    return None


def _endpoint_answer(name: str, vpce: str, inputs: DnsInputs) -> DnsDecision:
    """``name`` answered by interface endpoint ``vpce``'s private DNS: its address, when that DNS is
    known to be in force and gives IPv4 (A) records, which the walk to the endpoint takes."""
    if inputs.endpoint_dns_doubt is not None:
        return DnsDecision(
            Verdict.UNKNOWN,
            vpce,
            f"interface endpoint {vpce} has private DNS for {name}, and {inputs.endpoint_dns_doubt}: {name} "
            "resolves either to it or through public DNS",
            missing=True,
        )
    if vpce in inputs.transitional_endpoints:
        return DnsDecision(
            Verdict.UNKNOWN,
            vpce,
            f"interface endpoint {vpce} has private DNS for {name} and is {inputs.transitional_endpoints[vpce]}, "
            f"not available: whether {name} resolves to it, which carries no traffic, or through public DNS is "
            "unknown until it settles; scan again",
        )
    if vpce in inputs.aaaa_only_endpoints:
        return DnsDecision(
            Verdict.UNKNOWN,
            vpce,
            f"the private DNS of interface endpoint {vpce} answers {name} with IPv6 (AAAA) records only "
            "(DnsRecordIpType ipv6): a task without an IPv6 address gets no address for it, and the IPv6 path "
            "to the endpoint is not traced",
        )
    return DnsDecision(
        Verdict.REACHABLE,
        vpce,
        f"{name} resolves to interface endpoint {vpce} (its private DNS)",
        vpce,
    )


def _named(item: JsonDict, key: str, name: str) -> bool:
    """``item``'s domain name under ``key`` is given and covers ``name``."""
    domain = item.get(key)
    return isinstance(domain, str) and covers(domain, name)


def _unmatched(name: str, inputs: DnsInputs) -> DnsDecision | None:
    """UNKNOWN when something associated with the VPC may answer ``name`` but its domain is not given
    (null or absent: AWS always gives it): a FORWARD Resolver rule (a SYSTEM one only keeps names with
    Route 53 Resolver, which changes nothing here unless a known FORWARD rule covers the name, decided
    above), a private hosted zone, or an interface endpoint's private DNS."""
    vpc = inputs.vpc_id
    for rule in inputs.resolver_rules or []:
        if rule.get("DomainName") is None and str(rule.get("RuleType")).upper() == "FORWARD":
            rid = rule.get("Id", "?")
            return DnsDecision(
                Verdict.UNKNOWN,
                rid,
                f"Resolver rule {rid} ({rule.get('Name') or 'unnamed'}) of {vpc} forwards a domain the snapshot "
                f"does not give (no DomainName): whether it sends {name} to other resolvers is unknown",
            )
    for zone in inputs.hosted_zones or []:
        if zone.get("Name") is None:
            zid = str(zone.get("Id", "?")).rsplit("/", 1)[-1]
            return DnsDecision(
                Verdict.UNKNOWN,
                zid,
                f"private hosted zone {zid} of {vpc} has no Name in the snapshot: whether it is authoritative "
                f"for {name} is unknown",
            )
    if inputs.unnamed_endpoints:
        vpce = inputs.unnamed_endpoints[0]
        return DnsDecision(
            Verdict.UNKNOWN,
            vpce,
            f"interface endpoint {vpce} of {vpc} has private DNS on and no ServiceName in the snapshot: whether "
            f"its private DNS answers {name} is unknown",
        )
    return None


def _zone_answer(name: str, zone: JsonDict, recorded: frozenset[str] | None = None) -> DnsDecision:
    zid = str(zone.get("Id", "?")).rsplit("/", 1)[-1]
    label = f"private hosted zone {norm(str(zone.get('Name') or ''))} ({zid})"
    records = zone.get("ResourceRecordSets")
    if records is None:
        return DnsDecision(
            Verdict.UNKNOWN,
            zid,
            f"{label} is authoritative for {name} in this VPC, and its records were not collected",
        )
    found = [r for r in records if _record_for(r, name) and r.get("Type") in ("A", "CNAME", "AAAA")]
    # A record set without its Name or Type (AWS always gives both) may be the name's answer.
    vague = next(
        (r for r in records if r.get("Name") is None or (_record_for(r, name) and r.get("Type") is None)),
        None,
    )
    if not found and vague is not None:
        return DnsDecision(
            Verdict.UNKNOWN,
            zid,
            f"{label} holds a record set without a {'Name' if vague.get('Name') is None else 'Type'}: whether it "
            f"answers {name} is unknown",
        )
    looked_up = zone.get("CollectedRecordNames")
    if not found and looked_up is not None and name not in {norm(n) for n in looked_up}:
        return DnsDecision(
            Verdict.UNKNOWN,
            zid,
            f"{label} covers {name}, and its records for that name were not collected (the snapshot looked up "
            f"{', '.join(looked_up) or 'none'}): collect them with `scan --need {name}`, or check live with "
            f"`--need {name}`",
        )
    if not found:
        return DnsDecision(
            Verdict.UNREACHABLE,
            zid,
            f"{label} is associated with the VPC and covers {name}, but has no record for it: the name does not "
            "resolve (NXDOMAIN) inside the VPC",
        )
    record = found[0]
    target = (record.get("AliasTarget") or {}).get("DNSName") or ", ".join(
        v.get("Value") or "?" for v in record.get("ResourceRecords") or []
    )
    return DnsDecision(
        Verdict.UNKNOWN,
        zid,
        f"{label} answers {name} with its {record.get('Type')} record ({target}): where that leads is not followed",
    )


def _record_for(record: JsonDict, name: str) -> bool:
    record_name = record.get("Name")
    return isinstance(record_name, str) and record_matches(record_name, name)
