"""Suite-wide settings.

moto lacks the VPC Block Public Access describe calls every collection makes: they are taught to it
once for the session (``fargate_netcheck.demo.moto_bpa``), so each embedded moto answers them as a
fresh account does. (The e2e ``moto_server`` is a subprocess: tests/e2e/conftest.py installs them there.)

Every JSON report a test makes is validated against the shipped report schema (tests/report_schema.py).

Hypothesis explores new random examples on every developer run, but CI (CI=true) derandomizes:
a submission's CI result must not depend on the luck of the draw. Crashes a developer's run finds
are kept in .hypothesis/ and replayed first.
"""

import os

import pytest
from hypothesis import settings
from report_schema import checked_chunks, validate_reports_under

from fargate_netcheck.demo import moto_bpa, moto_dns_firewall
from fargate_netcheck.report import json_report

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def moto_block_public_access() -> None:
    moto_bpa.install()
    moto_dns_firewall.install()  # and the DNS Firewall list calls


@pytest.fixture(autouse=True)
def json_reports_match_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each JSON report rendered in this process is validated once written (it still streams)."""
    render = json_report.chunks
    monkeypatch.setattr(json_report, "chunks", lambda report: checked_chunks(render(report)))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """After the test: the reports it left in its tmp_path (a CLI subprocess's -o, say)."""
    result = yield
    tmp_path = getattr(item, "funcargs", {}).get("tmp_path")
    if tmp_path is not None:
        validate_reports_under(tmp_path)
    return result
