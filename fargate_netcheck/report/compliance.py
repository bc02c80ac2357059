"""The compliance view of a report: what a person reads first, whatever the number of targets.

Totals of targets by account, region, VPC, ``egress_mode`` and verdict (the target's own, as the
summary counts it); the blocking resources ranked by how many targets they block (their internet
egress, ECR pull or needs); the needs grouped by name, port and outcome; the change against a
baseline (new and resolved findings, by rule); and the walks grouped by identical path (every hop
after the target's own subnet, the verdict and the blocking hop), so 50,000 targets read as a few
hundred distinct paths. The HTML and Markdown writers both show it; each target's own evidence
stays in the JSON report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from fargate_netcheck.core.model import (
    Finding,
    NeedResult,
    PathResult,
    Report,
    Severity,
    TargetResult,
    Verdict,
)
from fargate_netcheck.report.hosting import egress_mode

VERDICTS = (Verdict.UNREACHABLE, Verdict.UNKNOWN, Verdict.REACHABLE)
_ORDER = {v: i for i, v in enumerate(VERDICTS)}


@dataclass(slots=True)
class Row:
    """One line of a totals table: a value (an account, a VPC, a mode) and its targets by verdict."""

    label: str
    counts: dict[str, int] = field(default_factory=lambda: {v.value: 0 for v in VERDICTS})

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def sort_key(self) -> tuple:
        return (-self.counts["unreachable"], -self.counts["unknown"], -self.total, self.label)


@dataclass(frozen=True, slots=True)
class Blocker:
    resource_id: str
    check: str  # "internet egress" | "ECR pull" | "needs"
    verdict: str
    targets: int
    reason: str  # the reason given for the first target it blocks


@dataclass(slots=True)
class PathGroup:
    """Targets whose walk took the same hops after their own subnet, to the same verdict."""

    check: str
    verdict: Verdict
    hops: tuple[str, ...]  # after the target's own subnet
    blocked_at: str | None
    via: str | None
    example: PathResult  # the first member's walk (its reason and checks name its own subnet)
    members: list[TargetResult] = field(default_factory=list)


@dataclass(slots=True)
class NeedGroup:
    """The targets whose need of one name and port ended the same way: the same ``via``, verdict
    and blocking resource (the reason is the first target's)."""

    name: str
    port: int
    purpose: str
    via: str
    verdict: Verdict
    blocked_at: str | None
    reason: str
    targets: int = 0


@dataclass(slots=True)
class RuleChange:
    rule_id: str
    severity: Severity
    new: int = 0
    resolved: int = 0


@dataclass(slots=True)
class Compliance:
    targets: int
    by: dict[str, list[Row]]  # "account" | "region" | "vpc" | "egress_mode" -> rows, worst first
    blockers: list[Blocker]
    paths: list[PathGroup]
    changes: list[RuleChange]
    needs: list[NeedGroup]
    has_baseline: bool


def compliance(report: Report) -> Compliance:
    tables: dict[str, dict[str, Row]] = {"account": {}, "region": {}, "vpc": {}, "egress_mode": {}}
    blocked: Counter[tuple[str, str, str]] = Counter()
    first_reason: dict[tuple[str, str, str], str] = {}
    groups: dict[tuple, PathGroup] = {}
    needs: dict[tuple, NeedGroup] = {}
    for result in report.targets:
        t = result.target
        verdict = result.verdict._value_
        for name, value in (
            ("account", t.account_id or "(none)"),
            ("region", t.region or "(none)"),
            ("vpc", result.vpc_id or "(none)"),
            ("egress_mode", egress_mode(result)),
        ):
            row = tables[name].get(value)
            if row is None:
                row = tables[name][value] = Row(value)
            row.counts[verdict] += 1
        for check, path in checks_of(result):
            where = path.blocked_at or _unknown_at(path)
            if path.verdict is not Verdict.REACHABLE and where:
                key = (where, check, path.verdict._value_)
                blocked[key] += 1
                first_reason.setdefault(key, path.reason)
            hops = tuple(path.path[1:]) if path.path and path.path[0] == t.subnet_id else tuple(path.path)
            blocked_at = None if path.blocked_at == t.subnet_id else path.blocked_at
            gkey = (check, path.verdict, hops, blocked_at, path.via)
            group = groups.get(gkey)
            if group is None:
                group = groups[gkey] = PathGroup(check, path.verdict, hops, blocked_at, path.via, path)
            group.members.append(result)
        for key, reason in _need_blockers(result).items():
            blocked[key] += 1
            first_reason.setdefault(key, reason)
        for need in result.needs:
            _need_group(needs, need).targets += 1
    blockers = [
        Blocker(resource, check, verdict, n, first_reason[(resource, check, verdict)])
        for (resource, check, verdict), n in blocked.items()
    ]
    blockers.sort(key=lambda b: (-b.targets, b.resource_id, b.check))
    paths = sorted(
        groups.values(),
        key=lambda g: (g.check != "internet egress", _ORDER[g.verdict], -len(g.members), g.hops, g.via or ""),
    )
    return Compliance(
        targets=len(report.targets),
        by={name: sorted(rows.values(), key=Row.sort_key) for name, rows in tables.items()},
        blockers=blockers,
        paths=paths,
        changes=_changes(report),
        needs=sorted(needs.values(), key=lambda g: (_ORDER[g.verdict], -g.targets, g.name, g.port, g.via)),
        has_baseline=report.has_baseline(),
    )


def checks_of(result: TargetResult) -> list[tuple[str, PathResult]]:
    checks = [("internet egress", result.internet_egress)]
    if result.ecr_pull is not None:
        checks.append(("ECR pull", result.ecr_pull))
    return checks


def _need_blockers(result: TargetResult) -> dict[tuple[str, str, str], str]:
    """Where the target's needs stop: (resource, "needs", verdict) -> the first need's reason there
    (a target counts once per resource, however many of its needs stop at it)."""
    out: dict[tuple[str, str, str], str] = {}
    for need in result.needs:
        path = need.result
        where = path.blocked_at or _unknown_at(path)
        if path.verdict is not Verdict.REACHABLE and where:
            out.setdefault((where, "needs", path.verdict._value_), f"{need.name}:{need.port}: {path.reason}")
    return out


def _need_group(groups: dict[tuple, NeedGroup], need: NeedResult) -> NeedGroup:
    path = need.result
    key = (need.name, need.port, need.via, path.verdict, path.blocked_at)
    group = groups.get(key)
    if group is None:
        group = groups[key] = NeedGroup(
            need.name, need.port, need.purpose, need.via, path.verdict, path.blocked_at, path.reason
        )
    return group


def _unknown_at(path: PathResult) -> str | None:
    """Where an unknown walk stopped knowing: the resource of its first undecided check."""
    return next((c.resource_id for c in path.unknown()), None)


def _changes(report: Report) -> list[RuleChange]:
    by_rule: dict[str, RuleChange] = {}

    def change(f: Finding) -> RuleChange:
        if f.rule_id not in by_rule:
            by_rule[f.rule_id] = RuleChange(f.rule_id, f.severity)
        return by_rule[f.rule_id]

    for f in report.findings:
        if f.baseline == "new":
            change(f).new += 1
    for f in report.resolved:
        change(f).resolved += 1
    return sorted(by_rule.values(), key=lambda c: (-c.severity.rank, -(c.new + c.resolved), c.rule_id))
