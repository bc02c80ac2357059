"""The diagnosis in words an on-call engineer acts on: the first sentence says what happened and what
to change; the rest gives the evidence (the path to the service the error names, and what was not
known)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from fargate_netcheck.core.model import Diagnosis, Finding, Report, Verdict
from fargate_netcheck.targets.stop_reason import StopClass, sentence

if TYPE_CHECKING:
    from fargate_netcheck.diagnose.facts import TaskFacts
    from fargate_netcheck.diagnose.run import ServicePath

_ORDER = {Verdict.UNREACHABLE: 0, Verdict.UNKNOWN: 1, Verdict.REACHABLE: 2}
_NETWORKISH = ("network", "unclear")


def explain(facts: TaskFacts, found: StopClass, report: Report, paths: list[ServicePath]) -> Diagnosis:
    decisive = min(paths, key=lambda p: _ORDER[p.result.verdict]) if paths else None
    cause = found.cause
    if found.confirm_by_path:
        cause = "network" if decisive and decisive.result.verdict is Verdict.UNREACHABLE else "unclear"
    verdict = decisive.result.verdict.value if decisive else None
    blocked_at = decisive.result.blocked_at if decisive else None
    dns = _dns_off(found, report)
    if dns is not None:  # the name cannot resolve, whatever the packets could do
        verdict, blocked_at = Verdict.UNREACHABLE.value, dns.resource_id
        headline = f"Network: {_clause(found.what)}: {dns.message}. Change: {sentence(dns.remediation)}"
    else:
        headline = _headline(cause, found, decisive, report)
    parts = [headline, *_evidence(cause, found, decisive, paths)]
    if facts.missing and (cause in _NETWORKISH or paths):  # placement matters only to a path
        unread = "".join(f" ({n})" for n in facts.notes if n.startswith("service "))
        parts.append(
            f"Not known: {', '.join(facts.missing)}{unread}; the hops that need them are unknown (pass them "
            "as --subnet, --security-group, --assign-public-ip/--no-assign-public-ip)."
        )
    return Diagnosis(
        task_arn=facts.task_arn,
        stopped_reason=facts.stopped_reason or None,
        cause=cause,
        explanation=" ".join(p for p in parts if p),
        service=found.service.label if found.service else None,
        verdict=verdict,
        blocked_at=blocked_at,
        headline=headline,
        service_key=found.service.key if found.service else None,
    )


def _headline(cause: str, found: StopClass, decisive: ServicePath | None, report: Report) -> str:
    if cause not in _NETWORKISH:
        return f"{cause.capitalize()}: {_clause(found.what)}. Change: {sentence(found.fix)}"
    label = (
        decisive.label if decisive else (found.service.label if found.service else "the service it needed")
    )
    if decisive is None:
        return (
            f"{cause.capitalize()}: {_clause(found.what)}. The path was not checked: the task's subnet is "
            f"not known. Change: pass --subnet (or --event, --service, --deploy-config), or {found.fix}."
        )
    result = decisive.result
    if result.verdict is Verdict.UNREACHABLE:
        fix = sentence(_fix_of(report, decisive, found)) + _endpoint_option(decisive)
        return (
            f"Network: {found.what}; the path{_to(label, found)} is blocked at {result.blocked_at}: "
            f"{result.reason}. Change: {fix}"
        )
    if cause == "unclear":
        now = (
            "works now" if result.verdict is Verdict.REACHABLE else f"could not be verified ({result.reason})"
        )
        return (
            f"Unclear: {found.what}; but the path to {label} {now}, so either the network failed at that "
            "moment or the pull was too slow (a large image, a slow registry). Change: if it recurs, check "
            "the image size and the registry's health, and the path hop by hop below."
        )
    if result.verdict is Verdict.UNKNOWN:
        return (
            f"Network (not verified): {found.what}; the path to {label} could not be verified: "
            f"{result.reason}. Change: {sentence(found.fix)}"
        )
    return (
        f"Network (not reproduced): {found.what}, but the path to {label} works now: it was changed since, "
        f"or the failure was transient (or DNS). Change: nothing in the network now; if it recurs, "
        f"{sentence(found.fix)}"
    )


def _evidence(
    cause: str, found: StopClass, decisive: ServicePath | None, paths: list[ServicePath]
) -> list[str]:
    out: list[str] = []
    if decisive is None:
        return out
    # one path, blocked: the headline has said it all
    for path in paths if len(paths) > 1 or decisive.result.verdict is not Verdict.UNREACHABLE else ():
        result = path.result
        way = f" via {result.via}" if result.via else ""
        out.append(
            f"Path to {path.label} from {path.target_id}{way}: {result.verdict.value}"
            + (f" at {result.blocked_at}" if result.blocked_at else "")
            + f" ({result.reason})."
        )
    if cause == "permissions" and decisive.result.verdict is Verdict.REACHABLE:
        out.append(
            f"The path to {decisive.label} works, which agrees: the request got there and was refused."
        )
    if found.confirm_by_path and cause == "network":
        out.append("A pull killed before it finished with a broken path is a network failure: fix the path.")
    return out


def _fix_of(report: Report, path: ServicePath, found: StopClass) -> str:
    """What to change where ``path`` is blocked: for a registry at a private address, a way to that
    address (the report's findings are about the internet: a NAT gateway would not reach it)."""
    dialled = path.service.dialled if path.service else None
    if dialled is not None and not ipaddress.ip_address(dialled[0]).is_global:
        address, port = dialled
        return (
            f"give the task's subnets a route to {address} (through the transit gateway, VPN or peering "
            f"connection the registry is reached by) and let TCP {port} and its replies through their "
            "security groups and network ACLs"
        )
    return _fix_at(report, path) or found.fix


def _fix_at(report: Report, path: ServicePath) -> str | None:
    """The remediation of the finding at the blocking hop of this target, if a rule reported it."""
    return next(
        (
            f.remediation
            for f in report.findings
            if f.target_id == path.target_id and f.resource_id == path.result.blocked_at
        ),
        None,
    )


def _clause(text: str) -> str:
    return text.strip().rstrip(".")


def _to(label: str, found: StopClass) -> str:
    """`` to <label>``, unless the sentence already names it."""
    return "" if label in found.what else f" to {label}"


def _endpoint_option(path: ServicePath) -> str:
    """For a service that an interface endpoint can serve, reached over a broken internet path."""
    from fargate_netcheck.trace.service_path import INTERFACE_ENDPOINTS

    name = INTERFACE_ENDPOINTS.get(path.service.key) if path.service else None
    if name is None or path.result.via != "internet":
        return ""
    return f" Or create a com.amazonaws.<region>.{name} interface endpoint with private DNS in the VPC."


def _dns_off(found: StopClass, report: Report) -> Finding | None:
    """For a name that did not resolve: the finding that DNS resolution is off in the task's VPC."""
    if found.name != "dns":
        return None
    return next((f for f in report.findings if f.rule_id == "LB003"), None)
