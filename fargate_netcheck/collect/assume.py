"""Reach another account: validate the ids and role name, AssumeRole into it, and open a guarded
session on the temporary credentials."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import boto3

from fargate_netcheck.collect.session import install_read_only_guard
from fargate_netcheck.errors import InputError

# Actions of the caller that fans out to the accounts (see iam.MANAGEMENT_MODULES), not of the read role.
IAM_ACTIONS: tuple[str, ...] = ("sts:AssumeRole",)

ROLE_SESSION_NAME = "fargate-netcheck"
# The read role's name when none is given; the shipped management policy names it.
DEFAULT_ROLE_NAME = "fargate-netcheck-read"
_ACCOUNT_ID = re.compile(r"\d{12}")
# An IAM role name (up to 64 of these characters), optionally after its path ("path/to/Name").
_NAME = r"[\w+=,.@-]{1,64}"
_ROLE_NAME = re.compile(rf"(?:{_NAME}/)*{_NAME}", re.ASCII)
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)


def account_ids(values: Iterable[str]) -> list[str]:
    """The account ids in ``values`` (each may hold several, comma-separated), without duplicates,
    in the order given. Anything that is not a 12-digit id is an ``InputError``."""
    ids: dict[str, None] = {}
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not _ACCOUNT_ID.fullmatch(part):
                raise InputError(f"--accounts: {part!r} is not a 12-digit AWS account id")
            ids[part] = None
    return list(ids)


def role_name(value: str) -> str:
    name = value.strip().strip("/")
    if not _ROLE_NAME.fullmatch(name):
        raise InputError(f"--role-name: {value!r} is not an IAM role name (letters, digits and +=,.@_-)")
    return name


def external_id(value: str | None) -> str | None:
    if value is not None and not _EXTERNAL_ID.fullmatch(value):
        raise InputError("--external-id: 2 to 1224 letters, digits or +=,.@:/_- characters")
    return value


def role_arn(partition: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role/{name}"


def assume_role(sts_client: Any, arn: str, external: str | None) -> dict[str, Any]:
    """The temporary ``Credentials`` of ``arn`` (one hour). Failures propagate as botocore errors."""
    params: dict[str, Any] = {"RoleArn": arn, "RoleSessionName": ROLE_SESSION_NAME}
    if external is not None:
        params["ExternalId"] = external
    return sts_client.assume_role(**params)["Credentials"]


def assumed_session(credentials: dict[str, Any], profile: str | None, region: str) -> boto3.Session:
    """A session on ``credentials`` (the profile still supplies its settings, such as an endpoint or a
    CA bundle), guarded read-only like every session of the tool. Not thread-safe: one per thread."""
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
        profile_name=profile,
    )
    install_read_only_guard(session.events)
    return session
