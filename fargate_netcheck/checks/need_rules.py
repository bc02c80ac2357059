"""What rules about needs by name share: walking every need's checks of some codes, and a rule
factory whose fix text is built per finding (the exact domain, rule group, bucket ARN, zone)."""

from __future__ import annotations

import heapq
import itertools
import json
from collections.abc import Callable, Iterable, Iterator

from fargate_netcheck.core.model import Check, CheckCode, NeedResult, Severity, Status, TargetResult
from fargate_netcheck.needs.catalog import Need, policy_request
from fargate_netcheck.rules_api import Hit, Rule, RuleContext, _dedent

Fix = Callable[[RuleContext, TargetResult, NeedResult, Check], str]


def need_checks(
    ctx: RuleContext, codes: frozenset[CheckCode], status: Status
) -> Iterator[tuple[TargetResult, NeedResult, Check]]:
    """The need checks of ``codes`` and ``status``, target by target, need by need, in walk order."""
    index = ctx.need_checks_by_code()
    lists = [index[code] for code in codes if code in index]
    for _, result, need, check in (
        heapq.merge(*lists, key=_position) if len(lists) > 1 else itertools.chain(*lists)
    ):
        if check.status is status:
            yield result, need, check


def _position(entry: tuple[int, TargetResult, NeedResult, Check]) -> int:
    return entry[0]


def need_rule(
    *,
    id: str,
    name: str,
    title: str,
    severity: Severity | str,
    docs: str,
    remediation: str,
    codes: Iterable[CheckCode],
    fix: Fix,
    status: Status = Status.FAIL,
    per_need: bool = True,
) -> Rule:
    """A rule reporting each need check of ``codes`` and ``status``, with ``fix`` as its remediation:
    once per need, or (``per_need`` False) once per target and resource, naming the first need."""
    watched = frozenset(codes)

    def report(ctx: RuleContext) -> Iterator[Hit]:
        seen: set[tuple[str, str, int, str]] = set()
        for result, need, check in need_checks(ctx, watched, status):
            key = (
                result.target.target_id,
                need.name if per_need else "",
                need.port if per_need else 0,
                check.resource_id,
            )
            if key in seen:
                continue
            seen.add(key)
            yield Hit(
                check.resource_id,
                f"{need.name}:{need.port} ({need.purpose}): {check.reason}",
                result.target.target_id,
                fix(ctx, result, need, check),
            )

    # A hit is one check of the target's own need walk; ``fix`` reads the need, the check and what
    # the target's group shares (its VPC, account and region).
    return Rule(id, name, title, Severity(severity), _dedent(docs), remediation, report, per_target=True)


def allow_domain(need: NeedResult) -> str:
    """What to add to a domain allow list: every AWS endpoint at once, else the exact name."""
    return ".amazonaws.com" if need.name.endswith(".amazonaws.com") else need.name


def allow_statement(result: TargetResult, need: NeedResult, vpce: str) -> str:
    """The endpoint policy statement that lets the task do what ``need`` asks of the service."""
    region = result.target.region or "us-east-1"
    request = policy_request(
        Need(need.name, need.port, need.service), region, result.target.account_id, "", vpce
    )
    if request is None:
        return "a statement allowing the task's calls"
    resource = request.resource.value + ("*" if request.resource.open_tail else "")
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": list(request.all_actions),
        "Resource": resource,
    }
    return json.dumps(statement)
