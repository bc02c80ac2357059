"""Grouping targets that ask the same question (trace/grouping.py) changes nothing a user sees:
every target's result, path, checks and needs are the ones its own walk gives, and its JSON (a
group's walks encoded once, report/json_shared.py) the bytes of encoding its own result, on
hand-written, synthetic and fuzzed snapshots, with audit targets and with command-line targets
(groups, public IP)."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from fuzz.mutations import BASES, FUZZ, mutated
from hypothesis import given
from hypothesis import strategies as st
from snapshots import healthy

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Report, TargetResult
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.report import json_report
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import audit_targets, cli_targets
from fargate_netcheck.trace import TraceOptions, trace_targets
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.grouping import Grouper


def _plain(result: TargetResult) -> tuple:
    """Everything of a result, compared field by field (PathResult and Check compare by value, so a
    field the walk gains later is compared too)."""
    return (result.target, result.vpc_id, result.internet_egress, result.ecr_pull, result.needs)


def _targets(graph):
    targets = audit_targets(graph)
    subnets = sorted(n for n, a in graph.nodes(data=True) if a.get("kind") == "subnet")
    groups = sorted(n for n, a in graph.nodes(data=True) if a.get("kind") == "sg")
    if subnets:
        targets += cli_targets(graph, subnets, groups[:1], False)
        targets += cli_targets(graph, subnets, groups[-2:], True)
    return targets


def assert_same(doc, options: TraceOptions | None = None) -> int:
    """Grouped and one-by-one traces agree target for target; returns how many walks grouping saved."""
    try:
        graph = build_graph(parse_snapshot(doc, "grouping.json"))
    except InputError:
        return 0
    targets = _targets(graph)
    grouped = trace_targets(graph, targets, options)
    alone = trace_targets(graph, targets, options, grouped=False)
    assert [_plain(r) for r in grouped] == [_plain(r) for r in alone]
    assert all(r.shared is None for r in alone)
    as_json = json_report.render(Report("0", grouped, [], {}))
    assert as_json == json_report.render(Report("0", alone, [], {})), "shared JSON differs"
    grouper = Grouper(graph, (options or TraceOptions()).destinations)
    keys = [grouper.key(t) for t in targets]
    return sum(k is not None for k in keys) - len({k for k in keys if k is not None})


def _synth(vpcs: int, subnets: int, spokes: int) -> dict:
    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import synth

    return synth.generate(vpcs, subnets, tgw_spokes=spokes, seed=3)


def test_synthetic_accounts_share_walks_and_keep_every_targets_own_evidence():
    for spokes in (0, 1):
        saved = assert_same(_synth(3, 24, spokes))
        assert saved > 24, "subnets sharing a route table, ACL and groups are traced once"


def test_each_member_of_a_group_names_its_own_subnet_and_range_not_the_traced_ones():
    doc = _synth(2, 20, 1)
    graph = build_graph(parse_snapshot(doc, "grouping.json"))
    targets = audit_targets(graph)
    grouper = Grouper(graph, TraceOptions().destinations)
    members: dict[tuple, list[str]] = {}
    for t in targets:
        key = grouper.key(t)
        if key is not None:
            members.setdefault(key, []).append(t.subnet_id)
    by_subnet = {r.target.subnet_id: r for r in trace_targets(graph, targets)}
    checked = 0
    for group in (m for m in members.values() if len(m) > 1):
        for subnet_id in group[1:]:
            result = by_subnet[subnet_id].internet_egress
            text = " ".join([*result.path, *(c.reason for c in result.checks)])
            assert result.path[0] == subnet_id and subnet_id in text
            assert group[0] not in text, "the traced member's id was re-labelled"
            assert str(graph.nodes[group[0]]["cidr"]) not in text
            checked += 1
    assert checked > 10


def test_ipv6_destinations_and_other_ports_agree():
    options = TraceOptions(destinations=(Destination.internet(4), Destination.internet(6)), ports=(443, 80))
    for name in ("healthy", "synth-tgw", "synth-peering"):
        assert_same(copy.deepcopy(BASES[name]), options)


def test_destinations_inside_the_vpc_agree():
    """A walk to a destination inside the VPC enters the subnets that hold it through their ACLs
    (each ACL once, named by its first subnet but the walk's own): those subnets walk alone."""
    doc = healthy()
    body = doc["regions"]["us-east-1"]
    body["Subnets"].append({**body["Subnets"][1], "SubnetId": "subnet-private-2", "CidrBlock": "10.0.3.0/24"})
    body["RouteTables"][2]["Associations"].append({"Main": False, "SubnetId": "subnet-private-2"})
    acl = body["NetworkAcls"][0]
    acl["Associations"] = [a for a in acl["Associations"] if a["SubnetId"] != "subnet-private"]
    body["NetworkAcls"].append(
        {
            **acl,
            "NetworkAclId": "acl-private",
            "IsDefault": False,
            "Associations": [{"SubnetId": "subnet-private"}, {"SubnetId": "subnet-private-2"}],
        }
    )
    for destination in ("10.0.0.0/16", "10.0.2.10/32"):
        options = TraceOptions(destinations=(Destination.of(destination),))
        assert_same(copy.deepcopy(doc), options)
        for name in ("synth-tgw", "synth-peering"):
            assert_same(copy.deepcopy(BASES[name]), options)
    peered = copy.deepcopy(BASES["synth-peering"])
    pcx = next(iter(peered["regions"].values()))["VpcPeeringConnections"][0]
    for side in ("AccepterVpcInfo", "RequesterVpcInfo"):  # through the peering, into its subnets
        assert_same(peered, TraceOptions(destinations=(Destination.of(pcx[side]["CidrBlock"]),)))


def test_a_range_named_by_a_rule_is_not_grouped_with_its_neighbours():
    doc = healthy()
    body = doc["regions"]["us-east-1"]
    subnet = body["Subnets"][0]
    acl = body["NetworkAcls"][0]
    acl["Entries"].insert(
        0,
        {
            "RuleNumber": 1,
            "Protocol": "-1",
            "RuleAction": "deny",
            "Egress": False,
            "CidrBlock": subnet["CidrBlock"],
        },
    )
    graph = build_graph(parse_snapshot(doc, "grouping.json"))
    grouper = Grouper(graph, TraceOptions().destinations)
    target = next(t for t in audit_targets(graph) if t.subnet_id == subnet["SubnetId"])
    assert grouper.key(target) is None
    assert_same(doc)


def _table_per_subnet(count: int) -> dict:
    """healthy() with ``count`` more private subnets, each with a route table of its own holding
    rtb-private's routes (as the CDK builds a VPC), and one whose table differs (a blackhole)."""
    doc = healthy()
    body = doc["regions"]["us-east-1"]
    template = next(t for t in body["RouteTables"] if t["RouteTableId"] == "rtb-private")
    for i in range(count + 1):
        subnet = copy.deepcopy(body["Subnets"][1])
        subnet.update(SubnetId=f"subnet-own-{i}", CidrBlock=f"10.0.{10 + i}.0/24")
        table = copy.deepcopy(template)
        table.update(
            RouteTableId=f"rtb-own-{i}",
            Associations=[{"Main": False, "SubnetId": subnet["SubnetId"]}],
            Tags=[{"Key": "Name", "Value": f"app/Private{i}/RouteTable"}],
        )
        if i == count:
            table["Routes"].append(
                {"DestinationCidrBlock": "192.168.0.0/24", "NatGatewayId": "nat-gone", "State": "blackhole"}
            )
        body["Subnets"].append(subnet)
        body["RouteTables"].append(table)
    return doc


def test_subnets_with_route_tables_of_their_own_but_the_same_routes_share_a_walk():
    doc = _table_per_subnet(6)
    assert assert_same(doc) >= 5 * 3, "six identical tables: one walk per target kind, not six"
    graph = build_graph(parse_snapshot(doc, "grouping.json"))
    results = {r.target.subnet_id: r for r in trace_targets(graph, audit_targets(graph))}
    for i in range(6):
        egress = results[f"subnet-own-{i}"].internet_egress
        text = " ".join([*egress.path, *(c.resource_id + " " + c.reason for c in egress.checks)])
        assert egress.path[:2] == [f"subnet-own-{i}", f"rtb-own-{i}"]
        assert not any(f"rtb-own-{j}" in text.split() for j in range(7) if j != i)
    grouper = Grouper(graph, TraceOptions().destinations)
    keys = {grouper.key(t) for t in audit_targets(graph) if t.subnet_id.startswith("subnet-own-")}
    assert len(keys) == 2, "the table with a blackhole route is a question of its own"


@FUZZ
@given(data=st.data())
def test_grouped_and_ungrouped_traces_agree_on_fuzzed_snapshots(data):
    assert_same(mutated(data))
