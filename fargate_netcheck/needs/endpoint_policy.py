"""VPC endpoint policies evaluated as IAM evaluates a resource-side policy for one request.

An explicit ``Deny`` that matches wins; otherwise a matching ``Allow`` is needed (principal, action
and resource all matching; ``NotPrincipal``, ``NotAction``, ``NotResource`` invert their test);
no matching statement is an implicit deny. ``*`` and ``?`` wildcards; actions compare without case,
ARNs with case. A request can leave part of what it names open (the image repository, the log group,
the object key: ``Ref.open_tail``): a pattern that covers every completion matches, one that covers
none does not, anything else *may* match. Conditions are decided only on the keys the request knows
(``aws:SourceVpce``, ``aws:SourceVpc``, ``aws:PrincipalAccount``, ``aws:ResourceAccount``,
``aws:SecureTransport``) with the ``String*``, ``Arn*`` and ``Bool`` operators (and ``...IfExists``);
any other condition *may* hold. A Deny that may match makes the result ``unknown``, never a pass; so
does an Allow that may match when no Allow surely does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Verdict
from fargate_netcheck.core.tristate import Match

# The policy AWS gives a VPC endpoint created without one: full access.
DEFAULT_ENDPOINT_POLICY = json.dumps(
    {
        "Version": "2008-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    }
)


@dataclass(frozen=True, slots=True)
class Ref:
    """A name the request carries: fully known, or a known prefix and an unknown rest."""

    value: str
    open_tail: bool = False

    def __str__(self) -> str:
        return self.value + ("*" if self.open_tail else "")


@dataclass(frozen=True, slots=True)
class NoneOf:
    """A condition value known only by what it is not (the layer bucket's owner: an AWS account,
    never the task's)."""

    values: frozenset[str]


@dataclass(frozen=True, slots=True)
class Request:
    actions: tuple[str, ...]  # each must be allowed
    resource: Ref
    principal_account: str | None  # the account of the calling role (the task's execution role)
    context: dict[str, str | NoneOf] = field(default_factory=dict)  # condition keys known for this request
    # Actions the call may make, undocumented either way: one denied leaves the answer unknown
    maybe: tuple[str, ...] = ()

    @property
    def all_actions(self) -> tuple[str, ...]:
        """Every action a statement granting this request should name."""
        return (*self.actions, *self.maybe)


@dataclass(frozen=True, slots=True)
class PolicyDecision:
    verdict: Verdict
    statement: str | None  # the statement that decides (Sid, or "Statement[i]")
    reason: str


def _glob_states(pattern: str, text: str, fold: bool) -> set[int]:
    if fold:
        pattern, text = pattern.lower(), text.lower()

    def close(states: Iterable[int]) -> set[int]:
        out: set[int] = set()
        stack = list(states)
        while stack:
            i = stack.pop()
            if i in out:
                continue
            out.add(i)
            if i < len(pattern) and pattern[i] == "*":
                stack.append(i + 1)
        return out

    states = close({0})
    for ch in text:
        nxt = set()
        for i in states:
            if i < len(pattern):
                p = pattern[i]
                if p == "*":
                    nxt.add(i)
                elif p == "?" or p == ch:
                    nxt.add(i + 1)
        states = close(nxt)
        if not states:
            break
    return states


def glob(pattern: str, ref: Ref, fold: bool = False) -> Match:
    """Does the IAM wildcard ``pattern`` match every, no, or some completion of ``ref``?"""
    states = _glob_states(pattern, ref.value, fold)
    if not ref.open_tail:
        return Match.YES if len(pattern) in states else Match.NO
    if not states:
        return Match.NO
    if any(i < len(pattern) and set(pattern[i:]) == {"*"} for i in states):
        return Match.YES
    return Match.MAYBE


def _any(matches: Iterable[Match]) -> Match:
    out = Match.NO
    for m in matches:
        out = out | m
        if out is Match.YES:
            return out
    return out


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principal(value: object, request: Request) -> Match:
    if value == "*":
        return Match.YES
    if not isinstance(value, dict):
        return Match.MAYBE
    found = []
    for kind, ids in value.items():
        for ident in _list(ids):
            if kind != "AWS":
                found.append(Match.NO)  # a service, federated or canonical user is not the task's role
            elif ident == "*":
                found.append(Match.YES)
            else:
                found.append(_aws_principal(str(ident), request.principal_account))
    return _any(found)


def _aws_principal(ident: str, account: str | None) -> Match:
    parts = ident.split(":")
    owner = ident if ident.isdigit() else (parts[4] if len(parts) > 5 else None)
    if account is None or owner is None:
        return Match.MAYBE
    if owner != account:
        return Match.NO
    # "<account>" and its root ARN stand for every principal of the account; one role may not be ours.
    return Match.YES if ident.isdigit() or ident.endswith(":root") else Match.MAYBE


_STRING_OPS = {
    "StringEquals": (False, False, False),  # (negated, like, ignore case)
    "StringNotEquals": (True, False, False),
    "StringEqualsIgnoreCase": (False, False, True),
    "StringNotEqualsIgnoreCase": (True, False, True),
    "StringLike": (False, True, False),
    "StringNotLike": (True, True, False),
    "ArnEquals": (False, True, False),
    "ArnLike": (False, True, False),
    "ArnNotEquals": (True, True, False),
    "ArnNotLike": (True, True, False),
}


def _condition(block: object, request: Request) -> Match:
    if not block:
        return Match.YES
    if not isinstance(block, dict):
        return Match.MAYBE
    known = {k.lower(): v for k, v in request.context.items()}
    results = []
    for operator, keys in block.items():
        op = str(operator)
        if ":" in op or not isinstance(keys, dict):  # ForAnyValue:/ForAllValues: on single values
            results.append(Match.MAYBE)
            continue
        base = op.removesuffix("IfExists")
        for key, values in keys.items():
            value = known.get(str(key).lower())
            if value is None:
                results.append(Match.MAYBE)
            elif base == "Bool" and isinstance(value, str):
                results.append(
                    _any(Match.YES if str(v).lower() == value else Match.NO for v in _list(values))
                )
            elif base in _STRING_OPS and isinstance(value, NoneOf):
                negated, _, _ = _STRING_OPS[base]
                excluded = all(str(v) in value.values for v in _list(values))
                hit = Match.NO if excluded else Match.MAYBE
                results.append(~hit if negated else hit)
            elif isinstance(value, NoneOf):
                results.append(Match.MAYBE)
            elif base in _STRING_OPS:
                negated, like, fold = _STRING_OPS[base]
                hit = _any(
                    glob(str(v), Ref(value), fold) if like else _equal(str(v), value, fold)
                    for v in _list(values)
                )
                results.append(~hit if negated else hit)
            else:
                results.append(Match.MAYBE)
    out = Match.YES
    for m in results:
        out = out & m
    return out


def _equal(a: str, b: str, fold: bool) -> Match:
    return Match.YES if (a.lower() == b.lower() if fold else a == b) else Match.NO


def statement_match(statement: JsonDict, action: str, request: Request) -> Match:
    if "NotPrincipal" in statement:
        principal = ~_principal(statement["NotPrincipal"], request)
    elif "Principal" in statement:
        principal = _principal(statement["Principal"], request)
    else:
        principal = Match.MAYBE
    if "NotAction" in statement:
        act = ~_any(glob(str(a), Ref(action), fold=True) for a in _list(statement["NotAction"]))
    else:
        act = _any(glob(str(a), Ref(action), fold=True) for a in _list(statement.get("Action")))
    if "NotResource" in statement:
        res = ~_any(glob(str(r), request.resource) for r in _list(statement["NotResource"]))
    else:
        res = _any(glob(str(r), request.resource) for r in _list(statement.get("Resource")))
    out = Match.YES
    for m in (principal, act, res, _condition(statement.get("Condition"), request)):
        out = out & m
    return out


def parse_document(document: object) -> JsonDict | None:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except (ValueError, RecursionError):
            return None
    return document if isinstance(document, dict) else None


def full_access(document: object) -> bool:
    """Does the policy allow everything to everyone, as AWS's default does (one Allow of every action
    on every resource for every principal, with no condition, and nothing else)?"""
    policy = parse_document(document)
    statements = _list(policy.get("Statement")) if policy is not None else []
    if len(statements) != 1 or not isinstance(statements[0], dict):
        return False
    s = statements[0]
    principal = s.get("Principal")
    return (
        s.get("Effect") == "Allow"
        and (principal == "*" or principal == {"AWS": "*"})
        and set(_list(s.get("Action"))) == {"*"}
        and set(_list(s.get("Resource"))) == {"*"}
        and set(s) <= {"Sid", "Effect", "Principal", "Action", "Resource"}
    )


def evaluate(document: object, request: Request) -> PolicyDecision:
    """The policy's answer for every action of ``request`` (the worst of them decides)."""
    policy = parse_document(document)
    if policy is None:
        return PolicyDecision(Verdict.UNKNOWN, None, "the endpoint policy is not valid JSON")
    statements = [s for s in _list(policy.get("Statement")) if isinstance(s, dict)]
    decisions = [_one_action(statements, action, request) for action in request.actions]
    for action in request.maybe:
        d = _one_action(statements, action, request)
        if d.verdict is Verdict.UNREACHABLE:
            d = PolicyDecision(
                Verdict.UNKNOWN,
                d.statement,
                f"{d.reason}; whether the call needs {action} is not documented (AWS's pull-only managed "
                "policy omits it, most pull policies grant it)",
            )
        decisions.append(d)
    for verdict in (Verdict.UNREACHABLE, Verdict.UNKNOWN):
        for d in decisions:
            if d.verdict is verdict:
                return d
    return PolicyDecision(
        Verdict.REACHABLE,
        decisions[0].statement if decisions else None,
        f"the endpoint policy allows {', '.join(request.all_actions)} on {request.resource}",
    )


def _label(statement: JsonDict, index: int) -> str:
    sid = statement.get("Sid")
    return f"statement {sid!r}" if sid else f"Statement[{index}]"


def _one_action(statements: list[JsonDict], action: str, request: Request) -> PolicyDecision:
    allow: str | None = None
    doubt: str | None = None  # a Deny (or a statement of no known effect) that may match
    maybe_allow: str | None = None  # an Allow that may match: it decides only without a sure one
    for index, statement in enumerate(statements):
        effect = statement.get("Effect")
        m = statement_match(statement, action, request)
        if m is Match.NO:
            continue
        label = _label(statement, index)
        if effect == "Deny" and m is Match.YES:
            return PolicyDecision(
                Verdict.UNREACHABLE,
                label,
                f"the endpoint policy's {label} denies {action} on {request.resource}",
            )
        if effect == "Allow" and m is Match.YES:
            allow = allow or label
        elif effect == "Allow":
            maybe_allow = maybe_allow or label
        else:
            doubt = doubt or label
    if doubt is None and allow is None:
        doubt = maybe_allow
    if doubt is not None:
        return PolicyDecision(
            Verdict.UNKNOWN,
            doubt,
            f"the endpoint policy's {doubt} may or may not apply to {action} on {request.resource} "
            "(a principal, resource or condition that cannot be decided here)",
        )
    if allow is not None:
        return PolicyDecision(Verdict.REACHABLE, allow, f"the endpoint policy's {allow} allows {action}")
    return PolicyDecision(
        Verdict.UNREACHABLE,
        None,
        f"no statement of the endpoint policy allows {action} on {request.resource} (implicit deny)",
    )
