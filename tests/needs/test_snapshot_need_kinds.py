"""The new snapshot kinds load when well-formed and fail with one line naming the item otherwise."""

from __future__ import annotations

import copy

import pytest
from nfw_items import domain_list, policy_item

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.store import parse_snapshot

BODY = {
    "NetworkFirewalls": [
        {
            "FirewallArn": "arn:fw",
            "FirewallPolicyArn": "arn:p",
            "VpcId": "vpc-1",
            "SubnetMappings": [{"SubnetId": "subnet-fw"}],
            "FirewallStatus": {"Status": "READY", "SyncStates": {}},
        }
    ],
    "NetworkFirewallPolicies": [policy_item(["allow"])],
    "NetworkFirewallRuleGroups": [domain_list("allow", [".amazonaws.com"])],
    "DhcpOptions": [
        {
            "DhcpOptionsId": "dopt-1",
            "DhcpConfigurations": [
                {"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}
            ],
        }
    ],
    "ResolverRules": [
        {
            "Id": "rslvr-rr-1",
            "DomainName": "amazonaws.com.",
            "RuleType": "FORWARD",
            "TargetIps": [{"Ip": "10.9.9.9", "Port": 53}],
        }
    ],
    "ResolverRuleAssociations": [
        {"Id": "a-1", "ResolverRuleId": "rslvr-rr-1", "VPCId": "vpc-1", "Status": "COMPLETE"}
    ],
    "DnsFirewallRuleGroupAssociations": [
        {"Id": "fa-1", "FirewallRuleGroupId": "rslvr-frg-1", "VpcId": "vpc-1", "Priority": 101}
    ],
    "DnsFirewallRuleGroups": [
        {
            "Id": "rslvr-frg-1",
            "FirewallRules": [{"FirewallDomainListId": "rslvr-fdl-1", "Priority": 1, "Action": "BLOCK"}],
        }
    ],
    "DnsFirewallDomainLists": [{"Id": "rslvr-fdl-1", "Domains": ["*.amazonaws.com."]}],
    "DnsFirewallConfigs": [{"Id": "c-1", "ResourceId": "vpc-1", "FirewallFailOpen": "DISABLED"}],
    "Route53ProfileAssociations": [
        {
            "Id": "rpassoc-1",
            "ProfileId": "rp-1",
            "ResourceId": "vpc-1",
            "Status": "COMPLETE",
            "OwnerId": "111122223333",
            "Name": "hub",
            "CreationTime": "2026-11-01T00:00:00+00:00",
        }
    ],
    "HostedZones": [
        {
            "Id": "/hostedzone/Z1",
            "Name": "amazonaws.com.",
            "Config": {"PrivateZone": True},
            "VPCs": [{"VPCId": "vpc-1", "VPCRegion": "us-east-1"}],
            "ResourceRecordSets": [],
        }
    ],
}


def snapshot(body: dict) -> dict:
    return {"snapshot_version": 1, "account_id": "123456789012", "regions": {"us-east-1": body}}


def test_every_new_kind_loads():
    loaded = parse_snapshot(snapshot(copy.deepcopy(BODY)), "s.json")
    assert set(BODY) <= set(loaded.regions[0].items)


@pytest.mark.parametrize(
    ("kind", "path", "value", "message"),
    [
        (
            "DnsFirewallRuleGroupAssociations",
            ("Priority",),
            "high",
            "s.json: 123456789012/us-east-1: fa-1: Priority must be an integer",
        ),
        ("DnsFirewallDomainLists", ("Domains",), "*.x", "rslvr-fdl-1: Domains must be a list"),
        (
            "NetworkFirewallRuleGroups",
            ("RuleGroup", "RulesSource", "RulesString"),
            5,
            "RulesString must be a str",
        ),
        ("HostedZones", ("VPCs",), [{"VPCId": 7}], "VPCs[0]: VPCId must be a str"),
        (
            "Route53ProfileAssociations",
            ("ResourceId",),
            ["vpc-1"],
            "s.json: 123456789012/us-east-1: rpassoc-1: ResourceId must be a str",
        ),
        ("Route53ProfileAssociations", ("Status",), 1, "rpassoc-1: Status must be a str"),
        (
            "NetworkFirewallPolicies",
            ("FirewallPolicy", "StatefulRuleGroupReferences"),
            [{"Priority": "1"}],
            "Priority must be an integer",
        ),
    ],
)
def test_a_malformed_field_names_the_item_and_field(kind, path, value, message):
    body = copy.deepcopy(BODY)
    target = body[kind][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]").replace("*", r"\*")):
        parse_snapshot(snapshot(body), "s.json")


def test_a_malformed_profile_association_is_one_line():
    body = copy.deepcopy(BODY)
    body["Route53ProfileAssociations"][0]["ProfileId"] = {"Id": "rp-1"}
    with pytest.raises(InputError) as raised:
        parse_snapshot(snapshot(body), "s.json")
    assert (
        str(raised.value) == "s.json: 123456789012/us-east-1: rpassoc-1: ProfileId must be a str, found dict"
    )


def test_a_profile_association_without_its_id_is_an_input_error():
    body = copy.deepcopy(BODY)
    del body["Route53ProfileAssociations"][0]["Id"]
    with pytest.raises(InputError, match="Route53ProfileAssociations\\[0\\]: missing Id"):
        parse_snapshot(snapshot(body), "s.json")


def test_missing_id_is_an_input_error():
    body = copy.deepcopy(BODY)
    del body["ResolverRules"][0]["Id"]
    with pytest.raises(InputError, match="ResolverRules\\[0\\]: missing Id"):
        parse_snapshot(snapshot(body), "s.json")
