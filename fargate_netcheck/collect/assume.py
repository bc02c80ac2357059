"""Reach another account: validate the ids and role name, AssumeRole into it, and open a guarded
session on the temporary credentials."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import boto3
import botocore.session
from botocore.credentials import CredentialProvider, RefreshableCredentials

from fargate_netcheck.collect.session import install_read_only_guard
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict

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


def assume_role(sts_client: Any, arn: str, external: str | None) -> JsonDict:
    """The temporary ``Credentials`` of ``arn`` (one hour). Failures propagate as botocore errors."""
    params: JsonDict = {"RoleArn": arn, "RoleSessionName": ROLE_SESSION_NAME}
    if external is not None:
        params["ExternalId"] = external
    return sts_client.assume_role(**params)["Credentials"]


def assumed_session(
    credentials: JsonDict,
    refresh: Callable[[], JsonDict],
    profile: str | None,
    region: str,
) -> boto3.Session:
    """A session on ``credentials`` that assumes the role again (``refresh``) before they expire: an
    account with many regions, throttled, can take longer than the role's hour. The profile still
    supplies its settings (an endpoint, a CA bundle). Guarded read-only like every session of the
    tool. Not thread-safe: one per thread (its clients are)."""
    core = botocore.session.Session(profile=profile)
    # Ahead of the standard chain: botocore refreshes these itself, 15 minutes before they expire.
    core.get_component("credential_provider").insert_before(
        "env", _AssumedRole(_refreshable(credentials, refresh))
    )
    session = boto3.Session(botocore_session=core, region_name=region)
    install_read_only_guard(session.events)
    return session


class _AssumedRole(CredentialProvider):
    METHOD = "fargate-netcheck-assume-role"
    CANONICAL_NAME = "custom-fargate-netcheck-assume-role"

    def __init__(self, credentials: RefreshableCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> RefreshableCredentials:
        return self._credentials


def _refreshable(first: JsonDict, refresh: Callable[[], JsonDict]) -> RefreshableCredentials:
    return RefreshableCredentials.create_from_metadata(
        metadata=_metadata(first),
        refresh_using=lambda: _metadata(refresh()),
        method=_AssumedRole.METHOD,
    )


def _metadata(credentials: JsonDict) -> dict[str, str]:
    """STS ``Credentials`` in the shape botocore's RefreshableCredentials takes."""
    expiration = credentials["Expiration"]
    return {
        "access_key": credentials["AccessKeyId"],
        "secret_key": credentials["SecretAccessKey"],
        "token": credentials["SessionToken"],
        "expiry_time": expiration.isoformat() if hasattr(expiration, "isoformat") else str(expiration),
    }
