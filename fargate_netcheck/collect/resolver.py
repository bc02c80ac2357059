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

from fargate_netcheck.collect._calls import Job, checked_items, deadline_after, paginate, run_jobs
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


def _decoration(client: Any, key: str, item: Item, operation: str, field: str, id_param: str) -> list[Any]:
    """Every item of ``field`` over the pages of ``operation`` for ``item`` (of kind ``key``), checked
    as the snapshot checks ``item`` decorated with it (``UnexpectedShape`` if it would refuse it)."""
    found = paginate(client, operation, field, **{id_param: item["Id"]})
    checked_items(key, operation, field, [{**item, field: found}])
    return found


def _decorate(
    client: Any,
    key: str,
    items: list[Item],
    listing: tuple[str, str, str],
    error_key: str,
    errors: dict[str, str],
    workers: int,
    deadline: float | None,
) -> None:
    """``item[field]`` = every page of ``operation`` for each item (by its ``Id``), for ``listing``
    ``(operation, field, id_param)``; failures under ``error_key``."""
    operation, field, id_param = listing
    jobs = [
        Job(
            error_key,
            partial(_decoration, client, key, item, operation, field, id_param),
            partial(_store, item, field),
        )
        for item in items
    ]
    run_jobs(jobs, errors, workers, deadline)


def collect_resolver(
    client: Any, max_workers: int = 8, deadline_s: float | None = None
) -> tuple[dict[str, list[Item]], dict[str, str]]:
    """``({kind: items}, errors)`` for one region's route53resolver client. ``deadline_s``: the
    region's deadline (seconds from now): what is not finished then is recorded as timed out."""
    errors: dict[str, str] = {}
    found: dict[str, list[Item]] = {}
    deadline = deadline_after(deadline_s)
    run_jobs(
        [Job(k.key, partial(fetch_kind, client, k), partial(_store, found, k.key)) for k in KINDS],
        errors,
        max_workers,
        deadline,
    )
    associated = {a.get("FirewallRuleGroupId") for a in found.get("DnsFirewallRuleGroupAssociations", [])}
    groups = [g for g in found.get("DnsFirewallRuleGroups", []) if g.get("Id") in associated]
    rules = ("ListFirewallRules", "FirewallRules", "FirewallRuleGroupId")
    _decorate(client, "DnsFirewallRuleGroups", groups, rules, RULES_ERROR, errors, max_workers, deadline)
    used = {r.get("FirewallDomainListId") for g in groups for r in g.get("FirewallRules", [])}
    lists = [d for d in found.get("DnsFirewallDomainLists", []) if d.get("Id") in used]
    domains = ("ListFirewallDomains", "Domains", "FirewallDomainListId")
    _decorate(client, "DnsFirewallDomainLists", lists, domains, DOMAINS_ERROR, errors, max_workers, deadline)
    return found, errors
