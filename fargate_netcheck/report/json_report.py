"""The JSON report: the contract for machines (DESIGN.md). Field names are stable; output is
deterministic (sorted keys within objects, findings and targets in a fixed order)."""

from __future__ import annotations

import json
from typing import Any

from fargate_netcheck.hosting import egress_mode
from fargate_netcheck.model import Finding, PathResult, Report, TargetResult

REPORT_VERSION = 1


_ITEM_LISTS = ("targets", "findings", "resolved_findings")


def render(report: Report) -> str:
    """Top-level keys indented, then one target or finding per line: json's C encoder does the work
    (``indent=`` makes json fall back to its pure-Python encoder: 3x slower, and a peak of millions
    of small strings on a large audit), and the file still diffs one item per line."""
    parts = []
    for key, value in to_dict(report).items():
        if key in _ITEM_LISTS and value:
            items = ",\n    ".join(json.dumps(v, ensure_ascii=False) for v in value)
            parts.append(f"  {json.dumps(key)}: [\n    {items}\n  ]")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def to_dict(report: Report) -> dict[str, Any]:
    out: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "tool": {"name": "fargate-netcheck", "version": report.tool_version},
        "collected_at": report.collected_at,
        "accounts": list(report.account_ids),
        "targets": [_target(t) for t in report.targets],
        "findings": [finding_dict(f) for f in report.findings],
        "summary": report.summary(),
    }
    if report.resolved or any(f.baseline is not None for f in report.findings):
        out["resolved_findings"] = [finding_dict(f) for f in report.resolved]
        out["summary"]["new"] = sum(f.baseline == "new" for f in report.findings)
        out["summary"]["resolved"] = len(report.resolved)
    if report.errors:
        out["collection_errors"] = dict(sorted(report.errors.items()))
    if report.diagnosis is not None:
        d = report.diagnosis
        out["diagnosis"] = {
            "task_arn": d.task_arn,
            "stopped_reason": d.stopped_reason,
            "cause": d.cause,
            "explanation": d.explanation,
        }
    if report.notes:
        out["notes"] = list(report.notes)
    return out


def _target(result: TargetResult) -> dict[str, Any]:
    t = result.target
    out: dict[str, Any] = {
        "target_id": t.target_id,
        "source": t.source,
        "account_id": t.account_id,
        "region": t.region,
        "subnet_id": t.subnet_id,
        "vpc_id": result.vpc_id,
        "security_group_ids": list(t.security_group_ids),
        "assign_public_ip": t.assign_public_ip,
        "egress_mode": egress_mode(result),
        "internet_egress": path_dict(result.internet_egress),
    }
    if t.location is not None:
        out["source_location"] = {"path": t.location.path, "line": t.location.line}
    if result.ecr_pull is not None:
        out["ecr_pull"] = path_dict(result.ecr_pull)
    return out


def path_dict(path: PathResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "verdict": path.verdict.value,
        "path": list(path.path),
        "blocked_at": path.blocked_at,
        "reason": path.reason,
        "checks": [
            {
                "check": c.code.value,
                "status": c.status.value,
                "resource_id": c.resource_id,
                "reason": c.reason,
            }
            for c in path.checks
        ],
    }
    if path.via is not None:
        out = {"verdict": out["verdict"], "via": path.via, **{k: v for k, v in out.items() if k != "verdict"}}
    return out


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "severity": f.severity.value,
        "resource_id": f.resource_id,
        "target_id": f.target_id,
        "message": f.message,
        "remediation": f.remediation,
        "suppressed": f.suppressed,
        "baseline": f.baseline,
    }
