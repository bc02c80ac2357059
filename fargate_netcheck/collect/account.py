"""Which account the credentials belong to (STS GetCallerIdentity)."""

from __future__ import annotations

from typing import Any

from fargate_netcheck.collect._calls import COLLECT_ERRORS, SHAPE_ERRORS, answer, failure_text

OPERATION = "GetCallerIdentity"
IAM_ACTIONS: tuple[str, ...] = (f"sts:{OPERATION}",)
ERROR_KEY = "AccountId"


def caller_account_id(sts_client: Any) -> tuple[str | None, str | None]:
    """``(account_id, None)``, or ``(None, "<Code>: <message>")`` when the call fails."""
    try:
        return answer(OPERATION, sts_client.get_caller_identity)["Account"], None
    except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
        return None, failure_text(exc)


def caller_arn(sts_client: Any) -> tuple[str | None, str | None]:
    """``(account_id, arn)`` of the caller (both None when GetCallerIdentity fails)."""
    try:
        identity = answer(OPERATION, sts_client.get_caller_identity)
        return str(identity["Account"]), str(identity["Arn"])
    except (*COLLECT_ERRORS, *SHAPE_ERRORS):
        return None, None
