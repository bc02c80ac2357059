"""Egress rules that name another security group (UserIdGroupPairs) as the destination.

AWS: such a rule covers the private IP addresses of the network interfaces in the named group (not
their public or Elastic IPs). The snapshot does not list a group's members, so a private
destination (or one in the group's VPC) that only such a rule could allow is unknown, never denied;
the internet stays uncovered.
"""

from __future__ import annotations

import ipaddress

from snapshots import codes, healthy, item, region, trace

from fargate_netcheck.core.model import CheckCode, Status, Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.parse import parse_sg_rules
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.filters import Filters
from fargate_netcheck.trace.security_groups import evaluate_egress


def _to_group(group: str, port: int = 5432, **ports: int) -> dict:
    return {
        "IpProtocol": "tcp",
        "FromPort": ports.get("lo", port),
        "ToPort": ports.get("hi", port),
        "UserIdGroupPairs": [{"GroupId": group}],
    }


def _with_db_rule(group: str = "sg-open", **kw: int) -> dict:
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [_to_group(group, **kw)]
    return snap


def test_rule_naming_a_group_may_allow_a_private_destination_so_it_is_unknown():
    r = trace(
        _with_db_rule(), "subnet-private", groups=("sg-closed",), destination="10.0.2.10/32", ports=(5432,)
    )
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.SG_PARTIAL}
    assert "naming group sg-open" in r.reason and "private addresses" in r.reason


def test_rule_naming_a_group_not_in_the_snapshot_is_unknown_for_a_private_destination():
    r = trace(
        _with_db_rule("sg-0peer"),
        "subnet-private",
        groups=("sg-closed",),
        destination="10.0.2.0/24",
        ports=(5432,),
    )
    assert r.verdict is Verdict.UNKNOWN
    assert "sg-0peer" in r.reason


def test_rule_naming_a_group_on_another_port_still_denies():
    r = trace(
        _with_db_rule(port=3306),
        "subnet-private",
        groups=("sg-closed",),
        destination="10.0.2.10/32",
        ports=(5432,),
    )
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "sg-closed")


def test_rule_naming_a_group_still_does_not_cover_the_internet_on_its_port():
    snap = _with_db_rule(port=443)
    r = trace(snap, "subnet-private", groups=("sg-closed",))
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "sg-closed")


def test_rule_naming_a_group_never_makes_a_private_destination_reachable():
    snap = _with_db_rule(lo=0, hi=65535)
    r = trace(snap, "subnet-private", groups=("sg-closed",), destination="10.0.2.10/32", ports=(5432,))
    assert r.verdict is not Verdict.REACHABLE


# -- the named group's VPC: an IPv6 (global) block is still one of its members' private addresses -----


def _filters_with_ipv6_vpc() -> Filters:
    snap = healthy()
    item(snap, "Vpcs", "vpc-app")["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:1::/56"}]
    region(snap)["SecurityGroups"].append({"GroupId": "sg-db", "VpcId": "vpc-app", "IpPermissionsEgress": []})
    return Filters(build_graph(parse_snapshot(snap)))


def test_a_destination_in_the_named_groups_ipv6_vpc_range_is_unknown():
    filters = _filters_with_ipv6_vpc()
    rules = list(parse_sg_rules([_to_group("sg-db")]))
    dest = Destination.of("2600:1f18:1:5::/64")
    outcome = filters.egress_outcome(("sg-closed",), rules, dest, 5432)
    assert outcome.status is Status.UNKNOWN and "sg-db" in outcome.detail


def test_a_global_ipv6_destination_outside_the_named_groups_vpc_is_denied():
    filters = _filters_with_ipv6_vpc()
    rules = list(parse_sg_rules([_to_group("sg-db")]))
    outcome = filters.egress_outcome(("sg-closed",), rules, Destination.of("2600:1f18:9::/64"), 5432)
    assert outcome.status is Status.FAIL


# -- a destination whose network interfaces' groups are known (an interface endpoint's) -------------


def _endpoint() -> Destination:
    return Destination.of_networks((ipaddress.ip_network("10.0.0.0/24"),), "vpce-x (10.0.0.0/24)")


def test_known_holders_a_rule_naming_another_group_does_not_cover_the_destination():
    rules = list(parse_sg_rules([_to_group("sg-other", port=443)]))
    outcome = evaluate_egress(rules, _endpoint(), 443, {}, holders=("sg-endpoints",))
    assert outcome.status is Status.FAIL


def test_known_holders_a_rule_naming_one_of_them_allows_the_destination():
    rules = list(parse_sg_rules([_to_group("sg-endpoints", port=443)]))
    outcome = evaluate_egress(rules, _endpoint(), 443, {}, holders=("sg-endpoints",))
    assert outcome.status is Status.PASS and "sg-endpoints" in outcome.detail


def test_known_holders_a_rule_naming_one_of_them_without_ports_is_unknown():
    rules = list(parse_sg_rules([{"IpProtocol": "tcp", "UserIdGroupPairs": [{"GroupId": "sg-endpoints"}]}]))
    outcome = evaluate_egress(rules, _endpoint(), 443, {}, holders=("sg-endpoints",))
    assert outcome.status is Status.UNKNOWN
