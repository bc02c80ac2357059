"""botocore event hooks that make moto answer as AWS does when moto cannot: a refused AssumeRole,
a throttled call. Registered on a session (before its clients are made) or on one client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSResponse

MOTO_CALLER_ACCOUNT = "123456789012"  # moto's default account: the caller in these tests


class _Body:
    """The raw body AWSResponse reads from."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


def error_response(url: str, status: int, code: str, message: str) -> AWSResponse:
    """An HTTP error as the query protocols (EC2, STS) send it."""
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
        "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
    ).encode()
    return AWSResponse(url, status, {}, _Body(body))


def refuse_assume_role(events: Any, account_id: str, code: str = "AccessDenied") -> list[str]:
    """AssumeRole into any role of ``account_id`` answers ``code`` (403), as AWS does when the role
    does not exist or does not trust the caller; moto lets every AssumeRole through. The call is
    still made and counted (the answer replaces the request at ``before-call``). Returns the role
    ARNs refused."""
    refused: list[str] = []

    def handler(params: dict[str, Any], **_: Any) -> Any:
        arn = params["body"]["RoleArn"]
        if f":iam::{account_id}:" not in arn:
            return None
        refused.append(arn)
        message = f"User: arn:aws:iam::{MOTO_CALLER_ACCOUNT}:user/auditor is not authorized to perform: sts:AssumeRole on resource: {arn}"
        parsed = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 403}}
        return AWSResponse(params["url"], 403, {}, None), parsed

    events.register("before-call.sts.AssumeRole", handler)
    return refused


def throttle_first(
    events: Any, event: str, times: int = 1, code: str = "Throttling", status: int = 400
) -> Callable[[], int]:
    """The first ``times`` requests sent for ``event`` (e.g. ``before-send.sts.AssumeRole``) get a
    ``code`` error; later ones go through. Sent below botocore's retry loop, so the client retries
    them as it would a real throttle (Stubber answers above that loop: nothing is ever retried).
    Returns a function giving how many requests were sent."""
    sent = [0]

    def handler(request: Any, **_: Any) -> AWSResponse | None:
        sent[0] += 1
        if sent[0] <= times:
            return error_response(request.url, status, code, "Rate exceeded")
        return None

    events.register_first(event, handler)
    return lambda: sent[0]
