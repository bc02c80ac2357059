"""Baselines: compare this run's findings with a previous JSON report.

A finding's identity is ``(rule_id, resource_id, target_id)``: *which check* flagged *which
resource* for *which task placement*. The message is not part of it on purpose: messages carry
details that change while the problem stays the same (the wording of a reason, the CIDR or port
list, the state of a NAT gateway, an improved explanation in a newer version), and a reworded
message must not turn one known problem into one "new" plus one "resolved". The severity is not
part of it either: raising a rule's severity in the configuration does not make its findings new.

When several findings share an identity (one rule reporting one resource twice, for the internet
and for the ECR pull, say), they are paired one to one, exact messages first, so the counts stay
right: two before and three now is one new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.jsonfile import read_json
from fargate_netcheck.core.model import Finding, Severity
from fargate_netcheck.report.json_report import REPORT_VERSION

NEW = "new"
UNCHANGED = "unchanged"
RESOLVED = "resolved"

Identity = tuple[str, str, str | None]


def identity(finding: Finding) -> Identity:
    return (finding.rule_id, finding.resource_id, finding.target_id)


def load_baseline(path: Path) -> JsonDict:
    """Read and validate a previous JSON report (``report_version`` 1)."""
    data, _ = read_json(path, "baseline report")
    report = _report(data, str(path))
    baseline_findings(report, str(path))
    return report


def _report(data: object, source: str) -> JsonDict:
    if not isinstance(data, dict):
        raise InputError(f"{source}: not a fargate-netcheck JSON report (expected an object)")
    return data


def baseline_findings(data: object, source: str = "baseline report") -> list[Finding]:
    """The findings of a JSON report as ``Finding`` objects; ``InputError`` naming ``source`` and
    the entry at fault when it is not a version-1 fargate-netcheck report."""
    report = _report(data, source)
    if report.get("report_version") != REPORT_VERSION:
        raise InputError(
            f"{source}: report_version is {report.get('report_version')!r}; "
            f"this version reads report_version {REPORT_VERSION}"
        )
    entries = report.get("findings")
    if not isinstance(entries, list):
        raise InputError(f"{source}: findings: must be a list")
    return [_finding(entry, f"{source}: findings[{n}]") for n, entry in enumerate(entries)]


def _finding(entry: object, where: str) -> Finding:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: must be an object")
    for key in ("rule_id", "resource_id"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise InputError(f"{where}: {key}: must be a non-empty string")
    if "target_id" not in entry or not isinstance(entry["target_id"], str | None):
        raise InputError(f"{where}: target_id: must be a string or null")
    for key in ("message", "remediation", "suppressed"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            raise InputError(f"{where}: {key}: must be a string")
    try:
        severity = Severity(entry.get("severity") or "")
    except ValueError:
        raise InputError(
            f"{where}: severity: {entry.get('severity')!r} is not error, warning or info"
        ) from None
    return Finding(
        rule_id=entry["rule_id"],
        severity=severity,
        resource_id=entry["resource_id"],
        target_id=entry["target_id"],
        message=entry.get("message") or "",
        remediation=entry.get("remediation") or "",
        suppressed=entry.get("suppressed"),
    )


def apply_baseline(
    findings: Iterable[Finding], baseline_report: JsonDict
) -> tuple[list[Finding], list[Finding]]:
    """(this run's findings marked ``baseline="new"`` or ``"unchanged"``, the baseline's findings
    that are gone, marked ``"resolved"``). Order of the current findings is kept; resolved ones are
    sorted like a report's findings."""
    current = list(findings)
    before = baseline_findings(baseline_report)
    unmatched: dict[Identity, list[int]] = {}
    for index, old in enumerate(before):
        unmatched.setdefault(identity(old), []).append(index)
    matched: set[int] = set()
    # Pass 1 pairs equal messages, pass 2 whatever is left with the same identity.
    for exact in (True, False):
        for i, finding in enumerate(current):
            if i in matched:
                continue
            candidates = unmatched.get(identity(finding), [])
            pick = next((j for j in candidates if not exact or before[j].message == finding.message), None)
            if pick is not None:
                candidates.remove(pick)
                matched.add(i)
    marked = [replace(f, baseline=UNCHANGED if i in matched else NEW) for i, f in enumerate(current)]
    gone = [replace(before[j], baseline=RESOLVED) for left in unmatched.values() for j in left]
    return marked, sorted(gone, key=Finding.sort_key)


def fail_on_new(findings: Iterable[Finding], severity: Severity = Severity.ERROR) -> bool:
    """True when a new, unsuppressed finding is at or above ``severity`` (``--fail-on-new``)."""
    return any(
        f.baseline == NEW and f.suppressed is None and f.severity.rank >= severity.rank for f in findings
    )
