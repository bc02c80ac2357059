"""Small helpers shared by the collectors: paginate a call (with botocore's paginator, or on
``NextToken`` by hand where botocore has none), keep items JSON-ready, run independent calls on a
bounded thread pool and record each failure under an ``Errors`` key.

One endpoint's bad answer is one recorded failure, never the end of the run: an answer botocore
cannot parse, or one without the list the call documents, is ``UnexpectedShape``; a call still
paging after ``MAX_PAGES`` pages (a ``NextToken`` that never ends) is ``Truncated``; and a job's
paging stops once its region's deadline has passed (``DeadlineExceeded``, recorded as timed out)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from itertools import count
from typing import Any, TypeVar

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError
from urllib3.exceptions import HTTPError as Urllib3Error

from fargate_netcheck.collect.session import ReadOnlyViolation
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.collection import TIMED_OUT_PREFIX, UNSUPPORTED_PREFIX
from fargate_netcheck.snapshot.fast_check import ItemChecker
from fargate_netcheck.snapshot.schema import ID_FIELDS, validate_item

SNAPSHOT_VERSION = 1  # the snapshot format the collectors write (docs/snapshot-format.md)
# Pages of one call: far above any real account (10,000 pages of up to 1,000 items). A call still
# offering a NextToken after that many is a token that never ends: ``Truncated``.
MAX_PAGES = 10_000

# Error codes AWS and emulators answer for an action they do not implement (recorded with
# ``UNSUPPORTED_PREFIX``: see fargate_netcheck.snapshot.collection).
UNSUPPORTED_CODES = frozenset({"InvalidAction", "UnsupportedOperation", "NotImplemented"})


def utc_now() -> str:
    """The snapshot's ``collected_at``: UTC, to the second, ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Truncated(Exception):
    """A call returned only part of the data and offers no way to page on."""


class Unsupported(Exception):
    """The installed botocore does not know the operation (an API newer than it): nothing was sent."""


class UnexpectedShape(Exception):
    """A response that botocore could not parse, or that parsed but not into the shape the API
    documents (a list that is not a list, a list key missing...)."""


class DeadlineExceeded(Exception):
    """The region's deadline passed while a call was still paging: the items so far are not all."""


# What a collector records and carries on from: anything botocore, the HTTP stack (urllib3, sockets,
# TLS: ``ssl.SSLError`` is an ``OSError``) or an odd answer can raise for one call. A bug in the
# collector and ``ReadOnlyViolation`` are none of these: they propagate.
COLLECT_ERRORS = (
    ClientError,
    BotoCoreError,
    ResponseParserError,
    Urllib3Error,
    OSError,
    Truncated,
    Unsupported,
    UnexpectedShape,
    DeadlineExceeded,
    NotImplementedError,  # an in-process endpoint (moto's mock_aws) lacking the action
)


def is_unsupported(exc: BaseException) -> bool:
    """True when the endpoint says it does not implement the action (an error code of
    ``UNSUPPORTED_CODES``, or HTTP 501). An HTML error page (a proxy's 500) is not such an answer."""
    if isinstance(exc, NotImplementedError):
        return True
    if not isinstance(exc, ClientError):
        return False
    code = exc.response.get("Error", {}).get("Code")
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in UNSUPPORTED_CODES or status == 501


def error_text(exc: BaseException) -> str:
    """``"<Code>: <message>"`` for the snapshot's ``Errors``; ``UNSUPPORTED_PREFIX`` first when the
    endpoint does not implement the action. One line: an HTML page in a message is cut short."""
    if isinstance(exc, DeadlineExceeded):
        return TIMED_OUT
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        text = f"{err.get('Code') or 'ClientError'}: {err.get('Message') or exc}"
        return one_line(f"{UNSUPPORTED_PREFIX}{text}" if is_unsupported(exc) else text)
    text = f"{type(exc).__name__}: {exc}"
    return one_line(f"{UNSUPPORTED_PREFIX}{text}" if is_unsupported(exc) else text)


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line (whitespace runs as one space), at most ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else f"{flat[: limit - 1]}…"


def items_of(page: Any, result_key: str, operation: str) -> list[Any]:
    """``page[result_key]`` checked to be a list; else ``UnexpectedShape``. Absent is not "none":
    AWS sends the list of every answer, empty or not (EC2's empty ``<vpcSet/>`` parses to ``[]``),
    so an answer without it is not the answer the API documents. (Items are objects or ids
    depending on the call: callers check those.)"""
    if not isinstance(page, dict):
        raise UnexpectedShape(f"{operation}: the response is a {type(page).__name__}, not an object")
    if result_key not in page:
        raise UnexpectedShape(f"{operation}: the response has no {result_key}")
    found = page[result_key]
    if not isinstance(found, list):
        raise UnexpectedShape(f"{operation}: {result_key} is not a list")
    return found


def objects(items: list[Any], operation: str, result_key: str, *fields: str) -> list[JsonDict]:
    """``items`` (of ``result_key``), each checked to be an object with a non-empty string for each
    of ``fields`` (the ids the collector reads); else ``UnexpectedShape``."""
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise UnexpectedShape(f"{operation}: {result_key}[{i}] is not an object")
        for field in fields:
            if not isinstance(item.get(field), str) or not item[field]:
                raise UnexpectedShape(f"{operation}: {result_key}[{i}] has no {field}")
    return items


def checked_items(key: str, operation: str, result_key: str, items: list[Any]) -> list[JsonDict]:
    """``items`` for the snapshot's ``key``, each checked as the snapshot load checks it (an object
    with its id, fields of the right type): items it would refuse make the call ``UnexpectedShape``,
    recorded in ``Errors`` like any failed call, rather than failing the load of the whole collection."""
    checker = ItemChecker()
    id_field = ID_FIELDS[key]
    for item in objects(items, operation, result_key, id_field):
        if not checker.fits(key, item):
            try:
                validate_item(key, item, f"{operation}: {item[id_field]}")
            except InputError as exc:
                raise UnexpectedShape(str(exc)) from None
    return items


def jsonable(value: Any) -> Any:
    """``value`` with datetimes as ISO 8601 strings (as the AWS CLI prints them); all else verbatim."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


Answer = TypeVar("Answer")

# The deadline (a ``time.monotonic()`` value) of the job running on this thread: ``run_jobs`` sets it.
_DEADLINE: ContextVar[float | None] = ContextVar("fargate_netcheck_job_deadline", default=None)


def answer(operation: str, send: Callable[[], Answer]) -> Answer:
    """``send()``: one request of ``operation`` through botocore. What botocore raises reading a
    malformed answer (its parsers raise ``ValueError``, ``AttributeError``, ``RuntimeError``... on
    a field of the wrong type) is ``UnexpectedShape``; botocore's and the HTTP stack's own errors
    and ``ReadOnlyViolation`` are raised as they are."""
    try:
        return send()
    except (*COLLECT_ERRORS, ReadOnlyViolation):
        raise
    except Exception as exc:
        raise UnexpectedShape(
            f"{operation}: the response could not be parsed ({type(exc).__name__}: {exc})"
        ) from exc


def within_deadline(operation: str, pages: int) -> None:
    """Before asking for another page of ``operation`` after ``pages`` pages: ``DeadlineExceeded``
    once the job's deadline has passed (a worker ``run_jobs`` no longer waits for stops paging)."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() >= deadline:
        raise DeadlineExceeded(f"{operation}: the region's deadline passed after {pages} pages")


def too_many_pages(operation: str) -> Truncated:
    """A call with more than ``MAX_PAGES`` pages: a NextToken that never ends would page for ever."""
    return Truncated(
        f"{operation}: more than {MAX_PAGES} pages (a NextToken that never ends?); "
        "the items so far are not the whole list"
    )


def pages_of(client: Any, operation: str, **params: Any) -> Iterator[Any]:
    """Each page of ``operation`` (API name, e.g. DescribeVpcs) from botocore's paginator, as
    parsed (see ``answer``), at most ``MAX_PAGES`` of them, none past the job's deadline.

    ``Truncated``: a page token that comes back after others (A, B, A: botocore notices only one
    repeated on the very next page), which would page for ever; and a last page that says more
    follow (``IsTruncated``) but gives no marker to ask for them (botocore just stops there)."""
    iterator = client.get_paginator(xform_name(operation)).paginate(**params)
    pages = iter(iterator)
    seen: set[str] = set()
    last: Any = None
    for number in count(1):
        if number > 1:
            within_deadline(operation, number - 1)
        page = answer(operation, partial(next, pages, None))
        if page is None:
            if isinstance(last, dict) and last.get("IsTruncated") is True:
                raise Truncated(f"{operation}: the last page says more follow but gives no marker")
            return
        if number > MAX_PAGES:
            raise too_many_pages(operation)
        token = _next_token(iterator, page)
        if token is not None:
            if token in seen:
                raise Truncated(f"{operation}: page token {token} came back after {number} pages")
            seen.add(token)
        last = page
        yield page


def _next_token(iterator: Any, page: Any) -> str | None:
    """The token botocore's ``iterator`` asks the next page with after ``page`` (None: none, or a
    botocore without the method). Read with the paginator's own output-token expressions."""
    get = getattr(iterator, "_get_next_token", None)
    if get is None or not isinstance(page, dict):
        return None
    try:
        tokens = get(page)
    except Exception:  # an odd page is for items_of to refuse, not this check
        return None
    values = sorted((k, repr(v)) for k, v in (tokens or {}).items() if v is not None)
    return repr(values) if values else None


def paginate(client: Any, operation: str, result_key: str, **params: Any) -> list[Any]:
    """Every item of ``result_key`` over all pages of ``operation`` (API name, e.g. DescribeVpcs)."""
    items: list[JsonDict] = []
    for page in pages_of(client, operation, **params):
        items.extend(items_of(page, result_key, operation))
    return jsonable(items)


def paginate_tokens(client: Any, operation: str, result_key: str, **params: Any) -> list[JsonDict]:
    """``paginate`` for an operation botocore has no paginator for: call again with each
    ``NextToken`` until a page has none. A token that comes back twice, or more than ``MAX_PAGES``
    pages, would loop for ever and the items so far are not the whole list: ``Truncated``."""
    items: list[JsonDict] = []
    seen: set[str] = set()
    token: str | None = None
    pages = 0
    while True:
        if pages:
            within_deadline(operation, pages)
        page = call(client, operation, **params, **({"NextToken": token} if token else {}))
        pages += 1
        items.extend(items_of(page, result_key, operation))
        token = page.get("NextToken")
        if not token:
            return items
        if token in seen:
            raise Truncated(f"{operation}: NextToken {token!r} came back twice after {len(items)} items")
        if pages >= MAX_PAGES:
            raise too_many_pages(operation)
        seen.add(token)


def require_operation(client: Any, operation: str) -> None:
    """``Unsupported`` (recorded, not a crash) when the installed botocore does not know ``operation``:
    an API newer than the botocore that boto3's lower bound allows."""
    model = client.meta.service_model
    if operation not in model.operation_names:
        raise Unsupported(f"{model.service_name}:{operation} is not in this botocore's model: upgrade boto3")


def call(client: Any, operation: str, **params: Any) -> JsonDict:
    """One unpaginated call; the response without botocore's ``ResponseMetadata``, JSON-ready."""
    method = getattr(client, xform_name(operation))
    response = answer(operation, partial(method, **params))
    if not isinstance(response, dict):
        raise UnexpectedShape(f"{operation}: the response is a {type(response).__name__}, not an object")
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


# A response whose items lack what the collector reads (an id, an object where a list was promised)
# surfaces as one of these while it is stored: recorded as an unexpected shape, like the checks above.
SHAPE_ERRORS = (KeyError, TypeError, AttributeError, ValueError, IndexError)


def failure_text(exc: BaseException) -> str:
    """What ``Errors`` records for a failed job (see ``error_text``)."""
    if isinstance(exc, SHAPE_ERRORS):
        return one_line(
            f"UnexpectedShape: the response lacks what was expected ({type(exc).__name__}: {exc})"
        )
    return error_text(exc)


def run_jobs(
    jobs: Sequence[Job], errors: dict[str, str], max_workers: int, deadline: float | None = None
) -> set[str]:
    """Run ``jobs`` (in parallel when ``max_workers`` > 1), store results in submission order, and
    record the first failure per error key in ``errors``. Returns the error keys that failed.

    ``deadline`` (a ``time.monotonic()`` value): jobs not finished by then are recorded as timed
    out (``TIMED_OUT_PREFIX``) and not waited for; a call already sent ends on its own, within the
    client's read timeout and retries."""
    failed: set[str] = set()

    def fail(job: Job, text: str) -> None:
        failed.add(job.error_key)
        errors.setdefault(job.error_key, text)

    def settle(job: Job, outcome: Callable[[], Any]) -> None:
        try:
            job.store(outcome())
        except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
            fail(job, failure_text(exc))

    def expired() -> bool:
        return deadline is not None and time.monotonic() >= deadline

    if not jobs:
        return failed
    if max_workers <= 1 or (len(jobs) == 1 and deadline is None):
        # In order, on this thread (what botocore's Stubber needs); a lone job with a deadline
        # runs on a worker so as not to wait for it past the deadline.
        for job in jobs:
            if expired():
                fail(job, TIMED_OUT)
            else:
                settle(job, partial(_until, deadline, job.fetch))
        return failed
    pool = ThreadPoolExecutor(max_workers=min(max_workers, len(jobs)))
    try:
        futures = [pool.submit(_until, deadline, job.fetch) for job in jobs]
        for job, future in zip(jobs, futures, strict=True):
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not wait([future], timeout=left).done:
                fail(job, TIMED_OUT)
                continue
            settle(job, future.result)
    finally:
        # Never wait for calls past the deadline: they end on their own (read timeout, retries).
        pool.shutdown(wait=deadline is None, cancel_futures=True)
    return failed


def _until(deadline: float | None, fetch: Callable[[], Any]) -> Any:
    """``fetch()`` with ``deadline`` as its job's deadline (``within_deadline`` reads it)."""
    token = _DEADLINE.set(deadline)
    try:
        return fetch()
    finally:
        _DEADLINE.reset(token)


def deadline_after(seconds: float | None) -> float | None:
    """The ``run_jobs`` deadline ``seconds`` from now (None: none)."""
    return None if seconds is None else time.monotonic() + seconds


TIMED_OUT = (
    f"{TIMED_OUT_PREFIX}DeadlineExceeded: not finished within the region's deadline (--region-deadline)"
)
