"""How a need's name resolves inside one VPC, as Route 53 Resolver documents it.

In order:
1. the VPC's DHCP options: anything but the Amazon-provided resolver (``AmazonProvidedDNS``, the
   base address + 2 of the VPC's primary IPv4 block, or ``169.254.169.253``) answers from servers this tool cannot see:
   ``unknown``; and the Amazon resolver needs the VPC's ``EnableDnsSupport`` on;
2. a Route 53 Profile associated with the VPC (an association not ``FAILED`` or ``DELETED``: one
   being created, updated or deleted may be in force): the Profile's private hosted zones, Resolver
   rules and DNS Firewall rule groups apply to the VPC, and they are not collected: ``unknown``,
   naming the Profile and the association;
3. Route 53 Resolver DNS Firewall: the rule groups associated with the VPC by priority, each
   group's rules by priority; the first rule whose domain list matches the name decides, as AWS
   documents each action: ``ALLOW`` and ``ALERT`` stop inspecting the query and let it through
   (``ALERT`` also logs it), ``BLOCK`` stops it; a domain list that cannot be read leaves it ``unknown`` (the
   VPC's ``FirewallFailOpen`` is named: with it disabled an impaired firewall blocks);
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
from dataclasses import dataclass, field

from fargate_netcheck.core.dns_names import covers, firewall_domain_matches, labels, norm, record_matches
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Verdict
from fargate_netcheck.trace.walk import VPC_ATTRIBUTES

AMAZON_DNS = "AmazonProvidedDNS"
_METADATA_RESOLVER = "169.254.169.253"


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


def resolve(name: str, inputs: DnsInputs) -> DnsDecision:
    name = norm(name)
    for step in (_dhcp, _profile, _firewall):
        decision = step(name, inputs)
        if decision is not None:
            return decision
    return _answer(name, inputs)


def _gap(inputs: DnsInputs, kind: str, at: str, why: str) -> DnsDecision:
    reason = f"{inputs.gaps.get(kind, f'{kind} were not collected')}: {why}"
    return DnsDecision(Verdict.UNKNOWN, at, reason, missing=True)


# -- 1. DHCP options ------------------------------------------------------------------------------
def _dhcp(name: str, inputs: DnsInputs) -> DnsDecision | None:
    vpc = inputs.vpc_id
    if "DhcpOptions" in inputs.gaps:
        return _gap(inputs, "DhcpOptions", vpc, f"which DNS servers {vpc} hands its tasks is unknown")
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
            return _gap(inputs, VPC_ATTRIBUTES, vpc, f"the DNS attributes of {vpc} are not known")
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
        return _gap(
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


# -- 3. DNS Firewall ------------------------------------------------------------------------------
def _firewall(name: str, inputs: DnsInputs) -> DnsDecision | None:
    vpc = inputs.vpc_id
    if inputs.firewall_associations is None:
        return _gap(
            inputs, "DnsFirewallRuleGroupAssociations", vpc, f"a DNS Firewall rule group may block {name}"
        )
    associations = [
        a
        for a in inputs.firewall_associations
        if a.get("VpcId") == vpc and a.get("Status") not in ("DELETING",)
    ]
    fail_open = inputs.fail_open or "DISABLED"
    unordered = _without_priority(associations)
    if unordered is not None:
        return DnsDecision(
            Verdict.UNKNOWN,
            str(unordered.get("Id") or vpc),
            f"DNS Firewall rule group association {unordered.get('Id')} on {vpc} has no Priority: the order of "
            f"its rule groups, so which one decides {name}, is unknown",
        )
    for association in sorted(associations, key=_priority):
        group_id = association.get("FirewallRuleGroupId", "")
        group = (inputs.firewall_groups or {}).get(group_id)
        rules = None if group is None else group.get("FirewallRules")  # null: not collected, as absent
        if inputs.firewall_groups is None or rules is None:
            return _gap(
                inputs,
                "DnsFirewallRuleGroups",
                group_id,
                f"the rules of DNS Firewall rule group {group_id} on {vpc} are unknown",
            )
        unordered = _without_priority(rules)
        if unordered is not None:
            return DnsDecision(
                Verdict.UNKNOWN,
                group_id,
                f"DNS Firewall rule group {group_id} rule {unordered.get('Name') or '(unnamed)'} has no Priority: "
                f"the order of the group's rules, so which one decides {name}, is unknown",
            )
        for rule in sorted(rules, key=_priority):
            decision = _firewall_rule(name, rule, group_id, inputs, fail_open)
            if decision is not None:
                return decision if decision.verdict is not Verdict.REACHABLE else None
    return None


def _priority(item: JsonDict) -> int:
    found = item.get("Priority")
    return found if isinstance(found, int) else 0


def _without_priority(items: list[JsonDict]) -> JsonDict | None:
    """The first of several ``items`` without a Priority (AWS always gives one): their order is unknown."""
    if len(items) < 2:
        return None
    return next((i for i in items if not isinstance(i.get("Priority"), int)), None)


def _firewall_rule(
    name: str, rule: JsonDict, group_id: str, inputs: DnsInputs, fail_open: str
) -> DnsDecision | None:
    qtype = str(rule.get("Qtype") or "A").upper()
    if qtype not in ("A", "ANY"):
        return None  # the task asks for A records
    list_id = rule.get("FirewallDomainListId", "")
    where = f"DNS Firewall rule group {group_id} rule {rule.get('Name') or rule.get('Priority')}"
    if inputs.domain_lists is None:  # the kind was not collected (or failed): say which, and why
        return _gap(
            inputs,
            "DnsFirewallDomainLists",
            where,
            f"{where} checks domain list {list_id}: whether it matches {name} is unknown "
            f"(FirewallFailOpen of {inputs.vpc_id}: {fail_open})",
        )
    domains = (inputs.domain_lists.get(list_id) or {}).get("Domains")
    if domains is None:
        return DnsDecision(
            Verdict.UNKNOWN,
            where,
            f"{where} checks domain list {list_id}, whose domains could not be read: whether it "
            f"matches {name} is unknown (FirewallFailOpen of {inputs.vpc_id}: {fail_open})",
        )
    hit = next((d for d in domains if firewall_domain_matches(d, name)), None)
    if hit is None:
        return None
    action = str(rule.get("Action") or "").upper()
    if action in ("ALLOW", "ALERT"):  # both stop the inspection and let the query through
        how = "allows" if action == "ALLOW" else "lets through, with an alert in the logs,"
        return DnsDecision(Verdict.REACHABLE, where, f"{where} {how} {name} ({hit})")
    if action == "BLOCK":
        response = str(rule.get("BlockResponse") or "NODATA").upper()
        answer = (
            f"answers with {rule.get('BlockOverrideDomain')} instead"
            if response == "OVERRIDE"
            else f"answers {response}"
        )
        return DnsDecision(
            Verdict.UNREACHABLE,
            where,
            f"{where} blocks {name}: it matches {hit!r} of domain list {list_id}; it {answer}",
        )
    return DnsDecision(
        Verdict.UNKNOWN, where, f"{where} has action {action or '(none)'}, which is not interpreted"
    )


# -- 4. Resolver rules, private hosted zones, endpoint zones ------------------------------------
def _answer(name: str, inputs: DnsInputs) -> DnsDecision:
    vpc = inputs.vpc_id
    if inputs.resolver_rules is None:
        return _gap(inputs, "ResolverRules", vpc, f"a Resolver rule may forward {name} elsewhere")
    # A rule or zone without its domain name (AWS always gives one) cannot be matched: see below.
    rules = [(r["DomainName"], r) for r in inputs.resolver_rules if _named(r, "DomainName", name)]
    rule_domain, rule = max(rules, key=lambda r: labels(r[0]), default=("", None))
    # Each zone that covers the name, with what answers for it: a private hosted zone (its item)
    # or an interface endpoint's private DNS (its vpce id); a hosted zone first on a tie.
    zone_names: list[tuple[str, JsonDict | str]] = [
        (z["Name"], z) for z in inputs.hosted_zones or [] if _named(z, "Name", name)
    ]
    if inputs.endpoint_zones is None:
        return _gap(inputs, "VpcEndpoints", vpc, f"an interface endpoint's private DNS may answer {name}")
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
        return _gap(inputs, "HostedZones", vpc, f"a private hosted zone may shadow {name}")
    if zone is None:
        return DnsDecision(Verdict.REACHABLE, None, f"{name} resolves through public DNS", "public")
    _zone_name, found = zone
    if isinstance(found, str):
        return DnsDecision(
            Verdict.REACHABLE,
            found,
            f"{name} resolves to interface endpoint {found} (its private DNS)",
            found,
        )
    return _zone_answer(name, found, inputs.recorded)


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
