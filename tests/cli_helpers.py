"""Run the CLI in-process exactly as the console script does (``main()``), capturing output."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from fargate_netcheck.cli.app import main


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
