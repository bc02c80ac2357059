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
    "core": "base",  # the model, errors, tri-states, limits, settings: every stage speaks it
    "needs": "base",  # what a task needs, by name: sources and the trace both speak it
    "collect": "collect",
    "snapshot": "snapshot",
    "graph": "graph",
    "targets": "targets",  # every target source, infrastructure as code included
    "trace": "trace",  # the walk, with DNS and Network Firewall along it
    "checks": "rules",
    "report": "report",
    "cli": "app",
    "demo": "app",
    "diagnose": "app",
}

# Single modules whose stage differs from their folder's: none. Keep it that way: a module that
# belongs to another stage moves to that stage's folder.
MODULE_STAGES: dict[str, str] = {}

# The only modules at the package root: the package itself, ``python -m``, the analysis pipeline
# the commands share, and the public API that rule packs import.
ROOT_MODULES = {
    "__init__": "base",
    "__main__": "app",
    "pipeline": "app",
    "rules_api": "rules",
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
        ("fargate_netcheck.collect.ecs", "from fargate_netcheck.targets.deploy_config import TaskNetwork"),
        ("fargate_netcheck.targets.subnets", "from fargate_netcheck.trace.routing import choose_route"),
        ("fargate_netcheck.trace.egress", "def f():\n    from fargate_netcheck.targets.select import x"),
        ("fargate_netcheck.report.text", "import fargate_netcheck.collect.ec2"),
        ("fargate_netcheck.snapshot.store", "from fargate_netcheck import graph"),
        ("rules.routing", "from fargate_netcheck.report.output import write_report"),
    ],
)
def test_the_check_catches_an_import_against_the_flow(module, source):
    """The guard itself can fail: each of these imports is refused, lazy ones included."""
    assert against_flow(module, source)


def test_imports_with_the_flow_pass():
    assert not against_flow(
        "fargate_netcheck.trace.egress", "from fargate_netcheck.graph.build import successor"
    )
    assert not against_flow("fargate_netcheck.cli.app", "from fargate_netcheck import __version__")
    assert not against_flow("fargate_netcheck.targets.select", "from fargate_netcheck.collect.ecs import x")
