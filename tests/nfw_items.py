"""Hand-written Network Firewall snapshot items (DescribeFirewallPolicy / DescribeRuleGroup shapes)."""

from __future__ import annotations

from typing import Any

REGION = "us-east-1"
ACCOUNT = "123456789012"


def group_arn(name: str, kind: str = "stateful") -> str:
    return f"arn:aws:network-firewall:{REGION}:{ACCOUNT}:{kind}-rulegroup/{name}"


def policy_item(
    stateful: list[str],
    *,
    stateless: list[str] = (),
    strict: bool = False,
    defaults: list[str] | None = None,
    stateless_default: str = "aws:forward_to_sfe",
    home_net: list[str] | None = None,
    name: str = "egress-policy",
) -> dict[str, Any]:
    policy: dict[str, Any] = {
        "StatelessDefaultActions": [stateless_default],
        "StatelessFragmentDefaultActions": [stateless_default],
        "StatelessRuleGroupReferences": [
            {"ResourceArn": group_arn(n, "stateless"), "Priority": i + 1} for i, n in enumerate(stateless)
        ],
        "StatefulRuleGroupReferences": [
            {"ResourceArn": group_arn(n), **({"Priority": i + 1} if strict else {})}
            for i, n in enumerate(stateful)
        ],
    }
    if strict:
        policy["StatefulEngineOptions"] = {"RuleOrder": "STRICT_ORDER"}
        policy["StatefulDefaultActions"] = defaults if defaults is not None else ["aws:drop_established"]
    if home_net is not None:
        policy["PolicyVariables"] = {"RuleVariables": {"HOME_NET": {"Definition": home_net}}}
    return {
        "FirewallPolicyArn": f"arn:aws:network-firewall:{REGION}:{ACCOUNT}:firewall-policy/{name}",
        "FirewallPolicyName": name,
        "FirewallPolicy": policy,
    }


def rule_group(
    name: str, source: dict[str, Any], *, home_net: list[str] | None = None, kind="STATEFUL"
) -> dict[str, Any]:
    group: dict[str, Any] = {"RulesSource": source}
    if home_net is not None:
        group["RuleVariables"] = {"IPSets": {"HOME_NET": {"Definition": home_net}}}
    return {
        "RuleGroupArn": group_arn(name, kind.lower()),
        "RuleGroupName": name,
        "Type": kind,
        "RuleGroup": group,
    }


def domain_list(name: str, targets: list[str], kind: str = "ALLOWLIST", **kw: Any) -> dict[str, Any]:
    source = {
        "RulesSourceList": {
            "GeneratedRulesType": kind,
            "TargetTypes": ["TLS_SNI", "HTTP_HOST"],
            "Targets": targets,
        }
    }
    return rule_group(name, source, **kw)


def suricata(name: str, rules: str, **kw: Any) -> dict[str, Any]:
    return rule_group(name, {"RulesString": rules}, **kw)


def by_arn(*items: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["RuleGroupArn"]: i for i in items}
