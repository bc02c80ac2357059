"""Pause Python's cyclic garbage collector while an offline audit runs.

Reading a snapshot, building the graph, tracing and rendering allocate millions of small
long-lived objects (dicts, tuples, checks) and make almost no cyclic garbage: reference counting
frees what they drop. The cyclic collector still scans the growing heap every few thousand
allocations; on a 10,000-subnet audit that was about a fifth of the CPU time (3.9 s with it,
3.0 s without, measured with benchmarks/run.py). Live AWS collection keeps the collector on: botocore
clients hold cycles, and an organization scan creates thousands of them.
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
            gc.enable()
