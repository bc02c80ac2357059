"""A failed kind whose items stay is read as missing (docs/snapshot-format.md, "What absence means").

A snapshot may hold a kind's items *and* an ``Errors`` entry for it: infrastructure-code snapshots
do so on purpose (a value unknown before deployment puts the kind under ``Errors`` while its items
stay: ``targets/iac/network.py``), and hand-written snapshots can. A kind under ``Errors`` is the
same as missing, items or not. So for every (base snapshot, kind) of the failed-kind sweep
(``test_review_failed_kind_sweep``), the snapshot is traced with the kind's items kept and
``Errors[kind]`` set, and compared, walk by walk, with the same snapshot with the items removed:
no walk may be better with the items kept (``reachable`` where it is not with them removed, or
``unreachable`` where it is ``unknown`` with them removed). Being more conservative is allowed.

Known defects are marked ``xfail(strict=True)`` with the defect they show (``KNOWN``): a fix makes
them pass, and the strict mark then asks for its removal.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import tests.trace.test_review_failed_kind_sweep as sweep
from fargate_netcheck.core.model import Report, Verdict

# (verdict with the items removed, verdict with them kept): the kept variant read more than it may.
BETTER = {
    (Verdict.UNKNOWN, Verdict.REACHABLE),
    (Verdict.UNREACHABLE, Verdict.REACHABLE),
    (Verdict.UNKNOWN, Verdict.UNREACHABLE),
}

KNOWN: dict[tuple[str, str], str] = {}  # none left: every defect it found is fixed


def kept(snap: dict[str, Any], kind: str, message: str = sweep.DENIED) -> dict[str, Any]:
    """``snap`` with ``kind`` failed in every region that has it, its items left in place."""
    out = copy.deepcopy(snap)
    for body in sweep._bodies(out):
        if kind in body:
            body.setdefault("Errors", {})[kind] = message
    return out


def better(removed: Report, held: Report) -> list[str]:
    """Each walk whose verdict is better with the failed kind's items kept than with them removed."""
    out = []
    for gone, stayed in zip(removed.targets, held.targets, strict=True):
        assert gone.target.target_id == stayed.target.target_id
        was, now = sweep.walks(gone), sweep.walks(stayed)
        assert was.keys() == now.keys(), gone.target.target_id
        out += [
            f"{stayed.target.target_id} {label}: {was[label]} removed, {now[label]} kept "
            f"({sweep._reason(stayed, label)})"
            for label in was
            if (was[label], now[label]) in BETTER
        ]
    return out


def _cases() -> list[Any]:
    return [
        pytest.param(
            name,
            kind,
            marks=[pytest.mark.xfail(reason=KNOWN[name, kind], raises=AssertionError, strict=True)]
            if (name, kind) in KNOWN
            else [],
            id=f"{name}-{kind}-kept",
        )
        for name, kind in sweep.SWEEP
    ]


@pytest.mark.parametrize(("name", "kind"), _cases())
def test_a_failed_kind_whose_items_stay_is_read_as_missing(name: str, kind: str) -> None:
    snap, targets, _ = sweep.base(name)
    removed = sweep.after(name, kind, sweep.DENIED)
    held = sweep.run(kept(snap, kind), targets, sweep._options(name))
    assert better(removed, held) == []
