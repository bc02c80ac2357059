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
