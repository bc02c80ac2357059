"""The text report: per target the path and the first blocking hop, then the findings; readable in
a terminal and in a CI log (plain ASCII markers, no colour codes). Every string that came from AWS
is stripped of control characters, so a tag value cannot move the cursor or forge a line."""

from __future__ import annotations

from fargate_netcheck.core.model import PathResult, Report, TargetResult, Verdict
from fargate_netcheck.core.unsafe_text import UNSAFE
from fargate_netcheck.report.hosting import egress_mode

_MARK = {Verdict.REACHABLE: "[ OK ]", Verdict.UNREACHABLE: "[FAIL]", Verdict.UNKNOWN: "[ ?? ]"}


def terminal_text(value: object) -> str:
    """Untrusted text made safe for a terminal: control, separator and bidi characters become '?'."""
    return UNSAFE.sub("?", str(value))


def render(report: Report) -> str:
    s = report.summary()
    d = report.diagnosis
    lines = [terminal_text(d.headline), ""] if d is not None and d.headline else []
    lines.append(
        f"fargate-netcheck {report.tool_version}: {s['targets']} target(s), {s['unreachable']} unreachable, "
        f"{s['unknown']} unknown; {s['errors']} error(s), {s['warnings']} warning(s), {s['infos']} info",
    )
    if report.collected_at:
        lines.append(f"snapshot collected at {terminal_text(report.collected_at)}")
    if d is not None:
        lines += [
            "",
            f"Diagnosis of {terminal_text(d.task_arn or 'a stopped task')}",
            f"  stopped reason: {terminal_text(d.stopped_reason or '(not known)')}",
            f"  cause:          {d.cause}",
            f"  service:        {terminal_text(d.service or '(not named in the error)')}",
            f"  path verdict:   {d.verdict or '(not checked)'}"
            + (f", blocked at {terminal_text(d.blocked_at)}" if d.blocked_at else ""),
            f"  explanation:    {terminal_text(d.explanation)}",
        ]
    for result in report.targets:
        lines += ["", *_target(result)]
    active = [f for f in report.findings if f.suppressed is None]
    if active:
        lines += ["", "Findings"]
        for f in active:
            where = f" [{terminal_text(f.target_id)}]" if f.target_id else ""
            new = " (new)" if f.baseline == "new" else ""
            lines.append(
                f"  {f.severity.value:<7} {terminal_text(f.rule_id):<7} {terminal_text(f.resource_id)}{where}{new}"
            )
            lines.append(f"          {terminal_text(f.message)}")
            lines.append(f"          fix: {terminal_text(f.remediation)}")
    suppressed = [f for f in report.findings if f.suppressed is not None]
    if suppressed:
        lines += ["", f"Suppressed ({len(suppressed)})"]
        lines += [
            f"  {terminal_text(f.rule_id):<7} {terminal_text(f.resource_id)}: {terminal_text(f.suppressed)}"
            for f in suppressed
        ]
    if report.resolved:
        lines += ["", f"Resolved since the baseline ({len(report.resolved)})"]
        lines += [f"  {terminal_text(f.rule_id):<7} {terminal_text(f.resource_id)}" for f in report.resolved]
    if report.collection is not None:
        lines += ["", terminal_text(report.collection.line())]
    if report.errors:
        lines += ["", "Collection errors (verdicts that need this data are unknown)"]
        lines += [f"  {terminal_text(k)}: {terminal_text(v)}" for k, v in sorted(report.errors.items())]
    for note in report.notes:
        lines += ["", f"note: {terminal_text(note)}"]
    return "\n".join(lines) + "\n"


def _target(result: TargetResult) -> list[str]:
    t = result.target
    ip = {True: "ENABLED", False: "DISABLED", None: "unknown"}[t.assign_public_ip]
    groups = ", ".join(t.security_group_ids) or "no groups"
    head = (
        f"{_MARK[result.verdict]} {terminal_text(t.target_id)}  "
        f"({terminal_text(result.vpc_id or '?')}, assignPublicIp={ip}, {terminal_text(groups)})"
    )
    if t.location is not None:
        head += f"  from {terminal_text(t.location.path)}:{t.location.line or '?'}"
    lines = [head, f"    verdict: {_verdict_line(result)}", f"    way out: {egress_mode(result)}"]
    lines += _path("internet egress", result.internet_egress)
    if result.ecr_pull is not None:
        lines += _path(f"ECR pull via {result.ecr_pull.via or '?'}", result.ecr_pull)
    if result.needs:
        lines.append("    needs:")
        for need in result.needs:
            r = need.result
            where = f" at {terminal_text(r.blocked_at)}" if r.blocked_at else ""
            lines.append(
                f"      {_MARK[r.verdict]} {terminal_text(need.name)}:{need.port}  ({terminal_text(need.purpose)}, "
                f"via {need.via}){where}"
            )
            if r.verdict is not Verdict.REACHABLE:
                lines.append(f"             {terminal_text(r.reason)}")
    return lines


def _verdict_line(result: TargetResult) -> str:
    """The target's verdict and the walks that make it so (``unreachable: ECR pull, 4 of 5
    need(s)``; ``reachable: internet egress, ECR pull, 5 of 5 need(s)``)."""
    verdict = result.verdict
    walks = (("internet egress", result.internet_egress), ("ECR pull", result.ecr_pull))
    why = [label for label, path in walks if path is not None and path.verdict is verdict]
    needs = sum(n.result.verdict is verdict for n in result.needs)
    if needs:
        why.append(f"{needs} of {len(result.needs)} need(s)")
    return f"{verdict.value}: {', '.join(why)}"


def _path(label: str, path: PathResult) -> list[str]:
    lines = [
        f"    {label}: {path.verdict.value}",
        f"      path:       {terminal_text(' -> '.join(path.path))}",
    ]
    if path.blocked_at:
        lines.append(f"      blocked at: {terminal_text(path.blocked_at)}")
    lines.append(f"      reason:     {terminal_text(path.reason)}")
    for piece in path.pieces or ():
        r = piece.result
        where = f" (blocked at {terminal_text(r.blocked_at)})" if r.blocked_at else ""
        lines.append(f"      piece {_MARK[r.verdict]} {terminal_text(piece.label())}{where}")
        lines.append(f"            path: {terminal_text(' -> '.join(r.path))}")
    return lines
