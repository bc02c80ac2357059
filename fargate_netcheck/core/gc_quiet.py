"""Pause Python's cyclic garbage collector while an offline audit runs.

Reading a snapshot, building the graph, tracing and rendering allocate millions of small
long-lived objects (dicts, tuples, checks) and make almost no cyclic garbage: reference counting
frees what they drop. The cyclic collector still scans the growing heap every few thousand
allocations; on a 10,000-subnet audit that was about a fifth of the CPU time (3.9 s with it,
3.0 s without, measured with benchmarks/run.py). Live AWS collection keeps the collector on: botocore
clients hold cycles, and an organization scan creates thousands of them.

Turning the collector back on must not cost what pausing it saved: every object made in the
block is still in the youngest generation, and the first allocation after ``gc.enable()`` would
scan them all (at 50,000 subnets, seconds, just as the CLI exits). ``gc.freeze()`` then
``gc.unfreeze()`` moves them into the oldest generation without a scan, where a later full
collection still finds any cycle among them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_quiet() -> Iterator[None]:
    """The collector off inside the block, back to how it was after (also on an exception)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():  # (whoever froze objects before wants them to stay so)
                gc.freeze()  # everything tracked -> the permanent generation, unscanned
                gc.unfreeze()  # ... -> the oldest generation, collectable again
            gc.enable()
