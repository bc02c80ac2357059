"""The repository stays lint-clean and its wheel works outside the checkout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_check_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "fargate_netcheck", "rules", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean_on_the_package():
    """The configuration is in pyproject.toml ([tool.mypy]); .ci/run also prints mypy's summary."""
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1].startswith("Success: no issues found")


@pytest.mark.slow
def test_installed_wheel_finds_rules_and_templates_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "fargate_netcheck/_builtin/rules/routing.py" in names
    assert any(n.startswith("fargate_netcheck/_builtin/templates/") for n in names)
    assert "fargate_netcheck/report/report.schema.json" in names
    assert "fargate_netcheck/data/aws-ip-ranges.json" in names  # AWS's ranges, for the ECR pull

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)], check=True
    )
    snap = tmp_path / "snap.json"
    sys.path.insert(0, str(ROOT / "tests"))
    from snapshots import healthy, write

    write(healthy(), snap)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    script = (
        "import fargate_netcheck.core.resources as r, sys;"
        "print(r.rules_dir()); print(r.templates_dir());"
        "import fargate_netcheck.report.schema as s; print(s.report_schema()['$id']);"
        "import fargate_netcheck.trace.aws_ranges as a; print(a.SHIPPED, a.shipped().create_date);"
        f"sys.argv=['fargate-netcheck','check','--snapshot',{str(snap)!r},'-f','html','-o','r.html'];"
        "import fargate_netcheck.cli.app as c; c.main()"
    )
    # Dependencies come from this environment's site-packages on PYTHONPATH; its .pth files (the
    # editable install pointing at the checkout) are not processed from there, so only the wheel
    # provides fargate_netcheck.
    import os
    import sysconfig

    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    result = subprocess.run([str(py), "-c", script], cwd=outside, capture_output=True, text=True, env=env)
    assert result.returncode == 1, result.stderr  # the snapshot has one unreachable subnet
    rules_dir, templates_dir, schema_id, ranges = result.stdout.splitlines()[:4]
    assert schema_id.endswith("/report-v1.json")  # the report schema ships in the wheel
    assert str(venv) in rules_dir and "_builtin" in rules_dir
    assert str(venv) in ranges and ranges.endswith("2026-08-22-15-17-05")
    assert str(venv) in templates_dir
    assert "<html" in (outside / "r.html").read_text().lower()
