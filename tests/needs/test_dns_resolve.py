"""Name resolution in a VPC: DHCP options, DNS Firewall, Resolver rules, private hosted zones."""

from __future__ import annotations

import pytest

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.trace.dns import resolve
from fargate_netcheck.trace.dns_decision import DnsInputs

ECR = "api.ecr.us-east-1.amazonaws.com"


def inputs(**kw) -> DnsInputs:
    base = {"vpc_id": "vpc-app", "primary_cidr": "10.0.0.0/16"}
    return DnsInputs(**{**base, **kw})


def dhcp(*servers: str) -> dict:
    return {
        "DhcpOptionsId": "dopt-1",
        "DhcpConfigurations": [{"Key": "domain-name-servers", "Values": [{"Value": s} for s in servers]}],
    }


def firewall(
    action: str, domains: list[str], *, priority: int = 101, rule_priority: int = 1, qtype=None
) -> dict:
    rule = {
        "Name": f"{action.lower()}-rule",
        "Priority": rule_priority,
        "Action": action,
        "FirewallDomainListId": "rslvr-fdl-1",
        "BlockResponse": "NODATA",
    }
    if qtype:
        rule["Qtype"] = qtype
    return {
        "firewall_associations": [
            {
                "VpcId": "vpc-app",
                "FirewallRuleGroupId": "rslvr-frg-1",
                "Priority": priority,
                "Status": "COMPLETE",
            }
        ],
        "firewall_groups": {"rslvr-frg-1": {"Id": "rslvr-frg-1", "FirewallRules": [rule]}},
        "domain_lists": {"rslvr-fdl-1": {"Id": "rslvr-fdl-1", "Domains": domains}},
    }


def forward(domain: str, rule_id: str = "rslvr-rr-fwd", kind: str = "FORWARD") -> dict:
    return {
        "Id": rule_id,
        "DomainName": domain,
        "RuleType": kind,
        "TargetIps": [{"Ip": "192.168.0.2", "Port": 53}],
    }


def test_default_vpc_resolves_through_public_dns():
    decision = resolve(ECR, inputs())
    assert (decision.verdict, decision.answer) == (Verdict.REACHABLE, "public")


@pytest.mark.parametrize("server", ["AmazonProvidedDNS", "10.0.0.2", "169.254.169.253"])
def test_amazon_resolver_under_any_of_its_names(server):
    assert resolve(ECR, inputs(dhcp_options=dhcp(server))).verdict is Verdict.REACHABLE


def test_own_dns_servers_make_the_answer_unknown():
    decision = resolve(ECR, inputs(dhcp_options=dhcp("10.9.9.9", "AmazonProvidedDNS")))
    assert decision.verdict is Verdict.UNKNOWN and decision.at == "dopt-1" and "10.9.9.9" in decision.reason


def test_dns_support_off_means_no_name_resolves():
    decision = resolve(ECR, inputs(dns_support=False))
    assert decision.verdict is Verdict.UNREACHABLE and "EnableDnsSupport" in decision.reason


def test_dns_firewall_blocking_amazonaws_blocks_the_need_at_its_rule():
    decision = resolve(ECR, inputs(**firewall("BLOCK", ["*.amazonaws.com"])))
    assert decision.verdict is Verdict.UNREACHABLE
    assert decision.at == "DNS Firewall rule group rslvr-frg-1 rule block-rule"
    assert "'*.amazonaws.com'" in decision.reason


def test_dns_firewall_wildcard_does_not_cover_the_apex():
    assert (
        resolve("amazonaws.com", inputs(**firewall("BLOCK", ["*.amazonaws.com"]))).verdict
        is Verdict.REACHABLE
    )


def test_dns_firewall_allow_before_block_and_alert_only_logs():
    allow = firewall("ALLOW", [ECR])
    block = firewall("BLOCK", ["*"], rule_priority=2)
    allow["firewall_groups"]["rslvr-frg-1"]["FirewallRules"].append(
        {
            **block["firewall_groups"]["rslvr-frg-1"]["FirewallRules"][0],
            "FirewallDomainListId": "rslvr-fdl-all",
        }
    )
    allow["domain_lists"]["rslvr-fdl-all"] = {"Domains": ["*"]}
    assert resolve(ECR, inputs(**allow)).verdict is Verdict.REACHABLE
    assert resolve("logs.us-east-1.amazonaws.com", inputs(**allow)).verdict is Verdict.UNREACHABLE
    assert resolve(ECR, inputs(**firewall("ALERT", ["*"]))).verdict is Verdict.REACHABLE


def test_an_alert_rule_stops_inspection_so_a_later_block_does_not_apply():
    """AWS, "Rule actions in DNS Firewall": Alert stops inspecting the query, lets it through and
    logs it; a lower-priority Block (in the same group or a later one) never sees the query."""
    alert = firewall("ALERT", [ECR])
    block = firewall("BLOCK", ["*"], rule_priority=2)
    alert["firewall_groups"]["rslvr-frg-1"]["FirewallRules"].append(
        {
            **block["firewall_groups"]["rslvr-frg-1"]["FirewallRules"][0],
            "FirewallDomainListId": "rslvr-fdl-all",
        }
    )
    alert["domain_lists"]["rslvr-fdl-all"] = {"Domains": ["*"]}
    assert resolve(ECR, inputs(**alert)).verdict is Verdict.REACHABLE  # resolution goes on, unblocked
    assert resolve("logs.us-east-1.amazonaws.com", inputs(**alert)).verdict is Verdict.UNREACHABLE


def test_dns_firewall_rule_for_another_query_type_does_not_apply():
    assert resolve(ECR, inputs(**firewall("BLOCK", ["*"], qtype="AAAA"))).verdict is Verdict.REACHABLE


def test_unreadable_domain_list_is_unknown_and_names_fail_open():
    data = firewall("BLOCK", ["*"])
    data["domain_lists"] = {}
    decision = resolve(ECR, inputs(**data, fail_open="DISABLED"))
    assert decision.verdict is Verdict.UNKNOWN and "FirewallFailOpen of vpc-app: DISABLED" in decision.reason


def test_forwarding_rule_for_amazonaws_sends_the_name_elsewhere():
    decision = resolve(ECR, inputs(resolver_rules=[forward("amazonaws.com.")]))
    assert decision.verdict is Verdict.UNKNOWN and decision.at == "rslvr-rr-fwd"
    assert "192.168.0.2:53" in decision.reason


def test_system_rule_takes_a_subdomain_back():
    rules = [forward("amazonaws.com."), forward("us-east-1.amazonaws.com.", "rslvr-rr-sys", "SYSTEM")]
    assert resolve(ECR, inputs(resolver_rules=rules)).verdict is Verdict.REACHABLE
    assert resolve("sts.amazonaws.com", inputs(resolver_rules=rules)).verdict is Verdict.UNKNOWN


def test_endpoint_private_dns_is_more_specific_than_a_forward_of_amazonaws():
    decision = resolve(
        ECR, inputs(resolver_rules=[forward("amazonaws.com")], endpoint_zones={ECR: "vpce-api"})
    )
    assert (decision.verdict, decision.answer) == (Verdict.REACHABLE, "vpce-api")


def zone(name: str, records: list[dict] | None) -> dict:
    out = {"Id": "/hostedzone/Z1", "Name": name, "Config": {"PrivateZone": True}}
    if records is not None:
        out["ResourceRecordSets"] = records
    return out


def test_private_zone_without_the_record_shadows_the_name():
    decision = resolve(ECR, inputs(hosted_zones=[zone("amazonaws.com.", [])]))
    assert decision.verdict is Verdict.UNREACHABLE and decision.at == "Z1" and "NXDOMAIN" in decision.reason


def test_a_zone_whose_records_for_the_name_were_not_looked_up_leaves_it_unknown():
    """A scan looks up only the names it was told (CollectedRecordNames): a name it did not look up
    may well have its record in the zone."""
    collected = {**zone("corp.example.", []), "CollectedRecordNames": ["api.corp.example", "*.corp.example"]}
    decision = resolve("db.corp.example", inputs(hosted_zones=[collected]))
    assert decision.verdict is Verdict.UNKNOWN and decision.at == "Z1"
    assert "scan --need db.corp.example" in decision.reason
    # a name that was looked up and has no record does not resolve
    assert resolve("api.corp.example", inputs(hosted_zones=[collected])).verdict is Verdict.UNREACHABLE


def test_without_the_account_id_the_registry_name_is_never_looked_up_so_its_zone_leaves_it_unknown():
    """GetCallerIdentity failed: the registry's name holds a placeholder. A scan used to look the
    placeholder up as a name, find no record and so answer NXDOMAIN (unreachable)."""
    from fargate_netcheck.needs.catalog import needed_names

    names = needed_names("us-east-1", None)
    assert not any("<account>" in n for n in names) and "api.ecr.us-east-1.amazonaws.com" in names
    collected = {**zone("dkr.ecr.us-east-1.amazonaws.com.", []), "CollectedRecordNames": names}
    placeholder = "<account>.dkr.ecr.us-east-1.amazonaws.com"
    assert resolve(placeholder, inputs(hosted_zones=[collected])).verdict is Verdict.UNKNOWN


def test_private_zone_with_the_record_answers_somewhere_not_followed():
    records = [
        {"Name": "*.ecr.us-east-1.amazonaws.com.", "Type": "A", "ResourceRecords": [{"Value": "10.50.0.10"}]}
    ]
    decision = resolve(ECR, inputs(hosted_zones=[zone("amazonaws.com.", records)]))
    assert decision.verdict is Verdict.UNKNOWN and "10.50.0.10" in decision.reason


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("DhcpOptions", {}),
        ("ResolverRules", {"resolver_rules": None}),
        ("HostedZones", {"hosted_zones": None}),
        ("DnsFirewallRuleGroupAssociations", {"firewall_associations": None}),
    ],
)
def test_kinds_not_collected_leave_the_answer_unknown(kind, field):
    decision = resolve(ECR, inputs(gaps={kind: f"{kind} were not collected in us-east-1"}, **field))
    assert decision.verdict is Verdict.UNKNOWN and kind in decision.reason
