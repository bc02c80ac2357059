"""The cyclic collector is paused only inside an offline audit, and always restored: without a
scan of everything the audit made, and still able to free a cycle made inside."""

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


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_what_the_block_made_goes_to_the_oldest_generation_unscanned_and_cycles_are_still_freed():
    import weakref

    gc.collect()
    with gc_quiet():
        kept = [[i] for i in range(50_000)]
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
    young, middle, _ = gc.get_count()
    assert young < 1_000 and middle < 10, "the young generations were emptied without a collection"
    assert gc.get_freeze_count() == 0
    assert gone() is not None
    gc.collect()
    assert gone() is None, "a cycle made inside the block is collected later"
    assert len(kept) == 50_000


def test_objects_someone_froze_stay_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_quiet():
            pass
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
