"""Review of the inspection appliances on the egress path: AWS Network Firewall evaluated on the
internet egress walk by port and address, the endpoint's attachment and sync state, a managed
endpoint whose firewall is missing, application protocols on ports other than 443/80, and rule
groups with fields AWS never leaves empty."""

from __future__ import annotations

from typing import Any

from depth.harness import analyse
from depth.needs_builders import central_egress
from nfw_items import by_arn, domain_list, group_arn, policy_item, rule_group, suricata
from snapshots import region

from fargate_netcheck.checks.registry import load_rules, run_rules
from fargate_netcheck.core.model import TargetResult, Verdict
from fargate_netcheck.rules_api import RuleContext
from fargate_netcheck.trace.nfw.flow import need_flow
from fargate_netcheck.trace.nfw.policy import evaluate_firewall
from fargate_netcheck.trace.nfw.sets import AddressSet

TASK = ("subnet-spoke", ("sg-spoke-task",), False)
ALLOWED = [".amazonaws.com", "api.cloudreactor.io"]


def _snap(**kw: Any) -> dict[str, Any]:
    return central_egress(ALLOWED, **kw)


def _policy(snap: dict[str, Any]) -> dict[str, Any]:
    return region(snap)["NetworkFirewallPolicies"][0]["FirewallPolicy"]


def _firewall(snap: dict[str, Any]) -> dict[str, Any]:
    return region(snap)["NetworkFirewalls"][0]


def _trace(snap: dict[str, Any], **kw: Any) -> TargetResult:
    (r,), _ = analyse(snap, TASK, **kw)
    return r


def _verdicts(r: TargetResult) -> set[Verdict]:
    return {n.result.verdict for n in r.needs}


# -- the policy on the internet egress walk ------------------------------------------------------
def test_stateless_default_drop_makes_the_internet_egress_unreachable():
    snap = _snap()
    _policy(snap)["StatelessDefaultActions"] = ["aws:drop"]
    r = _trace(snap)
    assert (r.internet_egress.verdict, r.internet_egress.blocked_at) == (
        Verdict.UNREACHABLE,
        "central-egress",
    )
    assert "StatelessDefaultActions" in r.internet_egress.reason


def test_a_stateful_drop_of_the_checked_port_is_unreachable_and_reported():
    """`check --port 5432 --destination 8.8.8.0/24`: every need (443) passes, the port does not."""
    snap = _snap(strict=False)
    region(snap)["NetworkFirewallRuleGroups"].append(
        suricata("no-pg", "drop tcp any any -> any 5432 (flow:to_server; sid:1;)")
    )
    _policy(snap)["StatefulRuleGroupReferences"].append({"ResourceArn": group_arn("no-pg")})
    results, g = analyse(snap, TASK, destination="8.8.8.0/24", ports=(5432,))
    egress = results[0].internet_egress
    assert (egress.verdict, egress.blocked_at) == (Verdict.UNREACHABLE, "no-pg")
    assert _verdicts(results[0]) == {Verdict.REACHABLE}
    rules = load_rules(plugins=False)
    found = run_rules([rules["NFW004"]], RuleContext(results, g, {}))
    assert [f.resource_id for f in found] == ["no-pg"]


def test_a_drop_of_part_of_the_destination_splits_it_unknown():
    snap = _snap(strict=False)
    region(snap)["NetworkFirewallRuleGroups"].append(
        suricata("half", "drop tcp any any -> 8.8.8.0/25 5432 (sid:1;)")
    )
    _policy(snap)["StatefulRuleGroupReferences"].append({"ResourceArn": group_arn("half")})
    r = _trace(snap, destination="8.8.8.0/24", ports=(5432,))
    assert r.internet_egress.verdict is Verdict.UNKNOWN


def test_a_domain_allow_list_is_still_decided_by_the_needs_by_name():
    r = _trace(_snap())
    assert r.internet_egress.verdict is Verdict.REACHABLE
    assert _verdicts(r) == {Verdict.REACHABLE}


# -- the endpoint's attachment and sync state -----------------------------------------------------
def test_a_firewall_endpoint_whose_attachment_is_not_ready_is_unknown():
    snap = _snap()
    status = _firewall(snap)["FirewallStatus"]
    status["Status"] = "PROVISIONING"
    status["SyncStates"]["us-east-1a"]["Attachment"]["Status"] = "CREATING"
    r = _trace(snap)
    assert r.internet_egress.verdict is Verdict.UNKNOWN
    assert "CREATING" in r.internet_egress.reason
    assert _verdicts(r) == {Verdict.UNKNOWN}


def test_rules_not_in_sync_at_the_endpoint_are_unknown():
    snap = _snap()
    status = _firewall(snap)["FirewallStatus"]
    status["ConfigurationSyncStateSummary"] = "PENDING"
    status["SyncStates"]["us-east-1a"]["Config"] = {
        group_arn("egress-allow"): {"SyncStatus": "PENDING", "UpdateToken": "t-2"}
    }
    r = _trace(snap)
    assert _verdicts(r) == {Verdict.UNKNOWN}
    assert all("not in sync" in n.result.reason for n in r.needs)


def test_a_managed_firewall_endpoint_whose_firewall_is_missing_is_unknown():
    snap = _snap()
    region(snap)["NetworkFirewalls"] = []  # collected; the endpoint's firewall not among them
    r = _trace(snap)
    assert _verdicts(r) == {Verdict.UNKNOWN}


# -- application protocols on other ports ---------------------------------------------------------
def _flow(port: int, host: str) -> Any:
    return need_flow(AddressSet.of(["10.1.1.0/24"]), AddressSet.of(["8.8.8.0/24"]), port, host)


def test_an_allow_listed_name_on_another_port_is_not_taken_as_tls():
    """PostgreSQL on 5432 is no TLS ClientHello: a `pass tls` SNI rule may not match it, and the
    strict default action drops what no rule passes."""
    allow = domain_list("allow", ["db.example.com"], home_net=["10.0.0.0/8"])
    policy = policy_item(["allow"], strict=True, defaults=["aws:drop_established"])
    d = evaluate_firewall(policy, by_arn(allow), _flow(5432, "db.example.com"), ["10.0.0.0/8"])
    assert d.verdict is Verdict.UNKNOWN


def test_a_drop_of_another_application_protocol_may_match_another_port():
    group = suricata("no-pg", "drop pgsql any any -> any any (sid:1;)")
    d = evaluate_firewall(
        policy_item(["no-pg"]), by_arn(group), _flow(5432, "db.example.com"), ["10.0.0.0/8"]
    )
    assert d.verdict is Verdict.UNKNOWN
    assert (
        evaluate_firewall(
            policy_item(["no-pg"]), by_arn(group), _flow(443, "db.example.com"), ["10.0.0.0/8"]
        ).verdict
        is Verdict.REACHABLE
    )


# -- rule groups with fields AWS never leaves empty -----------------------------------------------
def _stateless(attrs: dict[str, Any]) -> dict[str, Any]:
    rules = [{"Priority": 1, "RuleDefinition": {"Actions": ["aws:drop"], "MatchAttributes": attrs}}]
    return rule_group("sl", {"StatelessRulesAndCustomActions": {"StatelessRules": rules}}, kind="STATELESS")


def test_a_stateless_rule_with_a_null_address_or_port_is_unknown_not_a_crash():
    for attrs in (
        {"Destinations": [{"AddressDefinition": None}]},
        {"DestinationPorts": [{"FromPort": None, "ToPort": 443}]},
    ):
        group = _stateless(attrs)
        policy = policy_item([], stateless=["sl"])
        d = evaluate_firewall(policy, by_arn(group), _flow(443, "x.example.com"), ["10.0.0.0/8"])
        assert d.verdict is Verdict.UNKNOWN
