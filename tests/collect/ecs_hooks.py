"""Make ECS answer as AWS does when moto will not: an AccessDenied, a throttle, a dropped
connection. The hooks are registered at ``before-send`` (below botocore's retry loop, so a
retryable answer is retried and counted as it would be against AWS) on every session the CLI makes
(``on_every_session``), or on one session's events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError

from fargate_netcheck.collect import session as session_module

DENIED = "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ecs:{action}"


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


def json_error(url: str, status: int, code: str, message: str) -> AWSResponse:
    """An error as the JSON protocols (ECS) send it."""
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = {"x-amzn-requestid": "00000000-0000-0000-0000-000000000000"}
    return AWSResponse(url, status, headers, _Body(body))


def fail_ecs(
    events: Any,
    action: str,
    fault: str = "denied",
    times: int | None = None,
    *,
    first_allowed: bool = False,
) -> Callable[[], int]:
    """The first ``times`` requests (None: every one) of ``ecs:<action>`` fail with ``fault``:
    ``denied`` (AccessDeniedException, 400), ``throttled`` (ThrottlingException, 400) or
    ``dropped`` (the connection fails: EndpointConnectionError); with ``first_allowed``, after a
    first request that goes through. Returns how many were sent."""
    sent = [0]

    def handler(request: Any, **_: Any) -> AWSResponse | None:
        sent[0] += 1
        failing = sent[0] - 1 if first_allowed else sent[0]
        if failing == 0 or (times is not None and failing > times):
            return None
        if fault == "dropped":
            raise EndpointConnectionError(endpoint_url=request.url)
        if fault == "throttled":
            return json_error(request.url, 400, "ThrottlingException", "Rate exceeded")
        return json_error(request.url, 400, "AccessDeniedException", DENIED.format(action=action))

    events.register_first(f"before-send.ecs.{action}", handler)
    return lambda: sent[0]


def on_every_session(
    monkeypatch: pytest.MonkeyPatch,
    action: str,
    fault: str = "denied",
    times: int | None = None,
    *,
    first_allowed: bool = False,
) -> Callable[[], int]:
    """``fail_ecs`` on each session ``collect.session.make_session`` makes from now on (the CLI's).
    Returns how many requests of the action were sent, over every session."""
    counters: list[Callable[[], int]] = []
    made = session_module.make_session

    def make(profile: str | None) -> Any:
        session = made(profile)
        counters.append(fail_ecs(session.events, action, fault, times, first_allowed=first_allowed))
        return session

    monkeypatch.setattr(session_module, "make_session", make)
    return lambda: sum(count() for count in counters)
