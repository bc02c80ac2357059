"""A pull killed before it finished: network when the path to the registry or to the secret stores the
task reads is broken, unclear (with both readings) when every one of them works."""

from __future__ import annotations

from endpoint_snapshots import with_endpoints

from fargate_netcheck.diagnose.facts import TaskFacts
from fargate_netcheck.diagnose.run import report_for, services_to_walk
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.stop_reason import classify

KILLED = "ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed"


def diagnosis(needs: tuple[str, ...], *endpoints: str):
    """A task in subnet-isolated (no way out but the VPC's endpoints) whose pull was killed."""
    snap = parse_snapshot(with_endpoints(*endpoints, s3=True), "test")
    facts = TaskFacts(None, KILLED, "TaskFailedToStart", [], ("subnet-isolated",), ("sg-open",), False, needs)
    return report_for(facts, snap, build_graph(snap)).diagnosis


def test_registry_auth_and_the_secret_stores_read_are_walked():
    found = classify(KILLED)
    keys = [s.key for s in services_to_walk(found, ("logs", "secretsmanager", "ssm"))]
    assert keys == ["ecr.api", "secretsmanager", "ssm"]
    assert [s.key for s in services_to_walk(found, ())] == ["ecr.api"]


def test_ecr_through_its_endpoints_and_no_secrets_is_unclear():
    d = diagnosis((), "ecr.api", "ecr.dkr")
    assert (d.cause, d.verdict) == ("unclear", "reachable")
    assert "either the network failed at that moment or the pull was too slow" in d.headline


def test_ecr_works_but_secrets_manager_has_no_way_is_network_at_that_hop():
    d = diagnosis(("secretsmanager",), "ecr.api", "ecr.dkr")
    assert (d.cause, d.verdict, d.blocked_at) == ("network", "unreachable", "rtb-main")
    assert "no available secretsmanager interface endpoint" in d.headline


def test_with_a_secrets_manager_endpoint_too_it_is_unclear_again():
    d = diagnosis(("secretsmanager",), "ecr.api", "ecr.dkr", "secretsmanager")
    assert (d.cause, d.verdict) == ("unclear", "reachable")
