"""What a VPC's name resolution is read from in a snapshot (``trace.dns_inputs``)."""

from __future__ import annotations

from depth.needs_builders import forward_amazonaws_on_premises
from snapshots import region

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.trace.dns import resolve
from fargate_netcheck.trace.dns_inputs import dns_inputs

ECR = "api.ecr.us-east-1.amazonaws.com"


def test_association_without_rule_id_and_a_missing_rule_leave_resolution_unknown():
    """Regression: an association naming no rule beside one naming a rule that is not in the
    snapshot used to crash sorting the missing ids (None against str)."""
    snap = forward_amazonaws_on_premises()
    region(snap)["ResolverRuleAssociations"] = [
        {"Id": "rslvr-rrassoc-1", "VPCId": "vpc-app", "Status": "COMPLETE"},
        {
            "Id": "rslvr-rrassoc-2",
            "ResolverRuleId": "rslvr-rr-gone",
            "VPCId": "vpc-app",
            "Status": "COMPLETE",
        },
    ]
    inputs = dns_inputs(build_graph(parse_snapshot(snap)), "vpc-app")
    assert inputs.resolver_rules is None
    gap = inputs.gaps["ResolverRules"]
    assert "rslvr-rr-gone" in gap and "without ResolverRuleId" in gap
    decision = resolve(ECR, inputs)
    assert decision.verdict is Verdict.UNKNOWN
    assert "rslvr-rr-gone" in decision.reason


def test_associated_rules_are_read_when_every_one_is_in_the_snapshot():
    inputs = dns_inputs(build_graph(parse_snapshot(forward_amazonaws_on_premises())), "vpc-app")
    assert [r["Id"] for r in inputs.resolver_rules or []] == ["rslvr-rr-onprem"]
    assert "ResolverRules" not in inputs.gaps
