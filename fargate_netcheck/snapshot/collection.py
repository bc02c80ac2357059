"""What a collection saw: the report's ``collection`` section, and the run that saw nothing.

A snapshot records each kind that could not be collected under its region's ``Errors`` (and a whole
account that could not be read under the account's). Two stable prefixes on those messages say
more than "failed" (README, "Collection failures"):

- ``unsupported-action:`` the endpoint does not implement the action (``InvalidAction``,
  ``UnsupportedOperation``, ``NotImplemented``, HTTP 501): an emulator or a partition without the
  API. For VPC Block Public Access this means there is no BPA to block anything.
- ``timed-out:`` the account's region did not finish within ``--region-deadline``.

Everything else is a failure: the verdicts that need that kind are ``unknown``.

No boto3 here: a report from a snapshot file builds this section too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from fargate_netcheck.core.collection_summary import CollectionSummary, RegionCollection
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict

if TYPE_CHECKING:
    from fargate_netcheck.snapshot.store import Snapshot

UNSUPPORTED_PREFIX = "unsupported-action: "
TIMED_OUT_PREFIX = "timed-out: "
# The ``Errors`` kinds ``check --cluster`` records for ECS reads that failed (``collect.ecs_errors``):
# a cluster's services (DATA002 reports them: never checked), and task definitions.
ECS_SERVICES = "EcsServices"
ECS_TASK_DEFINITIONS = "EcsTaskDefinitions"
# Kinds whose "unsupported" answer is itself the answer: an endpoint without the API has no BPA.
UNSUPPORTED_MEANS_ABSENT = frozenset({"VpcBlockPublicAccessOptions", "VpcBlockPublicAccessExclusions"})

# Why a call could not reach the endpoint at all (botocore's exception names).
_UNREACHABLE = frozenset(
    {
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ConnectionClosedError",
        "ReadTimeoutError",
        "SSLError",
        "ProxyConnectionError",
        "ConnectionError",
        "HTTPClientError",
    }
)
# Error codes that refuse the credentials themselves.
_CREDENTIALS_REFUSED = frozenset(
    {
        "AuthFailure",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "NoCredentialsError",
        "PartialCredentialsError",
        "CredentialRetrievalError",
    }
)


class NothingCollected(InputError):
    """Not one kind could be collected anywhere: no verdict can be given (exit 2)."""


def is_unsupported(message: str) -> bool:
    return message.startswith(UNSUPPORTED_PREFIX)


def is_failure(kind: str, message: str) -> bool:
    """Does this ``Errors`` entry leave data missing? Not when the endpoint lacks an API whose
    absence is itself the answer (``UNSUPPORTED_MEANS_ABSENT``)."""
    return not (kind in UNSUPPORTED_MEANS_ABSENT and is_unsupported(message))


class CallCounts(Protocol):
    """What ``summarize`` reads of a live run's calls (``collect.CallLog``)."""

    @property
    def by_where(self) -> Mapping[str, Sequence[int]]: ...  # "account/region" -> [calls, retries, throttled]
    @property
    def total(self) -> int: ...
    @property
    def total_retries(self) -> int: ...
    @property
    def total_throttled(self) -> int: ...


def summarize(
    snapshot: Snapshot, calls: CallCounts | None = None, account_of: Callable[[str], str] | None = None
) -> CollectionSummary:
    """The ``collection`` section of ``snapshot``; ``calls`` (a ``collect.CallLog``) when it was
    collected live by this run. ``account_of``: how the snapshot names an account the calls were
    made in (``--redact`` masks it in the snapshot, not in the call log)."""
    by_where = dict(calls.by_where) if calls is not None else {}
    if account_of is not None:
        by_where = {_renamed(where, account_of): counts for where, counts in by_where.items()}
    regions = []
    for rd in sorted(snapshot.regions, key=lambda r: (r.account_id or "-", r.region)):
        account = rd.account_id or "-"
        counts: Sequence[int | None] = (
            (by_where.get(f"{account}/{rd.region}") or [0, 0, 0]) if calls is not None else [None, None, None]
        )
        failures = {k: m for k, m in rd.errors.items() if is_failure(k, m)}
        unsupported = {k: m for k, m in rd.errors.items() if not is_failure(k, m)}
        regions.append(
            RegionCollection(
                account,
                rd.region,
                counts[0],
                counts[1],
                counts[2],
                failures=failures,
                unsupported=unsupported,
            )
        )
    accounts = {
        account_id: {step: str(msg) for step, msg in (body.get("Errors") or {}).items()}
        for account_id, body in (snapshot.raw.get("accounts") or {}).items()
        if body.get("Errors")
    }
    return CollectionSummary(
        live=calls is not None,
        calls=calls.total if calls is not None else None,
        retries=calls.total_retries if calls is not None else None,
        throttled=calls.total_throttled if calls is not None else None,
        regions=tuple(regions),
        accounts=accounts,
    )


def collected_anything(data: JsonDict, kinds: tuple[str, ...]) -> bool:
    """True when at least one of ``kinds`` was collected in some account's region of ``data``
    (a snapshot dict, either form)."""
    accounts = data.get("accounts") or {"-": data}
    return any(
        kind in body and kind not in (body.get("Errors") or {})
        for account in accounts.values()
        for body in (account.get("regions") or {}).values()
        for kind in kinds
    )


class FailedCall(Protocol):
    """What ``nothing_collected`` reads of a failed call (``collect.CallFailure``)."""

    @property
    def operation(self) -> str: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def message(self) -> str: ...


def nothing_collected(failures: Sequence[FailedCall]) -> NothingCollected:
    """The one-line error for a run that collected nothing, naming the cause and the endpoint,
    from the calls that failed (``collect.CallFailure``; the most frequent reason wins)."""
    if not failures:
        return NothingCollected("nothing was collected: no region could be read")
    reason, _ = Counter(f.reason for f in failures).most_common(1)[0]
    first = next(f for f in failures if f.reason == reason)
    if reason in _UNREACHABLE:
        cause = f"could not reach {first.endpoint} ({reason})"
    elif reason in _CREDENTIALS_REFUSED:
        cause = f"{first.endpoint} refused the credentials ({reason}: {first.message})"
    elif reason in ("AccessDenied", "UnauthorizedOperation", "AccessDeniedException"):
        cause = (
            f"{first.endpoint} denied {first.operation} ({reason}); grant the actions of "
            "`fargate-netcheck iam-policy`"
        )
    else:
        cause = f"every call to {first.endpoint} failed ({reason}: {first.message})"
    return NothingCollected(f"{cause}: nothing was collected")


def _renamed(where: str, account: Callable[[str], str]) -> str:
    """``account/region`` with the account as the snapshot names it (``-``: none)."""
    account_id, _, region = where.partition("/")
    return f"{account(account_id) if account_id != '-' else account_id}/{region}"
