"""Run the CLI in-process exactly as the console script does (``main()``), capturing output."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pytest

from fargate_netcheck.cli import main


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
