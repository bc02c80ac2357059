"""The analysis pipeline after collection: snapshot -> graph -> trace -> rules -> report.

Offline by construction: it reads a snapshot and never calls AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from fargate_netcheck import __version__
from fargate_netcheck.checks.registry import Selection, load_rules, rule_info, run_rules
from fargate_netcheck.core.model import Report, Severity, Target
from fargate_netcheck.needs.catalog import Need
from fargate_netcheck.rules_api import Rule, RuleContext
from fargate_netcheck.snapshot.store import Snapshot
from fargate_netcheck.trace import TraceOptions, trace_targets


@dataclass(slots=True)
class AnalysisOptions:
    trace: TraceOptions = field(default_factory=TraceOptions)
    selection: Selection = field(default_factory=Selection)
    rules_dirs: tuple[Path, ...] = ()
    plugins: bool = True
    params: dict = field(default_factory=dict)  # run-time rule parameters (see each rule's docs)
    needs: tuple[Need, ...] = ()  # what every task needs besides what is derived (--need, config)


def select_rules(options: AnalysisOptions) -> list[Rule]:
    return options.selection.pick(load_rules(options.rules_dirs, plugins=options.plugins))


def analyze(
    snapshot: Snapshot,
    graph: nx.DiGraph,
    targets: list[Target],
    options: AnalysisOptions,
    *,
    with_topology: bool = False,
) -> Report:
    """``with_topology`` adds the per-VPC view the HTML report draws (built only when asked for)."""
    rules = select_rules(options)
    notes: list[str] = []
    results = trace_targets(graph, targets, options.trace, options.needs, notes)
    ctx = RuleContext(
        results=results,
        graph=graph,
        params={**_derived_params(targets), "ports": options.trace.ports, **options.params},
    )
    findings = run_rules(rules, ctx, options.selection)
    report = Report(
        tool_version=__version__,
        targets=results,
        findings=findings,
        rules={r.id: rule_info(r, options.selection) for r in rules},
        collected_at=snapshot.collected_at,
        account_ids=snapshot.account_ids,
        regions=tuple(sorted({r.region for r in snapshot.regions})),
        errors=snapshot.errors(),
        notes=notes,
    )
    if with_topology:
        from fargate_netcheck.report.topology import build_topology

        report.topology = build_topology(graph)
    return report


# Sources whose targets come with the task definition, so what the task needs at launch is known.
_DEFINITION_SOURCES = ("ecs-service:", "deploy-config:", "task:", "cloudformation:", "terraform:")


def _derived_params(targets: list[Target]) -> dict:
    params: dict = {}
    if targets and all(t.source.startswith(_DEFINITION_SOURCES) for t in targets):
        params["awslogs_target_ids"] = frozenset(t.target_id for t in targets if "logs" in t.needs)
    return params


def exit_code(report: Report, fail_on: Severity = Severity.ERROR) -> int:
    failing = any(f.severity.rank >= fail_on.rank for f in report.active_findings())
    return 1 if failing else 0
