"""A firewall policy evaluated for one flow: the stateless engine, then (for what it forwards) the
stateful engine. The entry point of ``fargate_netcheck.trace.nfw``.

Inputs are snapshot items, verbatim: a ``NetworkFirewallPolicies`` item (DescribeFirewallPolicy's
response fields with the ``FirewallPolicy`` object) and the ``NetworkFirewallRuleGroups`` items
(DescribeRuleGroup's, with ``RuleGroup``) by ARN. ``home_net`` is the default ``HOME_NET``: the
CIDRs of the firewall's VPC.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Verdict
from fargate_netcheck.trace.nfw import stateless
from fargate_netcheck.trace.nfw.flow import Flow
from fargate_netcheck.trace.nfw.stateful import (
    GroupRules,
    Step,
    evaluate_stateful,
    group_rules,
    outside_home_net,
    variable_sets,
)
from fargate_netcheck.trace.nfw.suricata_specs import RuleError


@dataclass(frozen=True, slots=True)
class FirewallDecision:
    verdict: Verdict
    at: str  # the rule, rule group or default action that decides (or leaves it unknown)
    reason: str
    notes: tuple[str, ...] = field(default=())
    group: str | None = None  # the rule group that decides; None: the policy (a default action)
    # unknown only for want of the flow's host name (TLS SNI, HTTP Host): a need by name decides it
    host_dependent: bool = False


def _name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1] if arn else "?"


def evaluate_firewall(
    policy_item: JsonDict,
    rule_groups: dict[str, JsonDict],
    flow: Flow,
    home_net: list[str],
) -> FirewallDecision:
    policy = policy_item.get("FirewallPolicy")
    label = f"firewall policy {policy_item.get('FirewallPolicyName') or _name(policy_item.get('FirewallPolicyArn', ''))}"
    if not isinstance(policy, dict):
        return FirewallDecision(Verdict.UNKNOWN, label, f"{label}: its FirewallPolicy was not collected")
    if policy.get("TLSInspectionConfigurationArn"):
        note = "TLS inspection is configured: decrypted traffic may meet rules on its content, which are not evaluated"
    else:
        note = ""
    # -- stateless ---------------------------------------------------------------------------------
    rules: list[stateless.StatelessRule] = []
    for ref in sorted(policy.get("StatelessRuleGroupReferences") or [], key=lambda r: r.get("Priority", 0)):
        item = rule_groups.get(ref.get("ResourceArn", ""))
        if item is None or not isinstance(item.get("RuleGroup"), dict):
            return _missing(label, ref.get("ResourceArn", ""))
        try:
            rules += stateless.parse_group(
                item.get("RuleGroupName") or _name(ref["ResourceArn"]), item["RuleGroup"]
            )
        except RuleError as exc:
            return FirewallDecision(Verdict.UNKNOWN, ref.get("ResourceArn", "?"), f"{label}: {exc}")
    first = stateless.evaluate_stateless(rules, policy, flow)
    if first.action == "aws:drop":
        group = first.where.split(" stateless rule")[0] if " stateless rule" in first.where else None
        return FirewallDecision(
            Verdict.UNREACHABLE, first.where, f"{label}: dropped by {first.where}", (), group
        )
    if first.action == "unknown":
        return FirewallDecision(
            Verdict.UNKNOWN,
            first.where,
            f"{label}: some packets of the flow (or its replies) may be dropped by {first.where}",
        )
    if first.action == "aws:pass":
        return FirewallDecision(
            Verdict.REACHABLE, first.where, f"{label}: passed by {first.where} without stateful inspection"
        )
    # -- stateful ----------------------------------------------------------------------------------
    options = policy.get("StatefulEngineOptions") or {}
    strict = options.get("RuleOrder") == "STRICT_ORDER"
    refs = policy.get("StatefulRuleGroupReferences") or []
    if strict:
        refs = sorted(refs, key=lambda r: r.get("Priority", 0))
    try:
        policy_sets = variable_sets(
            ((policy.get("PolicyVariables") or {}).get("RuleVariables")) or {},
            "PolicyVariables.RuleVariables",
        )
    except (RuleError, AttributeError) as exc:
        return FirewallDecision(Verdict.UNKNOWN, label, f"{label}: {exc}")
    home = policy_sets.get("HOME_NET") or list(home_net)
    groups: list[GroupRules] = []
    for ref in refs:
        item = rule_groups.get(ref.get("ResourceArn", ""))
        if item is None:
            return _missing(label, ref.get("ResourceArn", ""))
        drop_to_alert = (ref.get("Override") or {}).get("Action") == "DROP_TO_ALERT"
        try:
            groups.append(group_rules(item, home, drop_to_alert))
        except RuleError as exc:
            return FirewallDecision(Verdict.UNKNOWN, item.get("RuleGroupArn", "?"), f"{label}: {exc}")
    notes = tuple(
        n for n in [note, *(outside_home_net(g, flow.sources) for g in groups if g.domain_list)] if n
    )
    fates = evaluate_stateful(groups, flow, strict, list(policy.get("StatefulDefaultActions") or []))
    return _decide(label, fates, strict, notes)


def _missing(label: str, arn: str) -> FirewallDecision:
    return FirewallDecision(
        Verdict.UNKNOWN,
        arn or label,
        f"{label}: rule group {arn} is not in the snapshot (NetworkFirewallRuleGroups)",
    )


def _decide(label: str, fates: list[Step], strict: bool, notes: tuple[str, ...]) -> FirewallDecision:
    kinds = {f.kind for f in fates}
    passing = kinds <= {"pass", "continue"}
    why = f" ({'; '.join(notes)})" if notes else ""
    if passing:
        step = next((f for f in fates if f.kind == "pass"), fates[0])
        if step.kind == "pass":
            return FirewallDecision(
                Verdict.REACHABLE, step.where, f"{label}: passed by {step.where}{why}", notes, step.group
            )
        order = "strict order without a dropping default action" if strict else "default action order"
        return FirewallDecision(
            Verdict.REACHABLE,
            label,
            f"{label}: no stateful rule drops the flow ({order}: unmatched traffic passes){why}",
            notes,
        )
    if kinds == {"drop"}:
        step = fates[0]
        return FirewallDecision(
            Verdict.UNREACHABLE, step.where, f"{label}: dropped by {step.where}{why}", notes, step.group
        )
    doubt = next((f for f in fates if f.kind == "unknown"), None) or next(
        f for f in fates if f.kind == "drop"
    )
    doubts = [f for f in fates if f.kind == "unknown"]
    return FirewallDecision(
        Verdict.UNKNOWN,
        doubt.where,
        f"{label}: whether the flow passes depends on {doubt.where}{why}",
        notes,
        doubt.group,
        host_dependent=bool(doubts) and all(f.host for f in doubts),
    )
