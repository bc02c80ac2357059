"""Snapshots written to the documented format before the name-resolution kinds existed (by hand, or
by an older scan) keep their verdicts: a region that describes none of them is read as AWS's
defaults, and says so. One that describes some is read strictly: what it lacks is unknown, with a
fix that says to collect it."""

from __future__ import annotations

import json

import pytest
from cli_helpers import check_snapshot_json as _check
from snapshots import _healthy, healthy, region

from fargate_netcheck.trace.dns_inputs import NAME_RESOLUTION_KINDS

ECR_ENDPOINTS = [
    {
        "VpcEndpointId": f"vpce-{name}",
        "VpcEndpointType": "Interface",
        "ServiceName": f"com.amazonaws.us-east-1.{service}",
        "VpcId": "vpc-app",
        "State": "available",
        "PrivateDnsEnabled": True,
        "SubnetIds": ["subnet-private"],
        "Groups": [{"GroupId": "sg-endpoints"}],
    }
    for name, service in (("api", "ecr.api"), ("dkr", "ecr.dkr"))
]
ENDPOINT_GROUP = {
    "GroupId": "sg-endpoints",
    "GroupName": "endpoints",
    "VpcId": "vpc-app",
    "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}
    ],
    "IpPermissionsEgress": [],
}


def test_a_snapshot_without_any_name_resolution_kind_reads_as_aws_defaults_and_says_so(capsys, tmp_path):
    snap = _healthy()
    assert not set(NAME_RESOLUTION_KINDS) & set(region(snap))
    code, report = _check(capsys, tmp_path, snap)
    (target,) = report["targets"]
    assert (code, target["verdict"]) == (0, "reachable")
    assert all(n["verdict"] == "reachable" for n in target["needs"])
    assert report["summary"]["unknown"] == 0
    assert any("describes none of the name-resolution kinds" in note for note in report["notes"])


def test_endpoints_without_a_policy_in_such_a_snapshot_get_aws_default_policy(capsys, tmp_path):
    snap = _healthy()
    region(snap).setdefault("VpcEndpoints", []).extend(json.loads(json.dumps(ECR_ENDPOINTS)))
    region(snap)["SecurityGroups"].append(ENDPOINT_GROUP)
    code, report = _check(capsys, tmp_path, snap)
    (target,) = report["targets"]
    api = next(n for n in target["needs"] if n["name"].startswith("api.ecr."))
    assert (api["via"], api["verdict"]) == ("vpc-endpoint", "reachable")
    assert code == 0


@pytest.mark.parametrize("missing", ["HostedZones", "DhcpOptions"])
def test_a_snapshot_that_describes_some_kinds_is_strict_about_the_others(capsys, tmp_path, missing):
    snap = healthy()
    del region(snap)[missing]
    code, report = _check(capsys, tmp_path, snap)
    (target,) = report["targets"]
    assert (code, target["verdict"]) == (1, "unknown")
    dns003 = [f for f in report["findings"] if f["rule_id"] == "DNS003"]
    assert dns003 and all(f"{missing} were not collected" in f["message"] for f in dns003)
    assert all(f["remediation"].startswith("Collect what is missing") for f in dns003)


def test_a_failed_name_resolution_call_is_not_read_as_defaults(capsys, tmp_path):
    snap = _healthy()
    region(snap)["Errors"] = {"DhcpOptions": "AccessDenied: ec2:DescribeDhcpOptions"}
    code, report = _check(capsys, tmp_path, snap)
    (target,) = report["targets"]
    assert (code, target["verdict"]) == (1, "unknown")
    assert not any("describes none" in note for note in report["notes"])
