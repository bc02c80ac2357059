"""Time the trace inside ``pipeline.analyze``: the benchmarks report the rules as ``analyze``
minus its trace, so the stages follow whatever ``analyze`` does."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def timing_trace(times: dict[str, float], key: str) -> Iterator[None]:
    """While inside, each call of the ``trace_targets`` that pipeline.py calls stores its CPU
    seconds in ``times[key]``."""
    from fargate_netcheck import pipeline

    trace = pipeline.trace_targets

    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return trace(*args, **kwargs)
        finally:
            times[key] = time.process_time() - start

    pipeline.trace_targets = timed
    try:
        yield
    finally:
        pipeline.trace_targets = trace
