"""One verdict from the pieces of a split destination (``routing.partition``).

``reachable`` only when every piece arrives; ``unreachable`` when every piece is blocked (blocked
at the blocker of the largest piece, every blocker named); otherwise ``unknown``, with a reason
that names what is lost and where. A destination that was not split keeps its one walk's result,
unchanged.
"""

from __future__ import annotations

from fargate_netcheck.core.model import CheckCode, PathPiece, PathResult, Status, Verdict
from fargate_netcheck.trace.destination import Destination

ADVICE = "name the service's addresses with --destination"


def combine(destination: Destination, parts: list[tuple[Destination, PathResult]]) -> PathResult:
    if len(parts) == 1:
        return parts[0][1]
    parts = sorted(parts, key=lambda p: (-p[0].space.size, p[0].space.first()))
    pieces = [PathPiece(d.cidrs, r) for d, r in parts]
    # The pieces share the checks made before they split: keep one of each, in order.
    checks = list({id(c): c for _, r in parts for c in r.checks}.values())
    # A piece that a gateway endpoint takes to its service (S3's prefix list) reaches that service,
    # not the internet: it neither makes the destination reachable nor saves it from being blocked.
    counted = [(d, r) for d, r in parts if not via_gateway_endpoint(r)] or parts
    verdicts = {r.verdict for _, r in counted}
    main = counted[0][1]
    via = main.via
    if verdicts == {Verdict.REACHABLE}:
        reason = "; ".join(r.reason for _, r in parts)
        return PathResult(Verdict.REACHABLE, list(main.path), None, reason, checks, via, pieces)
    if verdicts == {Verdict.UNREACHABLE}:
        others = [f"{d.label} at {r.blocked_at}" for d, r in counted[1:]]
        reason = main.reason + (f" (also blocked: {'; '.join(others)})" if others else "")
        served = [r.reason for _, r in parts if via_gateway_endpoint(r)]
        if served and len(counted) < len(parts):
            reason += f"; only its gateway endpoint's service arrives: {'; '.join(served)}"
        return PathResult(Verdict.UNREACHABLE, list(main.path), main.blocked_at, reason, checks, via, pieces)
    lost = [_lost(d, r) for d, r in parts if r.verdict is not Verdict.REACHABLE]
    arrives = [d.label for d, r in parts if r.verdict is Verdict.REACHABLE]
    rest = f"; the rest ({', '.join(arrives)}) arrives" if arrives else ""
    reason = f"only part of {destination} is verified: {'; '.join(lost)}{rest}; {ADVICE}"
    return PathResult(Verdict.UNKNOWN, list(main.path), None, reason, checks, via, pieces)


def via_gateway_endpoint(result: PathResult) -> bool:
    """Did this walk end at a gateway endpoint (S3, DynamoDB) that carries it to its service?"""
    return result.verdict is Verdict.REACHABLE and any(
        c.code is CheckCode.EP_SERVICE and c.status is Status.PASS for c in result.checks
    )


def _lost(piece: Destination, result: PathResult) -> str:
    if result.verdict is Verdict.UNREACHABLE:
        return f"{piece.label} is unreachable at {result.blocked_at} ({result.reason})"
    return f"{piece.label} is unknown ({result.reason})"
