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
