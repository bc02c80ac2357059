"""How a target's tasks reach the outside world, in one word: the compliance view of an audit
(which subnets can host Fargate tasks, and how)."""

from __future__ import annotations

from fargate_netcheck.core.model import CheckCode, PathResult, Status, TargetResult, Verdict

# The first of these passed on the walk names the way out (a TGW path passes a NAT further on).
_WAYS = (
    (CheckCode.TGW, "transit-gateway"),
    (CheckCode.NAT_INSTANCE, "nat-instance"),
    (CheckCode.NAT, "nat-gateway"),
    (CheckCode.IGW, "public-ip"),
)


def egress_mode(result: TargetResult) -> str:
    """public-ip | nat-gateway | nat-instance | transit-gateway | endpoints-only | none | unknown.
    A member of a group of targets that share a walk goes out the way its group does (its walks
    differ from the group's only in ids and ranges, which ``walks_egress_mode`` never reads)."""
    result = result.deciding
    return walks_egress_mode(result.internet_egress, result.ecr_pull)


def walks_egress_mode(egress: PathResult, pull: PathResult | None) -> str:
    """``egress_mode`` from a target's internet egress and ECR pull walks: it reads their verdicts,
    ``via`` and the codes and statuses of the checks, never an id or a reason."""
    if egress.verdict is Verdict.REACHABLE:
        passed = {c.code for c in egress.checks if c.status is Status.PASS}
        return next((mode for code, mode in _WAYS if code in passed), "local")
    if pull is not None and pull.via == "vpc-endpoints" and pull.verdict is Verdict.REACHABLE:
        return "endpoints-only"
    return "none" if egress.verdict is Verdict.UNREACHABLE else "unknown"
