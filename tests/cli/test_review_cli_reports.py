"""Review of the command line's options and report destinations: a repeatable option given twice, ``-`` for
stdout, a report folder with a file that cannot be written, the demo's output files, a suppression
naming no rule, and the exit code of a run whose target is not verified reachable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run_cli
from snapshots import healthy, write

from fargate_netcheck.cli.app import demo

PUBLIC = ("--subnet", "subnet-public", "--no-assign-public-ip")  # unreachable at igw-app: GW002
PRIVATE = ("--subnet", "subnet-private", "--security-group", "sg-open")  # reachable


@pytest.fixture
def snap_file(tmp_path: Path) -> str:
    return str(write(healthy(), tmp_path / "snap.json"))


def rule_ids(out: str) -> set[str]:
    return {f["rule_id"] for f in json.loads(out)["findings"]}


# -- an option given twice ------------------------------------------------------------------------
def test_select_given_twice_selects_both_like_ruff(capsys, snap_file):
    """``--select GW --select SG`` kept SG only: GW002, an error, vanished and the run exited 0."""
    r = run_cli(
        capsys, "check", "--snapshot", snap_file, *PUBLIC, "-f", "json", "--select", "GW", "--select", "SG"
    )
    assert r.code == 1, r.err
    assert "GW002" in rule_ids(r.out)


def test_ignore_given_twice_ignores_both(capsys, snap_file):
    r = run_cli(
        capsys, "check", "--snapshot", snap_file, *PUBLIC, "-f", "json", "--ignore", "GW002", "--ignore", "SG"
    )
    assert "GW002" not in rule_ids(r.out)


def test_an_unknown_code_in_a_repeated_select_is_named(capsys, snap_file):
    r = run_cli(capsys, "check", "--snapshot", snap_file, *PRIVATE, "--select", "GW", "--select", "NOPE9")
    assert r.code == 2 and "'NOPE9'" in r.err and len(r.err.strip().splitlines()) == 1


# -- "-" is stdout --------------------------------------------------------------------------------
def test_output_dash_writes_to_stdout_not_a_file_named_dash(capsys, snap_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run_cli(capsys, "check", "--snapshot", snap_file, *PRIVATE, "-f", "json", "-o", "-")
    assert r.code == 0, r.err
    assert json.loads(r.out)["summary"]["targets"] == 1
    assert not (tmp_path / "-").exists()


def test_graph_output_dash_writes_to_stdout(capsys, snap_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run_cli(capsys, "graph", "--snapshot", snap_file, "-o", "-")
    assert r.code == 0, r.err
    assert r.out.startswith("digraph") or "subnet-private" in r.out
    assert not (tmp_path / "-").exists()


# -- a report folder whose file cannot be written: refused before anything is written --------------
def test_output_dir_with_a_folder_in_place_of_one_report_leaves_no_partial_result(
    capsys, snap_file, tmp_path
):
    out = tmp_path / "out"
    (out / "fargate-netcheck.sarif").mkdir(parents=True)
    r = run_cli(
        capsys, "check", "--snapshot", snap_file, *PRIVATE, "--output-dir", str(out), "-f", "json,sarif"
    )
    assert r.code == 2
    assert "fargate-netcheck.sarif" in r.err and len(r.err.strip().splitlines()) == 1
    assert not (out / "fargate-netcheck.json").exists()  # no half of the requested result


# -- demo: one file per format ---------------------------------------------------------------------
def test_demo_refuses_one_file_named_for_two_formats_before_building_anything(tmp_path, monkeypatch):
    import fargate_netcheck.demo.runner as runner

    monkeypatch.setattr(runner, "demo_report", lambda **kw: pytest.fail("built the demo"))
    same = tmp_path / "report.out"
    with pytest.raises(Exception) as caught:
        demo(output=same, html=same, markdown=None)
    assert "report.out" in str(caught.value) and "--html" in str(caught.value)
    assert not same.exists()


def test_demo_refuses_an_output_that_is_a_folder_before_building_anything(tmp_path, monkeypatch):
    import fargate_netcheck.demo.runner as runner

    monkeypatch.setattr(runner, "demo_report", lambda **kw: pytest.fail("built the demo"))
    with pytest.raises(Exception) as caught:
        demo(output=tmp_path, html=None, markdown=None)
    assert "is a folder" in str(caught.value)


# -- a suppression naming no rule is a typo: refused, naming file and line -------------------------
def test_a_suppression_of_an_unknown_rule_is_an_input_error_naming_file_and_line(capsys, snap_file, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(
        '[[suppress]]\nrule = "GW002"\nresource = "*"\nreason = "known"\n\n'
        '[[suppress]]\nrule = "GWW002"\nresource = "*"\nreason = "typo"\n'
    )
    r = run_cli(capsys, "check", "--snapshot", snap_file, *PUBLIC, "--config", str(config))
    assert r.code == 2
    assert f"{config}:6" in r.err and "'GWW002'" in r.err and len(r.err.strip().splitlines()) == 1


def test_a_suppression_of_a_suppression_warning_is_accepted(capsys, snap_file, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[[suppress]]\nrule = "SUP"\nresource = "*"\nreason = "org-wide"\n')
    r = run_cli(capsys, "check", "--snapshot", snap_file, *PRIVATE, "--config", str(config))
    assert r.code in (0, 1), r.err


# -- exit codes: suppression with a reason, only warnings -----------------------------------------
def test_a_suppression_with_a_reason_still_accepts_the_unreachable_target(capsys, snap_file, tmp_path):
    """Suppressing with a reason is the documented way to accept a verdict verified elsewhere."""
    config = tmp_path / "c.toml"
    config.write_text('[[suppress]]\nrule = "GW002"\nresource = "igw-app"\nreason = "verified: NET-12"\n')
    r = run_cli(capsys, "check", "--snapshot", snap_file, *PUBLIC, "--config", str(config))
    assert r.code == 0, r.out + r.err


def test_only_warnings_exit_0_and_with_fail_on_warning_exit_1(capsys, snap_file, tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[[suppress]]\nrule = "GW002"\nresource = "nothing-matches"\nreason = "stale"\n')
    r = run_cli(capsys, "check", "--snapshot", snap_file, *PRIVATE, "--config", str(config), "-f", "json")
    assert json.loads(r.out)["summary"]["warnings"] == 1 and r.code == 0
    r = run_cli(
        capsys, "check", "--snapshot", snap_file, *PRIVATE, "--config", str(config), "--fail-on", "warning"
    )
    assert r.code == 1


def test_a_graph_whose_write_fails_leaves_the_previous_file_whole(capsys, snap_file, tmp_path, monkeypatch):
    import errno

    import fargate_netcheck.core.files as files

    out = tmp_path / "graph.dot"
    out.write_text("previous graph\n")

    def half_then_full_disk(chunks, stream):
        stream.write("digraph {")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "copy_text", half_then_full_disk)
    r = run_cli(capsys, "graph", "--snapshot", snap_file, "-o", str(out))
    assert r.code == 2 and "No space left on device" in r.err and str(out) in r.err
    assert out.read_text() == "previous graph\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".graph")] == []
