"""A rule selection that names no rule, or a rules folder that does not load, is bad input found
before the first AWS call (as the output paths are): a typo in `--select` must not cost a whole
account's collection before its one-line error."""

from __future__ import annotations

import pytest
from cli_helpers import run_cli

import fargate_netcheck.cli.check as check_module


@pytest.fixture
def no_collection(monkeypatch):
    def collect(*args, **kwargs):
        raise AssertionError("collected before the rule selection was checked")

    monkeypatch.setattr(check_module, "load_or_collect", collect)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.mark.parametrize(
    ("option", "value"), [("--select", "XX"), ("--ignore", "SG9"), ("--extend-select", "E")]
)
def test_an_unknown_rule_code_is_exit_2_before_any_collection(capsys, no_collection, option, value):
    run = run_cli(capsys, "check", "--region", "us-east-1", option, value)
    assert run.code == 2
    assert f"unknown rule id or prefix {value!r}" in run.err, run.err


def test_a_broken_rules_folder_is_exit_2_before_any_collection(capsys, no_collection, tmp_path):
    (tmp_path / "bad.py").write_text("raise RuntimeError('boom')\n")
    run = run_cli(capsys, "check", "--region", "us-east-1", "--rules-dir", str(tmp_path))
    assert run.code == 2
    assert "bad.py: cannot load rules: RuntimeError: boom" in run.err, run.err
