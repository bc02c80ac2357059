"""Every format shows the collection: its calls and retries, and each kind that failed."""

from __future__ import annotations

import json

import pytest
from report.sample_report import sample_report

from fargate_netcheck.core.collection_summary import CollectionSummary, RegionCollection
from fargate_netcheck.report import FORMATS, stream

FAILED = "ResponseParserError: <html> not XML"


def with_collection():
    report = sample_report()
    report.collection = CollectionSummary(
        live=True,
        calls=24,
        retries=3,
        throttled=2,
        regions=(RegionCollection("123456789012", "us-east-1", 24, 3, 2, failures={"NatGateways": FAILED}),),
        accounts={},
    )
    return report


def render(fmt: str) -> str:
    return "".join(stream(fmt)(with_collection()))


def test_json_has_the_collection_section():
    section = json.loads(render("json"))["collection"]
    assert (section["calls"], section["retries"], section["throttled"], section["failures"]) == (24, 3, 2, 1)
    assert section["complete"] is False
    assert section["regions"][0]["failures"] == {"NatGateways": FAILED}


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_text_like_formats_show_the_collection_line(fmt):
    text = render(fmt).replace("\\", "")  # Markdown escapes its punctuation
    assert "24 API call(s), 3 retries (2 throttled)" in text
    assert "1 failure(s)" in text


def test_sarif_carries_the_collection_in_the_invocation():
    (run,) = json.loads(render("sarif"))["runs"]
    assert run["invocations"][0]["properties"]["collection"]["failures"] == 1


def test_junit_fails_a_case_per_kind_that_failed():
    text = render("junit")
    assert 'name="123456789012/us-east-1/NatGateways"' in text and "collection-failed" in text


def test_every_format_is_covered():
    assert set(FORMATS) == {"text", "json", "html", "sarif", "junit", "markdown"}
