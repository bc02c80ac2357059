"""Rule plugins, both ways in: a ``--rules-dir`` folder, and an installed package declaring the
entry-point group ``fargate_netcheck.rules`` (faked with a ``*.dist-info`` folder, and really
installed with pip). The sample plugin lives in ``tests/plugin_pkg``."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli
from snapshots import healthy, write

from fargate_netcheck.checks.registry import load_rules, run_rules
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.rules_api import RuleContext
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import audit_targets
from fargate_netcheck.trace import trace_targets

PLUGIN_PKG = Path(__file__).resolve().parent.parent / "plugin_pkg"
PLUGIN_RULES = PLUGIN_PKG / "netcheck_sample_plugin"
SAMPLE_ENTRY_POINTS = "[fargate_netcheck.rules]\nsample = netcheck_sample_plugin.rules\n"
PLUGIN_MODULES = ("netcheck_sample_plugin", "netcheck_dup_plugin", "netcheck_broken_plugin")


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A fresh folder on sys.path; plugin modules imported during the test are forgotten after it,
    so no other test sees the plugin."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name in [m for m in sys.modules if m.split(".")[0] in PLUGIN_MODULES]:
        del sys.modules[name]
    importlib.invalidate_caches()


def fake_distribution(site: Path, name: str, entry_points: str) -> None:
    """What pip leaves behind, reduced to what importlib.metadata reads for entry points."""
    info = site / f"{name}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text(entry_points)
    importlib.invalidate_caches()


def plugin_hits(rules):
    snap = parse_snapshot(healthy())
    graph = build_graph(snap)
    ctx = RuleContext(results=trace_targets(graph, audit_targets(graph)), graph=graph)
    return run_rules([rules["PLG001"]], ctx)


# ---- (a) a --rules-dir folder ----


def test_rules_dir_loads_the_sample_rule_with_its_folder_as_origin():
    rules = load_rules([PLUGIN_RULES], plugins=False)
    assert rules["PLG001"].origin == str(PLUGIN_RULES)
    assert rules["RT001"].origin == "built-in"
    findings = plugin_hits(rules)
    assert {f.resource_id for f in findings} == {"subnet-public", "subnet-private", "subnet-isolated"}
    assert all(f.rule_id == "PLG001" and f.severity.value == "info" for f in findings)


def test_cli_rules_and_check_use_a_rules_dir(capsys, tmp_path):
    listing = run_cli(capsys, "rules", "--rules-dir", str(PLUGIN_RULES))
    assert listing.code == 0
    assert any(line.startswith("PLG001") for line in listing.out.splitlines())

    snap = write(healthy(), tmp_path / "snap.json")
    run = run_cli(
        capsys,
        "check",
        "--snapshot",
        str(snap),
        "--rules-dir",
        str(PLUGIN_RULES),
        "--select",
        "PLG",
        "-f",
        "json",
    )
    assert run.code == 0, run.err  # PLG001 is info: below the default failing severity
    report = json.loads(run.out)
    assert {f["rule_id"] for f in report["findings"]} == {"PLG001"}


# ---- (b) the entry-point group ----


def test_entry_point_plugin_is_loaded(site, monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGIN_PKG))
    fake_distribution(site, "netcheck_sample_plugin", SAMPLE_ENTRY_POINTS)
    rules = load_rules()
    assert rules["PLG001"].origin == "plugin sample"
    assert len(plugin_hits(rules)) == 3
    assert "PLG001" not in load_rules(plugins=False)


def test_plugin_rule_with_a_built_in_id_is_an_input_error(site):
    (site / "netcheck_dup_plugin.py").write_text(
        (PLUGIN_RULES / "rules.py").read_text().replace('id="PLG001"', 'id="RT001"')
    )
    fake_distribution(site, "netcheck_dup_plugin", "[fargate_netcheck.rules]\ndup = netcheck_dup_plugin\n")
    with pytest.raises(InputError, match=r"duplicate rule id RT001: defined by built-in and by plugin dup"):
        load_rules()


def test_plugin_and_rules_dir_defining_the_same_rule_is_an_input_error(site, monkeypatch):
    monkeypatch.syspath_prepend(str(PLUGIN_PKG))
    fake_distribution(site, "netcheck_sample_plugin", SAMPLE_ENTRY_POINTS)
    with pytest.raises(InputError, match="duplicate rule id PLG001"):
        load_rules([PLUGIN_RULES])


def test_plugin_that_fails_to_import_is_an_input_error(site):
    (site / "netcheck_broken_plugin.py").write_text("raise ImportError('missing dependency')\n")
    fake_distribution(
        site, "netcheck_broken_plugin", "[fargate_netcheck.rules]\nbroken = netcheck_broken_plugin\n"
    )
    with pytest.raises(
        InputError, match=r"rule plugin broken \(netcheck_broken_plugin\): cannot load: missing"
    ):
        load_rules()


def test_pip_installed_plugin_is_loaded_through_its_entry_point(site, tmp_path):
    source = tmp_path / "src"
    shutil.copytree(PLUGIN_PKG, source)  # build from a copy: the checkout stays clean
    install = subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
            "--no-index", "--target", str(site), str(source),
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    assert (site / "netcheck_sample_plugin-0.1.0.dist-info" / "entry_points.txt").is_file()
    importlib.invalidate_caches()
    rules = load_rules()
    assert rules["PLG001"].origin == "plugin sample"
    assert Path(sys.modules["netcheck_sample_plugin.rules"].__file__).is_relative_to(site)
