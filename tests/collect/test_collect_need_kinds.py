"""The Network Firewall, Route 53 Resolver / DNS Firewall and hosted-zone collectors against
botocore's Stubber (moto implements little of them): the verbatim shapes they store, their pages,
the per-resource calls they make and what a failure leaves out."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from fargate_netcheck.collect import network_firewall, profiles, resolver, route53
from fargate_netcheck.collect.network_firewall import collect_network_firewall
from fargate_netcheck.collect.resolver import collect_resolver
from fargate_netcheck.collect.route53 import collect_hosted_zones, lookups
from fargate_netcheck.collect.session import client, make_session
from fargate_netcheck.core.model import Verdict
from fargate_netcheck.trace.dns import resolve
from fargate_netcheck.trace.dns_decision import DnsInputs

REGION = "us-east-1"
FW = f"arn:aws:network-firewall:{REGION}:123456789012:firewall/egress"
POLICY = f"arn:aws:network-firewall:{REGION}:123456789012:firewall-policy/egress"
GROUP = f"arn:aws:network-firewall:{REGION}:123456789012:stateful-rulegroup/allow"


@pytest.fixture
def stub():
    made: list[Stubber] = []

    def make(service: str) -> tuple[Any, Stubber]:
        c = client(make_session(None), service, REGION)
        s = Stubber(c)
        s.activate()
        made.append(s)
        return c, s

    yield make
    for s in made:
        s.assert_no_pending_responses()
        s.deactivate()


def test_network_firewall_items_are_the_describe_objects_with_their_status(stub):
    nfw, s = stub("network-firewall")
    s.add_response(
        "list_firewalls", {"Firewalls": [{"FirewallName": "egress", "FirewallArn": FW}], "NextToken": "t"}
    )
    s.add_response("list_firewalls", {"Firewalls": []}, {"NextToken": "t"})
    firewall = {
        "FirewallName": "egress",
        "FirewallArn": FW,
        "FirewallPolicyArn": POLICY,
        "VpcId": "vpc-inspect",
        "SubnetMappings": [{"SubnetId": "subnet-fw"}],
        "FirewallId": "11111111-2222-3333-4444-555555555555",
    }
    status = {
        "Status": "READY",
        "ConfigurationSyncStateSummary": "IN_SYNC",
        "SyncStates": {
            "us-east-1a": {
                "Attachment": {"SubnetId": "subnet-fw", "EndpointId": "vpce-fw", "Status": "READY"}
            }
        },
    }
    s.add_response(
        "describe_firewall",
        {"UpdateToken": "u", "Firewall": firewall, "FirewallStatus": status},
        {"FirewallArn": FW},
    )
    policy = {
        "StatelessDefaultActions": ["aws:forward_to_sfe"],
        "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
        "StatefulRuleGroupReferences": [{"ResourceArn": GROUP}],
    }
    policy_response = {
        "FirewallPolicyName": "egress",
        "FirewallPolicyArn": POLICY,
        "FirewallPolicyId": "11111111-2222-3333-4444-666666666666",
    }
    s.add_response(
        "describe_firewall_policy",
        {"UpdateToken": "u", "FirewallPolicyResponse": policy_response, "FirewallPolicy": policy},
        {"FirewallPolicyArn": POLICY},
    )
    group = {
        "RulesSource": {
            "RulesSourceList": {
                "Targets": [".amazonaws.com"],
                "TargetTypes": ["TLS_SNI"],
                "GeneratedRulesType": "ALLOWLIST",
            }
        }
    }
    group_response = {
        "RuleGroupArn": GROUP,
        "RuleGroupName": "allow",
        "RuleGroupId": "11111111-2222-3333-4444-777777777777",
        "Type": "STATEFUL",
    }
    s.add_response(
        "describe_rule_group",
        {"UpdateToken": "u", "RuleGroup": group, "RuleGroupResponse": group_response},
        {"RuleGroupArn": GROUP},
    )

    items, errors = collect_network_firewall(nfw, max_workers=1)

    assert errors == {}
    assert items["NetworkFirewalls"] == [{**firewall, "FirewallStatus": status}]
    assert items["NetworkFirewallPolicies"] == [{**policy_response, "FirewallPolicy": policy}]
    assert items["NetworkFirewallRuleGroups"] == [{**group_response, "RuleGroup": group}]


def test_a_failed_policy_describe_leaves_policies_and_groups_out(stub):
    nfw, s = stub("network-firewall")
    s.add_response("list_firewalls", {"Firewalls": [{"FirewallName": "egress", "FirewallArn": FW}]})
    s.add_response(
        "describe_firewall",
        {
            "UpdateToken": "u",
            "Firewall": {
                "FirewallArn": FW,
                "FirewallPolicyArn": POLICY,
                "FirewallName": "egress",
                "VpcId": "vpc-1",
                "SubnetMappings": [],
                "FirewallId": "11111111-2222-3333-4444-555555555555",
            },
            "FirewallStatus": {"Status": "READY", "ConfigurationSyncStateSummary": "IN_SYNC"},
        },
    )
    s.add_client_error("describe_firewall_policy", "AccessDeniedException", "no", 403)

    items, errors = collect_network_firewall(nfw, max_workers=1)

    assert list(items) == ["NetworkFirewalls"]
    assert errors == {"NetworkFirewallPolicies": "AccessDeniedException: no"}


def test_list_firewalls_denied_records_all_three_kinds(stub):
    nfw, s = stub("network-firewall")
    s.add_client_error("list_firewalls", "AccessDeniedException", "no", 403)
    items, errors = collect_network_firewall(nfw, max_workers=1)
    assert items == {} and set(errors) == {
        "NetworkFirewalls",
        "NetworkFirewallPolicies",
        "NetworkFirewallRuleGroups",
    }


def _queue_resolver(s: Stubber, domains_error: bool = False) -> None:
    s.add_response(
        "list_resolver_rules",
        {"ResolverRules": [{"Id": "rslvr-rr-1", "DomainName": "amazonaws.com.", "RuleType": "FORWARD"}]},
    )
    s.add_response(
        "list_resolver_rule_associations",
        {"ResolverRuleAssociations": [{"Id": "a1", "ResolverRuleId": "rslvr-rr-1", "VPCId": "vpc-1"}]},
    )
    s.add_response(
        "list_firewall_rule_group_associations",
        {
            "FirewallRuleGroupAssociations": [
                {"Id": "fa1", "FirewallRuleGroupId": "rslvr-frg-1", "VpcId": "vpc-1", "Priority": 101}
            ]
        },
    )
    s.add_response(
        "list_firewall_rule_groups",
        {"FirewallRuleGroups": [{"Id": "rslvr-frg-1"}, {"Id": "rslvr-frg-unused"}]},
    )
    s.add_response(
        "list_firewall_domain_lists",
        {"FirewallDomainLists": [{"Id": "rslvr-fdl-1"}, {"Id": "rslvr-fdl-unused"}]},
    )
    s.add_response(
        "list_firewall_configs",
        {"FirewallConfigs": [{"Id": "c1", "ResourceId": "vpc-1", "FirewallFailOpen": "ENABLED"}]},
    )
    s.add_response(
        "list_firewall_rules",
        {
            "FirewallRules": [
                {
                    "FirewallRuleGroupId": "rslvr-frg-1",
                    "FirewallDomainListId": "rslvr-fdl-1",
                    "Name": "block",
                    "Priority": 1,
                    "Action": "BLOCK",
                }
            ]
        },
        {"FirewallRuleGroupId": "rslvr-frg-1"},
    )
    if domains_error:
        s.add_client_error("list_firewall_domains", "AccessDeniedException", "managed list", 403)
    else:
        s.add_response(
            "list_firewall_domains",
            {"Domains": ["*.amazonaws.com."], "NextToken": "n"},
            {"FirewallDomainListId": "rslvr-fdl-1"},
        )
        s.add_response(
            "list_firewall_domains",
            {"Domains": ["x.example."]},
            {"FirewallDomainListId": "rslvr-fdl-1", "NextToken": "n"},
        )


def test_resolver_lists_each_kind_and_only_the_rules_and_domains_in_use(stub):
    r, s = stub("route53resolver")
    _queue_resolver(s)

    items, errors = collect_resolver(r, max_workers=1)

    assert errors == {}
    groups = {g["Id"]: g for g in items["DnsFirewallRuleGroups"]}
    assert groups["rslvr-frg-1"]["FirewallRules"][0]["Action"] == "BLOCK"
    assert "FirewallRules" not in groups["rslvr-frg-unused"]
    lists = {d["Id"]: d for d in items["DnsFirewallDomainLists"]}
    assert lists["rslvr-fdl-1"]["Domains"] == ["*.amazonaws.com.", "x.example."]
    assert "Domains" not in lists["rslvr-fdl-unused"]
    assert items["DnsFirewallConfigs"][0]["FirewallFailOpen"] == "ENABLED"


def test_unreadable_domains_leave_that_list_without_domains(stub):
    r, s = stub("route53resolver")
    _queue_resolver(s, domains_error=True)
    items, errors = collect_resolver(r, max_workers=1)
    assert "DnsFirewallDomainLists" in items and "Domains" not in items["DnsFirewallDomainLists"][0]
    assert errors == {"DnsFirewallDomains": "AccessDeniedException: managed list"}


def test_hosted_zones_keep_private_zones_of_scanned_vpcs_with_the_records_needs_use(stub):
    r53, s = stub("route53")
    zone = {
        "Id": "/hostedzone/Z1",
        "Name": "amazonaws.com.",
        "CallerReference": "c",
        "Config": {"PrivateZone": True},
    }
    public = {
        "Id": "/hostedzone/Z2",
        "Name": "example.com.",
        "CallerReference": "c",
        "Config": {"PrivateZone": False},
    }
    other = {
        "Id": "/hostedzone/Z3",
        "Name": "corp.internal.",
        "CallerReference": "c",
        "Config": {"PrivateZone": True},
    }
    s.add_response(
        "list_hosted_zones",
        {"HostedZones": [zone, public, other], "IsTruncated": False, "Marker": "", "MaxItems": "100"},
    )
    vpcs = [{"VPCRegion": REGION, "VPCId": "vpc-1"}]
    s.add_response("get_hosted_zone", {"HostedZone": zone, "VPCs": vpcs}, {"Id": "/hostedzone/Z1"})
    s.add_response(
        "get_hosted_zone",
        {"HostedZone": other, "VPCs": [{"VPCRegion": "eu-west-1", "VPCId": "vpc-9"}]},
        {"Id": "/hostedzone/Z3"},
    )
    s.add_response(  # the caller's own zone, already listed: not kept twice
        "list_hosted_zones_by_vpc",
        {
            "HostedZoneSummaries": [
                {"HostedZoneId": "Z1", "Name": "amazonaws.com.", "Owner": {"OwningAccount": "123456789012"}}
            ],
            "MaxItems": "100",
        },
        {"VPCId": "vpc-1", "VPCRegion": REGION},
    )
    record = {
        "Name": "api.ecr.us-east-1.amazonaws.com.",
        "Type": "A",
        "TTL": 60,
        "ResourceRecords": [{"Value": "10.9.0.5"}],
    }
    for name in lookups("amazonaws.com.", "api.ecr.us-east-1.amazonaws.com"):
        answer = [record] if name.startswith("api.") else []
        s.add_response(
            "list_resource_record_sets",
            {"ResourceRecordSets": answer, "IsTruncated": False, "MaxItems": "2"},
            {"HostedZoneId": "Z1", "StartRecordName": name, "MaxItems": "2"},
        )

    zones, errors = collect_hosted_zones(
        r53, {REGION: {"vpc-1"}}, lambda _: ["api.ecr.us-east-1.amazonaws.com", "api.cloudreactor.io"], 1
    )

    assert errors == {}
    looked_up = lookups("amazonaws.com.", "api.ecr.us-east-1.amazonaws.com")
    assert zones == {
        REGION: [{**zone, "VPCs": vpcs, "CollectedRecordNames": looked_up, "ResourceRecordSets": [record]}]
    }


def test_record_lookups_cover_wildcards_down_to_the_apex():
    assert lookups("amazonaws.com.", "api.ecr.us-east-1.amazonaws.com") == [
        "api.ecr.us-east-1.amazonaws.com",
        "*.ecr.us-east-1.amazonaws.com",
        "*.us-east-1.amazonaws.com",
        "*.amazonaws.com",
    ]


@pytest.mark.parametrize("module", [network_firewall, resolver, profiles, route53])
def test_declared_actions_are_operations_of_their_service(module):
    """The shipped policy names real actions: each is an operation of the service the module calls."""
    for action in module.IAM_ACTIONS:
        service, operation = action.split(":")
        model = client(make_session(None), service, REGION).meta.service_model
        assert operation in model.operation_names


def test_a_zone_another_account_associated_with_a_scanned_vpc_is_kept_without_records(stub):
    """ListHostedZones lists only the caller's own zones; a private zone of another account (a hub's
    zone for centralised endpoints) associated with a scanned VPC still answers that VPC's queries.
    ListHostedZonesByVPC names it; its records cannot be read from here, so it is kept without them
    (the names it covers are unknown, never "resolves through public DNS")."""
    r53, s = stub("route53")
    s.add_response(
        "list_hosted_zones", {"HostedZones": [], "IsTruncated": False, "Marker": "", "MaxItems": "100"}
    )
    hub = {
        "HostedZoneId": "ZHUB",
        "Name": "api.ecr.us-east-1.amazonaws.com.",
        "Owner": {"OwningAccount": "999999999999"},
    }
    service = {
        "HostedZoneId": "ZSVC",
        "Name": "efs.internal.",
        "Owner": {"OwningService": "efs.amazonaws.com"},
    }
    s.add_response(
        "list_hosted_zones_by_vpc",
        {"HostedZoneSummaries": [hub], "MaxItems": "100", "NextToken": "t"},
        {"VPCId": "vpc-1", "VPCRegion": REGION},
    )
    s.add_response(
        "list_hosted_zones_by_vpc",
        {"HostedZoneSummaries": [service], "MaxItems": "100"},
        {"VPCId": "vpc-1", "VPCRegion": REGION, "NextToken": "t"},
    )

    zones, errors = collect_hosted_zones(
        r53, {REGION: {"vpc-1"}}, lambda _: ["api.ecr.us-east-1.amazonaws.com"], 1
    )

    assert errors == {}
    assert zones == {
        REGION: [
            {
                "Id": "/hostedzone/ZHUB",
                "Name": "api.ecr.us-east-1.amazonaws.com.",
                "Config": {"PrivateZone": True},
                "Owner": {"OwningAccount": "999999999999"},
                "VPCs": [{"VPCRegion": REGION, "VPCId": "vpc-1"}],
            }
        ]
    }
    decision = resolve(
        "api.ecr.us-east-1.amazonaws.com", DnsInputs("vpc-1", "10.0.0.0/16", hosted_zones=zones[REGION])
    )
    assert decision.verdict is Verdict.UNKNOWN and "records were not collected" in decision.reason


def test_zones_of_a_vpc_that_cannot_be_listed_are_not_known(stub):
    r53, s = stub("route53")
    s.add_response(
        "list_hosted_zones", {"HostedZones": [], "IsTruncated": False, "Marker": "", "MaxItems": "100"}
    )
    s.add_client_error("list_hosted_zones_by_vpc", "AccessDenied", "not authorized", 403)

    zones, errors = collect_hosted_zones(r53, {REGION: {"vpc-1"}}, lambda _: [], 1)

    assert zones == {} and errors == {"HostedZones": "AccessDenied: not authorized"}


def test_the_region_deadline_reaches_every_need_kind_collector(monkeypatch) -> None:
    """``--region-deadline`` bounds the Network Firewall, Resolver, Profile and hosted-zone calls as
    it bounds EC2's: ``collect_need_kinds`` hands each collector the region's deadline."""
    from fargate_netcheck.collect import need_kinds
    from fargate_netcheck.core.call_settings import CallSettings

    seen: dict[str, float | None] = {}

    def recorder(name: str, *answer: Any):
        def collect(*args: Any, deadline_s: float | None = None, **kwargs: Any) -> Any:
            seen[name] = deadline_s if deadline_s is not None else (args[4] if len(args) > 4 else None)
            return answer

        return collect

    monkeypatch.setattr(need_kinds, "collect_network_firewall", recorder("nfw", {}, {}))
    monkeypatch.setattr(need_kinds, "collect_resolver", recorder("resolver", {}, {}))
    monkeypatch.setattr(need_kinds, "collect_profiles", recorder("profiles", {}, {}))
    monkeypatch.setattr(need_kinds, "collect_hosted_zones", recorder("zones", {}, {}))
    bodies = {REGION: {"Vpcs": [], "Errors": {}}}
    need_kinds.collect_need_kinds(
        make_session(None), bodies, account_id="123456789012", settings=CallSettings(region_deadline=7.0)
    )
    # What is left of the region's one deadline (test_review_collector: shared, not given again)
    assert seen == pytest.approx({"nfw": 7.0, "resolver": 7.0, "profiles": 7.0, "zones": 7.0}, abs=0.5)
