"""The command line with configuration, suppressions, baselines and graph export: the real CLI
(``main()``), exit codes 0/1/2. Nothing here skips: a missing option or command fails the tests."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from cli_helpers import run_cli
from snapshots import healthy, write


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A repository folder, the current directory (configuration discovery starts there), holding
    the healthy snapshot: subnet-isolated uses rtb-main, which has no internet route (RT001 error)."""
    (tmp_path / ".git").mkdir()
    write(healthy(), tmp_path / "snap.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(capsys, *args):
    run = run_cli(capsys, "check", "--snapshot", "snap.json", "-f", "json", *args)
    return run, (json.loads(run.out) if run.out.strip() else None)


def test_unconfigured_audit_fails_on_the_isolated_subnet(capsys, project):
    run, report = check(capsys)
    assert run.code == 1
    assert any(f["resource_id"] == "rtb-main" and f["severity"] == "error" for f in report["findings"])


def test_configured_suppression_turns_the_exit_code_green_and_keeps_the_finding(capsys, project):
    (project / ".fargate-netcheck.toml").write_text(
        '[[suppress]]\nrule = "RT"\nresource = "rtb-m*"\nreason = "isolated on purpose"\n'
        '[[suppress]]\nrule = "RT"\nresource = "subnet-gone"\nreason = "stale"\n'
    )
    run, report = check(capsys)
    assert run.code == 0, run.err
    isolated = [f for f in report["findings"] if f["resource_id"] == "rtb-main"]
    assert isolated and all(f["suppressed"] == "isolated on purpose" for f in isolated)
    assert any(f["rule_id"] == "SUP002" and f["resource_id"] == "subnet-gone" for f in report["findings"])


def test_expired_suppression_fails_again(capsys, project):
    (project / ".fargate-netcheck.toml").write_text(
        '[[suppress]]\nrule = "RT"\nresource = "rtb-main"\nreason = "r"\nexpires = 2000-01-01\n'
    )
    run, report = check(capsys)
    assert run.code == 1
    assert any(f["rule_id"] == "SUP001" for f in report["findings"])


def test_command_line_beats_dedicated_file_beats_pyproject(capsys, project):
    (project / "pyproject.toml").write_text('[tool.fargate-netcheck]\nselect = ["SG"]\n')
    _, report = check(capsys)
    assert report["findings"] == []  # pyproject: only SG rules, and the audit evaluates no groups
    (project / ".fargate-netcheck.toml").write_text('select = ["RT"]\nfail-on = "info"\n')
    run, report = check(capsys)
    assert {f["rule_id"][:2] for f in report["findings"]} == {"RT"} and run.code == 1
    run, report = check(capsys, "--select", "GW100", "--fail-on", "error")
    assert {f["rule_id"] for f in report["findings"]} <= {"GW100"} and run.code == 0


def test_explicit_config_file_is_used(capsys, project, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere") / "ci.toml"
    other.write_text('ignore = ["RT"]\n')
    run, report = check(capsys, "--config", str(other))
    assert not any(f["rule_id"].startswith("RT") for f in report["findings"])
    assert run.code == 0, run.err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('selct = ["RT"]\n', ".fargate-netcheck.toml:1: selct: unknown key (did you mean 'select'?)"),
        (
            '[[suppress]]\nrule = "RT"\nresource = "x"\n',
            ".fargate-netcheck.toml:1: suppress[0]: missing 'reason'",
        ),
        ("ports = [99999]\n", ".fargate-netcheck.toml:1: ports: 99999 is not a TCP port (1-65535)"),
    ],
)
def test_bad_configuration_exits_2_with_one_line(capsys, project, text, message):
    (project / ".fargate-netcheck.toml").write_text(text)
    run, _ = check(capsys)
    assert run.code == 2
    assert run.err.strip().endswith(message) and run.err.count("\n") == 1


def test_baseline_marks_new_unchanged_resolved_and_fail_on_new(capsys, project):
    # Baseline: the healthy account, plus a made-up finding that is gone now.
    _, before = check(capsys)
    before["findings"].append({**before["findings"][0], "rule_id": "GW002", "resource_id": "subnet-old"})
    Path("before.json").write_text(json.dumps(before))

    run, report = check(capsys, "--baseline", "before.json", "--fail-on-new")
    assert run.code == 0, run.err  # only known findings: --fail-on-new passes
    assert {f["baseline"] for f in report["findings"]} == {"unchanged"}
    assert report["summary"]["resolved"] == 1 and report["summary"]["new"] == 0
    assert report["resolved_findings"][0]["resource_id"] == "subnet-old"

    emptier = {**before, "findings": [f for f in before["findings"] if f["resource_id"] != "rtb-main"]}
    Path("before.json").write_text(json.dumps(emptier))
    run, report = check(capsys, "--baseline", "before.json", "--fail-on-new")
    assert run.code == 1
    assert {f["baseline"] for f in report["findings"] if f["resource_id"] == "rtb-main"} == {"new"}


def test_bad_baseline_exits_2(capsys, project):
    Path("before.json").write_text('{"report_version": 9}')
    run, _ = check(capsys, "--baseline", "before.json")
    assert run.code == 2 and "before.json: report_version is 9" in run.err


def test_fail_on_new_without_baseline_exits_2(capsys, project):
    run, _ = check(capsys, "--fail-on-new")
    assert run.code == 2 and "--baseline" in run.err


@pytest.mark.parametrize("fmt", ["dot", "graphml", "json"])
def test_graph_command_exports_every_node(capsys, project, fmt):
    run = run_cli(capsys, "graph", "--snapshot", "snap.json", "--format", fmt, "--output", f"g.{fmt}")
    assert run.code == 0, run.err
    text = Path(f"g.{fmt}").read_text()
    for node in ("vpc-app", "subnet-private", "nat-app", "igw-app", "rtb-main"):
        assert f'"{node}"' in text
    if fmt == "graphml":
        assert "nat-app" in nx.parse_graphml(text)


def test_graph_command_rejects_an_unknown_format(capsys, project):
    run = run_cli(capsys, "graph", "--snapshot", "snap.json", "--format", "png")
    assert run.code == 2 and "png" in run.err


STALE = (
    '[[suppress]]\nrule = "RT"\nresource = "rtb-m*"\nreason = "isolated on purpose"\n'
    '[[suppress]]\nrule = "RT"\nresource = "subnet-gone"\nreason = "stale"\n'
)


def test_suppression_warnings_are_ignored_like_rules(capsys, project):
    # One organization-wide configuration, suppressions that match in some accounts only.
    (project / ".fargate-netcheck.toml").write_text(STALE)
    run, report = check(capsys, "--ignore", "SUP002")
    assert run.code == 0, run.err
    assert not any(f["rule_id"] == "SUP002" for f in report["findings"])
    sarif = json.loads(
        run_cli(capsys, "check", "--snapshot", "snap.json", "-f", "sarif", "--ignore", "SUP002").out
    )
    assert "SUP002" not in {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert any(f["suppressed"] == "isolated on purpose" for f in report["findings"])  # still suppresses


def test_suppression_warnings_take_a_configured_severity(capsys, project):
    (project / ".fargate-netcheck.toml").write_text('severity = { SUP = "error" }\n' + STALE)
    run, report = check(capsys)
    assert run.code == 1  # the stale suppression is now an error
    (unused,) = [f for f in report["findings"] if f["rule_id"] == "SUP002"]
    assert unused["severity"] == "error"
    sarif = json.loads(run_cli(capsys, "check", "--snapshot", "snap.json", "-f", "sarif").out)
    (rule,) = [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "SUP002"]
    assert rule["defaultConfiguration"]["level"] == "error"


def test_a_selection_without_suppression_warnings_drops_them(capsys, project):
    (project / ".fargate-netcheck.toml").write_text(STALE)
    _, report = check(capsys, "--select", "RT")
    assert {f["rule_id"][:2] for f in report["findings"]} == {"RT"}
    _, report = check(capsys, "--select", "RT", "--extend-select", "SUP")
    assert any(f["rule_id"] == "SUP002" for f in report["findings"])


def test_an_unknown_suppression_code_is_exit_2(capsys, project):
    run = run_cli(capsys, "check", "--snapshot", "snap.json", "--ignore", "SUP9")
    assert run.code == 2
    assert "unknown rule id or prefix 'SUP9'" in run.err


def test_rules_lists_and_explain_documents_the_suppression_warnings(capsys):
    listed = run_cli(capsys, "rules")
    assert listed.code == 0
    assert [line.split()[0] for line in listed.out.splitlines()][-2:] == ["SUP001", "SUP002"]
    explained = run_cli(capsys, "explain", "suppression-unused")
    assert explained.code == 0
    assert explained.out.startswith("SUP002 suppression-unused: A suppression matched no finding")
    assert "Fix:" in explained.out
