"""Collect AWS Network Firewall: the region's firewalls, the policies they use and the rule groups
those policies reference, as verbatim snapshot items (see ``snapshot_schema_needs``).

One paginated ListFirewalls per region; then one Describe call per firewall, per policy in use and
per rule group referenced (there is no batch form), on the bounded pool. A failed call is recorded
under its kind in ``Errors``, and the kind is left out (not collected).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fargate_netcheck.collect._calls import COLLECT_ERRORS, Job, call, error_text, paginate, run_jobs
from fargate_netcheck.core.json_types import JsonDict

IAM_ACTIONS: tuple[str, ...] = (
    "network-firewall:ListFirewalls",
    "network-firewall:DescribeFirewall",
    "network-firewall:DescribeFirewallPolicy",
    "network-firewall:DescribeRuleGroup",
)
FIREWALLS, POLICIES, RULE_GROUPS = "NetworkFirewalls", "NetworkFirewallPolicies", "NetworkFirewallRuleGroups"
Item = JsonDict


def _firewall(response: Item) -> Item:
    return {**response.get("Firewall", {}), "FirewallStatus": response.get("FirewallStatus", {})}


def _policy(response: Item) -> Item:
    return {
        **response.get("FirewallPolicyResponse", {}),
        "FirewallPolicy": response.get("FirewallPolicy", {}),
    }


def _rule_group(response: Item) -> Item:
    return {**response.get("RuleGroupResponse", {}), "RuleGroup": response.get("RuleGroup", {})}


def _describe_all(
    client: Any,
    key: str,
    operation: str,
    arg: str,
    arns: list[str],
    shape: Any,
    errors: dict[str, str],
    workers: int,
) -> list[Item] | None:
    found: list[Item] = []
    jobs = [
        Job(key, partial(call, client, operation, **{arg: arn}), lambda r: found.append(shape(r)))
        for arn in arns
    ]
    return None if run_jobs(jobs, errors, workers) else found


def referenced_rule_groups(policies: list[Item]) -> list[str]:
    arns = {
        ref.get("ResourceArn")
        for p in policies
        for field in ("StatelessRuleGroupReferences", "StatefulRuleGroupReferences")
        for ref in (p.get("FirewallPolicy") or {}).get(field) or []
    }
    return sorted(a for a in arns if a)


def collect_network_firewall(
    client: Any, max_workers: int = 8
) -> tuple[dict[str, list[Item]], dict[str, str]]:
    """``({kind: items}, errors)`` for one region's network-firewall client."""
    errors: dict[str, str] = {}
    try:
        listed = paginate(client, "ListFirewalls", "Firewalls")
    except COLLECT_ERRORS as exc:
        return {}, {key: error_text(exc) for key in (FIREWALLS, POLICIES, RULE_GROUPS)}
    out: dict[str, list[Item]] = {}
    arns = sorted(f["FirewallArn"] for f in listed if f.get("FirewallArn"))
    firewalls = _describe_all(
        client, FIREWALLS, "DescribeFirewall", "FirewallArn", arns, _firewall, errors, max_workers
    )
    if firewalls is None:
        return out, errors
    out[FIREWALLS] = firewalls
    policy_arns = sorted({f["FirewallPolicyArn"] for f in firewalls if f.get("FirewallPolicyArn")})
    policies = _describe_all(
        client,
        POLICIES,
        "DescribeFirewallPolicy",
        "FirewallPolicyArn",
        policy_arns,
        _policy,
        errors,
        max_workers,
    )
    if policies is None:
        return out, errors
    out[POLICIES] = policies
    groups = _describe_all(
        client,
        RULE_GROUPS,
        "DescribeRuleGroup",
        "RuleGroupArn",
        referenced_rule_groups(policies),
        _rule_group,
        errors,
        max_workers,
    )
    if groups is not None:
        out[RULE_GROUPS] = groups
    return out, errors
