"""What a rule is, and what rule authors import.

A rule is metadata (a stable id with a family prefix, a name, a title, a default severity, docs in
the shape *What it checks / Why it matters / Example / Fix*, a remediation) plus a function from a
``RuleContext`` to hits. Rules keep no state between runs. A rule module simply defines ``Rule``
objects at module level; the loader collects them, so nothing is registered at import time.

Most rules report the failed checks of the egress walks: ``from_checks`` builds those from the
check codes they watch, so such a rule is one declaration, not a copied function.

A rule declared ``per_target`` promises that each hit naming a target depends on that target's own
result and on what the graph says of resources every member of its group shares (see
``trace/grouping.py``), and names the target's subnet, range or route table only as the walks do;
its hits naming no target must not depend on which targets the run has. The engine then runs it on
one target of each group of targets that share a walk and gives each other member the hits of that
one, re-labelled with its own subnet id, range and route table id, and its own target id
(``checks/per_group.py``): an audit's rules cost one pass per distinct question, not per subnet. A
rule that compares targets, counts them, or reads per-subnet facts outside the walk (free
addresses, tags) is not ``per_target`` (the default); it may still read ``TargetResult.deciding``
for what re-labelling never changes (verdicts, ``via``, check codes and statuses, other
resources' ids) without making a member's walks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from fargate_netcheck.core.model import (
    Check,
    CheckCode,
    NeedResult,
    PathResult,
    Severity,
    Status,
    TargetResult,
    Verdict,
)

RULE_ID = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")


@dataclass(frozen=True, slots=True)
class Hit:
    """One thing a rule found. The engine adds the rule id, severity and default remediation."""

    resource_id: str
    message: str
    target_id: str | None = None
    remediation: str | None = None


@dataclass(slots=True)
class RuleContext:
    results: list[TargetResult]
    graph: nx.DiGraph
    params: dict[str, Any] = field(default_factory=dict)
    _by_code: dict[CheckCode, list[tuple[TargetResult, str, PathResult, Check]]] | None = None
    _need_by_code: dict[CheckCode, list[tuple[int, TargetResult, NeedResult, Check]]] | None = None

    def paths(self) -> Iterator[tuple[TargetResult, str, PathResult]]:
        """Every walk of every target: (target result, label, path result)."""
        for result in self.results:
            yield result, "internet egress", result.internet_egress
            if result.ecr_pull is not None:
                yield result, "ECR pull", result.ecr_pull

    def checks_by_code(self) -> dict[CheckCode, list[tuple[TargetResult, str, PathResult, Check]]]:
        """Every check of every walk, by code: built once per run, shared by all check rules
        (so a run costs one pass over the checks, not one per rule)."""
        if self._by_code is None:
            by_code: dict[CheckCode, list[tuple[TargetResult, str, PathResult, Check]]] = {}
            for result, label, path in self.paths():
                for check in path.checks:
                    by_code.setdefault(check.code, []).append((result, label, path, check))
            self._by_code = by_code
        return self._by_code

    def need_checks_by_code(self) -> dict[CheckCode, list[tuple[int, TargetResult, NeedResult, Check]]]:
        """Every check of every need of every target, by code, each with its position in that walk
        over targets, needs and checks (so a rule reading several codes can keep that order): built
        once per run, shared by the need rules."""
        if self._need_by_code is None:
            by_code: dict[CheckCode, list[tuple[int, TargetResult, NeedResult, Check]]] = {}
            at = 0
            for result in self.results:
                for need in result.needs:
                    for check in need.result.checks:
                        by_code.setdefault(check.code, []).append((at, result, need, check))
                        at += 1
            self._need_by_code = by_code
        return self._need_by_code


RuleFunction = Callable[[RuleContext], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    title: str
    severity: Severity
    docs: str
    remediation: str
    check: RuleFunction
    origin: str = "built-in"
    per_target: bool = False  # decided once per group of targets that share a walk (module docs)

    def __post_init__(self) -> None:
        if not RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} must be 2-5 capital letters and 3 digits, like RT001")
        for section in ("What it checks", "Why it matters", "Example", "Fix"):
            if section not in self.docs:
                raise ValueError(f"rule {self.id}: docs lack the section {section!r}")

    @property
    def prefix(self) -> str:
        return self.id.rstrip("0123456789")


def rule(
    *,
    id: str,
    name: str,
    title: str,
    severity: Severity | str,
    docs: str,
    remediation: str,
    per_target: bool = False,
) -> Callable[[RuleFunction], Rule]:
    """Decorator: turn a function of a RuleContext into a Rule (nothing is registered).
    ``per_target``: see the module docs."""

    def wrap(fn: RuleFunction) -> Rule:
        return Rule(
            id, name, title, Severity(severity), _dedent(docs), remediation, fn, per_target=per_target
        )

    return wrap


def from_checks(
    *,
    id: str,
    name: str,
    title: str,
    severity: Severity | str,
    docs: str,
    remediation: str,
    codes: Iterable[CheckCode],
    status: Status = Status.FAIL,
    verdicts: Iterable[Verdict] | None = None,
    fix: str | None = None,
) -> Rule:
    """A rule that reports each check of the given codes and status in every traced path (only in
    paths whose verdict is one of ``verdicts``, when given). ``fix``: the remediation of each hit,
    a template filled from the path it came from (see ``fix_fields``); ``remediation`` stays the
    rule's general advice."""
    watched = frozenset(codes)
    wanted = frozenset(verdicts) if verdicts is not None else None

    def report(ctx: RuleContext) -> Iterator[Hit]:
        index = ctx.checks_by_code()
        seen: set[tuple[str, str, str, str]] = set()
        for code in watched:
            for result, label, path, check in index.get(code, ()):
                if check.status is not status or (wanted is not None and path.verdict not in wanted):
                    continue
                key = (result.target.target_id, label, check.resource_id, check.reason)
                if key not in seen:
                    seen.add(key)
                    advice = fix.format(**fix_fields(path)) if fix else None
                    yield Hit(check.resource_id, f"{label}: {check.reason}", result.target.target_id, advice)

    # Each hit is one check of the target's own walks, named as the walk names it.
    return Rule(id, name, title, Severity(severity), _dedent(docs), remediation, report, per_target=True)


def fix_fields(path: PathResult) -> dict[str, str]:
    """What a ``fix`` template may name, for the walk it is about: ``{destination}`` (as the walk
    named it), ``{cidr}`` (a block to write in a rule: the destination's, or the family's default
    route), ``{any_route}`` (0.0.0.0/0 or ::/0), ``{port}`` (the TCP ports checked), ``{family}``
    (IPv4/IPv6), ``{protocol}`` (TCP), ``{gateway}`` (what a private subnet routes the internet to)."""
    v6 = path.family == 6
    any_route = "::/0" if v6 else "0.0.0.0/0"
    destination = path.destination or f"the internet ({any_route})"
    internet = destination.startswith("the internet") or path.destination is None
    cidr = any_route if internet or " " in destination else destination
    return {
        "destination": destination,
        "cidr": cidr,
        "any_route": any_route,
        "port": ", ".join(str(p) for p in path.ports or (443,)),
        "family": "IPv6" if v6 else "IPv4",
        "protocol": "TCP",
        "gateway": "an egress-only internet gateway (eigw-...)"
        if v6
        else "a NAT gateway (private subnet) or an internet gateway (public subnet, assignPublicIp=ENABLED)",
    }


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip()
