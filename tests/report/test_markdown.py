from __future__ import annotations

import dataclasses
import re

import pytest

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.report import markdown
from fargate_netcheck.report.escape import markdown_text

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


@pytest.fixture
def text(report) -> str:
    return markdown.render(report)


def _table(text: str, header_start: str) -> list[list[str]]:
    """The rows of the table whose header starts with ``header_start``, as cells split on bare pipes."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in UNESCAPED_PIPE.split(line)[1:-1]])
    return rows


def test_status_line_names_the_problems(text):
    assert (
        "**:x: 3 targets checked: 1 unreachable, 1 unknown, 1 error finding, 1 collection failure**" in text
    )


def test_status_line_when_everything_is_reachable(report):
    report.targets = report.targets[:1]
    report.findings = [f for f in report.findings if f.severity.value != "error"]
    report.errors = {}  # a collection error is a problem too (test_review_report_meaning_status)
    assert ":white_check_mark: 1 targets checked: all reachable" in markdown.render(report)


def test_summary_table_counts(text):
    header, _, row = _table(text, "| Targets |")
    assert header == [
        "Targets",
        "Reachable",
        "Unreachable",
        "Unknown",
        "Errors",
        "Warnings",
        "Info",
        "Suppressed",
    ]
    assert row == ["3", "1", "1", "1", "1", "1", "1", "1"]


def test_non_reachable_targets_table_names_the_blocking_hop_and_reason(text):
    header, _, *rows = _table(text, "| Target |")
    assert header == ["Target", "Check", "Verdict", "Subnet", "Blocking hop", "Reason"]
    assert len(rows) == 2 and all(len(r) == len(header) for r in rows)
    unreachable, unknown = rows
    assert unreachable[2] == "**unreachable**" and unreachable[4] == "`igw-0a11`"
    assert "no public IP" in unreachable[5]
    assert unknown[2] == "**unknown**" and unknown[4] == "—"


def test_ecr_pull_failures_get_their_own_row(report):
    report.targets[1].ecr_pull = dataclasses.replace(report.targets[1].internet_egress, via="internet")
    rows = _table(markdown.render(report), "| Target |")[2:]
    assert [r[1] for r in rows] == ["ECR pull", "internet egress", "internet egress"]


def test_findings_list_active_then_suppressed_with_fix_and_reason(text):
    findings = text.split("### Findings", 1)[1]
    active, suppressed = findings.split("#### Suppressed (1)")
    assert active.index("**ERROR**") < active.index("**WARNING**") < active.index("**INFO**")
    assert r"Fix: Set assignPublicIp=ENABLED" in active
    assert "`SG-002`" in suppressed and "suppressed: Egress is restricted to 443 on purpose" in suppressed
    assert "_new_" in active


def test_resolved_errors_and_diagnosis_sections(text):
    assert "### Resolved since the baseline (1)" in text
    assert "### Collection errors" in text and "TransitGatewayRouteTables" in text
    assert "### Diagnosis of the stopped task" in text and "**network**" in text
    section = text.split("### Diagnosis of the stopped task", 1)[1]
    assert section.lstrip().startswith(r"**Network\: the task could not reach")
    assert "- Path verdict: unreachable, blocked at `subnet-0a11public`" in section


def test_hostile_strings_are_escaped(text, hostile):
    assert hostile not in text
    assert "<" not in text and ">" not in text
    assert r"&lt;script&gt;window\.pwned=1&lt;/script&gt;" in text


@pytest.mark.parametrize(
    ("raw", "unescaped"),
    [
        ("a|b", r"(?<!\\)\|"),
        ("`code`", r"(?<!\\)`"),
        ("[x](https://evil.example)", r"(?<!\\)[\[\]]"),
        ("https://evil.example", r"(?<!\\)[:.]"),
        ("www.evil.example", r"(?<!\\)\."),
        ("**bold** _it_", r"(?<!\\)[*_]"),
        ("<b>x</b>", r"[<>]"),
        ("$x^2$", r"(?<!\\)\$"),
        ("~~gone~~", r"(?<!\\)~"),
        ("# heading", r"(?<!\\)#"),
        ("line\nbreak", r"\n"),
    ],
)
def test_markdown_metacharacters_are_neutralised(raw, unescaped):
    assert re.search(unescaped, raw)
    assert not re.search(unescaped, markdown_text(raw))


def test_pipes_in_untrusted_strings_do_not_split_table_cells(report):
    report.targets[1].internet_egress.reason = "a | b | c"
    rows = _table(markdown.render(report), "| Target |")[2:]
    assert all(len(r) == 6 for r in rows)
    assert r"a \| b \| c" in rows[0][5]


def test_ids_in_escaped_text_keep_their_hyphens_so_the_raw_comment_is_searchable():
    assert markdown_text("rtb-0abc (main route table of vpc-1) has no route") == (
        "rtb-0abc (main route table of vpc-1) has no route"
    )


def test_mentions_cannot_ping_but_ids_with_at_signs_stay_intact():
    assert markdown_text("@org/team") == "@\u200borg/team"
    assert "\u200b" not in markdown_text("cli@subnet")


def _many_unreachable(report, n: int):
    unreachable = report.targets[1]
    report.targets = [
        dataclasses.replace(
            unreachable, target=dataclasses.replace(unreachable.target, target_id=f"t-{i:04}")
        )
        for i in range(n)
    ]
    assert all(t.internet_egress.verdict is Verdict.UNREACHABLE for t in report.targets)
    return report


def test_long_reports_are_truncated_under_the_limit_with_a_note(report):
    report = _many_unreachable(report, 40)
    long_message = dataclasses.replace(report.findings[0], message="m" * 500)
    report.findings = [dataclasses.replace(long_message, target_id=f"t-{i:04}") for i in range(90)]
    text = markdown.render(report, max_chars=20_000)
    assert len(text) <= 20_000
    assert text.rstrip().endswith("the JSON and HTML reports have everything._")
    assert "\n\n_Truncated:" in text  # a blank line ends the table before the note
    assert markdown.render(report, max_chars=10**7).count("| `t-") == 40


def test_a_large_audit_reads_as_totals_blockers_and_paths_within_a_comment(report):
    report = _many_unreachable(report, 50_000)
    report.findings = [dataclasses.replace(report.findings[0], target_id=f"t-{i:04}") for i in range(50_000)]
    text = markdown.render(report)
    assert len(text) <= markdown.MAX_CHARS and "_Truncated" not in text
    assert "### Targets not reachable (50000 unreachable, 0 unknown)" in text
    _, _, *rows = _table(text, "| Targets | Check |")
    assert rows == [
        [
            "50000",
            "internet egress",
            "**unreachable**",
            "`rtb-0a11public` → `igw-0a11`",
            "`igw-0a11`",
            rows[0][5],
        ]
    ]
    blockers = _table(text, "| Resource |")
    assert blockers[2][:4] == ["`igw-0a11`", "internet egress", "**unreachable**", "50000"]
    by_rule = _table(text, "| Rule |")
    assert by_rule[2][2] == "50000"


def test_totals_count_each_target_once_by_account_region_mode_and_vpc(text):
    for caption in ("Account", "Region", "Egress mode", "VPC"):
        rows = _table(text, f"| {caption} |")[2:]
        assert sum(int(r[-1]) for r in rows) == 3, caption


def test_ids_are_code_spans_without_backslashes_and_backticks_cannot_break_out():
    from fargate_netcheck.report.escape import markdown_code

    assert markdown_code("subnet-0a11-x") == "`subnet-0a11-x`"
    assert markdown_code("a`b") == "`` a`b ``"
    assert markdown_code("a|b") == "`a\\|b`"
    assert markdown_code("x\ny") == "`x y`"
    assert markdown_code("<img src=x>") == "&lt;img src=x&gt;"  # no id: escaped text, not a span


def test_one_huge_field_is_clipped(report):
    report.targets[1].internet_egress.reason = "x" * 100_000
    text = markdown.render(report)
    assert len(text) < 20_000 and "x" * markdown.MAX_FIELD not in text


def test_same_report_renders_the_same_bytes(report):
    from report.sample_report import sample_report

    assert markdown.render(report) == markdown.render(sample_report())
