"""Network Firewall policies as AWS documents them: stateless then stateful, rule orders, domain
lists with HOME_NET, Suricata rules, and 'unknown' for what is not interpreted."""

from __future__ import annotations

import pytest
from nfw_items import by_arn, domain_list, group_arn, policy_item, rule_group, suricata

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.trace.nfw.flow import need_flow
from fargate_netcheck.trace.nfw.policy import evaluate_firewall
from fargate_netcheck.trace.nfw.sets import AddressSet

FIREWALL_VPC = ["10.0.0.0/16"]
INTERNET = AddressSet.of(["52.94.0.0/16"])


def flow(host: str, source: str = "10.0.1.0/24", port: int = 443):
    return need_flow(AddressSet.of([source]), INTERNET, port, host)


def decide(policy, groups, host, **kw):
    return evaluate_firewall(policy, by_arn(*groups), flow(host, **kw), FIREWALL_VPC)


ALLOW_AWS = domain_list("allow-aws", [".amazonaws.com", "api.cloudreactor.io"])


@pytest.mark.parametrize(
    ("host", "verdict"),
    [
        ("api.ecr.us-east-1.amazonaws.com", Verdict.REACHABLE),
        ("amazonaws.com", Verdict.REACHABLE),  # dotprefix: the domain itself too
        ("api.cloudreactor.io", Verdict.REACHABLE),
        ("x.api.cloudreactor.io", Verdict.UNREACHABLE),  # an exact name is only that name
        ("notamazonaws.com", Verdict.UNREACHABLE),
        ("API.ECR.US-EAST-1.AMAZONAWS.COM", Verdict.REACHABLE),
    ],
)
def test_allow_list_passes_listed_domains_and_drops_other_tls(host, verdict):
    assert decide(policy_item(["allow-aws"]), [ALLOW_AWS], host).verdict is verdict


def test_allow_list_without_amazonaws_drops_ecr_at_the_generated_rule():
    only_cr = domain_list("allow-cr", ["api.cloudreactor.io"])
    decision = decide(policy_item(["allow-cr"]), [only_cr], "api.ecr.us-east-1.amazonaws.com")
    assert decision.verdict is Verdict.UNREACHABLE
    assert "allow-cr" in decision.at and "not matching any TLS_SNI allowlisted domain" in decision.at


def test_spoke_outside_home_net_escapes_the_allow_list_in_default_order():
    """HOME_NET defaults to the firewall's VPC: a spoke's traffic matches none of the generated
    rules, and in default action order unmatched traffic passes: evil.com is reachable too."""
    decision = decide(policy_item(["allow-aws"]), [ALLOW_AWS], "evil.example", source="10.1.0.0/24")
    assert decision.verdict is Verdict.REACHABLE
    assert "outside HOME_NET (10.0.0.0/16)" in decision.reason


def test_spoke_outside_home_net_is_dropped_by_strict_default_action():
    policy = policy_item(["allow-aws"], strict=True, defaults=["aws:drop_established"])
    decision = decide(policy, [ALLOW_AWS], "api.ecr.us-east-1.amazonaws.com", source="10.1.0.0/24")
    assert decision.verdict is Verdict.UNREACHABLE
    assert decision.at == "the policy's stateful default action aws:drop_established"
    assert "outside HOME_NET" in decision.reason


@pytest.mark.parametrize("where", ["group", "policy"])
def test_home_net_covering_the_spoke_applies_the_list(where):
    spoke = ["10.0.0.0/16", "10.1.0.0/16"]
    group = domain_list("allow-aws", [".amazonaws.com"], home_net=spoke if where == "group" else None)
    policy = policy_item(["allow-aws"], strict=True, home_net=spoke if where == "policy" else None)
    assert (
        decide(policy, [group], "api.ecr.us-east-1.amazonaws.com", source="10.1.0.0/24").verdict
        is Verdict.REACHABLE
    )
    assert decide(policy, [group], "evil.example", source="10.1.0.0/24").verdict is Verdict.UNREACHABLE


def test_drop_strict_drops_the_handshake_before_any_sni_is_seen():
    policy = policy_item(["allow-aws"], strict=True, defaults=["aws:drop_strict"])
    decision = decide(policy, [ALLOW_AWS], "api.ecr.us-east-1.amazonaws.com")
    assert decision.verdict is Verdict.UNREACHABLE
    assert decision.at == "the policy's stateful default action aws:drop_strict"


def test_default_order_runs_pass_rules_before_drop_rules_of_earlier_groups():
    drop_all = suricata("drop-all", 'drop tls any any -> any any (msg:"no tls"; sid:1;)')
    allow = suricata(
        "allow", 'pass tls any any -> any 443 (tls.sni; content:"amazonaws.com"; endswith; sid:2;)'
    )
    assert (
        decide(policy_item(["drop-all", "allow"]), [drop_all, allow], "logs.us-east-1.amazonaws.com").verdict
        is Verdict.REACHABLE
    )
    strict = policy_item(["drop-all", "allow"], strict=True)
    assert decide(strict, [drop_all, allow], "logs.us-east-1.amazonaws.com").verdict is Verdict.UNREACHABLE


def test_tcp_drop_on_443_kills_the_handshake_even_with_a_tls_pass():
    groups = [
        suricata(
            "g",
            'drop tcp any any -> any 443 (sid:1;)\npass tls any any -> any any (tls.sni; content:"x.io"; sid:2;)',
        )
    ]
    decision = decide(policy_item(["g"]), groups, "x.io")
    assert decision.verdict is Verdict.UNREACHABLE
    assert "drop tcp any any -> any 443" in decision.at


def test_drop_to_alert_override_turns_drops_into_alerts():
    policy = policy_item(["allow-aws"])
    policy["FirewallPolicy"]["StatefulRuleGroupReferences"][0]["Override"] = {"Action": "DROP_TO_ALERT"}
    assert decide(policy, [ALLOW_AWS], "evil.example").verdict is Verdict.REACHABLE


def test_five_tuple_rules_are_evaluated_like_their_suricata_form():
    five = rule_group(
        "five",
        {
            "StatefulRules": [
                {
                    "Action": "DROP",
                    "Header": {
                        "Protocol": "TCP",
                        "Source": "ANY",
                        "SourcePort": "ANY",
                        "Direction": "FORWARD",
                        "Destination": "52.94.0.0/16",
                        "DestinationPort": "443",
                    },
                    "RuleOptions": [{"Keyword": "sid", "Settings": ["5"]}],
                }
            ]
        },
    )
    assert (
        decide(policy_item(["five"]), [five], "api.ecr.us-east-1.amazonaws.com").verdict
        is Verdict.UNREACHABLE
    )
    assert decide(policy_item(["five"]), [five], "x", port=8443).verdict is Verdict.REACHABLE


def test_a_rule_on_part_of_the_destination_leaves_the_verdict_unknown():
    part = suricata("part", "drop tcp any any -> 52.94.1.0/24 any (sid:1;)")
    decision = decide(policy_item(["part"]), [part], "api.ecr.us-east-1.amazonaws.com")
    assert decision.verdict is Verdict.UNKNOWN
    assert "52.94.1.0/24" in decision.at


@pytest.mark.parametrize(
    "rule",
    [
        'drop tls any any -> any any (tls.sni; pcre:"/amazon/"; sid:1;)',
        "drop tls any any -> any any (flowbits:isset,x; sid:1;)",
        "drop tcp @my-ipset any -> any any (sid:1;)",
        "drop tcp $UNDEFINED any -> any any (sid:1;)",
        "this is not a rule",
    ],
)
def test_rules_not_interpreted_make_the_flow_unknown_and_are_quoted(rule):
    decision = decide(policy_item(["g"]), [suricata("g", rule)], "api.ecr.us-east-1.amazonaws.com")
    assert decision.verdict is Verdict.UNKNOWN
    assert rule in decision.reason


def test_rules_not_interpreted_do_not_matter_when_their_header_cannot_match():
    udp = suricata("g", 'drop udp any any -> any 53 (pcre:"/x/"; sid:1;)')
    assert decide(policy_item(["g"]), [udp], "api.ecr.us-east-1.amazonaws.com").verdict is Verdict.REACHABLE


def test_stateless_drop_default_drops_before_any_stateful_rule():
    policy = policy_item(["allow-aws"], stateless_default="aws:drop")
    decision = decide(policy, [ALLOW_AWS], "api.ecr.us-east-1.amazonaws.com")
    assert decision.verdict is Verdict.UNREACHABLE
    assert decision.at == "the policy's StatelessDefaultActions"


def test_stateless_pass_for_requests_only_leaves_replies_to_the_default():
    requests_only = rule_group(
        "out443",
        {
            "StatelessRulesAndCustomActions": {
                "StatelessRules": [
                    {
                        "Priority": 1,
                        "RuleDefinition": {
                            "MatchAttributes": {
                                "DestinationPorts": [{"FromPort": 443, "ToPort": 443}],
                                "Protocols": [6],
                            },
                            "Actions": ["aws:pass"],
                        },
                    }
                ]
            }
        },
        kind="STATELESS",
    )
    policy = policy_item([], stateless=["out443"], stateless_default="aws:drop")
    decision = decide(policy, [requests_only], "api.ecr.us-east-1.amazonaws.com")
    assert decision.verdict is Verdict.UNREACHABLE  # the SYN-ACK from port 443 meets the drop default


def test_a_rule_group_missing_from_the_snapshot_is_unknown():
    decision = decide(policy_item(["gone"]), [], "api.ecr.us-east-1.amazonaws.com")
    assert decision.verdict is Verdict.UNKNOWN
    assert group_arn("gone") in decision.reason


def test_deny_list_drops_only_its_domains():
    deny = domain_list("deny", [".badsite.example"], kind="DENYLIST")
    assert decide(policy_item(["deny"]), [deny], "www.badsite.example").verdict is Verdict.UNREACHABLE
    assert (
        decide(policy_item(["deny"]), [deny], "api.ecr.us-east-1.amazonaws.com").verdict is Verdict.REACHABLE
    )


def test_http_need_on_port_80_meets_the_http_host_rules():
    only_tls = rule_group(
        "tls-only",
        {
            "RulesSourceList": {
                "GeneratedRulesType": "ALLOWLIST",
                "TargetTypes": ["TLS_SNI"],
                "Targets": [".example.com"],
            }
        },
    )
    assert (
        decide(policy_item(["tls-only"]), [only_tls], "www.other.org", port=80).verdict is Verdict.REACHABLE
    )
    assert decide(policy_item(["tls-only"]), [only_tls], "www.other.org").verdict is Verdict.UNREACHABLE


@pytest.mark.parametrize(
    "bad",
    [
        {"RuleVariables": {"IPSets": {"HOME_NET": {"Definition": "10.0.0.0/8"}}}},
        {"RuleVariables": {"IPSets": {"HOME_NET": ["10.0.0.0/8"]}}},
    ],
)
def test_malformed_rule_variables_are_unknown_not_a_crash(bad):
    group = domain_list("allow-aws", [".amazonaws.com"])
    group["RuleGroup"].update(bad)
    assert (
        decide(policy_item(["allow-aws"]), [group], "api.ecr.us-east-1.amazonaws.com").verdict
        is Verdict.UNKNOWN
    )


@pytest.mark.parametrize(
    ("protocol", "port", "verdict"),
    [
        ("tcp-pkt", 443, Verdict.UNREACHABLE),  # Suricata's TCP keywords: a drop on them drops TCP
        ("tcp-stream", 443, Verdict.UNREACHABLE),
        ("http1", 80, Verdict.UNREACHABLE),  # HTTP/1, what detection finds on port 80
        ("http1", 443, Verdict.REACHABLE),  # a TLS flow is no HTTP/1 flow
        ("ssh", 443, Verdict.REACHABLE),  # another application protocol never matches TLS
        ("udp", 443, Verdict.REACHABLE),
        ("tcpp", 443, Verdict.UNKNOWN),  # no protocol Suricata lists: never read as "no match"
    ],
)
def test_a_drop_rule_matches_by_its_header_protocol_as_suricata_reads_it(protocol, port, verdict):
    group = suricata("egress", f'drop {protocol} $HOME_NET any -> $EXTERNAL_NET any (msg:"x"; sid:1;)')
    assert decide(policy_item(["egress"]), [group], "api.example.com", port=port).verdict is verdict
