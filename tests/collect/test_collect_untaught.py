"""An embedded moto that lacks the VPC Block Public Access describes (as moto does): the collector
records them as unsupported and the trace reads the region as one without BPA, saying so."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from fargate_netcheck.collect import collect
from fargate_netcheck.core.model import CheckCode, Status, Verdict
from fargate_netcheck.demo.account import build_demo_account
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.collection import UNSUPPORTED_PREFIX, summarize
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import cli_targets
from fargate_netcheck.trace import TraceOptions, trace_targets

REGION = "us-east-1"
BPA_KINDS = ("VpcBlockPublicAccessOptions", "VpcBlockPublicAccessExclusions")


@pytest.fixture
def untaught(moto_bpa_untaught: None):
    with mock_aws():
        yield {t.name: t for t in build_demo_account(boto3.client("ec2", region_name=REGION), REGION)}


def test_unimplemented_bpa_is_recorded_as_unsupported_and_read_as_off(untaught):
    snapshot, _ = collect([REGION])
    errors = snapshot["regions"][REGION]["Errors"]
    assert sorted(errors) == sorted(BPA_KINDS)
    assert all(message.startswith(UNSUPPORTED_PREFIX) for message in errors.values()), errors
    snap = parse_snapshot(snapshot, "moto")
    graph = build_graph(snap)
    target = untaught["private-via-nat"]
    (result,) = trace_targets(
        graph, cli_targets(graph, [target.subnet_id], list(target.security_group_ids), False), TraceOptions()
    )
    assert result.internet_egress.verdict is Verdict.REACHABLE
    (bpa,) = [c for c in result.internet_egress.checks if c.code is CheckCode.BPA]
    assert bpa.status is Status.PASS
    assert "does not implement VPC Block Public Access" in bpa.reason
    summary = summarize(snap)
    assert summary.complete  # "no BPA" is an answer, not a failure
    assert set(summary.regions[0].unsupported) == set(BPA_KINDS)
