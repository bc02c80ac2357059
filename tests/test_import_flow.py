"""Data flows one way: collect -> snapshot -> graph -> (targets | trace) -> rules -> report, with the
command line and the orchestration on top. Every import of every module of the package (and of the
built-in rule pack) is read from its source, function-level imports included, and checked against
the stage it belongs to. A module that imports against the flow fails here, naming the import.

A new module at the package root has no stage until it is given one below (its subpackage gives
it one otherwise): place it where it belongs in the pipeline.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "fargate_netcheck"

# Stages, and the stages each may import (besides itself). "base" is the shared vocabulary.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "base": frozenset(),
    "collect": frozenset({"base", "snapshot"}),
    "snapshot": frozenset({"base"}),
    "graph": frozenset({"base", "snapshot"}),
    # Target sources read configs, ECS (through collect) and the graph; they never trace.
    "targets": frozenset({"base", "snapshot", "graph", "collect"}),
    # The trace walks the graph from a target it is given; it never finds targets itself.
    "trace": frozenset({"base", "snapshot", "graph"}),
    "rules": frozenset({"base", "snapshot", "graph", "trace"}),
    # Writers render the model; they never collect, resolve targets or trace.
    "report": frozenset({"base", "snapshot", "graph", "rules"}),
    "app": frozenset({"base", "collect", "snapshot", "graph", "targets", "trace", "rules", "report"}),
}

# Subpackages: every module inside takes the stage of its folder.
SUBPACKAGES = {
    "collect": "collect",
    "sources": "targets",
    "trace": "trace",
    "report": "report",
    "demo": "app",
    "diagnose": "app",
    # Infrastructure code read into a snapshot and the tasks it defines: a source, like sources/.
    "iac": "targets",
    "dns": "trace",  # name resolution along a walk
    "nfw": "trace",  # Network Firewall rules along a walk
    "needs": "base",  # what a task needs, by name: sources and the trace both speak it
}

# Single modules whose stage differs from their folder's. TODO: move each to its stage's folder.
MODULE_STAGES = {
    "fargate_netcheck.dns.names": "base",  # DNS name syntax, read by collect/route53 and the trace
}

# Modules at the package root (to move into stage folders: see CHANGELOG "Unreleased").
ROOT_MODULES = {
    "__init__": "base",
    "errors": "base",
    "model": "base",
    "task_network": "base",
    "service_keys": "base",
    "tristate": "base",
    "endpoint_policy": "base",
    "snapshot_schema_needs": "snapshot",
    "merge": "snapshot",
    "need_rules": "rules",
    "jsonfile": "base",
    "resources": "base",
    "gc_quiet": "base",
    "progress": "base",
    "snapshot": "snapshot",
    "snapshot_schema": "snapshot",
    "snapshot_fast_check": "snapshot",
    "parse": "snapshot",
    "snapshot_json_schema": "snapshot",
    "graph": "graph",
    "graph_export": "graph",
    "route_choice": "graph",
    "addresses": "snapshot",  # address sets over parse's networks
    "call_settings": "base",  # timeouts and retries: collect uses them, the command line sets them
    "input_limits": "base",  # size limits of every input file
    "collection": "snapshot",  # what a snapshot says about its own collection (failures, unsupported)
    "output_paths": "report",  # report and snapshot destinations, checked before any work
    "cli_call_options": "app",
    "exit_codes": "app",
    "targets": "targets",
    "target_sources": "targets",
    "rules_api": "rules",
    "registry": "rules",
    "suppressions": "rules",
    "hosting": "report",
    "baseline": "report",
    "output": "report",
    "pipeline": "app",
    "config": "app",
    "redact": "app",
    "cli": "app",
    "cli_support": "app",
    "cli_panels": "app",
    "check_command": "app",
    "__main__": "app",
}


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. fargate_netcheck.trace.egress
    path: Path


def modules() -> list[Module]:
    found = []
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.append(Module(".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    for path in sorted((ROOT / "rules").glob("*.py")):  # the built-in rule pack, outside the package
        found.append(Module(f"rules.{path.stem}", path))
    return found


def stage_of(module: str) -> str | None:
    """The stage of a module of the package (or of the rule pack); None for one with no stage."""
    if module.startswith("rules."):
        return "rules"
    if module in MODULE_STAGES:
        return MODULE_STAGES[module]
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    if len(parts) == 1:
        return "base"
    if parts[1] in SUBPACKAGES:
        return SUBPACKAGES[parts[1]]
    return ROOT_MODULES.get(parts[1])


def imports_of(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of the package, at any depth (lazy imports in functions too)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == PACKAGE]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == PACKAGE:  # from fargate_netcheck import x: x may be a module
                found += [(node.lineno, f"{PACKAGE}.{a.name}") for a in node.names]
            elif node.module.split(".")[0] == PACKAGE:
                found.append((node.lineno, node.module))
    return found


def against_flow(module: str, source: str) -> list[str]:
    """Every import of ``source`` (the text of ``module``) that goes against the flow."""
    own = stage_of(module)
    bad = []
    for line, imported in imports_of(source):
        theirs = stage_of(imported)
        if theirs is None and imported.count(".") == 1 and imported.split(".")[1] not in ROOT_MODULES:
            theirs = "base"  # a name imported from the package root (__version__), not a module
        if theirs is None or theirs == own or theirs in MAY_IMPORT[own]:
            continue
        bad.append(f"{module}:{line} ({own}) imports {imported} ({theirs})")
    return bad


def test_every_module_has_a_stage():
    missing = [m.name for m in modules() if stage_of(m.name) is None]
    assert not missing, f"give these a stage in tests/test_import_flow.py: {missing}"


def test_no_import_goes_against_the_pipeline_flow():
    bad = [line for m in modules() for line in against_flow(m.name, m.path.read_text(encoding="utf-8"))]
    assert not bad, "imports against the flow:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("fargate_netcheck.collect.ecs", "from fargate_netcheck.sources.deploy_config import TaskNetwork"),
        ("fargate_netcheck.targets", "from fargate_netcheck.trace.routing import choose_route"),
        ("fargate_netcheck.trace.egress", "def f():\n    from fargate_netcheck.target_sources import x"),
        ("fargate_netcheck.report.text", "import fargate_netcheck.collect.ec2"),
        ("fargate_netcheck.snapshot", "from fargate_netcheck import graph"),
        ("rules.routing", "from fargate_netcheck.output import write_report"),
    ],
)
def test_the_check_catches_an_import_against_the_flow(module, source):
    """The guard itself can fail: each of these imports is refused, lazy ones included."""
    assert against_flow(module, source)


def test_imports_with_the_flow_pass():
    assert not against_flow("fargate_netcheck.trace.egress", "from fargate_netcheck.graph import successor")
    assert not against_flow("fargate_netcheck.cli", "from fargate_netcheck import __version__")
    assert not against_flow("fargate_netcheck.target_sources", "from fargate_netcheck.collect.ecs import x")
