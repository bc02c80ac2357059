"""Teach moto's Route 53 Resolver the DNS Firewall list actions, answered as an account without
DNS Firewall (moto 5 implements Resolver rules but none of ``ListFirewallRuleGroupAssociations``,
``ListFirewallRuleGroups``, ``ListFirewallDomainLists``, ``ListFirewallConfigs``: in-process they
raise ``NotImplementedError``, and ``moto.server`` answers a server error). The collector lists them
in every region, so wherever fargate-netcheck runs against an embedded moto ``install()`` is called
first, as for ``moto_bpa``. A moto that implements an action keeps its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_EMPTY = {
    "list_firewall_rule_group_associations": "FirewallRuleGroupAssociations",
    "list_firewall_rule_groups": "FirewallRuleGroups",
    "list_firewall_domain_lists": "FirewallDomainLists",
    "list_firewall_configs": "FirewallConfigs",
}


def _empty(key: str) -> Callable[[Any], str]:
    def action(self: Any) -> str:
        return json.dumps({key: []})

    return action


def install() -> list[str]:
    """Add the missing actions to moto's ``Route53ResolverResponse``. Idempotent; returns the
    actions added by this call. Needs moto installed."""
    from moto.route53resolver.responses import Route53ResolverResponse

    added = []
    for name, key in _EMPTY.items():
        if not hasattr(Route53ResolverResponse, name):
            setattr(Route53ResolverResponse, name, _empty(key))
            added.append(name)
    return added
