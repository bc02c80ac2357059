"""The report schema shipped in the package: a valid draft 2020-12 schema, exact about the
documented contract (it refuses what docs/report-format.md does not name), printed by
``fargate-netcheck schema report``, and the nets of tests/report_schema.py really fail."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from cli_helpers import run_cli
from jsonschema import Draft202012Validator
from report_schema import assert_valid_report, validate_reports_under

from fargate_netcheck.report import json_report
from fargate_netcheck.report.schema import SCHEMA_FILE, report_schema

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def report_dict(report):
    """The sample report (baseline, resolved findings, a diagnosis, a source location, an ECR
    pull: every optional part) as its JSON decodes."""
    report.errors = {"123456789012/us-east-1/TransitGatewayRouteTables": "AccessDenied: denied"}
    report.notes = ["subnet: from the task's network interface"]
    data = json.loads(json_report.render(report))
    assert {"resolved_findings", "collection_errors", "diagnosis", "notes"} <= set(data)
    return data


def test_the_schema_is_a_valid_draft_2020_12_schema():
    schema = report_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_report_with_every_optional_part_validates(report_dict):
    assert_valid_report(report_dict)
    assert any("ecr_pull" in t for t in report_dict["targets"])
    assert any("source_location" in t for t in report_dict["targets"])


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda r: r.pop("summary"), "'summary' is a required property"),
        (lambda r: r.update(extra=1), "Additional properties are not allowed ('extra'"),
        (lambda r: r["targets"][0].pop("internet_egress"), "'internet_egress' is a required property"),
        (lambda r: r["targets"][0]["internet_egress"].update(verdict="ok"), "'ok' is not one of"),
        (lambda r: r["targets"][0].update(egress_mode="wifi"), "'wifi' is not one of"),
        (lambda r: r["findings"][0].update(severity="fatal"), "'fatal' is not one of"),
        (lambda r: r["findings"][0].pop("target_id"), "'target_id' is a required property"),
        (lambda r: r["summary"].update(errors=-1), "-1 is less than the minimum of 0"),
        (lambda r: r.update(report_version=2), "1 was expected"),
        (lambda r: r["diagnosis"].update(cause="cosmic rays"), "'cosmic rays' is not one of"),
    ],
)
def test_the_schema_refuses_what_the_contract_does_not_allow(report_dict, change, complaint):
    broken = copy.deepcopy(report_dict)
    change(broken)
    with pytest.raises(AssertionError, match="does not match the report schema") as failure:
        assert_valid_report(broken)
    assert complaint in str(failure.value)


def test_an_unreachable_verdict_must_name_what_blocks(report_dict):
    target = next(t for t in report_dict["targets"] if t["internet_egress"]["verdict"] == "unreachable")
    target["internet_egress"]["blocked_at"] = None
    with pytest.raises(AssertionError, match="None is not of type 'string'"):
        assert_valid_report(report_dict)


def test_schema_report_prints_the_shipped_file_byte_for_byte(capsys):
    run = run_cli(capsys, "schema", "report")
    assert run.code == 0
    assert run.out == (ROOT / "fargate_netcheck" / "report" / SCHEMA_FILE).read_text(encoding="utf-8")


def test_schema_of_an_unknown_format_is_a_one_line_error(capsys):
    run = run_cli(capsys, "schema", "baseline")
    assert run.code == 2
    assert run.err == "fargate-netcheck: error: schema: 'baseline' is not report or snapshot\n"


def test_the_in_process_net_fails_on_a_report_off_the_contract(report, monkeypatch):
    """json_report.chunks is wrapped suite-wide (tests/conftest.py): a report that leaves the
    contract fails the test that rendered it."""
    monkeypatch.setattr(json_report, "REPORT_VERSION", 2)
    with pytest.raises(AssertionError, match="report_version: 1 was expected"):
        json_report.render(report)


def test_the_file_net_finds_reports_and_leaves_partial_baselines_alone(tmp_path, report_dict):
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "r.json").write_text(json.dumps(report_dict))
    (tmp_path / "baseline.json").write_text('{"report_version": 1, "findings": []}')
    assert validate_reports_under(tmp_path) == 1
    report_dict["summary"].pop("targets")
    (tmp_path / "nested" / "r.json").write_text(json.dumps(report_dict))
    with pytest.raises(AssertionError, match="'targets' is a required property"):
        validate_reports_under(tmp_path)
    (tmp_path / "nested" / "r.json").unlink()  # this test's own teardown scan must pass
