"""Run a ``per_target`` rule once per group of targets that share a walk, and give each member the
hits of its group's traced member, re-labelled as its own.

A member's walks are its group's with the traced subnet's id, range and route table id replaced by
its own (``trace/grouping.py``); a ``per_target`` rule reads only a target's own walks and what its
group shares (``rules_api``), so its hits for a member are the traced member's with the same
replacement, and the member's target id. This module makes that replacement on the hits, from the
group's own ``Relabel``, so the result is the one running the rule on every target gives
(tests/rules/test_per_group.py compares the two on the fuzzed snapshots).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fargate_netcheck.core.model import TargetResult
from fargate_netcheck.rules_api import Hit, RuleContext


class Groups:
    """The results of one run, split into the ones a ``per_target`` rule reads (every result but
    the group members whose walks are their group's) and each traced member's other members."""

    __slots__ = ("_members", "context")

    def __init__(self, ctx: RuleContext, members: dict[str, tuple[Any, list[TargetResult]]]) -> None:
        self._members = members  # traced member's target id -> (its GroupWalks, its other members)
        deciding = [r for r in ctx.results if not _follows(r)]
        self.context = RuleContext(results=deciding, graph=ctx.graph, params=ctx.params)

    @classmethod
    def of(cls, ctx: RuleContext) -> Groups | None:
        """None when no result follows another's walks, or when target ids repeat (a hit names its
        target by id only, so it could not tell which one it is about)."""
        by_id: dict[str, TargetResult] = {}
        members: dict[str, tuple[Any, list[TargetResult]]] = {}
        for result in ctx.results:
            target_id = result.target.target_id
            if target_id in by_id:
                return None
            by_id[target_id] = result
            if _follows(result):
                walks = result.shared[0]
                members.setdefault(walks.first.target.target_id, (walks, []))[1].append(result)
        for first_id, (walks, _) in members.items():
            if by_id.get(first_id) is not walks.first:  # its traced member is not in this run
                return None
        return cls(ctx, members) if members else None

    def spread(self, hits: Iterable[Hit]) -> Iterator[Hit]:
        """Each hit, and for a hit about a traced member, the same hit for each of its members."""
        for hit in hits:
            yield hit
            group = self._members.get(hit.target_id) if hit.target_id is not None else None
            if group is None:
                continue
            walks, members = group
            template = walks.relabel.template
            texts = [template(hit.resource_id), template(hit.message)]
            if hit.remediation is not None:
                texts.append(template(hit.remediation))
            if all(t.__class__ is str for t in texts):  # names none of the traced member's labels
                for member in members:
                    yield Hit(hit.resource_id, hit.message, member.target.target_id, hit.remediation)
                continue
            fill = walks.relabel.fill
            for member in members:
                labels = member.shared[1]
                made = [fill(t, labels) for t in texts]
                yield Hit(made[0], made[1], member.target.target_id, made[2] if len(made) > 2 else None)


def _follows(result: TargetResult) -> bool:
    """Whether ``result`` is a member whose walks are its group's traced member's, re-labelled."""
    shared = result.shared
    return shared is not None and shared[0].first is not result
