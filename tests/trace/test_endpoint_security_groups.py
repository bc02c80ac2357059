"""The task's way into an interface endpoint, decided on what holds the endpoint's interfaces (its
own groups), and the endpoint's inbound rules, which must be in the snapshot to pass."""

from __future__ import annotations

from depth.builders import endpoints_only
from snapshots import item

from fargate_netcheck.core.model import CheckCode, Status, Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import TraceOptions, trace_targets
from fargate_netcheck.trace.destination import Destination


def pull(snap: dict):
    g = build_graph(parse_snapshot(snap))
    target = make_target(g, "test", "subnet-app-a", ("sg-task",), False, evaluate_security_groups=True)
    options = TraceOptions(destinations=(Destination.of("0.0.0.0/0"),))
    return trace_targets(g, [target], options)[0].ecr_pull


def test_the_endpoints_of_the_fixture_take_the_pull():
    assert pull(endpoints_only()).verdict is Verdict.REACHABLE


def test_egress_only_to_a_group_that_is_not_the_endpoints_does_not_reach_it():
    """A rule naming sg-db covers sg-db's interfaces; the endpoint's are sg-endpoints': denied, not
    unknown (nothing suggests sg-db holds the endpoint)."""
    snap = endpoints_only()
    task = item(snap, "SecurityGroups", "sg-task")
    task["IpPermissionsEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": "sg-db"}]}
    ]
    result = pull(snap)
    assert result.verdict is Verdict.UNREACHABLE, result.reason
    assert CheckCode.EP_TASK_EGRESS_DENIED in {c.code for c in result.checks if c.status is Status.FAIL}


def test_egress_to_the_endpoints_own_group_reaches_it():
    snap = endpoints_only()
    task = item(snap, "SecurityGroups", "sg-task")
    task["IpPermissionsEgress"] = [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "UserIdGroupPairs": [{"GroupId": "sg-endpoints"}],
        },
        *[p for p in task["IpPermissionsEgress"] if p.get("PrefixListIds")],  # S3 layers
    ]
    assert pull(snap).verdict is Verdict.REACHABLE


def test_an_endpoint_group_whose_inbound_rules_are_missing_is_unknown():
    snap = endpoints_only()
    del item(snap, "SecurityGroups", "sg-endpoints")["IpPermissions"]
    result = pull(snap)
    assert result.verdict is Verdict.UNKNOWN, result.reason
    assert any(
        c.status is Status.UNKNOWN and c.resource_id == "sg-endpoints" and "inbound rules" in c.reason
        for c in result.checks
    )
