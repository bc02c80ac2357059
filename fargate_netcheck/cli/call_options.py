"""The command-line options that bound live AWS calls, shared by ``scan`` and ``check``.

Declared once here so each command adds four parameters and nothing else; they become a
``CallSettings`` (fargate_netcheck.core.call_settings), validated before any call is made.
"""

from __future__ import annotations

from typing import Annotated

import typer

from fargate_netcheck.core.call_settings import CONNECT_TIMEOUT_S, READ_TIMEOUT_S, CallSettings

ConnectTimeoutOpt = Annotated[
    float, typer.Option(help="Seconds to wait for a connection to an AWS endpoint.", min=0.001)
]
ReadTimeoutOpt = Annotated[float, typer.Option(help="Seconds to wait for each answer.", min=0.001)]
MaxAttemptsOpt = Annotated[
    int | None,
    typer.Option(
        help="Attempts per call, retries included (default: AWS_MAX_ATTEMPTS or the profile's "
        "max_attempts, else 11; AWS_RETRY_MODE chooses the retry mode, default adaptive).",
        min=1,
    ),
]
RegionDeadlineOpt = Annotated[
    float | None,
    typer.Option(
        help="Seconds one account's region may take; what is unfinished then is recorded as timed out.",
        min=0.001,
    ),
]

DEFAULT_CONNECT_TIMEOUT = CONNECT_TIMEOUT_S
DEFAULT_READ_TIMEOUT = READ_TIMEOUT_S


def call_settings(
    connect_timeout: float, read_timeout: float, max_attempts: int | None, region_deadline: float | None
) -> CallSettings:
    return CallSettings(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        max_attempts=max_attempts,
        region_deadline=region_deadline,
    )
