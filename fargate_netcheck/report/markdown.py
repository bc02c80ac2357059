"""Markdown for pull-request comments and ``$GITHUB_STEP_SUMMARY``.

A status line, a diagnosis (when there is one), a summary table, a table of the targets that are not
reachable (blocking hop and reason), the findings, then baseline and collection errors. Every
untrusted string goes through ``escape.markdown_text``; the whole stays under GitHub's comment limit
(truncated at a line boundary with a note saying so).
"""

from __future__ import annotations

from fargate_netcheck.model import Finding, PathResult, Report, TargetResult, Verdict
from fargate_netcheck.report.escape import markdown_text

MAX_CHARS = 65_000  # GitHub rejects comments over 65,536 characters
MAX_FIELD = 600  # one message or reason longer than this is clipped


def render(report: Report, max_chars: int = MAX_CHARS) -> str:
    lines = [
        *_header(report),
        *_diagnosis(report),  # first: what happened and what to change, before any clipping
        *_summary_table(report),
        *_not_reachable(report),
        *_pieces(report),
        *_findings(report),
        *_resolved(report),
        *_errors(report),
    ]
    return fit(lines, max_chars)


def md(value: object, limit: int = MAX_FIELD) -> str:
    """Escape an untrusted string for inline Markdown, clipped to ``limit`` characters first."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return markdown_text(text)


def fit(lines: list[str], max_chars: int) -> str:
    """Join lines; past ``max_chars``, keep whole lines and end with a note on what was left out."""
    text = "\n".join(lines) + "\n"
    if len(text) <= max_chars:
        return text
    note = (
        "_Truncated: {n} more lines are not shown (GitHub limits a comment to 65,536 characters); "
        "the JSON and HTML reports have everything._"
    )
    budget = max_chars - len(note) - 16
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > budget:
            break
        kept.append(line)
        size += len(line) + 1
    # The blank line ends any table the cut went through, so the note is not read as a table row.
    return "\n".join(kept) + "\n\n" + note.format(n=len(lines) - len(kept)) + "\n"


def _header(report: Report) -> list[str]:
    summary = report.summary()
    problems = []
    if summary["unreachable"]:
        problems.append(f"{summary['unreachable']} unreachable")
    if summary["unknown"]:
        problems.append(f"{summary['unknown']} unknown")
    if summary["errors"]:
        problems.append(f"{summary['errors']} error finding{'s' if summary['errors'] != 1 else ''}")
    if problems:
        status = f":x: {summary['targets']} targets checked: " + ", ".join(problems)
    else:
        status = f":white_check_mark: {summary['targets']} targets checked: all reachable, no error findings"
    meta = [f"fargate-netcheck {md(report.tool_version)}"]
    if report.collected_at:
        meta.append(f"collected {md(report.collected_at)}")
    if report.account_ids:
        meta.append("accounts " + ", ".join(md(a) for a in sorted(report.account_ids)))
    return ["## fargate-netcheck report", "", f"**{status}**", "", " · ".join(meta), ""]


def _summary_table(report: Report) -> list[str]:
    s = report.summary()
    reachable = s["targets"] - s["unreachable"] - s["unknown"]
    suppressed = sum(f.suppressed is not None for f in report.findings)
    return [
        "| Targets | Reachable | Unreachable | Unknown | Errors | Warnings | Info | Suppressed |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {s['targets']} | {reachable} | {s['unreachable']} | {s['unknown']} | {s['errors']} "
        f"| {s['warnings']} | {s['infos']} | {suppressed} |",
        "",
    ]


def _checks(result: TargetResult) -> list[tuple[str, PathResult]]:
    checks = [("internet egress", result.internet_egress)]
    if result.ecr_pull is not None:
        checks.append(("ECR pull", result.ecr_pull))
    return checks


def _not_reachable(report: Report) -> list[str]:
    rows = []
    order = {Verdict.UNREACHABLE: 0, Verdict.UNKNOWN: 1}
    for result in report.targets:
        for check, path in _checks(result):
            if path.verdict is not Verdict.REACHABLE:
                rows.append((order[path.verdict], result.target.target_id, check, result, path))
    if not rows:
        return []
    lines = [
        f"### Targets not reachable ({len(rows)})",
        "",
        "| Target | Check | Verdict | Subnet | Blocking hop | Reason |",
        "|---|---|---|---|---|---|",
    ]
    for _, target_id, check, result, path in sorted(rows, key=lambda r: r[:3]):
        blocked = md(path.blocked_at) if path.blocked_at else "—"
        lines.append(
            f"| {md(target_id)} | {check} | **{path.verdict.value}** | {md(result.target.subnet_id)} "
            f"| {blocked} | {md(path.reason)} |"
        )
    return [*lines, ""]


def _pieces(report: Report) -> list[str]:
    """Destinations the route tables split: where each part went."""
    rows = []
    for result in report.targets:
        for check, path in _checks(result):
            for piece in path.pieces or ():
                r = piece.result
                blocked = md(r.blocked_at) if r.blocked_at else "—"
                rows.append(
                    f"| {md(result.target.target_id)} | {check} | {md(piece.label())} | **{r.verdict.value}** "
                    f"| {md(' → '.join(r.path))} | {blocked} |"
                )
    if not rows:
        return []
    head = [
        f"### Split destinations ({len(rows)} parts)",
        "",
        "| Target | Check | Part of the destination | Verdict | Path | Blocking hop |",
        "|---|---|---|---|---|---|",
    ]
    return [*head, *rows, ""]


def _finding_line(finding: Finding, report: Report) -> str:
    rule = report.rules.get(finding.rule_id)
    title = f" {md(rule.title)}" if rule else ""
    where = f"on {md(finding.resource_id)}"
    if finding.target_id:
        where += f" (target {md(finding.target_id)})"
    badge = f" _{finding.baseline}_" if finding.baseline == "new" else ""
    line = f"- **{finding.severity.value.upper()}** {md(finding.rule_id)}{title} {where}{badge}: {md(finding.message)}"
    if finding.suppressed is not None:
        return line + f" — suppressed: {md(finding.suppressed)}"
    return line + f" — Fix: {md(finding.remediation)}"


def _findings(report: Report) -> list[str]:
    if not report.findings:
        return ["### Findings", "", "No findings.", ""]
    ordered = sorted(report.findings, key=Finding.sort_key)
    active = [f for f in ordered if f.suppressed is None]
    suppressed = [f for f in ordered if f.suppressed is not None]
    lines = [f"### Findings ({len(active)} active, {len(suppressed)} suppressed)", ""]
    lines += [_finding_line(f, report) for f in active] or ["No active findings."]
    if suppressed:
        lines += ["", f"#### Suppressed ({len(suppressed)})", ""]
        lines += [_finding_line(f, report) for f in suppressed]
    return [*lines, ""]


def _resolved(report: Report) -> list[str]:
    if not report.resolved:
        return []
    lines = [f"### Resolved since the baseline ({len(report.resolved)})", ""]
    for f in sorted(report.resolved, key=Finding.sort_key):
        lines.append(f"- {f.severity.value} {md(f.rule_id)} on {md(f.resource_id)}: {md(f.message)}")
    return [*lines, ""]


def _errors(report: Report) -> list[str]:
    if not report.errors:
        return []
    lines = ["### Collection errors", "", "Verdicts that needed this data are unknown.", ""]
    lines += [f"- {md(where)}: {md(message)}" for where, message in sorted(report.errors.items())]
    return [*lines, ""]


def _diagnosis(report: Report) -> list[str]:
    d = report.diagnosis
    if d is None:
        return []
    return [
        "### Diagnosis of the stopped task",
        "",
        f"**{md(d.headline, limit=2000)}**",
        "",
        f"- Task: {md(d.task_arn or '(not known)')}",
        f"- Stopped reason: {md(d.stopped_reason or '(not known)')}",
        f"- Cause: **{md(d.cause)}**",
        f"- Service: {md(d.service or '(not named in the error)')}",
        f"- Path verdict: {md(d.verdict or '(not checked)')}"
        + (f", blocked at {md(d.blocked_at)}" if d.blocked_at else ""),
        "",
        md(d.explanation, limit=4000),
        "",
    ]
