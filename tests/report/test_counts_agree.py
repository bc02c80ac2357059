"""Every format counts targets the same way: by their own verdict, which includes the ECR pull and
every need (docs/report-format.md, summary). A report whose targets' needs disagree with their
internet egress, rendered to text, JSON, HTML, Markdown, SARIF and JUnit: the counts agree."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from report.htmltree import parse_html
from report.needs_report import HOSTILE_NEED, RULE_GROUP, TARGET_NEED_FAILS, needs_report
from report.sample_report import HOSTILE, TARGET_REACHABLE, sample_report

from fargate_netcheck.report import FORMATS, writer
from fargate_netcheck.report.escape import xml_text

EXPECTED = {"targets": 5, "unreachable": 2, "unknown": 2}


@pytest.fixture(params=["needs", "no needs"])
def report(request):
    return needs_report() if request.param == "needs" else sample_report()


def counts(fmt: str, text: str, report) -> dict[str, int]:
    """(targets, unreachable, unknown) as the format shows them."""
    if fmt == "json":
        s = json.loads(text)["summary"]
        return {k: s[k] for k in EXPECTED}
    if fmt == "text":
        m = re.search(r"(\d+) target\(s\), (\d+) unreachable, (\d+) unknown", text)
        assert m is not None
        return dict(zip(EXPECTED, map(int, m.groups()), strict=True))
    if fmt == "markdown":
        row = text.split("| Targets | Reachable | Unreachable | Unknown |")[1].splitlines()[2]
        t, _, u, k = (int(c) for c in row.strip("|").split("|")[:4])
        return {"targets": t, "unreachable": u, "unknown": k}
    if fmt == "html":
        cells = {
            td.attrs["data-summary"]: int(td.text())
            for td in parse_html(text).find_all("td")
            if "data-summary" in td.attrs
        }
        return {
            "targets": sum(cells.values()),
            "unreachable": cells["unreachable"],
            "unknown": cells["unknown"],
        }
    if fmt == "sarif":
        s = json.loads(text)["runs"][0]["properties"]["summary"]
        return {k: s[k] for k in EXPECTED}
    return _junit_counts(text, report)


def _junit_counts(text: str, report) -> dict[str, int]:
    """A target with a failing check case is unreachable; one with a skipped one (and none
    failing), unknown."""
    cases = {c.get("name"): c for c in ET.fromstring(text).iter("testcase")}
    out = {"targets": 0, "unreachable": 0, "unknown": 0}
    for result in report.targets:
        labels = [{"ECR pull": "ecr pull"}.get(label, label) for label, _ in result.walks()]
        mine = [cases[xml_text(f"{result.target.target_id}: {label}")] for label in labels]
        out["targets"] += 1
        if any(c.find("failure") is not None for c in mine):
            out["unreachable"] += 1
        elif any(c.find("skipped") is not None for c in mine):
            out["unknown"] += 1
    return out


def test_every_format_counts_targets_by_their_own_verdict(report):
    expected = report.summary()
    for fmt in FORMATS:
        assert counts(fmt, writer(fmt)(report), report) == {k: expected[k] for k in EXPECTED}, fmt


def test_a_target_is_counted_by_its_needs_not_its_internet_egress():
    report = needs_report()
    assert {k: report.summary()[k] for k in EXPECTED} == EXPECTED
    by_id = {
        json_target["target_id"]: json_target for json_target in json.loads(writer("json")(report))["targets"]
    }
    assert by_id[TARGET_REACHABLE]["internet_egress"]["verdict"] == "reachable"
    assert by_id[TARGET_REACHABLE]["verdict"] == "unknown"
    assert by_id[TARGET_NEED_FAILS]["verdict"] == "unreachable"


def test_html_shows_each_targets_needs_and_the_needs_by_outcome():
    dom = parse_html(writer("html")(needs_report()))
    card = next(
        a
        for a in dom.find_all("article", cls="target")
        if a.find("h3").find("code").text() == TARGET_NEED_FAILS
    )
    assert card.attrs["data-verdict"] == "unreachable"
    rows = {
        r.attrs["data-need"]: r
        for r in card.find("table", cls="needs").find_all("tr")
        if "data-need" in r.attrs
    }
    logs = rows["logs.us-east-1.amazonaws.com:443"]
    cells = [c.text() for c in logs.children if c.tag in ("td", "th")]
    assert cells[:6] == [
        "logs.us-east-1.amazonaws.com",
        "443",
        "declared need",
        "internet",
        "unreachable",
        RULE_GROUP,
    ]
    groups = [r for r in dom.find("table", id="need-groups").find_all("tr") if "data-need" in r.attrs]
    assert [g.attrs["data-verdict"] for g in groups] == ["unreachable", "unknown", "reachable"]
    assert [c.text() for c in groups[2].children if c.tag == "td"][3] == "3"  # ECR API on three targets


def test_markdown_lists_the_needs_by_outcome_and_the_failing_ones_per_target():
    text = writer("markdown")(needs_report())
    assert (
        "| `logs.us-east-1.amazonaws.com` | 443 | internet | **unreachable** | 1 | `egress-allow` |" in text
    )
    assert f"| `{TARGET_NEED_FAILS}` | need `logs.us-east-1.amazonaws.com:443` | **unreachable** |" in text


def test_sarif_gives_a_findings_result_the_needs_it_stops_as_evidence():
    run = json.loads(writer("sarif")(needs_report()))["runs"][0]
    (result,) = [r for r in run["results"] if r["ruleId"] == "NFW001"]
    assert result["properties"]["needs"] == [
        {
            "name": "logs.us-east-1.amazonaws.com",
            "port": 443,
            "via": "internet",
            "verdict": "unreachable",
            "blockedAt": RULE_GROUP,
            "reason": "dropped by rule group egress-allow",
        }
    ]


def test_junit_has_a_case_per_need():
    root = ET.fromstring(writer("junit")(needs_report()))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    failing = cases[f"{TARGET_NEED_FAILS}: need logs.us-east-1.amazonaws.com:443"]
    assert failing.find("failure").get("type") == "unreachable"
    assert "blocked at: egress-allow" in failing.find("failure").text
    assert cases[f"{TARGET_NEED_FAILS}: need api.ecr.us-east-1.amazonaws.com:443"].find("failure") is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hostile_need_name_is_escaped_in_every_format(fmt):
    text = writer(fmt)(needs_report())
    if fmt != "html":  # HTML shows it as a glyph; everywhere else no terminal escape survives
        assert "\x1b" not in text
    if fmt == "text":
        assert "api.partner.example" in text and "?[31m" in text
    elif fmt == "junit":  # XML-escaped, and the name round-trips through a parser
        names = {c.get("name") for c in ET.fromstring(text).iter("testcase")}
        assert any(HOSTILE in n for n in names) and "<img" not in text
    elif fmt == "json":  # data: the name verbatim, for the consumer to escape
        assert HOSTILE in json.dumps(json.loads(text)["targets"][0]["needs"])
    elif fmt == "sarif":  # no result for a reachable or unknown need without a finding; < as \\u003c
        assert "<" not in text
    else:
        assert "<img" not in text and "<script>window" not in text
    if fmt == "html":
        dom = parse_html(text)
        rows = [
            r for r in dom.find_all("tr") if r.attrs.get("data-need", "").startswith("api.partner.example")
        ]
        assert rows and all(HOSTILE in r.text() for r in rows)
        assert HOSTILE_NEED not in text
