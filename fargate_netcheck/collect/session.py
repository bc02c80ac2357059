"""boto3 sessions and clients for collecting: read-only by construction, retried, counted.

``make_session`` installs a guard on the session's event system: every client made from it (ours,
another collector's, even the clients botocore makes to resolve credentials) refuses, before its
parameters are built (so nothing is sent), any operation that is not one the collectors declare
(``collect.iam``: exactly what the shipped IAM policies grant) or one of the credential exchanges
botocore itself performs. A name prefix is no proof: some Get calls create things
(``cognito-identity:GetId``, ``redshift:GetClusterCredentials``).
``CallLog`` counts the API calls a collection makes, per ``service:Operation``, with their time and
the retries botocore made for them, and logs each call and each retry on the ``fargate_netcheck``
logger (INFO; ``progress.configure_logging`` shows them with ``-v``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ProfileNotFound
from botocore.retries.standard import RetryEventAdapter, ThrottlingErrorDetector

from fargate_netcheck.core.call_settings import CallSettings
from fargate_netcheck.core.errors import InputError

# Operations no collector declares that botocore performs itself to obtain credentials, through
# clients made from the guarded session: assuming a profile's role (also declared, for
# --accounts), web identity and SAML federation, IAM Identity Center (SSO) role credentials and
# token refresh, and the refresh of `aws login` credentials. None changes anything in an account.
CREDENTIAL_OPERATIONS = frozenset(
    {
        "sts:AssumeRole",
        "sts:AssumeRoleWithWebIdentity",
        "sts:AssumeRoleWithSAML",
        "sso:GetRoleCredentials",
        "sso-oidc:CreateToken",
        "signin:CreateOAuth2Token",
    }
)

_GUARD_ID = "fargate-netcheck-read-only-guard"
_START_KEY = "fargate_netcheck_call_started"
_OPERATION_KEY = "fargate_netcheck_operation"
_FAILURE_KEY = "fargate_netcheck_last_failure"

log = logging.getLogger("fargate_netcheck.collect")


class ReadOnlyViolation(Exception):
    """A non-read operation was attempted through a guarded session or client; nothing was sent."""


@cache
def allowed_operations() -> frozenset[str]:
    """``service:Operation`` names the guard lets through: every action a collector or the
    management side declares, and ``CREDENTIAL_OPERATIONS`` (read once, on the first call)."""
    from fargate_netcheck.collect.iam import COLLECTOR_MODULES, MANAGEMENT_MODULES, declared_actions

    return frozenset(declared_actions(COLLECTOR_MODULES + MANAGEMENT_MODULES)) | CREDENTIAL_OPERATIONS


def is_read_only(service: str, operation: str) -> bool:
    """True when ``service:operation`` may be called: declared by a collector, or a credential exchange."""
    return f"{service}:{operation}" in allowed_operations()


def _refuse_writes(model: Any, **_: Any) -> None:
    service = model.service_model.service_name
    if not is_read_only(service, model.name):
        raise ReadOnlyViolation(f"{service}:{model.name} refused: fargate-netcheck is read-only")


def install_read_only_guard(events: Any) -> None:
    """Register the guard on a botocore event system (a session's or a client's). Idempotent."""
    events.register("before-parameter-build", _refuse_writes, unique_id=_GUARD_ID)


def make_session(profile: str | None) -> boto3.Session:
    """A boto3 session on the standard credential chain (``profile`` if given), guarded read-only."""
    try:
        session = boto3.Session(profile_name=profile)
    except ProfileNotFound:
        raise InputError(f"{profile}: AWS profile not found") from None
    install_read_only_guard(session.events)
    return session


def client(
    session: boto3.Session,
    service: str,
    region: str,
    *,
    pool_size: int = 10,
    settings: CallSettings | None = None,
) -> Any:
    """A guarded client with the retries and timeouts of ``settings`` (default ``CallSettings()``).
    ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_<SERVICE>``) are honoured by botocore itself.
    ``pool_size`` should cover the threads sharing the client."""
    settings = settings or CallSettings()
    config = Config(
        retries=settings.retries(session),
        max_pool_connections=max(pool_size, 10),
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
    )
    install_read_only_guard(session.events)  # a session not made by make_session is guarded too
    made = session.client(service, region_name=region, config=config)
    install_read_only_guard(made.meta.events)
    return made


@dataclass(frozen=True, slots=True)
class CallFailure:
    """One API call that failed (after botocore's retries): where, what, and why."""

    where: str  # the label the client was attached with ("<account>/<region>", "caller")
    operation: str  # service:Operation
    endpoint: str  # the URL the client sends to
    reason: str  # the error code, or the exception's class (EndpointConnectionError, ...)
    message: str


@dataclass(slots=True)
class CallLog:
    """API calls made through the clients attached to it: count and total seconds per
    ``service:Operation`` (one logical call each, however many retries it took), and the retries
    botocore made: every one in ``retries``, those answering a throttling error in ``throttled``;
    the same three counts per ``where`` label in ``by_where``, and each failed call in ``failures``.
    Thread-safe."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    retries: dict[str, int] = field(default_factory=dict)
    throttled: dict[str, int] = field(default_factory=dict)
    by_where: dict[str, list[int]] = field(default_factory=dict)  # where -> [calls, retries, throttled]
    failures: list[CallFailure] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _throttling: ThrottlingErrorDetector = field(
        default_factory=lambda: ThrottlingErrorDetector(RetryEventAdapter()), repr=False, compare=False
    )

    def attach(self, made_client: Any, where: str = "") -> None:
        """Count every call ``made_client`` makes from now on (calls refused by the guard are not made).
        ``where`` (e.g. ``"111111111111/us-east-1"``) labels its calls in the log."""
        events = made_client.meta.events
        tag = f"fargate-netcheck-call-log-{id(self)}"
        done = partial(self._finished, where, made_client.meta.endpoint_url)
        events.register("before-parameter-build", self._started, unique_id=f"{tag}-start")
        events.register("after-call", done, unique_id=f"{tag}-done")
        events.register("after-call-error", done, unique_id=f"{tag}-error")
        events.register("needs-retry", self._attempt_failed, unique_id=f"{tag}-attempt")
        events.register("request-created", partial(self._retrying, where), unique_id=f"{tag}-retry")

    def record(self, operation: str, seconds: float, where: str = "") -> None:
        with self._lock:
            self.counts[operation] = self.counts.get(operation, 0) + 1
            self.seconds[operation] = self.seconds.get(operation, 0.0) + seconds
            self.by_where.setdefault(where, [0, 0, 0])[0] += 1

    def record_retry(self, operation: str, throttled: bool, where: str = "") -> None:
        with self._lock:
            self.retries[operation] = self.retries.get(operation, 0) + 1
            counts = self.by_where.setdefault(where, [0, 0, 0])
            counts[1] += 1
            if throttled:
                self.throttled[operation] = self.throttled.get(operation, 0) + 1
                counts[2] += 1

    def record_failure(self, failure: CallFailure) -> None:
        with self._lock:
            self.failures.append(failure)

    @property
    def total_throttled(self) -> int:
        with self._lock:
            return sum(self.throttled.values())

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    @property
    def total_seconds(self) -> float:
        with self._lock:
            return sum(self.seconds.values())

    @property
    def total_retries(self) -> int:
        with self._lock:
            return sum(self.retries.values())

    def rows(self) -> list[tuple[str, int, float]]:
        """(operation, count, seconds), sorted by operation."""
        with self._lock:
            return [(op, self.counts[op], self.seconds.get(op, 0.0)) for op in sorted(self.counts)]

    def _started(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        context[_START_KEY] = time.perf_counter()
        context[_OPERATION_KEY] = _operation(model)

    def _finished(
        self, where: str, endpoint: str, *, context: dict[str, Any], model: Any = None, **kwargs: Any
    ) -> None:
        """``after-call``, or ``after-call-error`` (the request raised: no response, and botocore
        passes no ``model``, so the operation is the one ``_started`` noted)."""
        started = context.get(_START_KEY)
        elapsed = time.perf_counter() - started if started is not None else 0.0
        operation = _operation(model) if model is not None else context.get(_OPERATION_KEY, "unknown")
        self.record(operation, elapsed, where)
        failure = _failure(kwargs)
        if failure is not None:
            self.record_failure(CallFailure(where, operation, endpoint, *failure))
        if log.isEnabledFor(logging.INFO):
            log.info("%s %s %.0f ms%s", operation, where or "-", elapsed * 1000, _outcome(kwargs))

    def _attempt_failed(self, request_dict: dict[str, Any], **kwargs: Any) -> None:
        """``needs-retry`` observer (runs after every attempt; returns None so botocore's own retry
        handler decides): remembers why the attempt failed, for the retry that may follow."""
        response: Any = kwargs.get("response")  # botocore's (http response, parsed) pair, or None
        exc = kwargs.get("caught_exception")
        failed = exc is not None or (response is not None and response[0].status_code >= 300)
        if failed:
            throttled = self._throttling.is_throttling_error(request_dict=request_dict, **kwargs)
            reason = type(exc).__name__ if exc is not None else _error_code(response[1])
            request_dict["context"][_FAILURE_KEY] = (reason, throttled)

    def _retrying(self, where: str, request: Any, operation_name: str, **_: Any) -> None:
        """``request-created`` for attempt 2 or later: botocore decided to retry; count and log it."""
        context = getattr(request, "context", None) or {}
        attempt = context.get("retries", {}).get("attempt", 1)
        if attempt < 2:
            return
        reason, throttled = context.get(_FAILURE_KEY, ("unknown", False))
        operation = context.get(_OPERATION_KEY, operation_name)
        self.record_retry(operation, throttled, where)
        log.info(
            "retry %d of %s %s after %s%s",
            attempt - 1,
            operation,
            where or "-",
            reason,
            " (throttled)" if throttled else "",
        )


def _operation(model: Any) -> str:
    return f"{model.service_model.service_name}:{model.name}"


def _error_code(parsed: Any) -> str:
    error = parsed.get("Error", {}) if isinstance(parsed, dict) else {}
    return error.get("Code") or "error"


def _failure(kwargs: dict[str, Any]) -> tuple[str, str] | None:
    """``(reason, message)`` of a call that failed, from ``after-call``/``after-call-error``."""
    exc = kwargs.get("exception")
    if exc is not None:
        return type(exc).__name__, " ".join(str(exc).split())[:300]
    http = kwargs.get("http_response")
    if http is not None and http.status_code >= 300:
        parsed = kwargs.get("parsed")
        error = parsed.get("Error", {}) if isinstance(parsed, dict) else {}
        return _error_code(parsed), " ".join(str(error.get("Message") or "").split())[:300]
    return None


def _outcome(kwargs: dict[str, Any]) -> str:
    exc = kwargs.get("exception")
    if exc is not None:
        return f" -> {type(exc).__name__}"
    http = kwargs.get("http_response")
    if http is not None and http.status_code >= 300:
        return f" -> {_error_code(kwargs.get('parsed'))}"
    return ""
