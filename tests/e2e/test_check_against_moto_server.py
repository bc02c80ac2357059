"""The installed CLI, as a subprocess, against the demo account served by moto_server.

Each demo target is checked live (``AWS_ENDPOINT_URL`` points at moto_server), then again from a
snapshot written by ``scan`` with no endpoint and bogus credentials: snapshot mode never calls AWS.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import boto3
import pytest

from fargate_netcheck.demo.account import HOSTILE, HOSTILE_SUBNET_NAME, DemoTarget, build_demo_account

pytestmark = pytest.mark.e2e

REGION = "us-east-1"

DEMO_NAMES = (
    "private-via-nat",
    "public-with-public-ip",
    "public-without-public-ip",
    "nat-in-private-subnet",
    "closed-security-group",
    "acl-denies-replies",
    "second-vpc-implicit-main-table",
)
# Hops that a route walk passes through: when one of them blocks, the recorded path reaches it.
ROUTE_HOP_PREFIXES = ("rtb-", "igw-", "nat-")


@pytest.fixture(scope="module")
def demo(moto_server: str, reset_moto) -> dict[str, DemoTarget]:
    reset_moto()
    ec2 = boto3.client(
        "ec2",
        region_name=REGION,
        endpoint_url=moto_server,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return {t.name: t for t in build_demo_account(ec2, REGION)}


@pytest.fixture(scope="module")
def snapshot(demo, aws_env, run_cli, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scan") / "snap.json"
    result = run_cli(["scan", "--region", REGION, "--output", str(path)], aws_env)
    assert result.returncode == 0, result.stderr
    return path


def _target_args(target: DemoTarget) -> list[str]:
    args = ["--subnet", target.subnet_id]
    for group_id in target.security_group_ids:
        args += ["--security-group", group_id]
    args.append("--assign-public-ip" if target.assign_public_ip else "--no-assign-public-ip")
    return args


def _json_report(result: CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode in (0, 1), f"exit {result.returncode}\n{result.stderr}"
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"stdout is not JSON ({exc}):\n{result.stdout[:2000]}\n{result.stderr[-2000:]}")


def _assert_matches_story(target: DemoTarget, result: CompletedProcess[str]) -> dict[str, Any]:
    report = _json_report(result)
    (reported,) = report["targets"]
    assert reported["subnet_id"] == target.subnet_id
    assert reported["security_group_ids"] == list(target.security_group_ids)
    assert reported["assign_public_ip"] is target.assign_public_ip
    egress = reported["internet_egress"]
    context = f"{target.name}: {target.story}\n{json.dumps(egress, indent=1)}"
    assert egress["verdict"] == target.expected, context
    assert egress["blocked_at"] == target.expected_blocked_at, context
    assert egress["path"][0] == target.subnet_id, context
    if target.expected == "reachable":
        assert egress["path"] == list(target.expected_path), context
        assert result.returncode == 0, f"{context}\n{report['findings']}"
    else:
        if target.expected_blocked_at.startswith(ROUTE_HOP_PREFIXES):
            assert target.expected_blocked_at in egress["path"], context
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        assert errors, context
        assert report["summary"]["unreachable"] == 1
        assert result.returncode == 1, context
    return egress


def test_demo_targets_are_the_ones_these_tests_parametrize(demo):
    assert tuple(demo) == DEMO_NAMES


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_live_check_gives_each_demo_target_its_verdict(name, demo, aws_env, run_cli):
    target = demo[name]
    result = run_cli(["check", *_target_args(target), "--format", "json", "--region", REGION], aws_env)
    _assert_matches_story(target, result)


@pytest.mark.parametrize("name", DEMO_NAMES)
def test_snapshot_check_gives_the_same_verdicts_without_calling_aws(
    name, demo, snapshot, aws_env, offline_env, run_cli
):
    target = demo[name]
    live = run_cli(["check", *_target_args(target), "--format", "json", "--region", REGION], aws_env)
    offline = run_cli(
        ["check", "--snapshot", str(snapshot), *_target_args(target), "--format", "json"],
        offline_env,
    )
    offline_egress = _assert_matches_story(target, offline)
    assert offline.returncode == live.returncode
    assert offline_egress == _json_report(live)["targets"][0]["internet_egress"]


def test_snapshot_holds_the_demo_resources_verbatim(demo, snapshot):
    data = json.loads(snapshot.read_text())
    assert data["snapshot_version"] == 1
    region = data["regions"][REGION]
    subnet_ids = {s["SubnetId"] for s in region["Subnets"]}
    assert {t.subnet_id for t in demo.values()} <= subnet_ids
    closed_sg = demo["closed-security-group"].expected_blocked_at
    (group,) = [g for g in region["SecurityGroups"] if g["GroupId"] == closed_sg]
    assert group["IpPermissionsEgress"] == []
    assert any(HOSTILE in tag["Value"] for tag in group.get("Tags", []))


def test_scan_records_block_public_access_off_without_errors(snapshot):
    """moto_server answers the BPA calls as a fresh account (conftest.SERVE_MOTO installs them)."""
    region = json.loads(snapshot.read_text())["regions"][REGION]
    (options,) = region["VpcBlockPublicAccessOptions"]
    assert (options["AwsRegion"], options["InternetGatewayBlockMode"]) == (REGION, "off")
    assert region["VpcBlockPublicAccessExclusions"] == []
    assert region["Errors"] == {}


@pytest.mark.parametrize("fmt", ["markdown", "text", "sarif", "junit", "json"])
@pytest.mark.parametrize("name", ["closed-security-group", "acl-denies-replies"])
def test_formats_that_print_no_tag_values_print_none_of_the_hostile_names(
    fmt, name, demo, snapshot, offline_env, run_cli
):
    """These formats name resources by id only: neither the hostile part of a Name tag nor its
    harmless part may appear (so the check cannot pass because the name was merely escaped)."""
    target = demo[name]
    result = run_cli(
        ["check", "--snapshot", str(snapshot), *_target_args(target), "--format", fmt], offline_env
    )
    assert result.returncode == 1, result.stderr
    assert target.subnet_id.split("-", 1)[1] in result.stdout  # about this target (however ids are quoted)
    for part in (HOSTILE, "alert(1)", "closed-egress", "demo-app-acl-no-replies"):
        assert part not in result.stdout, f"{fmt} printed {part!r}"


@pytest.mark.parametrize("name", ["closed-security-group", "acl-denies-replies"])
def test_html_shows_the_hostile_subnet_name_escaped_never_raw(name, demo, snapshot, offline_env, run_cli):
    target = demo[name]
    result = run_cli(
        ["check", "--snapshot", str(snapshot), *_target_args(target), "--format", "html"], offline_env
    )
    assert result.returncode == 1, result.stderr
    assert HOSTILE not in result.stdout
    # The topology of the VPC draws every subnet with its Name tag: the hostile one among them.
    assert html.escape(HOSTILE_SUBNET_NAME, quote=False) in result.stdout
