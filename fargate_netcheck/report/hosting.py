"""How a target's tasks reach the outside world, in one word: the compliance view of an audit
(which subnets can host Fargate tasks, and how)."""

from __future__ import annotations

from fargate_netcheck.core.model import CheckCode, Status, TargetResult, Verdict

# The first of these passed on the walk names the way out (a TGW path passes a NAT further on).
_WAYS = (
    (CheckCode.TGW, "transit-gateway"),
    (CheckCode.NAT_INSTANCE, "nat-instance"),
    (CheckCode.NAT, "nat-gateway"),
    (CheckCode.IGW, "public-ip"),
)


def egress_mode(result: TargetResult) -> str:
    """public-ip | nat-gateway | nat-instance | transit-gateway | endpoints-only | none | unknown."""
    egress = result.internet_egress
    if egress.verdict is Verdict.REACHABLE:
        passed = {c.code for c in egress.checks if c.status is Status.PASS}
        return next((mode for code, mode in _WAYS if code in passed), "local")
    pull = result.ecr_pull
    if pull is not None and pull.via == "vpc-endpoints" and pull.verdict is Verdict.REACHABLE:
        return "endpoints-only"
    return "none" if egress.verdict is Verdict.UNREACHABLE else "unknown"
