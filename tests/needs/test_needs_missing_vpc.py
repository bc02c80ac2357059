"""A subnet whose VPC is not in the snapshot: its needs are unknown, never a crash or a pass."""

from __future__ import annotations

from snapshots import healthy, region

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import trace_targets


def test_needs_of_a_subnet_whose_vpc_was_not_collected_are_unknown() -> None:
    snap = healthy()
    del region(snap)["Vpcs"]
    g = build_graph(parse_snapshot(snap))
    target = make_target(g, "test", "subnet-private", ("sg-open",), False)
    result = trace_targets(g, [target])[0]
    assert result.needs, "a target always needs ECR and logs"
    for need in result.needs:
        assert need.result.verdict is Verdict.UNKNOWN, need.name
        assert (
            "Vpcs were not collected in us-east-1: vpc-app of subnet-private is not known"
            in need.result.reason
        )
    assert result.ecr_pull is not None and result.ecr_pull.verdict is not Verdict.REACHABLE
