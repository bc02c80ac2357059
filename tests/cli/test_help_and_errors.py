"""The command line a newcomer meets: help grouped in panels and readable at 80 columns, flags
without type labels, every usage error on one line with exit 2, and the small promised behaviours
(explain by name, the management policy, python -m)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli

from fargate_netcheck.cli.app import command
from fargate_netcheck.cli.panels import PANELS, unplaced

ROOT = Path(__file__).resolve().parents[2]


def help_of(capsys, monkeypatch, *args: str, columns: int = 80) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("TERM", "dumb")
    run = run_cli(capsys, *args, "--help")
    assert run.code == 0, run.err
    return run.out


def test_every_option_of_every_command_has_a_panel():
    """A new option without a line in fargate_netcheck/cli/panels.py fails here, by name."""
    assert unplaced(command()) == []


def test_check_help_groups_options_in_the_documented_panels_in_order(capsys, monkeypatch):
    text = help_of(capsys, monkeypatch, "check")
    titles = re.findall(r"╭─ (.+?) ─", text)
    assert titles == [p for p in PANELS if p != "Stopped task"]  # that one is diagnose's
    targets = text.split("╭─ Targets")[1].split("╰")[0]
    assert "--subnet" in targets and "--deploy-config" in targets and "--snapshot" not in targets


@pytest.mark.parametrize(
    "args", [("check",), ("scan",), ("diagnose",), ("graph",), ("demo",), ("iam-policy",), ()]
)
def test_help_at_80_columns_cuts_no_option_name_and_labels_no_flag(capsys, monkeypatch, args):
    text = help_of(capsys, monkeypatch, *args)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text  # rich shortens what does not fit with an ellipsis
    assert not re.search(r"<(bool|int|str|path|list\[\w+\])>", text), text


def test_a_boolean_pair_shows_both_names(capsys, monkeypatch):
    text = help_of(capsys, monkeypatch, "check")
    assert "--default-assign-public-ip /" in text and "--no-default-assign-public-ip" in text


def test_config_help_keeps_its_brackets(capsys, monkeypatch):
    text = help_of(capsys, monkeypatch, "check", columns=200)
    assert "[tool.fargate-netcheck] in pyproject.toml" in text


def test_diagnose_format_help_lists_the_formats(capsys, monkeypatch):
    text = help_of(capsys, monkeypatch, "diagnose", columns=200)
    assert "text, json, html, sarif, junit, markdown" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("check", "--port", "abc"),
            "Invalid value for '--port': Input should be a valid integer, unable to parse string as an "
            "integer (see 'fargate-netcheck check --help')",
        ),
        (("check", "--nope"), "No such option: --nope"),
        (("explain",), "Missing argument 'RULE'"),
        (("diagnose", "--cluster", "c"), "diagnose needs one of: a TASK ARN or id, --service"),
        (("diagnose", "t1", "--service", "s", "--cluster", "c"), "diagnose needs one of:"),
        (("check", "-f", "json,html"), "one stream takes one format; use --output-dir DIR for json, html"),
        (("check", "-f", "json,sarif", "-o", "r.json"), "use --output-dir DIR for json, sarif"),
        (("diagnose", "t1", "--cluster", "c", "-f", "json,html"), "run once per format: json, html"),
        (("check", "--port", "0"), "--port: 0 is not a TCP port (1-65535)"),
        (("check", "--min-free-ips", "-1"), "Invalid value for '--min-free-ips'"),
        (
            ("scan", "--region-deadline", "inf", "-o", "s.json"),
            "--region-deadline: inf is not a number of seconds",
        ),
        (("scan", "--max-attempts", "1000", "-o", "s.json"), "--max-attempts: 1000 must be from 1 to 100"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, args, message):
    run = run_cli(capsys, *args)
    assert run.code == 2
    assert run.err.count("\n") == 1 and run.err.startswith("fargate-netcheck: error: ")
    assert message in run.err
    assert "╭" not in run.err and "Traceback" not in run.err
    assert run.out == ""


def test_version_is_a_flag(capsys):
    run = run_cli(capsys, "--version")
    assert (run.code, run.out) == (0, "fargate-netcheck 0.1.0\n")


def test_explain_accepts_a_rule_name(capsys):
    by_id = run_cli(capsys, "explain", "RT002")
    by_name = run_cli(capsys, "explain", "Blackhole-Route")
    assert by_name.code == 0 and by_name.out == by_id.out
    assert by_name.out.startswith("RT002 blackhole-route:")


def test_iam_policy_imports_no_boto3():
    from cli_helpers import run_without_boto3

    assert run_without_boto3("iam-policy").returncode == 0


def test_iam_policy_management_prints_the_shipped_management_policy(capsys):
    run = run_cli(capsys, "iam-policy", "--management")
    assert run.code == 0
    assert run.out == (ROOT / "policy" / "iam-policy-management.json").read_text()
    assert run_cli(capsys, "iam-policy").out == (ROOT / "policy" / "iam-policy.json").read_text()


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "fargate_netcheck", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert (result.returncode, result.stdout) == (0, "fargate-netcheck 0.1.0\n")


def test_a_number_past_pythons_digit_limit_is_a_one_line_input_error(capsys, tmp_path):
    snap = tmp_path / "s.json"
    snap.write_text(
        '{"snapshot_version": 1, "regions": {"us-east-1": {"Vpcs": [{"VpcId": "v", "x": 1'
        + "0" * 5000
        + "}]}}}"
    )
    r = run_cli(capsys, "check", "--snapshot", str(snap))
    assert r.code == 2 and r.err.startswith(f"fargate-netcheck: error: {snap}: not valid JSON")
    assert "internal error" not in r.err and r.err.count("\n") == 1


def test_graph_to_a_file_that_cannot_be_written_exits_2_naming_it(capsys, tmp_path):
    from snapshots import healthy, write

    snap = write(healthy(), tmp_path / "s.json")
    r = run_cli(capsys, "graph", "--snapshot", str(snap), "-o", str(tmp_path / "no-such-folder" / "g.dot"))
    assert r.code == 2 and "g.dot: cannot write the graph" in r.err
