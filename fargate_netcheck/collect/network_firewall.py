"""Collect AWS Network Firewall: the region's firewalls, the policies they use and the rule groups
those policies reference, as verbatim snapshot items (see ``snapshot_schema_needs``).

One paginated ListFirewalls per region; then one Describe call per firewall, per policy in use and
per rule group referenced (there is no batch form), on the bounded pool. A failed call is recorded
under its kind in ``Errors``, and the kind is left out (not collected).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fargate_netcheck.collect._calls import (
    Job,
    UnexpectedShape,
    call,
    checked_items,
    deadline_after,
    objects,
    paginate,
    run_jobs,
)
from fargate_netcheck.core.json_types import JsonDict

IAM_ACTIONS: tuple[str, ...] = (
    "network-firewall:ListFirewalls",
    "network-firewall:DescribeFirewall",
    "network-firewall:DescribeFirewallPolicy",
    "network-firewall:DescribeRuleGroup",
)
FIREWALLS, POLICIES, RULE_GROUPS = "NetworkFirewalls", "NetworkFirewallPolicies", "NetworkFirewallRuleGroups"
Item = JsonDict


def _part(response: Item, field: str, operation: str) -> Item:
    """``response[field]``, the object the Describe call documents; absent is ``UnexpectedShape``."""
    found = response.get(field)
    if not isinstance(found, dict):
        raise UnexpectedShape(f"{operation}: the response has no {field} object")
    return found


def _firewall(response: Item, operation: str) -> Item:
    return {**_part(response, "Firewall", operation), "FirewallStatus": response.get("FirewallStatus", {})}


def _policy(response: Item, operation: str) -> Item:
    return {
        **_part(response, "FirewallPolicyResponse", operation),
        "FirewallPolicy": response.get("FirewallPolicy", {}),
    }


def _rule_group(response: Item, operation: str) -> Item:
    return {**_part(response, "RuleGroupResponse", operation), "RuleGroup": response.get("RuleGroup", {})}


def _describe(client: Any, key: str, operation: str, params: Item, shape: Any) -> Item:
    """One Describe call's item, checked as the snapshot checks it (``UnexpectedShape`` if not)."""
    return checked_items(key, operation, key, [shape(call(client, operation, **params), operation)])[0]


def _describe_all(
    client: Any,
    key: str,
    operation: str,
    arg: str,
    arns: list[str],
    shape: Any,
    errors: dict[str, str],
    workers: int,
    deadline: float | None,
) -> list[Item] | None:
    found: list[Item] = []
    jobs = [
        Job(key, partial(_describe, client, key, operation, {arg: arn}, shape), found.append) for arn in arns
    ]
    return None if run_jobs(jobs, errors, workers, deadline) else found


def referenced_rule_groups(policies: list[Item]) -> list[str]:
    arns = {
        ref.get("ResourceArn")
        for p in policies
        for field in ("StatelessRuleGroupReferences", "StatefulRuleGroupReferences")
        for ref in (p.get("FirewallPolicy") or {}).get(field) or []
    }
    return sorted(a for a in arns if a)


def _listed(client: Any) -> list[str]:
    """The ARNs of ListFirewalls: a firewall listed without one is ``UnexpectedShape`` (not skipped)."""
    found = objects(
        paginate(client, "ListFirewalls", "Firewalls"), "ListFirewalls", "Firewalls", "FirewallArn"
    )
    return sorted(f["FirewallArn"] for f in found)


def collect_network_firewall(
    client: Any, max_workers: int = 8, deadline_s: float | None = None
) -> tuple[dict[str, list[Item]], dict[str, str]]:
    """``({kind: items}, errors)`` for one region's network-firewall client. ``deadline_s``: the
    region's deadline (seconds from now): what is not finished then is recorded as timed out."""
    errors: dict[str, str] = {}
    deadline = deadline_after(deadline_s)
    arns: list[str] = []
    if run_jobs([Job(FIREWALLS, partial(_listed, client), arns.extend)], errors, max_workers, deadline):
        return {}, {key: errors[FIREWALLS] for key in (FIREWALLS, POLICIES, RULE_GROUPS)}
    out: dict[str, list[Item]] = {}
    firewalls = _describe_all(
        client, FIREWALLS, "DescribeFirewall", "FirewallArn", arns, _firewall, errors, max_workers, deadline
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
        deadline,
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
        deadline,
    )
    if groups is not None:
        out[RULE_GROUPS] = groups
    return out, errors
