"""Characters an untrusted string (a tag value, a baseline file, an AWS error message) may carry that
no report may pass on raw: terminal controls and forged lines, bidi reordering, lone surrogates
(which no UTF-8 file can hold), characters XML cannot carry, and link syntax a viewer would follow."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from report.sample_report import sample_report

from fargate_netcheck.core.model import Finding, Severity
from fargate_netcheck.graph.export import export_graph
from fargate_netcheck.report import FORMATS, writer
from fargate_netcheck.report.escape import markdown_text, sarif_text, uri_path, xml_text
from fargate_netcheck.report.output import write_report
from fargate_netcheck.report.text import terminal_text

FORGED = "X\x1b[2J\x1b]8;;http://evil\x07click\r\n  error   FAKE001 forged\u202e"


def test_a_baseline_rule_id_cannot_move_the_cursor_or_forge_a_line():
    report = sample_report()
    report.resolved = [Finding(FORGED, Severity.ERROR, "rtb-gone", None, "gone", "")]
    text = writer("text")(report)
    resolved = text.split("Resolved since the baseline (1)\n", 1)[1].split("\n", 1)[0]
    assert resolved.startswith("  X?[2J?]8;;http://evil?click??  error   FAKE001 forged?")
    assert not any(c in text for c in "\x1b\x07\r\u202e")


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u200f", "\u200e", "\u061c", "\x85", "\x9b", "\ud800"])
def test_separators_bidi_marks_c1_controls_and_surrogates_never_reach_the_terminal(char):
    assert terminal_text(f"a{char}b") == "a?b"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_in_a_tag_is_written_as_a_replacement_not_a_crash(tmp_path, fmt):
    report = sample_report()
    bad = "name\ud800tag"
    report.targets[1] = dataclasses.replace(
        report.targets[1],
        internet_egress=dataclasses.replace(report.targets[1].internet_egress, reason=f"subnet {bad}"),
    )
    out = tmp_path / f"report.{fmt}"
    assert write_report(report, [fmt], out, None) == [out]
    text = out.read_bytes().decode("utf-8")  # strict: the file is valid UTF-8
    assert "name" in text and "\ud800" not in text
    if fmt in ("json", "sarif"):
        json.loads(text)
    if fmt == "junit":
        ET.fromstring(text)


@pytest.mark.parametrize(
    "value", ["a@b.co", "mailto:x@evil.com", "xmpp:x@evil.com", "first.last+tag@sub.domain.example"]
)
def test_markdown_email_and_mailto_autolinks_are_broken_by_a_zero_width_space(value):
    assert "@\u200b" in markdown_text(value)


def test_sarif_messages_cannot_embed_links():
    assert sarif_text("[x](javascript:alert(1)) a\\b") == "\\[x\\](javascript:alert(1)) a\\\\b"
    report = sample_report()
    report.findings[0] = dataclasses.replace(report.findings[0], message="see [here](https://evil)")
    log = json.loads(writer("sarif")(report))
    messages = [r["message"]["text"] for r in log["runs"][0]["results"]]
    assert any("see \\[here\\](https://evil)" in m for m in messages)
    assert not any("[here]" in m.replace("\\[here\\]", "") for m in messages)


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\x85", "\u202e", "\ud800", "\x0b"])
def test_xml_text_replaces_what_xml_cannot_carry_and_what_would_reorder_it(char):
    assert xml_text(f"a{char}b") == "a\ufffdb"


def test_graphml_export_with_hostile_tags_parses():
    g = nx.DiGraph()
    g.add_node(
        "subnet-1", kind="subnet", item={"Tags": [{"Key": "Name", "Value": "x\ufffe\uffff\x85\u202ey"}]}
    )
    root = ET.fromstring(export_graph(g, "graphml"))
    assert "x\ufffd\ufffd\ufffd\ufffdy" in {d.text for d in root.iter() if d.tag.endswith("data")}


def test_a_file_path_with_a_colon_is_a_relative_uri_never_one_with_a_scheme():
    assert uri_path("javascript:alert(1)/x.yml") == "javascript%3Aalert(1)/x.yml"
    assert uri_path("C:\\proj\\deploy.yml") == "C%3A/proj/deploy.yml"


def test_html_shows_no_bidi_override_or_control_from_a_reason_or_a_diagnosis():
    """Autoescaping stops markup, not characters: a bidi override reorders what a reader sees, in the
    page and in the path data its script draws from."""
    report = sample_report()
    report.targets[1] = dataclasses.replace(
        report.targets[1],
        internet_egress=dataclasses.replace(report.targets[1].internet_egress, reason=f"subnet {FORGED}"),
    )
    report.findings.append(Finding("GW002", Severity.ERROR, "igw-1", None, f"message {FORGED}", ""))
    html = writer("html")(report)
    assert "forged" in html  # the text is there, its controls are not
    assert not any(c in html for c in "\x1b\x07\r\u202e")


INVISIBLE = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u3164", "\U000e0041"]


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_never_make_one_id_look_like_another(char):
    """``sg-open`` with a zero-width space in it reads as ``sg-open``: every format shows it."""
    assert terminal_text(f"sg-open{char}") == "sg-open?"
    assert xml_text(f"sg-open{char}") == "sg-open\ufffd"
    assert markdown_text(f"sg-open{char}") == "sg-open?"
    assert sarif_text(f"sg-open{char}") == "sg-open?"


@pytest.mark.parametrize("value", ["see #12", "org/repo#3", "GH-7", "gh-7"])
def test_markdown_issue_references_are_broken_by_a_zero_width_space(value):
    """GitHub links references in the rendered text, where a backslash escape is already gone."""
    text = markdown_text(value).replace("\\", "")
    assert "#\u200b" in text or "h\u200b-" in text.lower()


def test_markdown_leaves_arns_without_invisible_characters():
    assert "\u200b" not in markdown_text("arn:aws:ecs:us-east-1:123456789012:task/c/0abc")


def test_sarif_results_and_notifications_carry_no_terminal_control_or_bidi_override():
    report = sample_report()
    report.errors["us-east-1/NatGateways"] = f"AccessDenied {FORGED}"
    report.findings[0] = dataclasses.replace(
        report.findings[0], message=f"m {FORGED}", resource_id=f"rtb-1{FORGED}", suppressed=f"ok {FORGED}"
    )
    log = json.loads(writer("sarif")(report))
    run = log["runs"][0]
    strings = json.dumps([run["results"], run["invocations"], run["properties"]], ensure_ascii=False)
    assert "forged" in strings
    assert not any(c in strings for c in "\x1b\x07\r\u202e")  # as \u escapes: no decoded one either
    first = next(r for r in run["results"] if r["message"]["text"].startswith("m "))
    assert "\nFix: " in first["message"]["text"]  # the tool's own line break is kept


def test_junit_keeps_its_own_line_breaks_and_replaces_an_untrusted_one():
    report = sample_report()
    report.targets[1] = dataclasses.replace(
        report.targets[1],
        internet_egress=dataclasses.replace(report.targets[1].internet_egress, reason="a\nforged: line"),
    )
    root = ET.fromstring(writer("junit")(report))
    bodies = [e.text or "" for e in root.iter() if e.tag in ("failure", "system-out")]
    assert any(b.startswith("verdict: ") and "\npath: " in b for b in bodies)
    assert any("reason: a\ufffdforged: line" in b for b in bodies)
    assert not any("\nforged: line" in b for b in bodies)


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_escape_bidi_and_c1_controls_and_keep_other_text_readable(fmt):
    report = sample_report()
    report.targets[1] = dataclasses.replace(
        report.targets[1],
        internet_egress=dataclasses.replace(
            report.targets[1].internet_egress, reason="東京 x\u202ey\x9b2J\u200b"
        ),
    )
    report.findings[0] = dataclasses.replace(report.findings[0], message="東京 x\u202ey\x9b2J")
    text = writer(fmt)(report)
    assert "東京" in text
    assert not any(c in text for c in "\u202e\x9b\u200b")
    json.loads(text)


def test_graph_json_escapes_what_a_terminal_would_act_on():
    g = nx.DiGraph()
    g.add_node("subnet-1", kind="subnet", item={"Tags": [{"Key": "Name", "Value": "東京\u202e"}]})
    text = export_graph(g, "json")
    assert "東京" in text and "\u202e" not in text


def test_a_sarif_pseudo_path_has_no_dot_segment_a_viewer_would_climb():
    from fargate_netcheck.report.sarif import pseudo_path

    assert pseudo_path("..", ".", "rtb-1") == "aws/%2E%2E/%2E/rtb-1"
