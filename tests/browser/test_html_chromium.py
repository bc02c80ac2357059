"""The HTML report opened in headless Chromium: its script runs, filters work, hostile text stays text."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from browser.chromium import dump_dom, screenshot
from report.htmltree import parse_html
from report.sample_report import HOSTILE, sample_report

from fargate_netcheck.report import html

pytestmark = pytest.mark.browser


@pytest.fixture
def page(tmp_path: Path, chromium: str) -> Path:
    path = tmp_path / "report.html"
    path.write_text(html.render(sample_report()), encoding="utf-8")
    return path


# The hostile payload minus alert(): a dialog would stall headless --dump-dom.
RAW_PAYLOAD = '"><img src=x onerror="window.pwned=2"><script>window.pwned=1</script>'


def _inject_raw_hostile(page: Path, keep_csp: bool) -> Path:
    """A copy of the page with a hostile payload pasted in unescaped, as a broken writer would."""
    text = page.read_text(encoding="utf-8")
    if not keep_csp:
        start = text.index('<meta http-equiv="Content-Security-Policy"')
        text = text[:start] + text[text.index(">", start) + 1 :]
    text = text.replace("<main>", f"<main><p>{RAW_PAYLOAD}</p>", 1)
    broken = page.with_name("broken.html")
    broken.write_text(text, encoding="utf-8")
    return broken


def test_script_runs_and_initialises_the_filters(page):
    dom = parse_html(dump_dom(page))
    body = dom.find("body")
    assert body.attrs["data-filters"] == "ready"
    assert "hidden" not in dom.find("form", id="filters").attrs
    assert dom.find("output", id="filter-status").text() == "Showing 3 targets and 4 findings"
    assert body.attrs["data-pwned"] == "false"


def test_hostile_name_renders_as_text_and_injects_nothing(page):
    dom = parse_html(dump_dom(page))
    assert dom.find_all("img") == []
    assert len([s for s in dom.find_all("script") if s.attrs.get("type") != "application/json"]) == 1
    assert not [n for n in dom.iter() if "onerror" in n.attrs]
    assert HOSTILE in dom.find("div", cls="subnet", data_subnet="subnet-0b22legacy").text()
    assert dom.find("body").attrs["data-pwned"] == "false"


def test_filters_preset_from_the_address_hide_other_verdicts_and_severities(page):
    dom = parse_html(dump_dom(page, "#verdict=unreachable&severity=error&suppressed=0"))
    cards = {c.attrs["data-verdict"]: "hidden" in c.attrs for c in dom.find_all("article", cls="target")}
    assert cards == {"unreachable": False, "unknown": True, "reachable": True}
    shown = [
        f.attrs["data-severity"] for f in dom.find_all("article", cls="finding") if "hidden" not in f.attrs
    ]
    assert shown == ["error"]
    assert dom.find("body").attrs["data-visible-targets"] == "1"


def test_canary_detects_an_injected_script_when_nothing_blocks_it(page):
    dom = parse_html(dump_dom(_inject_raw_hostile(page, keep_csp=False)))
    assert dom.find("body").attrs["data-pwned"] == "true"
    assert dom.find_all("img", src="x")


def test_csp_blocks_an_injected_script_but_runs_the_pages_own(page):
    dom = parse_html(dump_dom(_inject_raw_hostile(page, keep_csp=True)))
    body = dom.find("body")
    assert body.attrs["data-pwned"] == "false"
    assert body.attrs["data-filters"] == "ready"  # the page's own script matched its hash


def test_screenshot_writes_a_png_of_the_requested_size(page, tmp_path):
    png = screenshot(page, tmp_path / "report.png", width=800, height=600)
    width, height = struct.unpack(">II", png.read_bytes()[16:24])
    assert (width, height) == (800, 600)


def test_path_groups_are_drawn_on_demand_and_hostile_text_stays_text(page):
    before = parse_html(dump_dom(page))
    assert all(
        not g.find("div", cls="path-body").children for g in before.find_all("details", cls="path-group")
    )
    count = len(before.find_all("details", cls="path-group"))
    dom = parse_html(dump_dom(page, "#paths=" + ",".join(str(i) for i in range(count))))
    body = dom.find("body")
    assert body.attrs["data-paths"] == "ready" and body.attrs["data-pwned"] == "false"
    groups = dom.find_all("details", cls="path-group")
    assert groups and all(g.attrs.get("data-drawn") == "true" and "open" in g.attrs for g in groups)
    for g in groups:
        assert g.find("svg", cls="hops").find_all("g", cls="hop"), "the diagram was drawn"
        assert g.find("ul", cls="members").find_all("li")
    assert dom.find_all("img") == [] and not [n for n in dom.iter() if "onerror" in n.attrs]
    reasons = " ".join(g.find("p", cls="reason").text() for g in groups)
    assert HOSTILE in reasons


def test_a_report_over_the_card_limit_opens_on_totals_and_draws_a_path_group_with_its_members(
    tmp_path, chromium
):
    from report.test_html_compliance import many

    path = tmp_path / "large.html"
    path.write_text(html.render(many(sample_report(), 100)), encoding="utf-8")
    dom = parse_html(dump_dom(path, "#paths=0"))
    assert dom.find("body").attrs["data-paths"] == "ready"
    assert not dom.find_all("article", cls="target")
    account_total = dom.find("table", id="totals-account").find("tbody").find("tr").children[-1].text()
    assert account_total == "300"
    first = dom.find("details", cls="path-group", data_group="0")
    assert first.attrs.get("data-drawn") == "true"
    assert len(first.find("ul", cls="members").find_all("li")) == 100
    assert first.find("svg", cls="hops").find_all("g", cls="hop")
    others = [g for g in dom.find_all("details", cls="path-group") if g.attrs["data-group"] != "0"]
    assert others and all(not g.find("div", cls="path-body").children for g in others)


def test_needs_tables_render_hostile_need_names_as_text_and_filters_follow_the_targets_verdict(
    tmp_path, chromium
):
    from report.needs_report import TARGET_NEED_FAILS, needs_report

    path = tmp_path / "needs.html"
    path.write_text(html.render(needs_report()), encoding="utf-8")
    dom = parse_html(dump_dom(path, "#verdict=unreachable"))
    body = dom.find("body")
    assert body.attrs["data-filters"] == "ready" and body.attrs["data-pwned"] == "false"
    assert dom.find_all("img") == [] and not [n for n in dom.iter() if "onerror" in n.attrs]
    rows = [r for r in dom.find_all("tr") if r.attrs.get("data-need", "").startswith("api.partner.example")]
    assert len(rows) == 2 and all(HOSTILE in r.text() for r in rows)  # its card's table and the groups
    shown = [c for c in dom.find_all("article", cls="target") if "hidden" not in c.attrs]
    # the target whose egress is reachable but whose logs need is not is shown as unreachable
    assert TARGET_NEED_FAILS in {c.find("h3").find("code").text() for c in shown}
    assert {c.attrs["data-verdict"] for c in shown} == {"unreachable"}
