"""Review of IPv6 egress and name resolution: inputs AWS can produce where the verdict was wrong.

- a private hosted zone listed without its ``VPCs`` (ListHostedZones' shape) may shadow a name:
  ``unknown``, never "public DNS";
- a DNS Firewall rule whose ``Qtype`` names A by its type ID (``TYPE1``) applies to the task's query;
- an interface endpoint's private DNS with ``EnableDnsHostnames`` not collected: ``unknown``;
- an interface endpoint whose private DNS gives AAAA records only (``DnsRecordIpType`` ``ipv6``)
  gives an IPv4 walk no address: never ``reachable`` through it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from address_fixtures import dual_stack_app
from cli_helpers import run_cli
from depth.builders import interface_endpoint
from snapshots import healthy, item, region

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.trace.dns import resolve
from fargate_netcheck.trace.dns_inputs import dns_inputs

LOGS = "logs.us-east-1.amazonaws.com"


def _decide(snap: dict[str, Any], name: str):
    return resolve(name, dns_inputs(build_graph(parse_snapshot(snap)), "vpc-app"))


def _need(capsys, tmp_path, snap: dict[str, Any], name: str) -> dict[str, Any]:
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snap))
    args = ("--subnet", "subnet-private", "--security-group", "sg-open", "--no-assign-public-ip")
    r = run_cli(capsys, "check", "--snapshot", str(path), *args, "--need", name, "-f", "json")
    assert r.code in (0, 1), r.err
    (target,) = json.loads(r.out)["targets"]
    return next(n for n in target["needs"] if n["name"] == name)


# -- private hosted zones whose VPC associations are not given ----------------------------------
def _zone_without_vpcs(vpcs: object = "absent") -> dict[str, Any]:
    snap = healthy()
    zone: dict[str, Any] = {"Id": "/hostedzone/Z1", "Name": "example.com.", "Config": {"PrivateZone": True}}
    if vpcs != "absent":
        zone["VPCs"] = vpcs
    region(snap)["HostedZones"] = [zone]
    return snap


@pytest.mark.parametrize("vpcs", ["absent", None])
def test_a_private_zone_without_its_vpcs_makes_the_names_it_covers_unknown(vpcs):
    decision = _decide(_zone_without_vpcs(vpcs), "api.example.com")
    assert decision.verdict is Verdict.UNKNOWN
    assert decision.at == "Z1" and "VPCs" in decision.reason


def test_a_private_zone_without_its_vpcs_leaves_other_names_alone():
    assert _decide(_zone_without_vpcs(), "api.other.org").verdict is Verdict.REACHABLE


def test_a_public_zone_without_vpcs_shadows_nothing():
    snap = _zone_without_vpcs()
    region(snap)["HostedZones"][0]["Config"] = {"PrivateZone": False}
    assert _decide(snap, "api.example.com").verdict is Verdict.REACHABLE


def test_a_less_specific_unplaced_zone_does_not_override_an_associated_one():
    snap = _zone_without_vpcs()
    region(snap)["HostedZones"].append(
        {
            "Id": "/hostedzone/Z2",
            "Name": "api.example.com.",
            "Config": {"PrivateZone": True},
            "VPCs": [{"VPCId": "vpc-app", "VPCRegion": "us-east-1"}],
            "ResourceRecordSets": [],
        }
    )
    decision = _decide(snap, "api.example.com")
    assert (decision.verdict, decision.at) == (Verdict.UNREACHABLE, "Z2")


def test_a_need_under_a_zone_without_its_vpcs_is_not_reachable(capsys, tmp_path):
    need = _need(capsys, tmp_path, _zone_without_vpcs(), "api.example.com")
    assert need["verdict"] == "unknown"


# -- DNS Firewall: a query type named by its type ID --------------------------------------------
def _firewall(action: str, qtype: str, domains: list[str]) -> dict[str, Any]:
    snap = healthy()
    reg = region(snap)
    reg["DnsFirewallRuleGroupAssociations"] = [
        {"Id": "rslvr-frgassoc-1", "VpcId": "vpc-app", "FirewallRuleGroupId": "rslvr-frg-1", "Priority": 101}
    ]
    reg["DnsFirewallRuleGroups"] = [
        {
            "Id": "rslvr-frg-1",
            "FirewallRules": [
                {
                    "Name": "by-type-id",
                    "Priority": 1,
                    "Action": action,
                    "BlockResponse": "NODATA",
                    "FirewallDomainListId": "rslvr-fdl-1",
                    "Qtype": qtype,
                }
            ],
        }
    ]
    reg["DnsFirewallDomainLists"] = [{"Id": "rslvr-fdl-1", "Domains": domains}]
    return snap


def test_a_block_rule_for_type1_blocks_the_tasks_a_query():
    decision = _decide(_firewall("BLOCK", "TYPE1", ["*"]), "api.example.com")
    assert decision.verdict is Verdict.UNREACHABLE and "by-type-id" in decision.reason


def test_a_block_rule_for_type28_leaves_the_a_query_alone():
    assert _decide(_firewall("BLOCK", "TYPE28", ["*"]), "api.example.com").verdict is Verdict.REACHABLE


def test_a_need_blocked_by_a_type1_rule_is_unreachable(capsys, tmp_path):
    need = _need(capsys, tmp_path, _firewall("BLOCK", "TYPE1", ["*.example.com"]), "api.example.com")
    assert need["verdict"] == "unreachable"


# -- interface endpoints' private DNS -----------------------------------------------------------
def _logs_endpoint(snap: dict[str, Any], group: str = "sg-closed") -> dict[str, Any]:
    endpoint = interface_endpoint("vpce-logs", "vpc-app", "logs", ["subnet-private"], group)
    region(snap)["VpcEndpoints"] = [endpoint]
    return endpoint


def test_endpoint_private_dns_with_hostnames_not_collected_is_unknown():
    snap = healthy()
    del item(snap, "Vpcs", "vpc-app")["EnableDnsHostnames"]
    _logs_endpoint(snap)
    decision = _decide(snap, LOGS)
    assert decision.verdict is Verdict.UNKNOWN and decision.at == "vpce-logs"
    assert "EnableDnsHostnames" in decision.reason


def test_hostnames_not_collected_leave_names_no_endpoint_answers_alone():
    snap = healthy()
    del item(snap, "Vpcs", "vpc-app")["EnableDnsHostnames"]
    _logs_endpoint(snap)
    assert _decide(snap, "api.example.com").verdict is Verdict.REACHABLE


def test_a_need_whose_endpoint_blocks_it_is_not_reachable_when_hostnames_are_not_collected(capsys, tmp_path):
    """The endpoint's group lets nothing in: with EnableDnsHostnames on the need is unreachable there,
    so a snapshot that does not say must not pass it over the internet."""
    snap = healthy()
    del item(snap, "Vpcs", "vpc-app")["EnableDnsHostnames"]
    _logs_endpoint(snap)
    item(snap, "SecurityGroups", "sg-closed")["IpPermissions"] = []
    assert _need(capsys, tmp_path, snap, LOGS)["verdict"] == "unknown"


@pytest.mark.parametrize(
    "fields",
    [
        {"IpAddressType": "dualstack", "DnsOptions": {"DnsRecordIpType": "ipv6"}},
        {"IpAddressType": "ipv6"},
    ],
)
def test_an_endpoint_whose_private_dns_gives_aaaa_only_is_not_an_ipv4_answer(fields):
    snap = dual_stack_app()
    _logs_endpoint(snap, "sg-open").update(fields)
    decision = _decide(snap, LOGS)
    assert decision.verdict is Verdict.UNKNOWN and "AAAA" in decision.reason


@pytest.mark.parametrize("record_type", ["ipv4", "dualstack", "service-defined"])
def test_an_endpoint_with_a_records_still_answers(record_type):
    snap = dual_stack_app()
    _logs_endpoint(snap, "sg-open").update(
        {"IpAddressType": "dualstack", "DnsOptions": {"DnsRecordIpType": record_type}}
    )
    decision = _decide(snap, LOGS)
    assert (decision.verdict, decision.answer) == (Verdict.REACHABLE, "vpce-logs")


def test_a_need_through_an_aaaa_only_endpoint_from_an_ipv4_task_is_not_reachable(capsys, tmp_path):
    snap = dual_stack_app()
    region(snap)["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": "disabled"}]
    endpoint = _logs_endpoint(snap, "sg-open")
    endpoint.update({"IpAddressType": "dualstack", "DnsOptions": {"DnsRecordIpType": "ipv6"}})
    item(snap, "SecurityGroups", "sg-open")["IpPermissions"] = [
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ]
    assert _need(capsys, tmp_path, snap, LOGS)["verdict"] != "reachable"


# -- a task in an IPv6-only subnet has no IPv4 address, through endpoints too --------------------
def test_an_ipv6_only_task_is_not_passed_to_s3_over_the_ipv4_gateway_endpoint_walk():
    """The S3 gateway endpoint walk (prefix list, the task's groups and ACL) is an IPv4 walk: a task in
    an IPv6-only subnet has no IPv4 address, so it says nothing of that task (``unknown``)."""
    from depth.builders import endpoints_only
    from depth.harness import result

    snap = endpoints_only()
    item(snap, "Vpcs", "vpc-private")["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:7::/56"}]
    subnet = item(snap, "Subnets", "subnet-app-a")
    del subnet["CidrBlock"]
    subnet["Ipv6Native"] = True
    subnet["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:7:1::/64"}]
    region(snap)["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": "enabled"}]
    target = result(snap, "subnet-app-a", ("sg-task",), False)
    assert target.ecr_pull is not None and target.ecr_pull.verdict is Verdict.UNKNOWN
    verdicts = {n.name: n.result.verdict for n in target.needs}
    assert Verdict.REACHABLE not in verdicts.values(), verdicts
    assert all("IPv6-only" in n.result.reason for n in target.needs)
