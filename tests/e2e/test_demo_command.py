"""`fargate-netcheck demo`, installed and offline: the README's first command. It builds its account in
an embedded moto, prints the text report and writes the JSON, HTML and (asked) Markdown reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from report_schema import assert_valid_report

pytestmark = [pytest.mark.e2e]


def test_demo_writes_every_report_it_is_asked_for_without_aws(
    run_cli: Callable[[list[str], dict[str, str]], CompletedProcess[str]],
    offline_env: dict[str, str],
    tmp_path: Path,
) -> None:
    out = {name: tmp_path / name for name in ("report.json", "report.html", "demo.md")}
    args = ["demo", "-o", str(out["report.json"]), "--html", str(out["report.html"])]
    result = run_cli([*args, "--markdown", str(out["demo.md"])], offline_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("fargate-netcheck ") and "7 target(s), 5 unreachable" in result.stdout
    report = json.loads(out["report.json"].read_text(encoding="utf-8"))
    assert_valid_report(report, "demo report.json")
    assert report["summary"]["targets"] == 7 and report["summary"]["unreachable"] == 5
    markdown = out["demo.md"].read_text(encoding="utf-8")
    assert markdown.startswith("## fargate-netcheck report")
    assert "**:x: 7 targets checked: 5 unreachable" in markdown
    assert "`demo:nat-in-private-subnet:subnet-" in markdown  # ids in code spans, hyphens unescaped
    assert out["report.html"].read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    assert f"wrote {out['report.json']}, {out['report.html']}, {out['demo.md']}" in result.stderr
