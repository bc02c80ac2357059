"""Inputs a hostile-input review found handled wrongly: each is now a one-line error and exit 2
(never an internal error, never an option silently dropped), and a closed stdout is no "findings"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli
from snapshots import healthy, write

CLI = [sys.executable, "-c", "from fargate_netcheck.cli.app import main; main()"]


@pytest.fixture
def snapshot(tmp_path: Path) -> str:
    return str(write(healthy(), tmp_path / "snap.json"))


def one_line_exit_2(run, *parts: str) -> None:
    assert run.code == 2, run.err
    assert run.err.count("\n") == 1 and run.err.startswith("fargate-netcheck: error: "), run.err
    assert "internal error" not in run.err
    for part in parts:
        assert part in run.err


def test_a_configuration_nested_too_deeply_is_an_input_error(capsys, tmp_path, snapshot):
    config = tmp_path / "deep.toml"
    config.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    run = run_cli(capsys, "check", "--snapshot", snapshot, "--config", str(config))
    one_line_exit_2(run, str(config), "nested too deeply")


def test_a_terraform_plan_with_a_number_past_the_digit_limit_is_an_input_error(capsys, tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "planned_values": {"n": ' + "9" * 5000 + "}}")
    run = run_cli(capsys, "check", "--terraform-plan", str(plan), "--region", "us-east-1")
    one_line_exit_2(run, str(plan), "not valid JSON")


def test_ip_ranges_past_the_size_limit_are_refused_before_they_are_parsed(capsys, snapshot):
    run = run_cli(capsys, "check", "--snapshot", snapshot, "--ip-ranges", "/dev/zero")
    one_line_exit_2(run, "/dev/zero", "over the limit of 64 MiB")


def test_run_environment_capabilities_that_are_not_a_list_are_an_input_error(capsys, tmp_path, snapshot):
    project = tmp_path / "project"
    (project / "deploy_config" / "vars").mkdir(parents=True)
    (project / "deploy_config" / "vars" / "staging.yml").write_text("default_env_task_config: {}\n")
    run_env = tmp_path / "run_env.json"
    run_env.write_text(json.dumps({"name": "staging", "execution_method_capabilities": 1}))
    run = run_cli(
        capsys,
        *("check", "--snapshot", snapshot, "--deploy-config", str(project), "--env", "staging"),
        *("--run-environment", str(run_env)),
    )
    one_line_exit_2(run, str(run_env), "execution_method_capabilities must be a list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--default-subnet", "subnet-private"), "go with --deploy-config"),
        (("--default-security-group", "sg-open"), "go with --deploy-config"),
        (("--no-default-assign-public-ip",), "go with --deploy-config"),
        (("--assign-public-ip",), "--assign-public-ip needs --subnet"),
        (("--subnet", "subnet-private", "-o", "r.txt", "--output-dir", "out"), "--output and --output-dir"),
    ],
)
def test_options_that_would_be_dropped_are_refused(capsys, snapshot, args, message):
    one_line_exit_2(run_cli(capsys, "check", "--snapshot", snapshot, *args), message)


def test_a_clean_check_whose_stdout_is_closed_exits_2_not_1(snapshot):
    """Exit 1 means findings; click answers a write to a closed pipe with 1. The run is clean
    (exit 0 with its stdout read), but its report was not delivered: 2."""
    args = [*CLI, "check", "--snapshot", snapshot, "--subnet", "subnet-private", "-f", "json"]
    assert subprocess.run(args, capture_output=True, timeout=120).returncode == 0
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 2
    assert "stdout was closed before the output was written whole" in err
