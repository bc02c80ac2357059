"""The installed CLI against endpoints it does not control: moto_server behind a fault injector
(tests/faults/server.py), a plain unpatched moto_server, and a closed port.

Each fault on DescribeNatGateways, DescribeRouteTables and DescribeVpcEndpoints, for the demo's
private-via-NAT target: never a traceback, never a pass on missing data; the report names the
failure and exit code 1 says so; throttling that clears is counted and passes.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faults.harness import FaultServer, closed_port_endpoint, fault_server
from faults.matrix import ACTIONS, REGION, TARGET, build_demo, cli, cli_env, run_cell, target_args
from faults.server import FAULTS

pytestmark = pytest.mark.e2e

KIND_OF = {
    "DescribeNatGateways": "NatGateways",
    "DescribeRouteTables": "RouteTables",
    "DescribeVpcEndpoints": "VpcEndpoints",
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("no-aws")


@pytest.fixture(scope="module")
def taught(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FaultServer, Any]]:
    """A fault server whose moto answers the BPA describes (a complete picture but for the fault)."""
    with fault_server(tmp_path_factory.mktemp("faults") / "server.log", teach_bpa=True) as server:
        yield server, build_demo(server)[TARGET]


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FaultServer, Any]]:
    """A plain moto_server (no fault armed, nothing taught): it answers the BPA describes with an
    HTML 500 page, as it does for any action it lacks."""
    with fault_server(tmp_path_factory.mktemp("plain") / "server.log", teach_bpa=False) as server:
        yield server, build_demo(server)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(cli()), *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("action", ACTIONS)
def test_a_fault_on_one_action_is_reported_and_never_passes(action, fault, taught, home):
    server, target = taught
    cell = run_cell(server, target, action, fault, home)
    assert "Traceback" not in cell.stderr and cell.stderr == "", cell.stderr
    kind = KIND_OF[action]
    failures = cell.collection["regions"][0]["failures"]
    if fault == "throttled":  # clears after two answers: retried, counted, and complete
        assert (cell.exit_code, cell.verdict, cell.ecr_pull) == (0, "reachable", "reachable")
        assert cell.collection["throttled"] >= 2 and cell.collection["retries"] >= 2
        assert failures == {}
        return
    assert cell.exit_code == 1
    assert kind in failures, failures
    if fault == "unsupported":
        assert failures[kind].startswith("unsupported-action: InvalidAction")
    # The internet path needs the NAT gateway and the route tables; only the ECR pull needs endpoints.
    assert cell.verdict == ("reachable" if kind == "VpcEndpoints" else "unknown")
    assert cell.ecr_pull == "unknown"
    assert cell.data002 and all(f"{kind} could not be collected in {REGION}" in m for m in cell.data002)


def test_check_against_an_unpatched_moto_server_says_bpa_could_not_be_read(plain, home):
    server, demo = plain
    target = demo[TARGET]
    done = run(
        ["check", *target_args(target), "-f", "json", "-q", "--region", REGION],
        cli_env(server.endpoint, home),
    )
    assert done.returncode == 1 and done.stderr == "", done.stderr
    report = json.loads(done.stdout)
    (result,) = report["targets"]
    assert result["internet_egress"]["verdict"] == "unknown"
    assert (
        "VPC Block Public Access in us-east-1 could not be read (ResponseParserError"
        in result["internet_egress"]["reason"]
    )
    failures = report["collection"]["regions"][0]["failures"]
    # moto lacks the BPA describes, Route 53 Resolver's DNS Firewall lists and Route 53 Profiles:
    # error pages, not data (an untaught Profiles listing is a failure, never "no Profile")
    bpa = ["VpcBlockPublicAccessExclusions", "VpcBlockPublicAccessOptions"]
    lacking = ("DnsFirewall", "Route53ProfileAssociations")
    assert sorted(k for k in failures if not k.startswith(lacking)) == bpa, failures
    assert "Route53ProfileAssociations" in failures, failures
    assert all(failures[k].startswith("ResponseParserError") for k in bpa), failures
    assert result["ecr_pull"]["verdict"] == "unknown"  # its names' DNS cannot be decided
    assert report["collection"]["live"] is True and report["collection"]["calls"] > 0


def test_scan_against_an_unpatched_moto_server_writes_the_snapshot_and_exits_1(plain, home, tmp_path):
    server, _ = plain
    out = tmp_path / "snap.json"
    done = run(["scan", "-o", str(out), "-q", "--region", REGION], cli_env(server.endpoint, home))
    assert done.returncode == 1, done.stderr
    errors = json.loads(out.read_text())["regions"][REGION]["Errors"]
    assert f"{len(errors)} collection error(s)" in done.stderr
    assert {"VpcBlockPublicAccessExclusions", "VpcBlockPublicAccessOptions"} <= set(errors)
    # error pages, never data: EC2's (XML) as ResponseParserError, Route 53 Resolver's (JSON) as a 500
    assert all(m.startswith(("ResponseParserError", "500: <!doctype html>")) for m in errors.values()), errors


@pytest.mark.parametrize("command", ["check", "scan"])
def test_a_closed_port_is_one_line_and_exit_2(command, home, tmp_path):
    endpoint = closed_port_endpoint()
    args = [command, "--region", REGION, "-q", "--max-attempts", "1"]
    if command == "scan":
        args += ["-o", str(tmp_path / "snap.json")]
    done = run(args, cli_env(endpoint, home))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"fargate-netcheck: error: could not reach {endpoint} (EndpointConnectionError): nothing was collected"
    ]
    assert not (tmp_path / "snap.json").exists()


def test_scan_to_a_missing_folder_fails_before_any_call(home):
    endpoint = closed_port_endpoint()  # were a call made, the error would be the connection's
    started = time.monotonic()
    done = run(["scan", "-o", "/missing/x.json", "--region", REGION, "-q"], cli_env(endpoint, home))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "fargate-netcheck: error: /missing/x.json: cannot write the snapshot: folder /missing does not exist"
    ]
    assert time.monotonic() - started < 60  # (the default retries alone would take longer)


def test_a_subnet_whose_kind_failed_is_reported_as_such(taught, home):
    server, target = taught
    server.arm("DescribeSubnets", "html-500")
    try:
        done = run(
            ["check", *target_args(target), "-f", "json", "-q", "--max-attempts", "1"],
            cli_env(server.endpoint, home),
        )
    finally:
        server.disarm()
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    (result,) = report["targets"]
    assert result["internet_egress"]["verdict"] == "unknown"
    assert (
        f"subnet {target.subnet_id} is not in the snapshot because Subnets could not be collected"
        in (result["internet_egress"]["reason"])
    )
    assert any(f["rule_id"] == "DATA002" for f in report["findings"])


def test_check_on_an_alias_bomb_deploy_config_is_refused_at_once(tmp_path, home):
    vars_dir = tmp_path / "deploy_config" / "vars"
    vars_dir.mkdir(parents=True)
    levels = [
        "a: &a [subnet-1, subnet-1, subnet-1, subnet-1, subnet-1, subnet-1, subnet-1, subnet-1, subnet-1]"
    ]
    levels += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
    bomb = (
        "\n".join(levels)
        + "\nproject_task_name_to_config:\n  t:\n    aws:\n      network:\n        subnets: *i\n"
    )
    (vars_dir / "common.yml").write_text(bomb)
    (vars_dir / "staging.yml").write_text("{}\n")
    snap = tmp_path / "snap.json"
    snap.write_text(
        json.dumps({"snapshot_version": 1, "account_id": "123456789012", "regions": {REGION: {}}})
    )
    started = time.monotonic()
    done = run(
        ["check", "--snapshot", str(snap), "--deploy-config", str(tmp_path), "--env", "staging"],
        cli_env(closed_port_endpoint(), home),
    )
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.endswith("common.yml:7: YAML aliases expand to more than 1000000 nodes"), line
    assert time.monotonic() - started < 30
