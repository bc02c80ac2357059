"""A TCP or UDP rule without a valid port range: AWS refuses to create one (a port range is required
for both protocols), so only a hand-written or damaged snapshot holds it. What it matches cannot be
told, so it gives unknown wherever it could change the verdict, never "all ports"."""

from __future__ import annotations

import ipaddress

import pytest
from snapshots import acl_entries, codes, custom_acl, healthy, item, trace

from fargate_netcheck.core.model import CheckCode, Status, Verdict
from fargate_netcheck.snapshot.parse import parse_sg_rules
from fargate_netcheck.trace.security_groups import evaluate_ingress

INVALID_PORTS = [
    pytest.param({}, id="missing"),
    pytest.param({"FromPort": -1, "ToPort": -1}, id="minus-one"),
    pytest.param({"FromPort": 500, "ToPort": 100}, id="reversed"),
    pytest.param({"FromPort": 0, "ToPort": 70000}, id="past-65535"),
]


def tcp_rule(cidr: str, ports: dict) -> dict:
    return {"IpProtocol": "tcp", **ports, "IpRanges": [{"CidrIp": cidr}]}


@pytest.mark.parametrize("ports", INVALID_PORTS)
def test_tcp_egress_rule_without_a_valid_port_range_is_unknown_not_all_ports(ports):
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [tcp_rule("0.0.0.0/0", ports)]
    r = trace(snap, "subnet-private", groups=("sg-closed",))
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.SG_PARTIAL}
    assert "no valid port range" in r.reason


def test_rule_without_ports_does_not_matter_when_another_rule_allows_the_port():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        tcp_rule("0.0.0.0/0", {}),
        tcp_rule("0.0.0.0/0", {"FromPort": 443, "ToPort": 443}),
    ]
    assert trace(snap, "subnet-private", groups=("sg-closed",)).verdict is Verdict.REACHABLE


def test_rule_without_ports_to_other_addresses_does_not_matter():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [tcp_rule("10.0.0.0/8", {})]
    r = trace(snap, "subnet-private", groups=("sg-closed",))
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "sg-closed")


def test_udp_rule_without_ports_does_not_make_tcp_unknown():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "udp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ]
    assert trace(snap, "subnet-private", groups=("sg-closed",)).verdict is Verdict.UNREACHABLE


def test_all_protocols_rule_ignores_its_ports_as_aws_does():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "-1", "FromPort": 5, "ToPort": 5, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ]
    assert trace(snap, "subnet-private", groups=("sg-closed",)).verdict is Verdict.REACHABLE


def test_ingress_rule_without_ports_from_the_tasks_group_is_unknown():
    rules = parse_sg_rules([{"IpProtocol": "tcp", "UserIdGroupPairs": [{"GroupId": "sg-task"}]}])
    outcome = evaluate_ingress(rules, ipaddress.ip_network("10.0.1.0/24"), 443, ("sg-task",), {})
    assert outcome.status is Status.UNKNOWN
    assert "sg-task" in outcome.detail
    other = evaluate_ingress(rules, ipaddress.ip_network("10.0.1.0/24"), 443, ("sg-other",), {})
    assert other.status is Status.FAIL


# -- network ACLs ------------------------------------------------------------------------------

ALL = (100, False, "allow", "0.0.0.0/0", "-1", None)  # inbound: every reply allowed


def test_acl_allow_entry_without_port_range_before_the_default_deny_is_unknown():
    snap = healthy()
    custom_acl(snap, "subnet-private", acl_entries((100, True, "allow", "0.0.0.0/0", "6", None), ALL))
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.NACL_PARTIAL}
    assert "may block outbound" in r.reason
    assert "rule 100 allows TCP with no valid port range 0.0.0.0/0" in r.reason


@pytest.mark.parametrize(
    ("entries", "verdict"),
    [
        pytest.param(
            [(90, True, "deny", "0.0.0.0/0", "6", None), (100, True, "allow", "0.0.0.0/0", "-1", None)],
            Verdict.UNKNOWN,
            id="deny-before-an-allow",
        ),
        pytest.param(
            [(100, True, "allow", "0.0.0.0/0", "-1", None), (200, True, "deny", "0.0.0.0/0", "6", None)],
            Verdict.REACHABLE,
            id="after-the-deciding-entry",
        ),
        pytest.param(
            [(90, True, "deny", "0.0.0.0/0", "6", None)],
            Verdict.UNREACHABLE,
            id="deny-before-the-default-deny",
        ),
    ],
)
def test_acl_entry_without_port_range_is_unknown_only_where_it_could_decide(entries, verdict):
    snap = healthy()
    custom_acl(snap, "subnet-private", acl_entries(*entries, ALL))
    assert trace(snap, "subnet-private").verdict is verdict
