"""`check` from a snapshot: targets, formats, exit codes 0/1/2."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli, run_without_boto3
from snapshots import healthy, write


@pytest.fixture
def snap_file(tmp_path):
    return str(write(healthy(), tmp_path / "snap.json"))


def test_reachable_target_exits_0_and_prints_the_path(capsys, snap_file):
    r = run_cli(
        capsys, "check", "--snapshot", snap_file, "--subnet", "subnet-private", "--security-group", "sg-open"
    )
    assert r.code == 0, r.err
    assert "subnet-private -> rtb-private -> nat-app -> subnet-public -> rtb-public -> igw-app" in r.out


def test_unreachable_target_exits_1_and_names_the_blocking_hop(capsys, snap_file):
    r = run_cli(
        capsys, "check", "--snapshot", snap_file, "--subnet", "subnet-public", "--no-assign-public-ip"
    )
    assert r.code == 1
    assert "blocked at: igw-app" in r.out


def test_json_report_follows_the_contract(capsys, snap_file):
    r = run_cli(
        capsys,
        "check",
        "--snapshot",
        snap_file,
        "--subnet",
        "subnet-private",
        "--security-group",
        "sg-closed",
        "-f",
        "json",
    )
    assert r.code == 1
    report = json.loads(r.out)
    assert report["report_version"] == 1
    assert report["tool"] == {"name": "fargate-netcheck", "version": "0.1.0"}
    target = report["targets"][0]
    assert {
        "target_id",
        "source",
        "subnet_id",
        "vpc_id",
        "security_group_ids",
        "assign_public_ip",
    } <= target.keys()
    egress = target["internet_egress"]
    assert (egress["verdict"], egress["blocked_at"]) == ("unreachable", "sg-closed")
    assert egress["path"][0] == "subnet-private" and egress["reason"]
    finding = next(f for f in report["findings"] if f["rule_id"] == "SG001")
    assert {"rule_id", "severity", "resource_id", "target_id", "message", "remediation"} <= finding.keys()
    assert report["summary"] == {
        "targets": 1,
        "unreachable": 1,
        "unknown": 0,
        "errors": 1,
        "warnings": 1,
        "infos": 0,
    }


def test_json_is_byte_identical_across_runs(capsys, snap_file):
    first = run_cli(capsys, "check", "--snapshot", snap_file, "-f", "json").out
    second = run_cli(capsys, "check", "--snapshot", snap_file, "-f", "json").out
    assert first == second and first


def test_no_subnet_audits_every_subnet(capsys, snap_file):
    r = run_cli(capsys, "check", "--snapshot", snap_file, "-f", "json")
    report = json.loads(r.out)
    by_subnet = {t["subnet_id"]: t for t in report["targets"]}
    assert set(by_subnet) == {"subnet-public", "subnet-private", "subnet-isolated"}
    assert by_subnet["subnet-public"]["assign_public_ip"] is True  # routed to an IGW
    assert by_subnet["subnet-private"]["assign_public_ip"] is False
    assert by_subnet["subnet-isolated"]["internet_egress"]["verdict"] == "unreachable"
    assert r.code == 1


def test_output_file(capsys, snap_file, tmp_path):
    out = tmp_path / "r.json"
    r = run_cli(
        capsys, "check", "--snapshot", snap_file, "--subnet", "subnet-private", "-f", "json", "-o", str(out)
    )
    assert r.out == ""
    assert json.loads(out.read_text())["summary"]["targets"] == 1


def test_fail_on_warning_turns_warnings_into_exit_1(capsys, tmp_path):
    snap = healthy()
    snap["regions"]["us-east-1"]["SecurityGroups"][1]["IpPermissionsEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ]
    path = str(write(snap, tmp_path / "s.json"))
    args = ("check", "--snapshot", path, "--subnet", "subnet-private", "--security-group", "sg-closed")
    assert run_cli(capsys, *args).code == 0  # only SG100, a warning
    assert run_cli(capsys, *args, "--fail-on", "warning").code == 1


def test_ignore_by_prefix_drops_the_findings(capsys, snap_file):
    r = run_cli(
        capsys, "check", "--snapshot", snap_file, "--subnet", "subnet-public", "--ignore", "GW", "-f", "json"
    )
    assert r.code == 0
    assert json.loads(r.out)["findings"] == []


def test_snapshot_mode_never_imports_boto3(snap_file):
    result = run_without_boto3("check", "--snapshot", snap_file, "-f", "json")
    assert result.returncode in (0, 1), result.stderr  # 1: findings; BOTO3_IMPORTED is neither


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--subnet", "subnet-nope"), "unknown subnet subnet-nope"),
        (("--subnet", "subnet-private", "--security-group", "sg-nope"), "unknown security group sg-nope"),
        (("--security-group", "sg-open"), "--security-group needs --subnet"),
        (("--format", "pdf"), "unknown format 'pdf'"),
        (("--fail-on", "fatal"), "--fail-on"),
        (("--destination", "not-a-cidr"), "--destination"),
        (("--port", "70000"), "--port"),
        (("--select", "ZZ"), "unknown rule id or prefix 'ZZ'"),
        (("--region", "us-east-1"), "--snapshot reads a file"),
        (
            ("-f", "json", "-f", "text", "-o", "x"),
            "one stream takes one format; use --output-dir DIR for json, text",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys, snap_file, args, message):
    r = run_cli(capsys, "check", "--snapshot", snap_file, *args)
    assert r.code == 2
    assert message in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert "Traceback" not in r.err


def test_unknown_option_is_exit_2(capsys, snap_file):
    assert run_cli(capsys, "check", "--snapshot", snap_file, "--bogus").code == 2


@pytest.mark.parametrize(
    ("region", "why"),
    [
        ({}, "no subnet was found to audit"),
        ({"Vpcs": [], "Subnets": []}, "no subnet was found to audit"),
        ({"Vpcs": [], "Errors": {"Subnets": "AccessDenied: no"}}, "the subnets could not be collected"),
    ],
)
def test_a_run_that_checked_nothing_exits_2_and_still_writes_its_report(capsys, tmp_path, region, why):
    snap = write(
        {"snapshot_version": 1, "account_id": "111111111111", "regions": {"us-east-1": region}},
        tmp_path / "s.json",
    )
    out = tmp_path / "r.json"
    r = run_cli(capsys, "check", "--snapshot", str(snap), "-f", "json", "-o", str(out))
    assert r.code == 2
    assert r.err.count("\n") == 1 and why in r.err
    assert json.loads(out.read_text())["summary"]["targets"] == 0


def test_a_subnet_named_twice_is_one_target(capsys, snap_file):
    twice = ["--subnet", "subnet-private"] * 2 + ["--security-group", "sg-open"] * 2
    r = run_cli(capsys, "check", "--snapshot", snap_file, *twice, "-f", "json")
    report = json.loads(r.out)
    assert [t["subnet_id"] for t in report["targets"]] == ["subnet-private"]
    assert report["targets"][0]["security_group_ids"] == ["sg-open"]
