"""Fix texts name the real destination, port, protocol and family of the walk they come from."""

from __future__ import annotations

from depth.harness import findings
from snapshots import healthy, item

from fargate_netcheck.checks.registry import load_rules, run_rules
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.rules_api import RuleContext
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import Destination, TraceOptions, trace_targets


def _findings(snap, subnet, groups, rule_ids, destination="0.0.0.0/0", ports=(443,)):
    g = build_graph(parse_snapshot(snap))
    target = make_target(g, "t", subnet, groups, False)
    options = TraceOptions(destinations=(Destination.of(destination),), ports=ports)
    results = trace_targets(g, [target], options)
    rules = load_rules(plugins=False)
    return run_rules([rules[r] for r in rule_ids], RuleContext(results, g, {"ports": ports}))


def test_sg001_for_port_5432_to_a_database_names_5432_and_the_database():
    found = _findings(healthy(), "subnet-private", ("sg-closed",), ("SG001",), "151.101.7.0/24", (5432,))
    f = next(f for f in found if f.message.startswith("internet egress"))
    assert "TCP 5432 to 151.101.7.0/24" in f.remediation and "IPv4" in f.remediation


def test_rt001_for_ipv6_names_the_default_route_and_an_egress_only_gateway():
    snap = healthy()
    item(snap, "Vpcs", "vpc-app")["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:1::/56"}]
    item(snap, "Subnets", "subnet-private")["Ipv6CidrBlockAssociationSet"] = [
        {"Ipv6CidrBlock": "2600:1f18:1:1::/64"}
    ]
    snap["regions"]["us-east-1"]["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": "enabled"}]
    (f,) = [
        f
        for f in _findings(snap, "subnet-private", ("sg-open",), ("RT001",), "::/0")
        if "internet egress" in f.message
    ]
    assert "::/0" in f.remediation and "egress-only internet gateway" in f.remediation
    assert "IPv6" in f.remediation


def test_rt001_for_the_ipv4_internet_keeps_the_nat_or_internet_gateway_advice():
    (f,) = findings(healthy(), ("subnet-isolated", ("sg-open",), False), rule_ids=("RT001",))[:1]
    assert "0.0.0.0/0" in f.remediation and "NAT gateway" in f.remediation
