"""Is the task's placement inside the snapshot? A subnet or group the snapshot does not hold must not
become a hop "blocked" by a resource that merely lies outside it.

- An id from the flags that the snapshot does not hold is bad input (exit 2), as ``check`` says
  (``targets.subnets.cli_targets``): a typo, or a snapshot of another account or region.
- The task's own subnet (from ECS, its event, its service) in an account and region the snapshot
  does not cover is bad input too: the snapshot is of somewhere else, and nothing it holds says
  anything about the task's network.
- Where collecting the kind failed, or an account could not be read, the trace says ``unknown``
  and why; nothing is refused here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.diagnose.arn import arn_home

if TYPE_CHECKING:
    import networkx as nx

    from fargate_netcheck.diagnose.facts import TaskFacts
    from fargate_netcheck.snapshot.store import Snapshot

FLAG_SOURCES = {"subnet": "--subnet", "security groups": "--security-group"}


def check_placement(facts: TaskFacts, snap: Snapshot, graph: nx.DiGraph) -> None:
    """Raise ``InputError`` for a flag's id the snapshot lacks, or a task placed outside the snapshot."""
    if graph.graph.get("unread_accounts"):
        return
    regions = graph.graph["regions"]
    held = ", ".join(sorted(f"{account or '-'}/{region}" for account, region in regions)) or "nothing"
    scope = f" (regions: {', '.join(sorted({region for _, region in regions}))})"
    checks = (
        ("subnet", "subnet", "Subnets", facts.subnets),
        ("security groups", "sg", "SecurityGroups", facts.security_groups or ()),
    )
    for fact, node_kind, kind, ids in checks:
        if any(region.failed(kind) for region in regions.values()):
            continue
        for missing in (i for i in ids if graph.nodes.get(i, {}).get("kind") != node_kind):
            noun = "subnet" if fact == "subnet" else "security group"
            if facts.sources.get(fact) == FLAG_SOURCES[fact]:
                raise InputError(f"unknown {noun} {missing}: not in the snapshot {snap.source}{scope}")
            home = arn_home(facts.task_arn)
            if home is not None and not _covers(regions, *home):
                account, region = home
                raise InputError(
                    f"task {facts.task_arn} ran in {region} of account {account} ({noun} {missing}, from "
                    f"{facts.sources.get(fact, '?')}), which the snapshot {snap.source} does not hold "
                    f"(it holds {held}): diagnose it against a snapshot of that account and region"
                )


def _covers(regions: dict[tuple[str | None, str], object], account: str, region: str) -> bool:
    return any(r == region and (a is None or a == account) for a, r in regions)
