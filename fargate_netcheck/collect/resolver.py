"""Collect Route 53 Resolver: its rules and their VPC associations, and DNS Firewall (rule group
associations, rule groups with their ``FirewallRules``, domain lists with their ``Domains``, the
per-VPC configs with ``FirewallFailOpen``).

One paginated List call per kind per region. Rules are listed only for the rule groups associated
with a VPC, and domains only for the lists those rules use (there is no bulk form). A list whose
domains cannot be read (an AWS-managed list, say) keeps no ``Domains``: what depends on it is
``unknown``; the failure is recorded under ``Errors["DnsFirewallDomains"]``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fargate_netcheck.collect._calls import Job, paginate, run_jobs
from fargate_netcheck.collect.ec2 import Kind, fetch_kind
from fargate_netcheck.core.json_types import JsonDict

KINDS: tuple[Kind, ...] = (
    Kind("ResolverRules", "ListResolverRules", "ResolverRules", "route53resolver:ListResolverRules"),
    Kind(
        "ResolverRuleAssociations",
        "ListResolverRuleAssociations",
        "ResolverRuleAssociations",
        "route53resolver:ListResolverRuleAssociations",
    ),
    Kind(
        "DnsFirewallRuleGroupAssociations",
        "ListFirewallRuleGroupAssociations",
        "FirewallRuleGroupAssociations",
        "route53resolver:ListFirewallRuleGroupAssociations",
    ),
    Kind(
        "DnsFirewallRuleGroups",
        "ListFirewallRuleGroups",
        "FirewallRuleGroups",
        "route53resolver:ListFirewallRuleGroups",
    ),
    Kind(
        "DnsFirewallDomainLists",
        "ListFirewallDomainLists",
        "FirewallDomainLists",
        "route53resolver:ListFirewallDomainLists",
    ),
    Kind(
        "DnsFirewallConfigs", "ListFirewallConfigs", "FirewallConfigs", "route53resolver:ListFirewallConfigs"
    ),
)
RULES_ERROR, DOMAINS_ERROR = "DnsFirewallRules", "DnsFirewallDomains"
IAM_ACTIONS: tuple[str, ...] = (
    *(k.iam_action for k in KINDS),
    "route53resolver:ListFirewallRules",
    "route53resolver:ListFirewallDomains",
)
Item = JsonDict


def _store(into: JsonDict, key: str, value: Any) -> None:
    into[key] = value


def _decorate(
    client: Any,
    items: list[Item],
    operation: str,
    field: str,
    id_param: str,
    error_key: str,
    errors: dict[str, str],
    workers: int,
) -> None:
    """``item[field]`` = every page of ``operation`` for each item (by its ``Id``); failures under ``error_key``."""
    jobs = [
        Job(
            error_key,
            partial(paginate, client, operation, field, **{id_param: item["Id"]}),
            partial(_store, item, field),
        )
        for item in items
    ]
    run_jobs(jobs, errors, workers)


def collect_resolver(client: Any, max_workers: int = 8) -> tuple[dict[str, list[Item]], dict[str, str]]:
    """``({kind: items}, errors)`` for one region's route53resolver client."""
    errors: dict[str, str] = {}
    found: dict[str, list[Item]] = {}
    run_jobs(
        [Job(k.key, partial(fetch_kind, client, k), partial(_store, found, k.key)) for k in KINDS],
        errors,
        max_workers,
    )
    associated = {a.get("FirewallRuleGroupId") for a in found.get("DnsFirewallRuleGroupAssociations", [])}
    groups = [g for g in found.get("DnsFirewallRuleGroups", []) if g.get("Id") in associated]
    _decorate(
        client,
        groups,
        "ListFirewallRules",
        "FirewallRules",
        "FirewallRuleGroupId",
        RULES_ERROR,
        errors,
        max_workers,
    )
    used = {r.get("FirewallDomainListId") for g in groups for r in g.get("FirewallRules", [])}
    lists = [d for d in found.get("DnsFirewallDomainLists", []) if d.get("Id") in used]
    _decorate(
        client,
        lists,
        "ListFirewallDomains",
        "Domains",
        "FirewallDomainListId",
        DOMAINS_ERROR,
        errors,
        max_workers,
    )
    return found, errors
