"""The cyclic collector is paused only inside an offline audit, and always restored."""

from __future__ import annotations

import gc

import pytest

from fargate_netcheck.core.gc_quiet import gc_quiet


def test_collector_is_off_inside_and_back_on_after():
    assert gc.isenabled()
    with gc_quiet():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_comes_back_after_an_exception():
    with pytest.raises(RuntimeError), gc_quiet():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_someone_else_disabled_stays_disabled():
    gc.disable()
    try:
        with gc_quiet():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
