"""A group member's result, made from its group's walks only when something reads them.

Targets that ask the same question share a walk (``grouping``): a member's internet egress, ECR
pull and needs are the group's, re-labelled with its own subnet id, range and route table id. An
audit that counts verdicts, writes JSON (``report/json_shared.py`` fills each member's labels into
the group's encoded walks) and runs rules once per group (``checks/registry.py``) never reads a
member's walks, so they are not made: a member costs its target, its VPC id and its labels. The
first read of any of them makes all three and keeps them; from then on the member is an ordinary
``TargetResult``. Its verdict is its group's (``TargetResult.deciding``): re-labelling changes ids
and ranges in texts, never a verdict, a check code or a status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fargate_netcheck.core.model import NeedResult, PathResult, Target, TargetResult

if TYPE_CHECKING:
    from fargate_netcheck.trace import GroupWalks

# TargetResult's own slots, where a member keeps its walks once they are made.
_EGRESS = TargetResult.__dict__["internet_egress"]
_ECR = TargetResult.__dict__["ecr_pull"]
_NEEDS = TargetResult.__dict__["needs"]


class MemberResult(TargetResult):
    """A ``TargetResult`` whose walks are its group's, re-labelled on first read (see the module)."""

    __slots__ = ("_made",)

    def __init__(self, target: Target, vpc_id: str | None, walks: GroupWalks, labels: tuple) -> None:
        self.target = target
        self.vpc_id = vpc_id
        self.shared = (walks, labels)
        self._made = False

    def _make(self) -> None:
        walks, labels = self.shared
        egress, ecr, needs = walks.relabelled(*labels)
        _EGRESS.__set__(self, egress)
        _ECR.__set__(self, ecr)
        _NEEDS.__set__(self, needs)
        self._made = True

    def _walk(slot: Any) -> property:  # a class-body helper (deleted below), not a method
        def get(self: MemberResult) -> Any:
            if not self._made:
                self._make()
            return slot.__get__(self)

        def put(self: MemberResult, value: Any) -> None:
            if not self._made:
                self._make()
            slot.__set__(self, value)
            self.shared = None  # its walks are no longer the group's

        return property(get, put)

    internet_egress: PathResult = _walk(_EGRESS)  # type: ignore[assignment]
    ecr_pull: PathResult | None = _walk(_ECR)  # type: ignore[assignment]
    needs: list[NeedResult] = _walk(_NEEDS)  # type: ignore[assignment]
    del _walk

    @property
    def made(self) -> bool:
        """Whether its walks have been made (tests and benchmarks ask)."""
        return self._made

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TargetResult):
            return NotImplemented
        return (self.target, self.vpc_id, self.internet_egress, self.ecr_pull, self.needs) == (
            other.target,
            other.vpc_id,
            other.internet_egress,
            other.ecr_pull,
            other.needs,
        )

    __hash__ = None  # type: ignore[assignment]  # as TargetResult's: it is mutable

    def __repr__(self) -> str:
        return (
            f"MemberResult(target={self.target!r}, vpc_id={self.vpc_id!r}, "
            f"internet_egress={self.internet_egress!r}, ecr_pull={self.ecr_pull!r}, needs={self.needs!r})"
        )
