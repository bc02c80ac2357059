"""The JSON report is streamed in chunks; the chunks must give exactly the layout and bytes that
the whole-string writer gave (a reference copy of it is kept here), since the report is a contract
for machines and the same snapshot must always give the same bytes."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from report.sample_report import sample_report

from fargate_netcheck.core.model import (
    Check,
    CheckCode,
    Finding,
    PathResult,
    Report,
    Severity,
    Status,
    Verdict,
)
from fargate_netcheck.report import json_report, stream, writer


def reference_render(report: Report) -> str:
    """The writer as it was before streaming: whole dict, then one target or finding per line."""
    parts = []
    for key, value in json_report.to_dict(report).items():
        if key in ("targets", "findings", "resolved_findings") and value:
            items = ",\n    ".join(json.dumps(v, ensure_ascii=False) for v in value)
            parts.append(f"  {json.dumps(key)}: [\n    {items}\n  ]")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def non_ascii_report() -> Report:
    """Names and reasons outside ASCII: written as UTF-8, never as \\u escapes."""
    report = sample_report()
    first = report.targets[0]
    egress = replace(first.internet_egress, reason="route → nat-0a11 « ok » 🚀")
    report.targets[0] = replace(first, internet_egress=egress)
    report.notes.append("Schöne Grüße, 東京")
    return report


def test_chunks_join_to_render_and_to_the_reference(report):
    text = json_report.render(report)
    assert "".join(json_report.chunks(sample_report())) == text
    assert text == reference_render(sample_report())


def test_non_ascii_text_is_kept_as_is():
    text = json_report.render(non_ascii_report())
    assert text == reference_render(non_ascii_report())
    assert "🚀" in text and "東京" in text and "\\u" not in text


def test_layout_has_one_item_per_line(report):
    lines = json_report.render(report).splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    targets = lines.index('  "targets": [')
    assert lines[targets + 1 + len(report.targets)] == "  ],"
    for line in lines[targets + 1 : targets + 1 + len(report.targets)]:
        assert line.startswith('    {"target_id": ')


def test_text_decodes_to_to_dict(report):
    assert json.loads(json_report.render(report)) == json_report.to_dict(sample_report())


def test_empty_report_writes_empty_lists():
    empty = Report("0.1.0", [], [], {})
    text = json_report.render(empty)
    assert text == reference_render(empty)
    assert '  "targets": [],\n  "findings": [],\n' in text
    assert "resolved_findings" not in text


def test_baseline_marks_add_resolved_findings_and_counts():
    finding = Finding("RT001", Severity.ERROR, "rtb-1", None, "m", "r", baseline="new")
    report = Report("0.1.0", [], [finding], {})
    data = json.loads(json_report.render(report))
    assert data["resolved_findings"] == []
    assert (data["summary"]["new"], data["summary"]["resolved"]) == (1, 0)
    assert json_report.render(report) == reference_render(report)


def test_path_dict_puts_via_after_verdict_and_values_as_plain_strings():
    check = Check(CheckCode.EP_SERVICE, Status.PASS, "vpce-1", "endpoint is available")
    path = PathResult(Verdict.REACHABLE, ["subnet-1"], None, "ok", [check], via="vpc-endpoints")
    out: dict[str, Any] = json_report.path_dict(path)
    assert list(out) == ["verdict", "via", "path", "blocked_at", "reason", "checks"]
    assert type(out["verdict"]) is str and type(out["checks"][0]["status"]) is str
    assert out["checks"] == [
        {
            "check": "vpce.service",
            "status": "pass",
            "resource_id": "vpce-1",
            "reason": "endpoint is available",
        }
    ]
    assert list(json_report.path_dict(replace(path, via=None)))[:2] == ["verdict", "path"]


def test_stream_of_any_format_joins_to_its_render(report):
    for fmt in ("json", "text", "sarif", "junit", "markdown"):
        assert "".join(stream(fmt)(report)) == writer(fmt)(sample_report()), fmt
