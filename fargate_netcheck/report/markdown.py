"""Markdown for pull-request comments and ``$GITHUB_STEP_SUMMARY``.

A status line (green only when targets were checked, none is unreachable or unknown, no error
finding is active and nothing failed to be collected), a diagnosis (when there is one, before any
clipping), a summary table, the compliance totals and top blocking resources (the same as the HTML
report's, ``compliance``), the change against the baseline, the targets that are not reachable (one
row per target and check or need; past ``ROWS`` rows, one per distinct path), the needs (grouped by
name, port and outcome, with their targets counted), the findings (past ``FINDING_LINES``, counted
by rule), then baseline and collection errors. Ids are code spans (``escape.markdown_code``), other
untrusted strings go through ``escape.markdown_text``; the whole stays under GitHub's comment limit
(truncated at a line boundary with a note saying so).
"""

from __future__ import annotations

from fargate_netcheck.core.model import Finding, Report, Verdict
from fargate_netcheck.report.compliance import VERDICTS, Compliance, compliance
from fargate_netcheck.report.escape import markdown_code, markdown_text
from fargate_netcheck.report.gaps import collection_failures

MAX_CHARS = 65_000  # GitHub rejects comments over 65,536 characters
MAX_FIELD = 600  # one message or reason longer than this is clipped
TOTAL_ROWS = 15  # rows of each totals table and of the blockers
ROWS = 50  # rows of the not-reachable table before it groups by path
FINDING_LINES = 100  # finding lines before they are counted by rule


def render(report: Report, max_chars: int = MAX_CHARS) -> str:
    cv = compliance(report)
    lines = [
        *_header(report),
        *_diagnosis(report),  # first: what happened and what to change, before any clipping
        *_summary_table(report),
        *_totals(cv),
        *_blockers(cv),
        *_changes(cv),
        *_not_reachable(report, cv),
        *_needs(cv),
        *_pieces(report),
        *_findings(report),
        *_resolved(report),
        *_errors(report),
    ]
    return fit(lines, max_chars)


def code(value: object) -> str:
    """An id (resource, target, rule, account) as a code span: verbatim, clipped to MAX_FIELD."""
    text = str(value)
    return markdown_code(text if len(text) <= MAX_FIELD else text[: MAX_FIELD - 1] + "…")


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
    problems = [] if summary["targets"] else ["nothing was checked"]
    if summary["unreachable"]:
        problems.append(f"{summary['unreachable']} unreachable")
    if summary["unknown"]:
        problems.append(f"{summary['unknown']} unknown")
    if summary["errors"]:
        problems.append(f"{summary['errors']} error finding{'s' if summary['errors'] != 1 else ''}")
    if failed := len(collection_failures(report)):  # listed under "Collection errors"
        problems.append(f"{failed} collection failure{'s' if failed != 1 else ''}")
    if problems:
        status = f":x: {summary['targets']} targets checked: " + ", ".join(problems)
    else:
        status = f":white_check_mark: {summary['targets']} targets checked: all reachable, no error findings"
    meta = [f"fargate-netcheck {md(report.tool_version)}"]
    if report.collected_at:
        meta.append(f"collected {md(report.collected_at)}")
    if report.account_ids:
        meta.append("accounts " + ", ".join(code(a) for a in sorted(report.account_ids)))
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


def _totals(cv: Compliance) -> list[str]:
    if not cv.targets:
        return []
    lines = ["### Totals (targets by verdict)", ""]
    head = " | ".join(v.value for v in VERDICTS)
    for name, caption in (
        ("account", "Account"),
        ("region", "Region"),
        ("egress_mode", "Egress mode"),
        ("vpc", "VPC"),
    ):
        rows = cv.by[name]
        lines += [f"| {caption} | {head} | total |", "|---|" + "---:|" * (len(VERDICTS) + 1)]
        for row in rows[:TOTAL_ROWS]:
            counts = " | ".join(str(row.counts[v.value]) for v in VERDICTS)
            lines.append(f"| {code(row.label)} | {counts} | {row.total} |")
        more = f"_{len(rows) - TOTAL_ROWS} more, fewest problems last._" if len(rows) > TOTAL_ROWS else ""
        lines += ["", *([more, ""] if more else [])]
    return lines


def _blockers(cv: Compliance) -> list[str]:
    if not cv.blockers:
        return []
    lines = [
        f"### Top blocking resources ({len(cv.blockers)})",
        "",
        "| Resource | Check | Verdict | Targets | Why (first target) |",
        "|---|---|---|---:|---|",
    ]
    for b in cv.blockers[:TOTAL_ROWS]:
        lines.append(
            f"| {code(b.resource_id)} | {b.check} | **{b.verdict}** | {b.targets} | {md(b.reason)} |"
        )
    return [*lines, ""]


def _changes(cv: Compliance) -> list[str]:
    if not cv.has_baseline:
        return []
    lines = [
        "### Change against the baseline",
        "",
        "| Rule | Severity | New | Resolved |",
        "|---|---|---:|---:|",
    ]
    lines += [f"| {code(c.rule_id)} | {c.severity.value} | {c.new} | {c.resolved} |" for c in cv.changes]
    if not cv.changes:
        lines.append("| (none) | | 0 | 0 |")
    return [*lines, ""]


def _not_reachable(report: Report, cv: Compliance) -> list[str]:
    """One row per target and check (internet egress, ECR pull, each need) that is not reachable;
    the heading counts targets, as the summary does."""
    rows = []
    order = {Verdict.UNREACHABLE: 0, Verdict.UNKNOWN: 1}
    for result in report.targets:
        for check, path in result.walks():
            if path.verdict is not Verdict.REACHABLE:
                rows.append((order[path.verdict], result.target.target_id, check, result, path))
    if not rows:
        return []
    s = report.summary()
    heading = f"### Targets not reachable ({s['unreachable']} unreachable, {s['unknown']} unknown)"
    if len(rows) > ROWS:
        return [heading, "", *_by_path(cv)]
    lines = [
        heading,
        "",
        "| Target | Check | Verdict | Subnet | Blocking hop | Reason |",
        "|---|---|---|---|---|---|",
    ]
    for _, target_id, check, result, path in sorted(rows, key=lambda r: r[:3]):
        blocked = code(path.blocked_at) if path.blocked_at else "—"
        lines.append(
            f"| {code(target_id)} | {_check(check)} | **{path.verdict.value}** | {code(result.target.subnet_id)} "
            f"| {blocked} | {md(path.reason)} |"
        )
    return [*lines, ""]


def _check(label: str) -> str:
    """A walk's label: ``internet egress``, ``ECR pull``, or ``need`` and the need's name (untrusted:
    it may come from a configuration or a template) as a code span."""
    return f"need {code(label[5:])}" if label.startswith("need ") else label


def _needs(cv: Compliance) -> list[str]:
    """Every need by name and port, grouped by how it ended (via, verdict, blocking resource), worst
    first, with the number of targets in each group."""
    if not cv.needs:
        return []
    failing = sum(g.targets for g in cv.needs if g.verdict is not Verdict.REACHABLE)
    lines = [
        f"### Needs ({len(cv.needs)} outcomes; {failing} not reachable, counted per target and need)",
        "",
        "| Need | Port | Via | Verdict | Targets | Blocked at | Reason (first target) |",
        "|---|---:|---|---|---:|---|---|",
    ]
    for g in cv.needs[:ROWS]:
        blocked = code(g.blocked_at) if g.blocked_at else "—"
        lines.append(
            f"| {code(g.name)} | {g.port} | {md(g.via)} | **{g.verdict.value}** | {g.targets} | {blocked} "
            f"| {md(g.reason)} |"
        )
    if len(cv.needs) > ROWS:
        lines += ["", f"…and {len(cv.needs) - ROWS} more (the JSON report's `needs` has every one)."]
    return [*lines, ""]


def _by_path(cv: Compliance) -> list[str]:
    groups = [g for g in cv.paths if g.verdict is not Verdict.REACHABLE]
    lines = [
        f"{len(groups)} distinct paths, the {min(len(groups), ROWS)} largest first:",
        "",
        "| Targets | Check | Verdict | Path after the subnet | Blocking hop | Reason (first target) |",
        "|---:|---|---|---|---|---|",
    ]
    for g in sorted(groups, key=lambda g: -len(g.members))[:ROWS]:
        hops = " → ".join(code(h) for h in g.hops[:8]) + (" → …" if len(g.hops) > 8 else "")
        blocked = code(g.blocked_at) if g.blocked_at else "—"
        lines.append(
            f"| {len(g.members)} | {g.check} | **{g.verdict.value}** | {hops or '—'} | {blocked} | {md(g.example.reason)} |"
        )
    return [*lines, ""]


def _pieces(report: Report) -> list[str]:
    """Destinations the route tables split: where each part went (capped like the other tables)."""
    rows = []
    for result in report.targets:
        for check, path in (("internet egress", result.internet_egress), ("ECR pull", result.ecr_pull)):
            for piece in (path.pieces if path is not None else None) or ():
                r = piece.result
                blocked = code(r.blocked_at) if r.blocked_at else "—"
                rows.append(
                    f"| {code(result.target.target_id)} | {check} | {md(piece.label())} | **{r.verdict.value}** "
                    f"| {' → '.join(code(h) for h in r.path)} | {blocked} |"
                )
    if not rows:
        return []
    more = [f"…and {len(rows) - ROWS} more (the JSON report's `pieces` has every part).", ""]
    head = [
        f"### Split destinations ({len(rows)} parts)",
        "",
        "| Target | Check | Part of the destination | Verdict | Path | Blocking hop |",
        "|---|---|---|---|---|---|",
    ]
    return [*head, *rows[:ROWS], "", *(more if len(rows) > ROWS else [])]


def _finding_line(finding: Finding, report: Report) -> str:
    rule = report.rules.get(finding.rule_id)
    title = f" {md(rule.title)}" if rule else ""
    where = f"on {code(finding.resource_id)}"
    if finding.target_id:
        where += f" (target {code(finding.target_id)})"
    badge = f" _{finding.baseline}_" if finding.baseline == "new" else ""
    line = f"- **{finding.severity.value.upper()}** {code(finding.rule_id)}{title} {where}{badge}: {md(finding.message)}"
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
    if len(ordered) > FINDING_LINES:
        return [*lines, *_findings_by_rule(ordered)]
    lines += [_finding_line(f, report) for f in active] or ["No active findings."]
    if suppressed:
        lines += ["", f"#### Suppressed ({len(suppressed)})", ""]
        lines += [_finding_line(f, report) for f in suppressed]
    return [*lines, ""]


def _findings_by_rule(ordered: list[Finding]) -> list[str]:
    counts: dict[str, list] = {}
    for f in ordered:
        entry = counts.setdefault(f.rule_id, [f.severity.value, 0, 0, f])
        entry[1 if f.suppressed is None else 2] += 1
    lines = ["| Rule | Severity | Active | Suppressed | Example |", "|---|---|---:|---:|---|"]
    for rule_id, (severity, active, suppressed, first) in counts.items():
        lines.append(f"| {code(rule_id)} | {severity} | {active} | {suppressed} | {md(first.message, 300)} |")
    return [*lines, ""]


def _resolved(report: Report) -> list[str]:
    if not report.resolved:
        return []
    lines = [f"### Resolved since the baseline ({len(report.resolved)})", ""]
    for f in sorted(report.resolved, key=Finding.sort_key):
        lines.append(f"- {f.severity.value} {code(f.rule_id)} on {code(f.resource_id)}: {md(f.message)}")
    return [*lines, ""]


def _errors(report: Report) -> list[str]:
    head = [md(report.collection.line()), ""] if report.collection is not None else []
    if not report.errors:
        return head
    lines = [*head, "### Collection errors", "", "Verdicts that needed this data are unknown.", ""]
    lines += [f"- {code(where)}: {md(message)}" for where, message in sorted(report.errors.items())]
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
        f"- Task: {code(d.task_arn) if d.task_arn else '(not known)'}",
        f"- Stopped reason: {md(d.stopped_reason or '(not known)')}",
        f"- Cause: **{md(d.cause)}**",
        f"- Service: {md(d.service or '(not named in the error)')}",
        f"- Path verdict: {md(d.verdict or '(not checked)')}"
        + (f", blocked at {code(d.blocked_at)}" if d.blocked_at else ""),
        "",
        md(d.explanation, limit=4000),
        "",
    ]
