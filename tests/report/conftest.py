from __future__ import annotations

import pytest
from report.sample_report import HOSTILE, sample_report

from fargate_netcheck.core.model import Report


@pytest.fixture
def report() -> Report:
    return sample_report()


@pytest.fixture
def hostile() -> str:
    return HOSTILE
