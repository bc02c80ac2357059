"""SARIF 2.1.0 for GitHub code scanning: one run, every rule in the table, one result per finding.

A finding whose target came from a deployment config points at that file (and line); any other
points at a stable pseudo path ``aws/<account>/<region>/<resource-id>`` so alerts keep their identity
across runs. Suppressed findings carry an external suppression with its justification. ``<``, ``>``
and ``&`` are written as JSON ``\\u`` escapes, so the file stays inert even if pasted into HTML.

Needs: every need that is not reachable has a finding (its DNS, firewall or endpoint policy rule, or
NEED001), so it is a result; the needs of the finding's target that stop at the finding's resource
are its evidence, under ``properties.needs``. The run's ``properties.summary`` is the JSON report's
``summary`` (targets by their own verdict, findings by severity, and with a baseline the new and
resolved findings), as every other format shows them.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import (
    Finding,
    Report,
    RuleInfo,
    Severity,
    Status,
    Target,
    TargetResult,
    Verdict,
)
from fargate_netcheck.core.unsafe_text import UNSAFE, json_inert
from fargate_netcheck.report.escape import sarif_text, uri_path, uri_segment
from fargate_netcheck.report.gaps import NOTHING_CHECKED
from fargate_netcheck.report.json_report import report_summary

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "fargate-netcheck"
INFORMATION_URI = "https://pypi.org/project/fargate-netcheck/"
MAX_RESULTS = 25_000  # GitHub code scanning's limit per run
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.0", Severity.INFO: "2.0"}
FINGERPRINT_KEY = "fargateNetcheckFinding/v1"


def render(report: Report, max_results: int = MAX_RESULTS) -> str:
    """The report as a SARIF 2.1.0 log (a JSON document ending in a newline)."""
    return dumps(build(report, max_results))


def dumps(log: JsonDict) -> str:
    text = json_inert(json.dumps(log, indent=2, ensure_ascii=False, sort_keys=False))
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return text + "\n"


def build(report: Report, max_results: int = MAX_RESULTS) -> JsonDict:
    """The SARIF log as plain data."""
    rules = _rule_table(report)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    targets = {t.target.target_id: t for t in report.targets}
    by_source: dict[str, Target] = {}  # a finding about a task lies where its first target lies
    for result in report.targets:
        by_source.setdefault(result.target.source, result.target)
    findings = sorted(report.findings, key=Finding.sort_key)
    kept = list(zip(findings, _fingerprints(findings), strict=True))[:max_results]
    results = [_result(f, index[f.rule_id], targets, by_source, report, p) for f, p in kept]
    run: JsonDict = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [_invocation(report)],
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    properties: JsonDict = {"accounts": sorted(report.account_ids), "summary": report_summary(report)}
    if report.collected_at:
        properties["collectedAt"] = report.collected_at
    if len(findings) > len(kept):
        properties |= {
            "truncated": True,
            "totalResults": len(findings),
            "truncationNote": f"Only the first {len(kept)} of {len(findings)} results (most severe first) "
            "are included: GitHub code scanning accepts at most 25,000 results per run.",
        }
    run["properties"] = _inert(properties)
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _rule_table(report: Report) -> list[JsonDict]:
    infos = dict(report.rules)
    for finding in report.findings:  # a finding of a rule missing from the table still needs an entry
        if finding.rule_id not in infos:
            infos[finding.rule_id] = RuleInfo(
                finding.rule_id, finding.rule_id, finding.rule_id, finding.severity, "", finding.remediation
            )
    return [_rule(infos[rule_id]) for rule_id in sorted(infos)]


def _rule(info: RuleInfo) -> JsonDict:
    docs = info.docs.strip()
    first_paragraph = docs.split("\n\n", 1)[0].strip() if docs else ""
    help_text = docs or info.title
    if info.remediation and info.remediation not in help_text:
        help_text += f"\n\nFix: {info.remediation}"
    family = info.id.split("-", 1)[0].split(".", 1)[0].lower()
    return {
        "id": info.id,
        "name": info.name or info.id,
        "shortDescription": {"text": info.title or info.id},
        "fullDescription": {"text": first_paragraph or info.title or info.id},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": {
            "security-severity": SECURITY_SEVERITY[info.severity],
            "tags": ["security", "network", "aws", "fargate", family],
            "precision": "very-high",
        },
    }


def _where(target: Target | None, report: Report) -> tuple[str | None, str | None]:
    """The finding's account and region: its target's, else the snapshot's when it has only one
    (a finding about a task configuration, CFG001, has no target of its own)."""
    account = target.account_id if target else None
    if account is None and len(report.account_ids) == 1:
        account = report.account_ids[0]
    region = target.region if target else None
    if region is None and len(report.regions) == 1:
        region = report.regions[0]
    return account, region


def pseudo_path(account: str | None, region: str | None, resource_id: str) -> str:
    """``aws/<account>/<region>/<resource-id>``, each segment percent-encoded, never empty."""
    segments = (uri_segment(account), uri_segment(region), uri_segment(resource_id, empty="unknown-resource"))
    return "aws/" + "/".join(segments)


def artifact_uri(path: str) -> str:
    """A file the user named, as code scanning places it: relative to the working directory (the
    checkout, in CI) when it lies inside it, written without ``./``; a file elsewhere as an absolute
    ``file://`` URI (a bare ``/home/...`` is a reference GitHub cannot map to the repository)."""
    given = Path(path)
    if given.is_absolute():
        try:
            return uri_path(given.relative_to(Path.cwd()).as_posix())
        except ValueError:
            return "file://" + uri_path(given.as_posix())
    return uri_path(PurePosixPath(path.replace("\\", "/")).as_posix())


def fingerprint(finding: Finding, occurrence: int = 0) -> str:
    """The finding's identity (rule, resource, target) hashed; the ``occurrence``-th (from 0) of
    several findings sharing that identity gets its number in the key, so each is its own alert."""
    parts = [finding.rule_id, finding.resource_id, finding.target_id or ""]
    if occurrence:
        parts.append(f"#{occurrence}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _fingerprints(findings: list[Finding]) -> list[str]:
    """Each finding's fingerprint, in the report's order (``Finding.sort_key``): the first of an
    identity keeps the plain one, so a result keeps its alert when a twin appears or goes."""
    seen: Counter[tuple[str, str, str | None]] = Counter()
    prints = []
    for f in findings:
        key = (f.rule_id, f.resource_id, f.target_id)
        prints.append(fingerprint(f, seen[key]))
        seen[key] += 1
    return prints


def _result(
    finding: Finding,
    rule_index: int,
    targets: dict[str, TargetResult],
    by_source: dict[str, Target],
    report: Report,
    print_: str,
) -> JsonDict:
    result_of_target = targets.get(finding.target_id) if finding.target_id else None
    target = result_of_target.target if result_of_target else None
    # A finding about a task (resource deploy-config:<env>/<task>) lies where that task's targets lie.
    placed = target or by_source.get(finding.resource_id)
    account, region = _where(placed, report)
    if placed is not None and placed.location is not None:
        physical: JsonDict = {"artifactLocation": {"uri": artifact_uri(placed.location.path)}}
        if placed.location.line and placed.location.line >= 1:
            physical["region"] = {"startLine": placed.location.line}
    else:
        physical = {"artifactLocation": {"uri": pseudo_path(account, region, finding.resource_id)}}
    logical = [
        {
            "name": finding.resource_id,
            "fullyQualifiedName": "/".join(x or "unknown" for x in (account, region, finding.resource_id)),
            "kind": "resource",
        }
    ]
    properties: JsonDict = {"resourceId": finding.resource_id}
    if target is not None:
        logical.append({"name": target.subnet_id, "kind": "resource"})
        properties |= {"targetId": target.target_id, "subnetId": target.subnet_id, "source": target.source}
        if result_of_target is not None and result_of_target.vpc_id:
            properties["vpcId"] = result_of_target.vpc_id
        if target.security_group_ids:
            properties["securityGroupIds"] = list(target.security_group_ids)
    elif finding.target_id:
        properties["targetId"] = finding.target_id
    if account:
        properties["accountId"] = account
    if region:
        properties["region"] = region
    if finding.baseline:
        properties["baseline"] = finding.baseline
    if result_of_target is not None and result_of_target.needs:
        evidence = _needs_at(result_of_target, finding.resource_id)
        if evidence:
            properties["needs"] = evidence
    message = sarif_text(finding.message)
    if finding.remediation:
        message += f"\nFix: {sarif_text(finding.remediation)}"
    result: JsonDict = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": physical, "logicalLocations": _inert(logical)}],
        "partialFingerprints": {FINGERPRINT_KEY: print_},
        "properties": _inert(properties),
    }
    if finding.baseline in ("new", "unchanged"):
        result["baselineState"] = finding.baseline
    if finding.suppressed is not None:
        result["suppressions"] = [{"kind": "external", "justification": _inert(finding.suppressed)}]
    return result


def _needs_at(result: TargetResult, resource_id: str) -> list[JsonDict]:
    """The target's needs that are not reachable at ``resource_id``: blocked there, or with a check
    there that failed or could not be decided."""
    out = []
    for need in result.needs:
        path = need.result
        if path.verdict is Verdict.REACHABLE:
            continue
        if path.blocked_at == resource_id or any(
            c.resource_id == resource_id and c.status is not Status.PASS for c in path.checks
        ):
            out.append(
                {
                    "name": need.name,
                    "port": need.port,
                    "via": need.via,
                    "verdict": path.verdict.value,
                    "blockedAt": path.blocked_at,
                    "reason": path.reason,
                }
            )
    return out


def _invocation(report: Report) -> JsonDict:
    invocation: JsonDict = {"executionSuccessful": True}
    notes = [
        {"level": "warning", "message": {"text": sarif_text(f"{where}: {message}")}}
        for where, message in sorted(report.errors.items())
    ]
    if not report.targets:  # no result here is not "no problem": nothing was verified
        notes.insert(0, {"level": "error", "message": {"text": NOTHING_CHECKED}})
    if notes:
        invocation["toolExecutionNotifications"] = notes
    if report.collection is not None:
        invocation["properties"] = _inert({"collection": report.collection.to_json()})
    return invocation


def _inert(value: Any) -> Any:
    """``value`` with ``UNSAFE`` characters replaced in every string it holds (ids, tag-derived
    names, reasons, AWS error messages: a viewer or a terminal may print any of them)."""
    if isinstance(value, str):
        return UNSAFE.sub("?", value)
    if isinstance(value, dict):
        return {key: _inert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_inert(item) for item in value]
    return value
