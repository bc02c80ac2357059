from __future__ import annotations

import pytest
from browser.chromium import require_chromium


@pytest.fixture
def chromium() -> str:
    """The chromium binary (skip when missing; fail when CI=true)."""
    return require_chromium()
