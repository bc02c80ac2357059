"""Run the CLI in-process exactly as the console script does (``main()``), capturing output."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from fargate_netcheck.cli import redact
from fargate_netcheck.cli.app import main

REDACTION_KEY = bytes(range(32))


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture, *args: str) -> Run:
    argv = sys.argv
    sys.argv = ["fargate-netcheck", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def check_snapshot_json(capsys: pytest.CaptureFixture, tmp_path, snap: dict) -> tuple[int, dict]:
    """``check --snapshot`` of ``snap`` (written under ``tmp_path``) for the private subnet of
    ``snapshots.healthy()`` with its open group, ``-f json``: the exit code (0 or 1) and the report."""
    import json

    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snap))
    args = ("--subnet", "subnet-private", "--security-group", "sg-open", "-f", "json")
    r = run_cli(capsys, "check", "--snapshot", str(path), *args)
    assert r.code in (0, 1), r.err
    return r.code, json.loads(r.out)


BOTO3_IMPORTED = 99  # the exit code of run_without_boto3 when the command imported boto3 or botocore


def run_without_boto3(*args: str):
    """Run the CLI with ``args`` in a fresh interpreter; the completed process exits with the CLI's own
    code, or ``BOTO3_IMPORTED`` when the command imported boto3 or botocore."""
    import subprocess

    code = (
        f"import sys; sys.argv={['fargate-netcheck', *args]!r}\n"
        "import fargate_netcheck.cli.app as c\n"
        "try:\n c.main(); code = 0\nexcept SystemExit as e: code = e.code or 0\n"
        f"sys.exit({BOTO3_IMPORTED} if 'boto3' in sys.modules or 'botocore' in sys.modules else code)"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def fixed_redaction_key(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Make ``--redact`` use ``REDACTION_KEY`` instead of a random key, and return it. A keyed
    permutation has fixed points: inside 10.0.0.0/8 a VPC's /16 maps onto itself for one key in 256
    (and the path to its resolver, base + 2, keeps what lies below), so a test that asserts that a
    given address is masked fixes the key, and checks that this key moves it."""
    monkeypatch.setattr(redact, "os", SimpleNamespace(urandom=lambda n: REDACTION_KEY[:n]))
    return REDACTION_KEY
