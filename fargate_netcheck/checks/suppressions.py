"""Suppressions: accepted findings, each with a mandatory reason and an optional expiry date.

A suppression matches a finding when its ``rule`` is the finding's rule id or a prefix of it
(``checks/codes.py``: ``EP`` is not ``EPP``), its ``resource`` (an id or a glob such as
``subnet-0abc*``) matches the resource id, and its optional ``target`` glob matches the target id.
In a glob ``*`` is any run of characters and ``?`` any one character; every other character is
itself, ``[`` and ``]`` included, since Terraform addresses hold them (``aws_subnet.private[0]``
names that subnet, not ``aws_subnet.private0``). A matched finding stays in the report with
``suppressed`` set to the reason; it no longer counts toward the exit code.

The suppression system reports on itself, so accepted risks do not rot silently:

- ``SUP001`` an expired suppression (``expires`` is today or earlier) no longer suppresses;
- ``SUP002`` a suppression that matched no finding (fixed, renamed, or a typo).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from fargate_netcheck.checks.codes import code_matches
from fargate_netcheck.core.model import Finding, RuleInfo, Severity

if TYPE_CHECKING:
    from fargate_netcheck.checks.registry import Selection

EXPIRED = "SUP001"
UNUSED = "SUP002"
SUPPRESSION_WARNINGS = (EXPIRED, UNUSED)  # selected, ignored and re-rated like rules


@dataclass(frozen=True, slots=True)
class Suppression:
    rule: str  # a rule id or prefix ("SG100", "SG")
    resource: str  # a resource id or glob ("subnet-0abc*"; see the module docs)
    reason: str
    expires: date | None = None  # from this day on, the suppression no longer applies
    target: str | None = None  # glob over the target id; None matches any target
    source: str | None = None  # where it was declared ("pyproject.toml:14"), for messages

    def matches(self, finding: Finding) -> bool:
        if not code_matches(finding.rule_id, self.rule):
            return False
        if not _glob(self.resource).fullmatch(finding.resource_id):
            return False
        if self.target is None:
            return True
        return finding.target_id is not None and _glob(self.target).fullmatch(finding.target_id) is not None

    def expired(self, today: date) -> bool:
        return self.expires is not None and today >= self.expires

    def describe(self) -> str:
        scope = f"{self.rule} on {self.resource}"
        if self.target is not None:
            scope += f" (target {self.target})"
        return f"{scope}{f' [{self.source}]' if self.source else ''}"


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    """``pattern`` as a case-sensitive regular expression: ``*`` and ``?`` are wildcards, the rest
    literal (``fnmatch`` would read ``[0]`` as a character class)."""
    return re.compile(
        ".*".join(".".join(map(re.escape, part.split("?"))) for part in pattern.split("*")), re.S
    )


def apply_suppressions(
    findings: Iterable[Finding], suppressions: Iterable[Suppression], today: date
) -> tuple[list[Finding], list[Finding]]:
    """Mark findings matched by a live suppression; return (findings, the suppression system's own
    warnings). The first live suppression (in declaration order) that matches gives the reason."""
    suppressions = list(suppressions)
    live = [s for s in suppressions if not s.expired(today)]
    used: set[int] = set()
    out: list[Finding] = []
    for finding in findings:
        hit = next((i for i, s in enumerate(live) if s.matches(finding)), None)
        if hit is not None:
            used.add(hit)
            if finding.suppressed is None:
                finding = replace(finding, suppressed=live[hit].reason)
        out.append(finding)
    extras = [_expired_finding(s, s.expires) for s in suppressions if s.expires and s.expired(today)]
    extras += [_unused_finding(s) for i, s in enumerate(live) if i not in used]
    return out, sorted(set(extras), key=Finding.sort_key)


def unknown_rule(suppressions: Iterable[Suppression], rule_ids: Iterable[str]) -> Suppression | None:
    """The first suppression whose ``rule`` names none of ``rule_ids`` nor a suppression warning: a
    typo that would suppress nothing (exit 2, like an unknown code in ``--select`` or ``severity``)."""
    known = (*rule_ids, *SUPPRESSION_WARNINGS)
    return next((s for s in suppressions if not any(code_matches(r, s.rule) for r in known)), None)


def _expired_finding(s: Suppression, expires: date) -> Finding:
    return Finding(
        rule_id=EXPIRED,
        severity=Severity.WARNING,
        resource_id=s.resource,
        target_id=s.target,
        message=(
            f"suppression of {s.describe()} expired on {expires.isoformat()} "
            f"(reason: {s.reason!r}); the findings it covered are reported again"
        ),
        remediation=_RULES[EXPIRED].remediation,
    )


def _unused_finding(s: Suppression) -> Finding:
    return Finding(
        rule_id=UNUSED,
        severity=Severity.WARNING,
        resource_id=s.resource,
        target_id=s.target,
        message=f"suppression of {s.describe()} matched no finding (reason: {s.reason!r})",
        remediation=_RULES[UNUSED].remediation,
    )


_RULES = {
    EXPIRED: RuleInfo(
        id=EXPIRED,
        name="suppression-expired",
        title="A suppression has expired",
        severity=Severity.WARNING,
        docs=(
            "What it checks: every `[[suppress]]` entry with an `expires` date that is today or in "
            "the past.\n"
            "Why it matters: a suppression records an accepted risk for a limited time. Once it "
            "expires it stops suppressing, so the findings it hid count again, and this warning says "
            "why they came back.\n"
            'Example: `{rule = "GW002", resource = "subnet-0abc*", reason = "migration to NAT, '
            'ticket NET-12", expires = 2026-01-31}` checked on 2026-02-01.\n'
            "Fix: fix what the suppressed finding reports, or, if the risk is still accepted, set a "
            "new `expires` date (and update the reason)."
        ),
        remediation="Fix the suppressed finding, or renew the suppression with a new expires date and reason.",
    ),
    UNUSED: RuleInfo(
        id=UNUSED,
        name="suppression-unused",
        title="A suppression matched no finding",
        severity=Severity.WARNING,
        docs=(
            "What it checks: every live `[[suppress]]` entry matched at least one finding of the run.\n"
            "Why it matters: an unused suppression is either stale (the problem was fixed or the "
            "resource deleted) or wrong (a typo in the rule id or resource glob), and a wrong one "
            "gives false confidence that a known risk is accounted for.\n"
            'Example: `{rule = "SG100", resource = "sg-0123", reason = "..."}` when sg-0123 no '
            "longer exists, or when the group id was mistyped.\n"
            "Fix: delete the entry if the problem is gone; otherwise correct its rule id or resource "
            "pattern so that it matches the finding it is meant to cover."
        ),
        remediation="Delete the stale suppression, or correct its rule id or resource pattern.",
    ),
}


def suppression_rules() -> dict[str, RuleInfo]:
    """Metadata of SUP001 and SUP002 for the report's rule table (SARIF, HTML docs)."""
    return dict(_RULES)


def selected_warnings(
    extras: list[Finding], selection: Selection
) -> tuple[list[Finding], dict[str, RuleInfo]]:
    """The suppression warnings a run selects (``--select``/``--ignore``, with ``severity``
    overrides applied) and the rule table entries of those it reports: an organization-wide
    configuration whose suppressions match in some accounts only may ``--ignore SUP002``."""
    infos = suppression_rules()
    kept: list[Finding] = []
    table: dict[str, RuleInfo] = {}
    for finding in extras:
        if not selection.keeps(finding.rule_id):
            continue
        info = infos[finding.rule_id]
        severity = selection.severity_of(info)
        kept.append(replace(finding, severity=severity))
        table[info.id] = replace(info, severity=severity)
    return kept, table
