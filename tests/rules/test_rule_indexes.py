"""The indexes rules share (each built once per run) give what a scan of every target would:
need checks of several codes in walk order (the first of a target's duplicates is the one kept),
and findings in ``Finding.sort_key`` order however the rules ran."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import fargate_netcheck.core.model as m
from fargate_netcheck.checks.need_rules import need_checks
from fargate_netcheck.checks.registry import run_rules
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.pipeline import AnalysisOptions, select_rules
from fargate_netcheck.rules_api import RuleContext
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import audit_targets
from fargate_netcheck.trace import trace_targets


def _context() -> RuleContext:
    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import synth

    graph = build_graph(parse_snapshot(synth.generate(3, 20, tgw_spokes=1, seed=7), "indexes.json"))
    return RuleContext(
        results=trace_targets(graph, audit_targets(graph)), graph=graph, params={"audit": True}
    )


def _need_context() -> RuleContext:
    """Three targets whose needs hold checks of three codes and two statuses, interleaved."""
    codes = [m.CheckCode.DNS_BLOCKED, m.CheckCode.NFW_DROPPED, m.CheckCode.EPP_DENIED]
    results = []
    for t in range(3):
        target = m.Target(f"t{t}", "audit", f"subnet-{t}")
        result = m.TargetResult(target, "vpc-1", m.PathResult(m.Verdict.REACHABLE, [], None, ""))
        for n in range(3):
            checks = [
                m.Check(
                    codes[(t + n + k) % 3],
                    m.Status.FAIL if (t + k) % 2 else m.Status.UNKNOWN,
                    f"r{k}",
                    f"{t}{n}{k}",
                )
                for k in range(4)
            ]
            walk = m.PathResult(m.Verdict.UNREACHABLE, [], None, "", checks=checks)
            result.needs.append(m.NeedResult(f"n{n}.example.com", 443, "p", "internet", walk))
        results.append(result)
    return RuleContext(results=results, graph=None)  # type: ignore[arg-type]


def test_need_checks_of_several_codes_come_in_walk_order():
    ctx = _need_context()
    scanned = [(r, n, c) for r in ctx.results for n in r.needs for c in n.result.checks]
    codes = sorted({c.code for _, _, c in scanned})
    for status in (m.Status.FAIL, m.Status.UNKNOWN):
        for size in (1, 2, 3):
            for chosen in itertools.combinations(codes, size):
                wanted = frozenset(chosen)
                expected = [(r, n, c) for r, n, c in scanned if c.code in wanted and c.status is status]
                got = list(need_checks(ctx, wanted, status))
                assert [c.reason for _, _, c in got] == [c.reason for _, _, c in expected]
                assert len(got) == len(expected) > 0


def test_findings_come_sorted_and_without_duplicates():
    ctx = _context()
    options = AnalysisOptions()
    findings = run_rules(select_rules(options), ctx, options.selection)
    assert len(findings) > 100
    assert len(set(findings)) == len(findings)
    keys = [(*f.sort_key(), f.remediation) for f in findings]
    assert keys == sorted(keys)
    assert all(isinstance(f, m.Finding) for f in findings)
