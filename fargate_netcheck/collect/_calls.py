"""Small helpers shared by the collectors: paginate a call (with botocore's paginator, or on
``NextToken`` by hand where botocore has none), keep items JSON-ready, run independent calls on a
bounded thread pool and record each failure under an ``Errors`` key."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

SNAPSHOT_VERSION = 1  # the snapshot format the collectors write (docs/snapshot-format.md)


def utc_now() -> str:
    """The snapshot's ``collected_at``: UTC, to the second, ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Truncated(Exception):
    """A call returned only part of the data and offers no way to page on."""


class Unsupported(Exception):
    """The installed botocore does not know the operation (an API newer than it): nothing was sent."""


# What a collector records and carries on from; anything else (a bug, ReadOnlyViolation) propagates.
COLLECT_ERRORS = (ClientError, BotoCoreError, Truncated, Unsupported)


def error_text(exc: BaseException) -> str:
    """``"<Code>: <message>"`` for the snapshot's ``Errors``."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{err.get('Code') or 'ClientError'}: {err.get('Message') or exc}"
    return f"{type(exc).__name__}: {exc}"


def jsonable(value: Any) -> Any:
    """``value`` with datetimes as ISO 8601 strings (as the AWS CLI prints them); all else verbatim."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def paginate(client: Any, operation: str, result_key: str, **params: Any) -> list[Any]:
    """Every item of ``result_key`` over all pages of ``operation`` (API name, e.g. DescribeVpcs)."""
    paginator = client.get_paginator(xform_name(operation))
    items: list[dict[str, Any]] = []
    for page in paginator.paginate(**params):
        items.extend(page.get(result_key, []))
    return jsonable(items)


def paginate_tokens(client: Any, operation: str, result_key: str, **params: Any) -> list[dict[str, Any]]:
    """``paginate`` for an operation botocore has no paginator for: call again with each
    ``NextToken`` until a page has none. A token that comes back twice would loop for ever and the
    items so far are not the whole list: ``Truncated``."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    token: str | None = None
    while True:
        page = call(client, operation, **params, **({"NextToken": token} if token else {}))
        items.extend(page.get(result_key, []))
        token = page.get("NextToken")
        if not token:
            return items
        if token in seen:
            raise Truncated(f"{operation}: NextToken {token!r} came back twice after {len(items)} items")
        seen.add(token)


def require_operation(client: Any, operation: str) -> None:
    """``Unsupported`` (recorded, not a crash) when the installed botocore does not know ``operation``:
    an API newer than the botocore that boto3's lower bound allows."""
    model = client.meta.service_model
    if operation not in model.operation_names:
        raise Unsupported(f"{model.service_name}:{operation} is not in this botocore's model: upgrade boto3")


def call(client: Any, operation: str, **params: Any) -> dict[str, Any]:
    """One unpaginated call; the response without botocore's ``ResponseMetadata``, JSON-ready."""
    response = getattr(client, xform_name(operation))(**params)
    response.pop("ResponseMetadata", None)
    return jsonable(response)


def chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


@dataclass(frozen=True, slots=True)
class Job:
    """One independent call: ``fetch`` runs on a worker thread; ``store`` puts its result in place
    on the calling thread; a failure is recorded under ``error_key`` instead."""

    error_key: str
    fetch: Callable[[], Any]
    store: Callable[[Any], None]


def run_jobs(jobs: Sequence[Job], errors: dict[str, str], max_workers: int) -> set[str]:
    """Run ``jobs`` (in parallel when ``max_workers`` > 1), store results in submission order, and
    record the first failure per error key in ``errors``. Returns the error keys that failed."""
    failed: set[str] = set()

    def settle(job: Job, outcome: Callable[[], Any]) -> None:
        try:
            result = outcome()
        except COLLECT_ERRORS as exc:
            failed.add(job.error_key)
            errors.setdefault(job.error_key, error_text(exc))
        else:
            job.store(result)

    if max_workers <= 1 or len(jobs) <= 1:
        for job in jobs:  # in order, on this thread: what botocore's Stubber needs
            settle(job, job.fetch)
        return failed
    with ThreadPoolExecutor(max_workers=min(max_workers, len(jobs))) as pool:
        futures = [pool.submit(job.fetch) for job in jobs]
        for job, future in zip(jobs, futures, strict=True):
            settle(job, future.result)
    return failed
