"""The HTML report's compliance view: totals, top blockers, baseline change, paths grouped and drawn
on demand, per-target cards only for small reports; and the path data block can hold no markup."""

from __future__ import annotations

import dataclasses
import json

from report.htmltree import parse_html
from report.sample_report import HOSTILE, IGW, TARGET_UNREACHABLE, sample_report

from fargate_netcheck.core.model import Report
from fargate_netcheck.report import html


def _cells(row) -> list[str]:
    return [c.text() for c in row.children if c.tag in ("td", "th")]


def many(report: Report, copies: int) -> Report:
    """``report`` with each target repeated ``copies`` times under new ids (same subnets and walks)."""
    targets = [
        dataclasses.replace(r, target=dataclasses.replace(r.target, target_id=f"{r.target.target_id}#{i}"))
        for i in range(copies)
        for r in report.targets
    ]
    return dataclasses.replace(report, targets=targets)


def _path_data(dom) -> dict:
    return json.loads(dom.find("script", id="path-data").raw_text())


def test_totals_by_account_region_vpc_and_egress_mode_count_each_target_once():
    dom = parse_html(html.render(sample_report()))
    for name in ("account", "region", "vpc", "egress-mode"):
        table = dom.find("table", id=f"totals-{name}")
        totals = [int(_cells(r)[-1]) for r in table.find("tbody").find_all("tr")]
        assert sum(totals) == 3, name
    vpcs = {
        _cells(r)[0]: _cells(r)[1:] for r in dom.find("table", id="totals-vpc").find("tbody").find_all("tr")
    }
    assert vpcs["vpc-0a11"] == ["1", "0", "1", "2"]  # unreachable, unknown, reachable, total


def test_tables_name_their_kind_and_count_the_rows_left_out():
    report = many(sample_report(), 20)  # 60 targets, each in a VPC of its own: over the 50 rows
    targets = [dataclasses.replace(r, vpc_id=f"vpc-{i:04x}") for i, r in enumerate(report.targets)]
    dom = parse_html(html.render(dataclasses.replace(report, targets=targets)))
    table = dom.find("table", id="totals-vpc")
    assert table.find("caption").text() == "Targets by VPC (60)"
    assert len(table.find("tbody").find_all("tr")) == html.TABLE_ROWS
    assert "10 more VPCs, fewest problems last, are in the JSON report." in dom.text()
    modes = dom.find("table", id="totals-egress-mode").find("caption").text()
    assert modes.startswith("Targets by egress mode (")


def test_blockers_are_ranked_by_the_number_of_targets_they_block():
    dom = parse_html(html.render(many(sample_report(), 3)))
    rows = [_cells(r) for r in dom.find("table", id="blockers").find("tbody").find_all("tr")]
    assert rows[0][0] == IGW and rows[0][3] == "3"
    counts = [int(r[3]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_change_against_the_baseline_by_rule():
    report = sample_report()
    new = dataclasses.replace(report.findings[0], baseline="new")
    report = dataclasses.replace(report, findings=[new, *report.findings[1:]], resolved=[report.findings[1]])
    dom = parse_html(html.render(report))
    rows = {_cells(r)[0]: _cells(r)[2:] for r in dom.find("table", id="baseline-changes").find_all("tr")[1:]}
    assert rows[new.rule_id][0] == "1"
    assert rows[report.resolved[0].rule_id][1] == "1"


def test_a_large_report_groups_paths_and_draws_no_card_per_target():
    report = many(sample_report(), 100)  # 300 targets, over the card limit
    page = html.render(report)
    dom = parse_html(page)
    assert not dom.find_all("article", cls="target")
    assert "300 targets" in dom.find("p", id="cards-omitted").text()
    groups = dom.find_all("details", cls="path-group")
    data = _path_data(dom)
    assert len(groups) == len(data["groups"]) < 10
    assert sum(len(g["m"]) for g in data["groups"] if g["c"] == "internet egress") == 300
    assert len(data["targets"]) == 300  # each target once, groups point at it
    unreachable = next(g for g in data["groups"] if g["v"] == "unreachable")
    assert data["targets"][unreachable["m"][0]][0].startswith(TARGET_UNREACHABLE)
    assert unreachable["b"] == IGW and len(unreachable["m"]) == 100
    last = data["boxes"][unreachable["p"][-1]]
    assert last[:2] == [IGW, "internet gateway"] and unreachable["s"][-1] == "b"
    assert not dom.find_all("article", cls="vpc") and dom.find("p", id="topology-omitted")


def test_a_small_report_keeps_its_target_cards_and_its_path_groups():
    dom = parse_html(html.render(sample_report()))
    assert len(dom.find_all("article", cls="target")) == 3
    assert dom.find_all("details", cls="path-group")


def test_path_data_escapes_what_could_close_its_block():
    page = html.render(sample_report())
    block = page[page.index('<script type="application/json"') :]
    block = block[: block.index("</script>")]
    assert "<" not in block[1:] and ">" not in block[block.index(">") + 1 :] and "&" not in block
    data = _path_data(parse_html(page))
    assert any(HOSTILE in g["r"] for g in data["groups"]), "decoded back to the same text"
