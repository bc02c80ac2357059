from __future__ import annotations

import base64
import dataclasses
import hashlib

import pytest
from report.htmltree import parse_html
from report.sample_report import IGW, TARGET_REACHABLE, TARGET_UNKNOWN, TARGET_UNREACHABLE, TGW

from fargate_netcheck.core.model import PathResult, Verdict
from fargate_netcheck.report import html


@pytest.fixture
def page(report) -> str:
    return html.render(report)


@pytest.fixture
def dom(page):
    return parse_html(page)


def _card(dom, target_id: str):
    for card in dom.find_all("article", cls="target"):
        if card.find("h3").find("code").text() == target_id:
            return card
    raise AssertionError(f"no card for {target_id}")


def _cells(row) -> list[str]:
    return [c.text() for c in row.children if c.tag in ("td", "th")]


def test_same_report_renders_the_same_bytes(report, page):
    from report.sample_report import sample_report

    assert html.render(sample_report()) == page
    assert html.render(report) == page


def test_page_is_self_contained_with_no_external_resource(dom, page):
    assert not dom.find_all("link")
    assert not dom.find_all("img")
    assert [s for s in dom.find_all("script") if "src" in s.attrs] == []
    hrefs = [n.attrs["href"] for n in dom.iter() if "href" in n.attrs]
    assert hrefs and all(h.startswith("#") for h in hrefs)
    assert "@import" not in page and "url(http" not in page


def test_csp_allows_exactly_the_inline_style_and_script_by_hash(dom):
    csp = dom.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    scripts = [s for s in dom.find_all("script") if "type" not in s.attrs]
    assert len(scripts) == 1, "one script runs; the path data is a data block"
    assert [s.attrs["type"] for s in dom.find_all("script") if "type" in s.attrs] == ["application/json"]
    script = scripts[0].raw_text()
    style = dom.find("style").raw_text()
    for source, directive in ((script, "script-src"), (style, "style-src")):
        assert source
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp


def test_header_shows_tool_version_collected_at_and_accounts(dom):
    facts = dom.find("header", cls="page-header").text()
    assert "0.1.0" in facts
    assert "2026-11-26T00:00:00Z" in facts
    assert "123456789012" in facts


def test_summary_counts_verdicts_and_severities(dom):
    rows = [_cells(r) for r in dom.find("table", id="verdict-counts").find_all("tr")]
    assert rows == [
        ["Verdict", "Target", "Internet egress", "ECR pull", "Needs"],
        ["unreachable", "1", "1", "0", "0"],
        ["unknown", "1", "1", "0", "0"],
        ["reachable", "1", "1", "1", "0"],
    ]
    rows = [_cells(r) for r in dom.find("table", id="severity-counts").find_all("tr")]
    assert rows == [
        ["Severity", "Active", "Suppressed"],
        ["error", "1", "0"],
        ["warning", "1", "1"],
        ["info", "1", "0"],
    ]


def test_each_target_card_carries_its_worst_verdict_worst_first(dom):
    cards = dom.find_all("article", cls="target")
    assert [c.attrs["data-verdict"] for c in cards] == ["unreachable", "unknown", "reachable"]
    assert _card(dom, TARGET_UNREACHABLE).attrs["data-verdict"] == "unreachable"


def test_unreachable_path_is_drawn_hop_by_hop_with_the_blocking_hop_in_red(dom):
    card = _card(dom, TARGET_UNREACHABLE)
    svg = card.find("svg", cls="hops")
    hops = svg.find_all("g", cls="hop")
    assert [h.attrs["data-hop"] for h in hops] == ["subnet-0a11public", "rtb-0a11public", IGW]
    assert [h.attrs["class"] for h in hops] == ["hop ok", "hop ok", "hop blocked"]
    assert len(svg.find_all("polyline", cls="arrow")) == 2
    reason = card.find("p", cls="reason")
    assert "unreachable" in reason.classes
    assert f"Blocked at {IGW}:" in reason.text() and "no public IP" in reason.text()


def test_reachable_target_shows_both_internet_and_ecr_pull_paths(dom):
    card = _card(dom, TARGET_REACHABLE)
    figures = card.find_all("figure", cls="path")
    assert [f.attrs["data-check"] for f in figures] == ["internet egress", "ECR pull"]
    assert "via internet" in figures[1].find("figcaption").text()
    hops = figures[0].find_all("g", cls="hop")
    assert len(hops) == 6 and all(h.attrs["class"] == "hop ok" for h in hops)
    assert "prod-private-a" in hops[0].text()  # the Name tag from the topology


def test_unknown_path_marks_where_the_walk_stopped_and_says_why(dom):
    card = _card(dom, TARGET_UNKNOWN)
    last = card.find_all("g", cls="hop")[-1]
    assert last.attrs["data-hop"] == TGW and "unknown" in last.classes
    assert "not collected" in card.find("p", cls="reason").text()


def test_layout_wraps_long_paths_and_appends_a_blocking_hop_missing_from_the_path():
    hops = [f"subnet-{i}" for i in range(7)]
    result = PathResult(Verdict.UNREACHABLE, hops, "acl-9", "request denied")
    diagram = html.layout_path("internet egress", result, {})
    assert [b.hop_id for b in diagram.boxes][-1] == "acl-9"
    assert [b.state for b in diagram.boxes] == ["ok"] * 7 + ["blocked"]
    assert {b.y for b in diagram.boxes[: html.PER_ROW]} == {diagram.boxes[0].y}
    assert diagram.boxes[html.PER_ROW].y > diagram.boxes[0].y
    assert diagram.width == 2 * html.PAD + html.PER_ROW * (html.BOX_W + html.GAP) - html.GAP
    assert all(b.x + b.w <= diagram.width and b.y + b.h <= diagram.height for b in diagram.boxes)


def test_hops_after_the_blocking_hop_are_drawn_as_not_reached():
    result = PathResult(
        Verdict.UNREACHABLE, ["subnet-1", "rtb-1", "nat-1", "subnet-2"], "nat-1", "NAT deleted"
    )
    diagram = html.layout_path("internet egress", result, {})
    assert [b.state for b in diagram.boxes] == ["ok", "ok", "blocked", "unreached"]
    assert [a.state for a in diagram.arrows] == ["ok", "ok", "unreached"]


def test_findings_are_grouped_by_severity_with_remediation_and_collapsible_docs(dom):
    groups = dom.find_all("section", cls="severity-group")
    assert [g.attrs.get("data-severity-group") for g in groups[:3]] == ["error", "warning", "info"]
    error = groups[0].find("article", cls="finding")
    assert error.attrs["data-severity"] == "error"
    assert "Set assignPublicIp=ENABLED" in error.find("p", cls="remediation").text()
    docs = error.find("details", cls="docs")
    assert "open" not in docs.attrs
    assert "Why it matters" in docs.text()


def test_suppressed_finding_is_shown_as_suppressed_with_its_reason(dom):
    suppressed = dom.find_all("article", cls="finding", data_suppressed="true")
    assert len(suppressed) == 1
    assert "suppressed" in suppressed[0].classes
    assert "ticket SEC-42" in suppressed[0].find("p", cls="suppression").text()
    assert len(dom.find_all("article", cls="finding", data_suppressed="false")) == 3


def test_baseline_status_and_resolved_findings_are_shown(dom):
    badges = [b.text() for b in dom.find_all("span", cls="baseline")]
    assert sorted(badges) == ["new", "new", "unchanged", "unchanged"]
    assert "198.51.100.0/24" in dom.find("section", id="resolved").text()


def test_diagnosis_is_shown_when_present_and_absent_otherwise(report, dom):
    section = dom.find("section", id="diagnosis")
    assert "CannotPullContainerError" in section.text()
    assert section.find("p", cls="headline").text().startswith("Network: the task could not reach")
    assert "blocked at subnet-0a11public" in section.text()
    report.diagnosis = None
    assert not parse_html(html.render(report)).find_all("section", id="diagnosis")


def test_topology_shows_each_vpc_with_subnets_by_az_routes_and_gateways(dom):
    vpcs = dom.find_all("article", cls="vpc")
    assert [v.attrs["data-vpc"] for v in vpcs] == ["vpc-0a11", "vpc-0b22"]
    prod = vpcs[0]
    assert [az.find("h4").text() for az in prod.find_all("div", cls="az")] == ["us-east-1a", "us-east-1b"]
    routes = [_cells(r) for r in prod.find_all("table", cls="routes")[1].find_all("tr")]
    assert routes == [["10.0.0.0/16", "→", "local", "active"], ["0.0.0.0/0", "→", "nat-0a11", "active"]]
    gateways = prod.find("ul", cls="gateways").text()
    assert "igw-0a11" in gateways and "nat-0a11" in gateways
    blackhole = vpcs[1].find_all("tr")[2]
    assert _cells(blackhole) == ["192.0.2.0/24", "→", "nat-gone", "blackhole, target missing"]
    assert {"route-blackhole", "route-target-missing"} <= blackhole.classes


def test_filter_controls_cover_every_verdict_and_severity_and_start_hidden(dom):
    form = dom.find("form", id="filters")
    assert "hidden" in form.attrs  # shown by the script, so no dead controls without JS
    values = {(i.attrs["name"], i.attrs["value"]) for i in form.find_all("input")}
    assert {("verdict", v) for v in ("reachable", "unreachable", "unknown")} <= values
    assert {("severity", s) for s in ("error", "warning", "info")} <= values


def test_hostile_strings_are_escaped_everywhere(page, dom, hostile):
    assert hostile not in page
    assert "<img" not in page
    assert page.count("<script") == 2 and page.count('<script type="application/json" id="path-data">') == 1
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    # the Name tag is shown as text in the topology, the path diagram and the reason
    assert hostile in dom.find("div", cls="subnet", data_subnet="subnet-0b22legacy").text()
    assert hostile in _card(dom, TARGET_UNKNOWN).find("p", cls="reason").text()


def test_hostile_string_in_an_id_stays_inside_its_attribute(report, hostile):
    target = dataclasses.replace(report.targets[0].target, target_id=hostile, subnet_id=hostile)
    report.targets[0].target = target
    report.targets[0].internet_egress.path.insert(0, hostile)
    page = html.render(report)
    assert "<img" not in page and page.count("<script>") == 1 and page.count("<script") == 2
    dom = parse_html(page)
    assert any(g.attrs.get("data-hop") == hostile for g in dom.find_all("g", cls="hop"))
    assert not [n for n in dom.iter() if "onerror" in n.attrs or n.tag == "img"]
    assert hostile in _card(dom, hostile).find("h3").text()
