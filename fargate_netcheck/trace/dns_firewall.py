"""Route 53 Resolver DNS Firewall on a query (step 3 of ``trace.dns``): the rule groups associated
with the VPC by priority, each group's rules by priority; the first rule whose domain list matches
the name decides, as AWS documents each action: ``ALLOW`` and ``ALERT`` stop inspecting the query
and let it through (``ALERT`` also logs it), ``BLOCK`` stops it. A domain list that cannot be read,
or an order AWS gives by ``Priority`` when an item has none, leaves it ``unknown`` (the VPC's
``FirewallFailOpen`` is named: with it disabled an impaired firewall blocks)."""

from __future__ import annotations

from fargate_netcheck.core.dns_names import firewall_domain_matches
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Verdict
from fargate_netcheck.trace.dns_decision import DnsDecision, DnsInputs, gap


def firewall(name: str, inputs: DnsInputs) -> DnsDecision | None:
    vpc = inputs.vpc_id
    if inputs.firewall_associations is None:
        return gap(
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
            return gap(
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


# A rule's Qtype may name a query type by its DNS type ID ("TYPE28" for AAAA; AWS, CreateFirewallRule):
# TYPE1 is A, the query the task makes.
_BY_TYPE_ID = {"TYPE1": "A", "TYPE28": "AAAA", "TYPE5": "CNAME", "TYPE255": "ANY"}


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
    qtype = _BY_TYPE_ID.get(qtype, qtype)
    if qtype not in ("A", "ANY"):
        return None  # the task asks for A records
    list_id = rule.get("FirewallDomainListId", "")
    where = f"DNS Firewall rule group {group_id} rule {rule.get('Name') or rule.get('Priority')}"
    if inputs.domain_lists is None:  # the kind was not collected (or failed): say which, and why
        return gap(
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
