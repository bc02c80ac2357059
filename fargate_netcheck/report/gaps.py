"""What a report could not verify, the same for every writer: the kinds (and whole accounts) that
could not be collected, and a run that checked no target. Neither may look like a pass in any
format (a run that saw nothing never passes)."""

from __future__ import annotations

from fargate_netcheck.core.model import Report
from fargate_netcheck.snapshot.collection import is_failure

NOTHING_CHECKED = "nothing was checked: the run resolved no target, so no path was verified"


def collection_failures(report: Report) -> list[tuple[str, str]]:
    """``("<account>/<region>/<Kind>" or "<account>/-/<step>", message)`` for everything that could
    not be collected: from the report's ``collection`` section, or for a report without one
    (``diagnose``, ``demo``) from its errors. An endpoint's "unsupported" answer that is itself the
    answer (no VPC Block Public Access) is no failure."""
    collection = report.collection
    if collection is None:
        return [(k, m) for k, m in sorted(report.errors.items()) if is_failure(k.rsplit("/", 1)[-1], m)]
    failed = [
        (f"{r.account}/{r.region}/{kind}", message)
        for r in collection.regions
        for kind, message in sorted(r.failures.items())
    ]
    failed += [
        (f"{a}/-/{step}", m)
        for a, steps in sorted(collection.accounts.items())
        for step, m in sorted(steps.items())
    ]
    return failed
