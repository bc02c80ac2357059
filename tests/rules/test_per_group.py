"""Rules decided once per group of targets that share a walk (checks/per_group.py) find exactly what
running every rule on every target finds, and an audit written as JSON never makes a group
member's walks (trace/members.py): on synthetic and fuzzed snapshots, with audit targets and with
command-line targets (groups, public IP)."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
from fuzz.mutations import BASES, FUZZ, mutated
from hypothesis import given
from hypothesis import strategies as st

from fargate_netcheck.checks.per_group import Groups
from fargate_netcheck.checks.registry import load_rules, run_rules
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Finding
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.pipeline import AnalysisOptions, _derived_params, analyze
from fargate_netcheck.report import json_report
from fargate_netcheck.rules_api import Hit, RuleContext, rule
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import audit_targets, cli_targets
from fargate_netcheck.trace import trace_targets
from fargate_netcheck.trace.members import MemberResult


def _synth(vpcs: int, subnets: int, spokes: int) -> dict:
    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import synth

    return synth.generate(vpcs, subnets, tgw_spokes=spokes, seed=3)


def _targets(graph, public: bool):
    """Audit targets, and command-line ones for every subnet: one group, or two and a public IP.
    (Target ids must be unique for hits to name their target: both kinds would repeat them.)"""
    targets = audit_targets(graph)
    subnets = sorted(n for n, a in graph.nodes(data=True) if a.get("kind") == "subnet")
    groups = sorted(n for n, a in graph.nodes(data=True) if a.get("kind") == "sg")
    if subnets:
        targets += cli_targets(graph, subnets, groups[-2:] if public else groups[:1], public)
    return targets


def _findings(graph, targets, *, grouped: bool) -> list[Finding]:
    rules = list(load_rules(plugins=False).values())
    results = trace_targets(graph, targets, grouped=grouped)
    ctx = RuleContext(results=results, graph=graph, params={**_derived_params(targets), "ports": (443,)})
    return run_rules(rules, ctx)


def assert_same_findings(doc) -> int:
    """Every built-in rule finds the same, grouped or target by target; returns how many findings
    were about group members."""
    try:
        graph = build_graph(parse_snapshot(doc, "per-group.json"))
    except InputError:
        return 0
    about_members = 0
    for public in (False, True):
        targets = _targets(graph, public)
        grouped = _findings(graph, targets, grouped=True)
        alone = _findings(graph, targets, grouped=False)
        assert grouped == alone
        results = trace_targets(graph, targets)
        members = {r.target.target_id for r in results if isinstance(r, MemberResult)}
        assert not members or Groups.of(RuleContext(results=results, graph=graph)) is not None
        about_members += sum(f.target_id in members for f in grouped)
    return about_members


def test_synthetic_accounts_find_the_same_with_rules_decided_once_per_group():
    for spokes in (0, 1):
        assert assert_same_findings(_synth(3, 24, spokes)) > 24, "members' findings came from their groups"


@pytest.mark.parametrize("name", sorted(BASES))
def test_each_base_snapshot_finds_the_same_with_rules_decided_once_per_group(name):
    assert_same_findings(copy.deepcopy(BASES[name]))


@FUZZ
@given(data=st.data())
def test_rules_decided_once_per_group_find_the_same_on_fuzzed_snapshots(data):
    assert_same_findings(mutated(data))


def test_targets_with_repeated_ids_are_decided_one_by_one_and_find_the_same():
    graph = build_graph(parse_snapshot(_synth(2, 12, 1), "per-group.json"))
    targets = _targets(graph, False) + _targets(graph, True)[len(audit_targets(graph)) :]
    results = trace_targets(graph, targets)
    assert Groups.of(RuleContext(results=results, graph=graph)) is None
    assert _findings(graph, targets, grouped=True) == _findings(graph, targets, grouped=False)


def test_an_audit_counted_and_written_as_json_never_makes_a_members_walks():
    doc = _synth(2, 30, 1)
    snapshot = parse_snapshot(doc, "per-group.json")
    graph = build_graph(snapshot)
    report = analyze(snapshot, graph, audit_targets(graph), AnalysisOptions())
    text = json_report.render(report)
    members = [r for r in report.targets if isinstance(r, MemberResult)]
    assert len(members) > 30 and report.findings
    assert not any(m.made for m in members), "the rules, the summary or the JSON made a member's walks"
    # ...and what it wrote is what the members' own walks say
    for member in members[:5]:
        assert member.internet_egress.path[0] == member.target.subnet_id
        assert member.target.subnet_id in text


def test_a_rule_that_reads_every_targets_walks_gets_each_members_own():
    seen: dict[str, str] = {}

    @rule(
        id="ZZ001",
        name="first-hop",
        title="first hop",
        severity="info",
        docs="What it checks: x\nWhy it matters: x\nExample: x\nFix: x",
        remediation="none",
    )
    def first_hop(ctx):
        for result in ctx.results:
            seen[result.target.subnet_id] = result.internet_egress.path[0]
            yield Hit(result.internet_egress.path[0], "first hop", result.target.target_id)

    graph = build_graph(parse_snapshot(_synth(1, 20, 0), "per-group.json"))
    results = trace_targets(graph, audit_targets(graph))
    assert any(isinstance(r, MemberResult) for r in results)
    findings = run_rules([first_hop], RuleContext(results=results, graph=graph))
    assert len(findings) == len(results) == len(seen)
    assert all(subnet == hop for subnet, hop in seen.items())


def test_replacing_a_members_walk_makes_it_a_result_of_its_own():
    graph = build_graph(parse_snapshot(_synth(1, 20, 0), "per-group.json"))
    member = next(r for r in trace_targets(graph, audit_targets(graph)) if isinstance(r, MemberResult))
    first = member.shared[0].first
    assert member.deciding is first and not member.made
    member.ecr_pull = None
    assert member.shared is None and member.deciding is member and member.ecr_pull is None
    assert member.internet_egress.path[0] == member.target.subnet_id
