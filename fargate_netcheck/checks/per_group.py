"""Run a ``per_target`` rule once per group of targets that share a walk, and give each member the
hits of its group's traced member, re-labelled as its own.

A member's walks are its group's with the traced subnet's id, range and route table id replaced by
its own (``trace/grouping.py``); a ``per_target`` rule reads only a target's own walks and what its
group shares (``rules_api``), so its hits for a member are the traced member's with the same
replacement, and the member's target id. This module makes that replacement on the hits, from the
group's own ``Relabel``, so the result is the one running the rule on every target gives
(tests/checks/test_per_group.py compares the two on the fuzzed snapshots).
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
        self._members = members  # traced member's target id -> (its GroupWalks, the other members)
        deciding = [r for r in ctx.results if not _follows(r)]
        self.context = RuleContext(results=deciding, graph=ctx.graph, params=ctx.params)

    @classmethod
    def of(cls, ctx: RuleContext) -> Groups | None:
        """None when no result follows another's walks, or when target ids repeat (a hit names its
        target by id only, so it could not tell which one it is about)."""
        members: dict[str, tuple[Any, list[TargetResult]]] = {}
        first_of: dict[int, str] = {}
        ids: set[str] = set()
        for result in ctx.results:
            target_id = result.target.target_id
            if target_id in ids:
                return None
            ids.add(target_id)
            if result.shared is None:
                continue
            walks = result.shared[0]
            if walks.first is result:
                first_of[id(walks)] = target_id
                members[target_id] = (walks, [])
        if not members:
            return None
        for result in ctx.results:
            if _follows(result):
                walks = result.shared[0]
                first = first_of.get(id(walks))
                if first is None:  # its traced member is not in this run: decide it on its own
                    return None
                members[first][1].append(result)
        return cls(ctx, members)

    def spread(self, hits: Iterable[Hit]) -> Iterator[Hit]:
        """Each hit, and for a hit about a traced member, the same hit for each of its members."""
        for hit in hits:
            yield hit
            group = self._members.get(hit.target_id) if hit.target_id is not None else None
            if group is None or not group[1]:
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
            for member in members:
                labels = member.shared[1]
                made = [_fill(t, labels) for t in texts]
                yield Hit(made[0], made[1], member.target.target_id, made[2] if len(made) > 2 else None)


def _follows(result: TargetResult) -> bool:
    """Whether ``result`` is a member whose walks are its group's traced member's, re-labelled."""
    shared = result.shared
    return shared is not None and shared[0].first is not result


def _fill(template: str | tuple[str | int, ...], labels: tuple[str | None, ...]) -> str:
    if template.__class__ is str:
        return template
    return "".join(p if isinstance(p, str) else labels[p] or "" for p in template)
