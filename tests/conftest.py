"""Suite-wide settings.

moto lacks the VPC Block Public Access describe calls every collection makes. The product does not
need it patched (an endpoint lacking them is read as one without BPA, or as unknown when it answers
an error page: tests/e2e/test_fault_injection.py). Tests that want a complete, fresh account ask
for ``moto_bpa_taught`` by name; nothing teaches moto behind a test's back.

Every JSON report a test makes is validated against the shipped report schema (tests/report_schema.py).

Hypothesis explores new random examples on every developer run, but CI (CI=true) derandomizes:
a submission's CI result must not depend on the luck of the draw. Crashes a developer's run finds
are kept in .hypothesis/ and replayed first.
"""

import os

import pytest
from hypothesis import settings
from report_schema import checked_chunks, validate_reports_under

from fargate_netcheck.demo import moto_bpa, moto_dns_firewall, moto_profiles
from fargate_netcheck.report import json_report

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def moto_dns_firewall_lists() -> None:
    """moto lacks Route 53 Resolver's DNS Firewall list calls and Route 53 Profiles (an unpatched
    moto_server answers them with an error page, read as unknown); the embedded moto learns them as
    an account without DNS Firewall or Profiles, so needs by name are decided in moto tests. BPA is
    taught only by name (below)."""
    moto_dns_firewall.install()
    moto_profiles.install()


@pytest.fixture
def moto_bpa_taught(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's embedded moto answers the BPA describes as a fresh account (undone after it)."""
    from moto.ec2.responses import EC2Response

    for name, method in moto_bpa.ACTIONS.items():
        monkeypatch.setattr(EC2Response, name, method, raising=False)


@pytest.fixture
def moto_bpa_untaught(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's embedded moto lacks the BPA describes, as moto does (even after the demo taught it)."""
    from moto.ec2.responses import EC2Response

    for name in moto_bpa.ACTIONS:
        monkeypatch.delattr(EC2Response, name, raising=False)


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
