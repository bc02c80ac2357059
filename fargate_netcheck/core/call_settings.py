"""How long each AWS call may take and how often it is tried: the command line's
``--connect-timeout``, ``--read-timeout``, ``--max-attempts`` and ``--region-deadline``, with
botocore's own ``AWS_MAX_ATTEMPTS``/``AWS_RETRY_MODE`` (or the profile's ``max_attempts``/
``retry_mode``) honoured when the user set them. No boto3 import: the CLI builds these before any
call is made.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from fargate_netcheck.core.errors import InputError

# max_attempts: in all, the first try included (as AWS_MAX_ATTEMPTS): ten retries after it.
RETRIES = {"mode": "adaptive", "max_attempts": 11}
RETRY_MODES = ("legacy", "standard", "adaptive")
# botocore waits 60 s by default for a connection and for each read, and retries timeouts like
# throttling: a region whose endpoint hangs would hold an unattended scan for ten minutes per call.
# Describe pages answer in well under a second; these bounds still allow a slow link.
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
# Upper bounds far past any useful value, so an absurd one is a usage error (exit 2), never an
# overflow in the deadline's clock arithmetic or a run that retries for days.
MAX_SECONDS = {"connect_timeout": 3600.0, "read_timeout": 3600.0, "region_deadline": 86400.0}
MAX_ATTEMPTS = 100


@dataclass(frozen=True, slots=True)
class CallSettings:
    """How long each call may take and how often it is tried.

    ``max_attempts``/``retry_mode`` None: botocore's own settings when the user made them
    (``AWS_MAX_ATTEMPTS``/``AWS_RETRY_MODE``, or ``max_attempts``/``retry_mode`` in the profile),
    else ``RETRIES``. ``region_deadline`` (seconds): how long one account's region may take in all;
    what is unfinished then is recorded as timed out and the run goes on."""

    connect_timeout: float = CONNECT_TIMEOUT_S
    read_timeout: float = READ_TIMEOUT_S
    max_attempts: int | None = None
    retry_mode: str | None = None
    region_deadline: float | None = None

    def __post_init__(self) -> None:
        for name, most in MAX_SECONDS.items():
            value = getattr(self, name)
            if value is not None and not 0 < value <= most:
                raise InputError(
                    f"--{name.replace('_', '-')}: {value} is not a number of seconds from 0 to {most:g}"
                )
        if self.max_attempts is not None and not 1 <= self.max_attempts <= MAX_ATTEMPTS:
            raise InputError(f"--max-attempts: {self.max_attempts} must be from 1 to {MAX_ATTEMPTS}")

    def retries(self, session: Any) -> dict[str, Any]:
        """botocore's ``retries`` for ``session``: these settings, else the user's, else ``RETRIES``."""
        scoped = _scoped_config(session)
        mode = self.retry_mode or os.environ.get("AWS_RETRY_MODE") or scoped.get("retry_mode")
        if mode is not None and mode not in RETRY_MODES:
            raise InputError(
                f"AWS_RETRY_MODE (or retry_mode): {mode!r} is not one of {', '.join(RETRY_MODES)}"
            )
        attempts: Any = self.max_attempts
        if attempts is None:
            attempts = os.environ.get("AWS_MAX_ATTEMPTS") or scoped.get("max_attempts")
        try:
            attempts = RETRIES["max_attempts"] if attempts is None else int(attempts)
        except ValueError:
            raise InputError(
                f"AWS_MAX_ATTEMPTS (or max_attempts): {attempts!r} is not a whole number"
            ) from None
        if not 1 <= attempts <= MAX_ATTEMPTS:
            raise InputError(
                f"AWS_MAX_ATTEMPTS (or max_attempts): {attempts} must be from 1 to {MAX_ATTEMPTS}"
            )
        return {"mode": mode or RETRIES["mode"], "total_max_attempts": attempts}


def _scoped_config(session: Any) -> dict[str, Any]:
    """The profile's settings in the AWS config file ({} when there are none or it cannot be read)."""
    from botocore.exceptions import BotoCoreError

    try:
        return dict(session._session.get_scoped_config())  # boto3 exposes no public accessor
    except (BotoCoreError, AttributeError):
        return {}
