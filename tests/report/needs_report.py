"""The sample report with needs: targets whose own verdict differs from their internet egress.

- the sample's reachable target: egress and ECR pull reachable, one need unknown (a hostile name,
  as a configuration file or a template could give it) -> the target is ``unknown``;
- a new target: egress reachable, its logs need unreachable at a firewall rule group -> ``unreachable``;
- a new target: egress, ECR pull and every need reachable -> ``reachable``;
- the sample's unreachable and unknown targets, unchanged.
"""

from __future__ import annotations

import dataclasses

from report.sample_report import HOSTILE, PRIVATE_SUBNET, sample_report

from fargate_netcheck.core.model import (
    Check,
    CheckCode,
    Finding,
    NeedResult,
    PathResult,
    Report,
    Severity,
    Status,
    TargetResult,
    Verdict,
)

HOSTILE_NEED = f"api.partner.example{HOSTILE}\x1b[31m"
TARGET_NEED_FAILS = "cli@subnet-0a11other"
TARGET_ALL_GOOD = "cli@subnet-0a11good"
RULE_GROUP = "egress-allow"


def need(name: str, verdict: Verdict, blocked_at: str | None = None, reason: str = "", **extra) -> NeedResult:
    checks = [Check(CheckCode.DNS, Status.PASS, "vpc-0a11", f"{name} resolves through public DNS")]
    if verdict is Verdict.UNREACHABLE:
        checks.append(Check(CheckCode.NFW_DROPPED, Status.FAIL, blocked_at or "", reason))
    elif verdict is Verdict.UNKNOWN:
        checks.append(Check(CheckCode.NFW_UNKNOWN, Status.UNKNOWN, "fw-policy", reason))
    path = PathResult(
        verdict, [PRIVATE_SUBNET, "nat-0a11"], blocked_at, reason or "reached", checks, "internet"
    )
    return NeedResult(
        name, extra.pop("port", 443), extra.pop("purpose", "declared need"), "internet", path, **extra
    )


def needs_report() -> Report:
    report = sample_report()
    reachable = report.targets[0]
    reachable.needs = [
        need("api.ecr.us-east-1.amazonaws.com", Verdict.REACHABLE, ecr=True, purpose="ECR API (auth token)"),
        need(HOSTILE_NEED, Verdict.UNKNOWN, reason=f"rule `pcre` not interpreted for {HOSTILE}"),
    ]
    other = _copy(reachable, TARGET_NEED_FAILS, "subnet-0a11other")
    other.needs = [
        need("api.ecr.us-east-1.amazonaws.com", Verdict.REACHABLE, ecr=True, purpose="ECR API (auth token)"),
        need(
            "logs.us-east-1.amazonaws.com",
            Verdict.UNREACHABLE,
            RULE_GROUP,
            "dropped by rule group egress-allow",
        ),
    ]
    good = _copy(reachable, TARGET_ALL_GOOD, "subnet-0a11good")
    good.needs = [need("api.ecr.us-east-1.amazonaws.com", Verdict.REACHABLE, ecr=True)]
    report.targets += [other, good]
    report.findings.append(
        Finding(
            "NFW001",
            Severity.ERROR,
            RULE_GROUP,
            TARGET_NEED_FAILS,
            "logs.us-east-1.amazonaws.com:443 (CloudWatch Logs): dropped by rule group egress-allow",
            "Add '.amazonaws.com' to the targets of domain list rule group egress-allow",
        )
    )
    return report


def _copy(result: TargetResult, target_id: str, subnet: str) -> TargetResult:
    target = dataclasses.replace(result.target, target_id=target_id, subnet_id=subnet, source="cli")
    return TargetResult(target, result.vpc_id, result.internet_egress, result.ecr_pull)
