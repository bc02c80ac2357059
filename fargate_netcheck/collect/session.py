"""boto3 sessions and clients for collecting: read-only by construction, retried, counted.

``make_session`` installs a guard on the session's event system: every client made from it (ours,
another collector's, even the clients botocore makes to resolve credentials) refuses any operation
that is not a Describe/List/Get/Search call, before its parameters are built, so nothing is sent.
``CallLog`` counts the API calls a collection makes, per ``service:Operation``, with their time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ProfileNotFound

from fargate_netcheck.errors import InputError

READ_ONLY_PREFIXES = ("Describe", "List", "Get", "Search")

# Operations outside those prefixes that change nothing in the account: assuming a role across
# accounts, the credential exchanges botocore itself performs (web identity, SAML, SSO token refresh)
# through clients made from the guarded session, and CloudTrail's read-only event lookup (ecs.py).
ALLOWED_OPERATIONS = frozenset(
    {
        "cloudtrail:LookupEvents",
        "sts:AssumeRole",
        "sts:AssumeRoleWithWebIdentity",
        "sts:AssumeRoleWithSAML",
        "sso-oidc:CreateToken",
    }
)

RETRIES = {"mode": "adaptive", "max_attempts": 10}
_GUARD_ID = "fargate-netcheck-read-only-guard"
_START_KEY = "fargate_netcheck_call_started"


class ReadOnlyViolation(Exception):
    """A non-read operation was attempted through a guarded session or client; nothing was sent."""


def is_read_only(service: str, operation: str) -> bool:
    """True when ``service:operation`` may be called: a Describe/List/Get/Search call or allow-listed."""
    return operation.startswith(READ_ONLY_PREFIXES) or f"{service}:{operation}" in ALLOWED_OPERATIONS


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


def client(session: boto3.Session, service: str, region: str, *, pool_size: int = 10) -> Any:
    """A guarded client with adaptive retries. ``AWS_ENDPOINT_URL`` (and ``AWS_ENDPOINT_URL_<SERVICE>``)
    are honoured by botocore itself. ``pool_size`` should cover the threads sharing the client."""
    config = Config(retries=dict(RETRIES), max_pool_connections=max(pool_size, 10))
    install_read_only_guard(session.events)  # a session not made by make_session is guarded too
    made = session.client(service, region_name=region, config=config)
    install_read_only_guard(made.meta.events)
    return made


@dataclass(slots=True)
class CallLog:
    """API calls made through the clients attached to it: count and total seconds per
    ``service:Operation`` (one logical call each, however many retries it took). Thread-safe."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def attach(self, made_client: Any) -> None:
        """Count every call ``made_client`` makes from now on (calls refused by the guard are not made)."""
        events = made_client.meta.events
        tag = f"fargate-netcheck-call-log-{id(self)}"
        events.register("before-parameter-build", self._started, unique_id=f"{tag}-start")
        events.register("after-call", self._finished, unique_id=f"{tag}-done")
        events.register("after-call-error", self._finished, unique_id=f"{tag}-error")

    def record(self, operation: str, seconds: float) -> None:
        with self._lock:
            self.counts[operation] = self.counts.get(operation, 0) + 1
            self.seconds[operation] = self.seconds.get(operation, 0.0) + seconds

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    @property
    def total_seconds(self) -> float:
        with self._lock:
            return sum(self.seconds.values())

    def rows(self) -> list[tuple[str, int, float]]:
        """(operation, count, seconds), sorted by operation."""
        with self._lock:
            return [(op, self.counts[op], self.seconds.get(op, 0.0)) for op in sorted(self.counts)]

    def _started(self, context: dict[str, Any], **_: Any) -> None:
        context[_START_KEY] = time.perf_counter()

    def _finished(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        started = context.get(_START_KEY)
        elapsed = time.perf_counter() - started if started is not None else 0.0
        self.record(f"{model.service_model.service_name}:{model.name}", elapsed)
