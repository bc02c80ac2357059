"""Suite-wide settings.

moto lacks the VPC Block Public Access describe calls every collection makes: they are taught to it
once for the session (``fargate_netcheck.demo.moto_bpa``), so each embedded moto answers them as a
fresh account does. (The e2e ``moto_server`` is a subprocess: tests/e2e/conftest.py installs them there.)

Hypothesis explores new random examples on every developer run, but CI (CI=true) derandomizes:
a submission's CI result must not depend on the luck of the draw. Crashes a developer's run finds
are kept in .hypothesis/ and replayed first.
"""

import os

import pytest
from hypothesis import settings

from fargate_netcheck.demo import moto_bpa, moto_dns_firewall

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def moto_block_public_access() -> None:
    moto_bpa.install()
    moto_dns_firewall.install()  # and the DNS Firewall list calls
