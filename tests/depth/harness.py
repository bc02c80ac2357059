"""Trace targets and run rules on a hand-written snapshot, as the pipeline does."""

from __future__ import annotations

from typing import Any

from fargate_netcheck.checks.registry import load_rules, run_rules
from fargate_netcheck.core.model import CheckCode, Finding, PathResult, TargetResult
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.rules_api import RuleContext
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import Destination, TraceOptions, trace_targets


def analyse(
    snap: dict[str, Any],
    *targets: tuple,
    destination: str = "0.0.0.0/0",
    ports: tuple[int, ...] = (443,),
    source: str = "test",
) -> tuple[list[TargetResult], Any]:
    """``targets``: (subnet, groups, public[, source]) tuples; groups () means an audit-style target."""
    g = build_graph(parse_snapshot(snap))
    made = []
    for spec in targets:
        subnet, groups, public, *rest = spec
        made.append(
            make_target(
                g, rest[0] if rest else source, subnet, groups, public, evaluate_security_groups=bool(groups)
            )
        )
    options = TraceOptions(destinations=(Destination.of(destination),), ports=ports)
    return trace_targets(g, made, options), g


def result(
    snap: dict[str, Any], subnet: str, groups: tuple[str, ...] = (), public: bool = False, **kw: Any
) -> TargetResult:
    results, _ = analyse(snap, (subnet, groups, public), **kw)
    return results[0]


def findings(
    snap: dict[str, Any], *targets: tuple, rule_ids: tuple[str, ...], params: dict[str, Any] | None = None
) -> list[Finding]:
    results, g = analyse(snap, *targets)
    rules = load_rules(plugins=False)
    return run_rules([rules[r] for r in rule_ids], RuleContext(results, g, params or {}))


def codes(path: PathResult) -> set[CheckCode]:
    return {c.code for c in path.failed() + path.unknown()}


def passed(path: PathResult, code: CheckCode) -> list[str]:
    """The reasons of the passed checks of one code."""
    return [c.reason for c in path.checks if c.code is code and c.status.value == "pass"]
