"""Shared helpers of the infrastructure-as-code tests."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli


@pytest.fixture
def check_json(capsys):
    """Run ``check ... -f json``; (exit code, report, stderr)."""

    def run(*args: str):
        r = run_cli(capsys, "check", *args, "-f", "json")
        return r.code, (json.loads(r.out) if r.out.strip() else None), r.err

    return run


@pytest.fixture
def check_template(tmp_path, check_json):
    """Run ``check --cloudformation`` of a template text (written under ``tmp_path``)."""

    def run(text: str, *args: str):
        path = tmp_path / "app.yaml"
        path.write_text(text, encoding="utf-8")
        return check_json("--cloudformation", str(path), *args)

    return run
