"""An EFS volume that did not mount: NFS (TCP 2049) to a mount target inside the VPC, never the
internet. The diagnosis must not send the engineer to a NAT gateway; mount targets are not
collected, so the path is not verified and the fix names what EFS needs."""

from __future__ import annotations

import pytest
from snapshots import healthy

from fargate_netcheck.diagnose.facts import TaskFacts
from fargate_netcheck.diagnose.run import report_for
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.stop_reason import classify

PREFIX = "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: "
TIMEOUT = PREFIX + "mount.nfs4: Connection timed out : unsuccessful EFS utils command execution; code: 32"
UNRESOLVED = (
    PREFIX + 'Failed to resolve "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com" - check that your file '
    "system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID."
)
DENIED = PREFIX + "b'mount.nfs4: access denied by server while mounting 127.0.0.1:/' : unsuccessful EFS utils"


@pytest.mark.parametrize(
    ("reason", "row", "cause"),
    [
        (TIMEOUT, "efs-unreachable", "network"),
        (UNRESOLVED, "efs-unresolved", "network"),
        (DENIED, "efs-denied", "permissions"),
    ],
)
def test_efs_errors_are_read_as_efs(reason, row, cause):
    found = classify(reason, "TaskFailedToStart")
    assert (found.name, found.cause) == (row, cause)
    assert found.service is not None and found.service.key == "efs"
    assert "NAT" not in found.fix and "443" not in found.fix


def test_an_efs_timeout_in_a_subnet_without_nat_is_not_blamed_on_the_missing_nat():
    parsed = parse_snapshot(healthy(), "test")
    facts = TaskFacts(None, TIMEOUT, "TaskFailedToStart", [], ("subnet-isolated",), ("sg-open",), False)
    d = report_for(facts, parsed, build_graph(parsed)).diagnosis
    assert d is not None
    assert (d.cause, d.service_key, d.verdict) == ("network", "efs", "unknown")
    assert d.headline.startswith("Network (not verified):") and "2049" in d.headline
    assert "NAT" not in d.headline and "rtb-main" not in d.headline
