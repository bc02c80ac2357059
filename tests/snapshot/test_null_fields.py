"""A null field on an item is read as its absence (docs/snapshot-format.md), never as a crash: where
AWS always gives the field, its absence leaves the verdict ``unknown`` (never ``reachable``), and a
present value of the wrong type is refused at load with one line naming the item."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cli_helpers import run_cli
from depth.builders import endpoints_only, firewalled
from snapshots import healthy, item, region, write

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.fast_check import ItemChecker
from fargate_netcheck.snapshot.schema import validate_item

NEED = "api.partner.example"
FIREWALL_ARN = "arn:aws:network-firewall:us-east-1:123456789012:firewall/egress"


def run(capsys, tmp_path, snap: dict[str, Any], *args: str):
    r = run_cli(capsys, *args[:1], "--snapshot", str(write(snap, tmp_path / "snap.json")), *args[1:])
    assert "internal error" not in r.err and "Traceback" not in r.err, r.err
    return r


def check(capsys, tmp_path, snap: dict[str, Any], *args: str) -> dict[str, Any]:
    r = run(capsys, tmp_path, snap, "check", *args, "-f", "json")
    assert r.code == 1, r.err  # every case leaves something unknown or unreachable
    return json.loads(r.out)


def need_of(capsys, tmp_path, snap: dict[str, Any]) -> dict[str, Any]:
    """The need ``NEED`` of subnet-private with sg-open in ``snap`` (a variant of ``healthy()``)."""
    args = ("--subnet", "subnet-private", "--security-group", "sg-open", "--need", NEED)
    (target,) = check(capsys, tmp_path, snap, *args)["targets"]
    return next(n for n in target["needs"] if n["name"] == NEED)


# -- each case: a null where AWS always gives a value, which leaves NEED's resolution undecidable --------
def _dhcp_value(snap):
    item(snap, "DhcpOptions", "dopt-amazon")["DhcpConfigurations"][0]["Values"] = [{"Value": None}]


def _firewall(snap, groups: list[dict[str, Any]], priorities=(101,)):
    reg = region(snap)
    reg["DnsFirewallRuleGroupAssociations"] = [
        {"Id": f"rslvr-frgassoc-{i}", "FirewallRuleGroupId": g["Id"], "VpcId": "vpc-app", "Priority": p}
        for i, (g, p) in enumerate(zip(groups, priorities, strict=True))
    ]
    reg["DnsFirewallRuleGroups"] = groups
    reg["DnsFirewallDomainLists"] = [{"Id": "rslvr-fdl-1", "Domains": [NEED]}]


def _rule(name: str, priority: int | None, action: str = "BLOCK") -> dict[str, Any]:
    return {"Name": name, "Priority": priority, "Action": action, "FirewallDomainListId": "rslvr-fdl-1"}


def _firewall_rules(snap):
    _firewall(snap, [{"Id": "rslvr-frg-1", "FirewallRules": None}])


def _association_priority(snap):
    groups = [
        {"Id": "rslvr-frg-allow", "FirewallRules": [_rule("allow", 1, "ALLOW")]},
        {"Id": "rslvr-frg-block", "FirewallRules": [_rule("block", 1)]},
    ]
    _firewall(snap, groups, priorities=(200, None))


def _rule_priority(snap):
    _firewall(
        snap, [{"Id": "rslvr-frg-1", "FirewallRules": [_rule("allow", 1, "ALLOW"), _rule("block", None)]}]
    )


def _resolver_rule_domain(snap):
    reg = region(snap)
    reg["ResolverRules"] = [
        {"Id": "rslvr-rr-1", "DomainName": None, "RuleType": "FORWARD", "TargetIps": [{"Ip": "10.9.9.9"}]}
    ]
    reg["ResolverRuleAssociations"] = [
        {"Id": "rslvr-rrassoc-1", "ResolverRuleId": "rslvr-rr-1", "VPCId": "vpc-app"}
    ]


def _endpoint_service(snap):
    region(snap)["VpcEndpoints"] = [
        {
            "VpcEndpointId": "vpce-unnamed",
            "VpcId": "vpc-app",
            "ServiceName": None,
            "VpcEndpointType": "Interface",
            "State": "available",
            "PrivateDnsEnabled": True,
            "SubnetIds": ["subnet-private"],
        }
    ]


def _zone(snap, name: str | None, records: list[dict[str, Any]]):
    region(snap)["HostedZones"] = [
        {
            "Id": "/hostedzone/Z1",
            "Name": name,
            "Config": {"PrivateZone": True},
            "VPCs": [{"VPCId": "vpc-app", "VPCRegion": "us-east-1"}],
            "ResourceRecordSets": records,
        }
    ]


def _zone_name(snap):
    _zone(snap, None, [])


def _record_name(snap):
    _zone(snap, "partner.example.", [{"Name": None, "Type": "A", "ResourceRecords": [{"Value": "10.0.0.9"}]}])


def _record_type(snap):
    _zone(
        snap,
        "partner.example.",
        [{"Name": f"{NEED}.", "Type": None, "ResourceRecords": [{"Value": "10.0.0.9"}]}],
    )


def _record_value(snap):
    _zone(snap, "partner.example.", [{"Name": f"{NEED}.", "Type": "A", "ResourceRecords": [{"Value": None}]}])


UNDECIDABLE: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "DhcpOptions Values[].Value": (_dhcp_value, "domain-name-servers entry without a Value"),
    "DnsFirewallRuleGroups FirewallRules": (_firewall_rules, "rules of DNS Firewall rule group rslvr-frg-1"),
    "DnsFirewallRuleGroupAssociations Priority": (
        _association_priority,
        "rslvr-frgassoc-1 on vpc-app has no Priority",
    ),
    "DnsFirewallRuleGroups FirewallRules[].Priority": (_rule_priority, "rule block has no Priority"),
    "ResolverRules DomainName": (_resolver_rule_domain, "Resolver rule rslvr-rr-1"),
    "VpcEndpoints ServiceName": (_endpoint_service, "interface endpoint vpce-unnamed"),
    "HostedZones Name": (_zone_name, "private hosted zone Z1 of vpc-app has no Name"),
    "HostedZones ResourceRecordSets[].Name": (_record_name, "record set without a Name"),
    "HostedZones ResourceRecordSets[].Type": (_record_type, "record set without a Type"),
    "HostedZones ResourceRecordSets[].ResourceRecords[].Value": (_record_value, "A record (?)"),
}


@pytest.mark.parametrize("case", sorted(UNDECIDABLE))
def test_a_null_that_leaves_a_name_undecidable_makes_its_need_unknown(capsys, tmp_path, case):
    mutate, reason = UNDECIDABLE[case]
    snap = healthy()
    mutate(snap)
    need = need_of(capsys, tmp_path, snap)
    assert need["verdict"] == "unknown", need["reason"]
    assert reason in need["reason"]


def test_a_null_vpc_region_of_a_zone_association_is_the_zones_own_region(capsys, tmp_path):
    """VPCRegion null reads as absent: the zone (no record for the name) answers NXDOMAIN in vpc-app,
    rather than the zone being skipped and the name resolving through public DNS."""
    snap = healthy()
    _zone(snap, "partner.example.", [])
    region(snap)["HostedZones"][0]["VPCs"][0]["VPCRegion"] = None
    need = need_of(capsys, tmp_path, snap)
    assert (need["verdict"], need["blocked_at"]) == ("unreachable", "Z1"), need["reason"]


# -- a VPC endpoint whose State is null: whether it is available is not known --------------------------
def _firewall_endpoint_state() -> tuple[dict[str, Any], tuple[str, ...]]:
    snap = firewalled()
    item(snap, "VpcEndpoints", "vpce-fw")["State"] = None
    return snap, ("--subnet", "subnet-private", "--security-group", "sg-open")


def _gateway_endpoint_state() -> tuple[dict[str, Any], tuple[str, ...]]:
    snap = endpoints_only()
    item(snap, "VpcEndpoints", "vpce-s3")["State"] = None
    return snap, ("--subnet", "subnet-app-a", "--security-group", "sg-task", "--destination", "aws:S3")


@pytest.mark.parametrize(
    ("build", "vpce"), [(_firewall_endpoint_state, "vpce-fw"), (_gateway_endpoint_state, "vpce-s3")]
)
def test_a_null_endpoint_state_is_unknown_never_available(capsys, tmp_path, build, vpce):
    snap, args = build()
    (target,) = check(capsys, tmp_path, snap, *args)["targets"]
    egress = target["internet_egress"]
    assert egress["verdict"] == "unknown"
    assert f"{vpce} has no State: whether it is available is unknown" in egress["reason"]


def test_a_firewall_endpoint_without_service_name_is_labelled_not_a_crash(capsys, tmp_path):
    snap = firewalled()
    item(snap, "VpcEndpoints", "vpce-fw")["ServiceName"] = None
    item(snap, "VpcEndpoints", "vpce-fw")["Tags"] = []
    (target,) = check(capsys, tmp_path, snap, "--subnet", "subnet-private", "--security-group", "sg-open")[
        "targets"
    ]
    assert target["internet_egress"]["verdict"] in ("reachable", "unknown")


def test_a_null_route_table_association_state_is_associated_as_when_absent(capsys, tmp_path):
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Associations"][0]["AssociationState"] = {"State": None}
    r = run(capsys, tmp_path, snap, "check", "--subnet", "subnet-private", "-f", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["targets"][0]["internet_egress"]["path"][:2] == ["subnet-private", "rtb-private"]


def test_the_graph_of_an_endpoint_without_service_name_exports(capsys, tmp_path):
    snap = healthy()
    _endpoint_service(snap)
    r = run(capsys, tmp_path, snap, "graph", "-f", "json")
    assert r.code == 0, r.err
    assert "vpce-unnamed" in {n["id"] for n in json.loads(r.out)["nodes"]}


# -- Network Firewall SyncStates: each zone's value is a SyncState, checked at load ------------------------
def _with_sync_states(value: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    snap = healthy()
    firewall = {
        "FirewallArn": FIREWALL_ARN,
        "FirewallName": "egress",
        "VpcId": "vpc-app",
        "FirewallStatus": {"Status": "READY", "SyncStates": {"us-east-1a": value}},
    }
    region(snap)["NetworkFirewalls"] = [firewall]
    return snap, firewall


@pytest.mark.parametrize(
    ("value", "fault"),
    [
        ("x", "SyncStates['us-east-1a'] must be an object"),
        (True, "SyncStates['us-east-1a'] must be an object"),
        (1.5, "SyncStates['us-east-1a'] must be an object"),
        ([1], "SyncStates['us-east-1a'] must be an object"),
        ({"Attachment": "x"}, "SyncStates['us-east-1a']: Attachment must be an object"),
        ({"Attachment": {"EndpointId": 5}}, "SyncStates['us-east-1a']: Attachment: EndpointId must be a str"),
        (None, None),  # null is absent: no attachment in that zone
        ({"Attachment": None}, None),
        ({"Attachment": {"EndpointId": "vpce-x", "Status": "READY"}}, None),
    ],
)
def test_a_sync_state_of_the_wrong_type_is_refused_at_load(capsys, tmp_path, value, fault):
    snap, firewall = _with_sync_states(value)
    assert ItemChecker().fits("NetworkFirewalls", firewall) is (fault is None)  # the fast path agrees
    r = run(capsys, tmp_path, snap, "check", "--subnet", "subnet-private", "--security-group", "sg-open")
    if fault is None:
        validate_item("NetworkFirewalls", firewall, "here")
        assert r.code in (0, 1), r.err
        return
    with pytest.raises(InputError):
        validate_item("NetworkFirewalls", firewall, "here")
    assert r.code == 2
    (line,) = r.err.strip().splitlines()
    assert f"{FIREWALL_ARN}: FirewallStatus: {fault}" in line
