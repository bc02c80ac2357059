"""The fault matrix: each fault of tests/faults/server.py on each of ``ACTIONS``, the real CLI's
``check`` of the demo's private-via-NAT target, and what it answered.

Used by tests/e2e/test_fault_injection.py, and runnable to print the matrix::

    .venv/bin/python tests/faults/matrix.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faults.harness import FaultServer, clean_environ, fault_server
from faults.server import FAULTS

ACTIONS = ("DescribeNatGateways", "DescribeRouteTables", "DescribeVpcEndpoints")
REGION = "us-east-1"
TARGET = "private-via-nat"
THROTTLED_TIMES = 2  # the throttling clears after this many answers
SLOW_DELAY = 2.5  # seconds: longer than READ_TIMEOUT
READ_TIMEOUT = 1.0
CLI_TIMEOUT = 180.0


@dataclass(frozen=True, slots=True)
class Cell:
    action: str
    fault: str
    exit_code: int
    verdict: str
    ecr_pull: str
    data002: list[str]
    collection: dict[str, Any]
    stderr: str
    seconds: float


def cli() -> Path:
    return Path(sys.executable).parent / "fargate-netcheck"


def cli_env(endpoint: str, home: Path) -> dict[str, str]:
    return clean_environ() | {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def build_demo(server: FaultServer) -> dict[str, Any]:
    import boto3

    from fargate_netcheck.demo.account import build_demo_account

    server.reset()
    ec2 = boto3.client(
        "ec2",
        region_name=REGION,
        endpoint_url=server.endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return {t.name: t for t in build_demo_account(ec2, REGION)}


def target_args(target: Any) -> list[str]:
    args = ["--subnet", target.subnet_id]
    for group in target.security_group_ids:
        args += ["--security-group", group]
    return [*args, "--assign-public-ip" if target.assign_public_ip else "--no-assign-public-ip"]


def run_cell(server: FaultServer, target: Any, action: str, fault: str, home: Path) -> Cell:
    """Arm ``fault`` on ``action`` (``"none"``: no fault), run ``check`` on ``target``, disarm."""
    if fault != "none":
        times = THROTTLED_TIMES if fault == "throttled" else None
        server.arm(action, fault, times=times, delay=SLOW_DELAY)
    args = [str(cli()), "check", *target_args(target), "--format", "json", "--quiet", "--region", REGION]
    args += ["--read-timeout", str(READ_TIMEOUT)]
    if fault != "throttled":
        args += ["--max-attempts", "2"]  # a fault that never clears: fail fast
    started = time.monotonic()
    try:
        done = subprocess.run(
            args,
            env=cli_env(server.endpoint, home),
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )
    finally:
        server.disarm()
    seconds = time.monotonic() - started
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = {"targets": [], "findings": [], "collection": {}}
    (result,) = report["targets"] or [{"internet_egress": {"verdict": "-"}}]
    return Cell(
        action=action,
        fault=fault,
        exit_code=done.returncode,
        verdict=result["internet_egress"]["verdict"],
        ecr_pull=(result.get("ecr_pull") or {}).get("verdict", "-"),
        data002=[f["message"] for f in report["findings"] if f["rule_id"] == "DATA002"],
        collection=report.get("collection") or {},
        stderr=done.stderr.strip(),
        seconds=seconds,
    )


def describe(cell: Cell) -> str:
    region = (cell.collection.get("regions") or [{}])[0]
    failed = ", ".join(f"{k}: {v[:70]}" for k, v in region.get("failures", {}).items()) or "none"
    counts = f"calls={cell.collection.get('calls')} retries={cell.collection.get('retries')} throttled={cell.collection.get('throttled')}"
    return (
        f"{cell.action:<22} {cell.fault:<18} exit={cell.exit_code} egress={cell.verdict:<10} ecr={cell.ecr_pull:<10} "
        f"{cell.seconds:5.1f}s DATA002={len(cell.data002)} {counts}\n"
        f"    collection failures: {failed}\n"
        f"    stderr: {cell.stderr or '(empty)'}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        with fault_server(home / "server.log", teach_bpa=True) as server:
            demo = build_demo(server)
            target = demo[TARGET]
            print(f"target {TARGET}: {target.subnet_id} {' '.join(target.security_group_ids)}")
            print(describe(run_cell(server, target, "-", "none", home)))
            for action in ACTIONS:
                for fault in FAULTS:
                    print(describe(run_cell(server, target, action, fault, home)), flush=True)


if __name__ == "__main__":
    main()
