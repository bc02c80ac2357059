"""The JSON report: the contract for machines (docs/report-format.md). Field names are stable; output is
deterministic (sorted keys within objects, findings and targets in a fixed order).

The report of a large audit runs to tens of megabytes, so it is produced as a stream of chunks
(``chunks``): one target or finding is turned into a dict and encoded at a time, and the writer
sends each chunk on as it comes. Neither the whole text nor a dict tree of the whole report is
ever held. ``render`` joins the same chunks, so both give the same bytes. Targets that share a
walk (trace/grouping.py) have that walk encoded once per group (``json_shared``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from fargate_netcheck.core.model import Finding, NeedResult, PathResult, Report, TargetResult
from fargate_netcheck.core.unsafe_text import json_inert
from fargate_netcheck.report.hosting import egress_mode
from fargate_netcheck.report.json_shared import SharedJson, fill

REPORT_VERSION = 1

_ITEM_INDENT = ",\n    "


@dataclass(frozen=True, slots=True)
class _Items:
    """A top-level list written one item per line: its source objects and how each becomes a dict
    (done only as the item is written, so the list is never built whole)."""

    source: Sequence[Any]
    to_dict: Callable[[Any], dict[str, Any]]
    # The item's JSON text, when there is a faster way to it than encoding ``to_dict`` (same bytes).
    to_text: Callable[[Any, Callable[[Any], str]], str] | None = None


def render(report: Report) -> str:
    """The whole report as one string (for callers that want text; writers stream ``chunks``)."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """Top-level keys indented, then one target or finding per line: json's C encoder does the work
    (``indent=`` makes json fall back to its pure-Python encoder: 3x slower, and a peak of millions
    of small strings on a large audit), and the file still diffs one item per line."""
    # Same output as json.dumps(value, ensure_ascii=False); the report holds no cycles to check for.
    # Each chunk then has its ``UNSAFE`` characters (a tag value's bidi override, a C1 control)
    # written as \u escapes: the same strings to a parser, nothing a terminal would act on.
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    separator = "{\n"
    for key, value in _sections(report):
        head = f"{separator}  {json.dumps(key)}: "
        separator = ",\n"
        if isinstance(value, _Items):
            yield from map(json_inert, _item_list(head, value, encode))
        else:
            yield json_inert(head + encode(value))
    yield "\n}\n"


def _item_list(head: str, items: _Items, encode: Callable[[Any], str]) -> Iterator[str]:
    """``head`` then ``[``, one encoded item per line, ``]``; ``[]`` when there are none."""
    if not items.source:
        yield head + "[]"
        return
    lead = head + "[\n    "
    to_text, to_dict = items.to_text, items.to_dict
    for item in items.source:
        yield lead  # apart: joining it to a target's tens of kB would copy them once more
        yield to_text(item, encode) if to_text is not None else encode(to_dict(item))
        lead = _ITEM_INDENT
    yield "\n  ]"


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain dicts and lists: what the JSON text decodes to."""
    return {
        key: [value.to_dict(item) for item in value.source] if isinstance(value, _Items) else value
        for key, value in _sections(report)
    }


def _sections(report: Report) -> list[tuple[str, Any]]:
    """The top-level members in output order; the long lists stay lazy (``_Items``)."""
    summary = report_summary(report)
    out: list[tuple[str, Any]] = [
        ("report_version", REPORT_VERSION),
        ("tool", {"name": "fargate-netcheck", "version": report.tool_version}),
        ("collected_at", report.collected_at),
        ("accounts", list(report.account_ids)),
        ("targets", _Items(report.targets, _target, _TargetText().text)),
        ("findings", _Items(report.findings, finding_dict, finding_text)),
        ("summary", summary),
    ]
    if "new" in summary:
        out.append(("resolved_findings", _Items(report.resolved, finding_dict, finding_text)))
    if report.errors:
        out.append(("collection_errors", dict(sorted(report.errors.items()))))
    if report.collection is not None:
        out.append(("collection", report.collection.to_json()))
    if report.diagnosis is not None:
        d = report.diagnosis
        diagnosis = {
            "task_arn": d.task_arn,
            "stopped_reason": d.stopped_reason,
            "cause": d.cause,
            "service": d.service,
            "service_key": d.service_key,
            "verdict": d.verdict,
            "blocked_at": d.blocked_at,
            "headline": d.headline,
            "explanation": d.explanation,
        }
        out.append(("diagnosis", diagnosis))
    if report.notes:
        out.append(("notes", list(report.notes)))
    return out


def report_summary(report: Report) -> dict[str, int]:
    """The ``summary`` object (SARIF's ``run.properties.summary`` too): ``Report.summary``, and
    with a baseline the ``new`` findings and the ``resolved`` ones."""
    summary = report.summary()
    if report.has_baseline():
        summary["new"] = sum(f.baseline == "new" for f in report.findings)
        summary["resolved"] = len(report.resolved)
    return summary


class _TargetText:
    """A target's JSON: ``_target`` encoded, or for a member of a group that shares a walk, its own
    fields encoded and the group's walks filled in with its subnet (``json_shared``)."""

    __slots__ = ("_shared",)

    def __init__(self) -> None:
        self._shared: SharedJson | None = None

    def text(self, result: TargetResult, encode: Callable[[Any], str]) -> str:
        if result.shared is None:
            return encode(_target(result))
        if self._shared is None:
            self._shared = SharedJson(encode, path_dict, need_dict)
        walks = self._shared.walks(result)
        assert walks is not None
        verdicts, egress, rest, values = walks
        t = result.target
        parts = [
            encode(_target_head(result, with_verdicts=False))[:-1],
            ", ",
            verdicts,
            ', "internet_egress": ',
        ]
        fill(parts, egress, values)
        if t.location is not None:
            parts.append(f', "source_location": {encode({"path": t.location.path, "line": t.location.line})}')
        fill(parts, rest, values)
        return "".join(parts)


def _target(result: TargetResult) -> dict[str, Any]:
    t = result.target
    out = _target_head(result)
    out["internet_egress"] = path_dict(result.internet_egress)
    if t.location is not None:
        out["source_location"] = {"path": t.location.path, "line": t.location.line}
    if result.ecr_pull is not None:
        out["ecr_pull"] = path_dict(result.ecr_pull)
    out["needs"] = [need_dict(n) for n in result.needs]
    return out


def _target_head(result: TargetResult, *, with_verdicts: bool = True) -> dict[str, Any]:
    """A target's own fields, before its walks (``verdict`` and ``egress_mode`` last, unless left out)."""
    t = result.target
    head = {
        "target_id": t.target_id,
        "source": t.source,
        "account_id": t.account_id,
        "region": t.region,
        "subnet_id": t.subnet_id,
        "vpc_id": result.vpc_id,
        "security_group_ids": list(t.security_group_ids),
        "assign_public_ip": t.assign_public_ip,
    }
    if with_verdicts:
        head["verdict"] = result.verdict._value_
        head["egress_mode"] = egress_mode(result)
    return head


def need_dict(need: NeedResult) -> dict[str, Any]:
    """``{name, port, purpose, via, verdict, path, blocked_at, reason, checks}``."""
    path = path_dict(need.result)
    path.pop("via", None)
    return {"name": need.name, "port": need.port, "purpose": need.purpose, "via": need.via, **path}


def path_dict(path: PathResult) -> dict[str, Any]:
    """``via`` (when set) comes right after ``verdict``. Enum values are read as ``_value_``: the
    ``.value`` property is a Python-level descriptor, and a large audit reads it ~400,000 times."""
    out: dict[str, Any] = {"verdict": path.verdict._value_}
    if path.via is not None:
        out["via"] = path.via
    out["path"] = list(path.path)
    out["blocked_at"] = path.blocked_at
    out["reason"] = path.reason
    out["checks"] = [
        {
            "check": c.code._value_,
            "status": c.status._value_,
            "resource_id": c.resource_id,
            "reason": c.reason,
        }
        for c in path.checks
    ]
    if path.pieces is not None:
        out["pieces"] = [
            {
                "destination": list(p.destination),
                "verdict": p.result.verdict._value_,
                "path": list(p.result.path),
                "blocked_at": p.result.blocked_at,
                "reason": p.result.reason,
            }
            for p in path.pieces
        ]
    return out


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "severity": f.severity._value_,
        "resource_id": f.resource_id,
        "target_id": f.target_id,
        "message": f.message,
        "remediation": f.remediation,
        "suppressed": f.suppressed,
        "baseline": f.baseline,
    }


def finding_text(f: Finding, encode: Callable[[Any], str]) -> str:
    """``encode(finding_dict(f))``, written out field by field: an audit has hundreds of thousands
    of findings, and building a dict for each to encode cost more than the encoding. A field that
    is not text or None (a plug-in rule's) goes through the encoder like any other value."""
    fields = (f.resource_id, f.target_id, f.message, f.remediation, f.suppressed, f.baseline)
    if not all(v.__class__ is str or v is None for v in fields) or f.rule_id.__class__ is not str:
        return encode(finding_dict(f))
    s = encode_basestring
    return (
        f'{{"rule_id": {s(f.rule_id)}, "severity": {s(f.severity._value_)}, '
        f'"resource_id": {_text(f.resource_id)}, "target_id": {_text(f.target_id)}, '
        f'"message": {_text(f.message)}, "remediation": {_text(f.remediation)}, '
        f'"suppressed": {_text(f.suppressed)}, "baseline": {_text(f.baseline)}}}'
    )


def _text(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)
