"""A hand-written route that names no target (AWS always names one): the verdict is unknown at the
route table, never reachable, and the finding names the table rather than an empty resource."""

from __future__ import annotations

import json

from cli_helpers import run_cli
from snapshots import default_route, healthy, trace, write

from fargate_netcheck.core.model import CheckCode, Status, Verdict


def _without_target():
    snap = healthy()
    route = default_route(snap, "rtb-private")
    for key in [k for k in route if k.endswith("Id") and k != "DestinationPrefixListId"]:
        del route[key]
    return snap


def test_a_route_without_a_target_is_unknown_at_its_route_table():
    result = trace(_without_target(), "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    (check,) = [c for c in result.checks if c.code is CheckCode.UNSUPPORTED_TARGET]
    assert (check.status, check.resource_id) == (Status.UNKNOWN, "rtb-private")
    assert "names no target" in check.reason
    assert "" not in result.path


def test_its_findings_name_a_resource(capsys, tmp_path):
    snap = write(_without_target(), tmp_path / "snap.json")
    run = run_cli(capsys, "check", "--snapshot", str(snap), "--subnet", "subnet-private", "-f", "json")
    findings = json.loads(run.out)["findings"]
    assert findings and all(f["resource_id"] for f in findings)
