"""Templates synthesized by the real AWS CDK (tests/iac/cdk_app): an ec2.Vpc with public and private
subnets and an ecs_patterns Fargate service in the private ones.

The committed fixtures (fixtures/cdk/*/NetcheckService.template.json) are that app's output, for
fast tests; ``test_real_cdk_synth`` synthesizes the app again with the CDK CLI. It may skip only
on a machine without Node or the app's node_modules (the README's test command on a fresh machine
with Python alone) and never in CI (CI=true), where .ci/run installs them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from iac.helpers import FIXTURES, verdicts

APP = Path(__file__).resolve().parent / "cdk_app"
WITH_NAT = FIXTURES / "cdk" / "nat" / "NetcheckService.template.json"
WITHOUT_NAT = FIXTURES / "cdk" / "no-nat" / "NetcheckService.template.json"
PRIVATE = (
    "NetcheckService/VpcprivateSubnet1SubnetCEAD3716",
    "NetcheckService/VpcprivateSubnet2Subnet2DE7549C",
)


def _service_line(template: Path) -> int:
    lines = template.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith('"WebServiceD04B5F3E"'))


def assert_reachable_service(report: dict) -> None:
    assert verdicts(report) == {s: ("reachable", "nat-gateway") for s in PRIVATE}
    assert {t["source"] for t in report["targets"]} == {"cloudformation:NetcheckService/WebServiceD04B5F3E"}


def assert_unreachable_service(report: dict, sarif: dict, template: Path) -> None:
    assert verdicts(report) == {s: ("unreachable", "none") for s in PRIVATE}
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "RT001"]
    assert len(results) == 2
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith("NetcheckService.template.json")
        assert physical["region"]["startLine"] == _service_line(template)


def check(capsys, template: Path, tmp_path: Path) -> tuple[int, dict, dict]:
    from cli_helpers import run_cli

    r = run_cli(
        capsys, "check", "--cloudformation", str(template), "-f", "json,sarif", "--output-dir", str(tmp_path)
    )
    report = json.loads((tmp_path / "fargate-netcheck.json").read_text())
    sarif = json.loads((tmp_path / "fargate-netcheck.sarif").read_text())
    return r.code, report, sarif


def test_cdk_service_with_nat_gateways_is_reachable(capsys, tmp_path):
    code, report, _ = check(capsys, WITH_NAT, tmp_path)
    assert code == 0
    assert_reachable_service(report)


def test_cdk_service_without_nat_gateways_is_unreachable_at_the_service_line(capsys, tmp_path):
    code, report, sarif = check(capsys, WITHOUT_NAT, tmp_path)
    assert code == 1
    assert_unreachable_service(report, sarif, WITHOUT_NAT)


def _cdk_available() -> str | None:
    """Why the real synth cannot run here, or None."""
    if shutil.which("node") is None or shutil.which("npx") is None:
        return "node/npx not installed"
    if not (APP / "node_modules" / "aws-cdk" / "package.json").is_file():
        return f"the CDK app's node_modules are not installed (cd {APP} && npm ci)"
    return None


def _synth(out: Path, nat_gateways: str) -> None:
    env = {
        **os.environ,
        "CDK_DEFAULT_ACCOUNT": "123456789012",
        "CDK_DEFAULT_REGION": "eu-west-1",
        "CDK_DISABLE_VERSION_CHECK": "1",
    }
    subprocess.run(
        ["npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices", "-c", f"natGateways={nat_gateways}", "-o", str(out)],
        cwd=APP, env=env, check=True, capture_output=True, timeout=600,
    )  # fmt: skip


def test_real_cdk_synth(capsys, tmp_path):
    missing = _cdk_available()
    if missing is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the real CDK synth: {missing}")
        pytest.skip(missing)
    outs = {n: tmp_path / f"cdk.out.{n}" for n in ("2", "0")}
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda n: _synth(outs[n], n), outs))
    with_nat, without_nat = (outs[n] / "NetcheckService.template.json" for n in ("2", "0"))
    # The committed fixtures are this app's output: keep them in step with it.
    assert json.loads(with_nat.read_text()) == json.loads(WITH_NAT.read_text())
    assert json.loads(without_nat.read_text()) == json.loads(WITHOUT_NAT.read_text())
    code, report, _ = check(capsys, with_nat, tmp_path / "a")
    assert code == 0
    assert_reachable_service(report)
    code, report, sarif = check(capsys, without_nat, tmp_path / "b")
    assert code == 1
    assert_unreachable_service(report, sarif, without_nat)
