"""Canned EC2 answers for botocore's Stubber: every kind of a region, in collection order."""

from __future__ import annotations

from typing import Any

from botocore import xform_name
from botocore.stub import Stubber

from fargate_netcheck.collect.ec2 import KINDS, Kind, Paging
from fargate_netcheck.demo.moto_bpa import fresh_options

ACCOUNT = "123456789012"
REGION = "us-east-1"


def empty_response(kind: Kind) -> dict[str, Any]:
    """What an empty, fresh account answers for ``kind``: no items; Block Public Access off."""
    if kind.pages is Paging.SINGLE:
        return {kind.result_key: fresh_options(ACCOUNT, REGION)}
    return {kind.result_key: []}


def queue_kinds(
    stubber: Stubber,
    pages: dict[str, list[dict[str, Any]]] | None = None,
    *,
    deny: str = "",
    deny_code: str = "AccessDenied",
) -> None:
    """One empty page per kind in collection order, but ``pages[key]`` (a list of responses) where
    given, and a ``deny_code`` error (403) for the kind named ``deny``."""
    for kind in KINDS:
        if kind.key == deny:
            stubber.add_client_error(
                xform_name(kind.operation),
                service_error_code=deny_code,
                service_message=f"not authorized to perform ec2:{kind.operation}",
                http_status_code=403,
            )
            continue
        for response in (pages or {}).get(kind.key, [empty_response(kind)]):
            stubber.add_response(xform_name(kind.operation), response)
