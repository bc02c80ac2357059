"""Small helpers of the command line: option parsing, and the AWS context of a live run.

Kept apart from ``cli`` so the command definitions stay short. Nothing here imports boto3 until a
live call is really made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fargate_netcheck.errors import InputError
from fargate_netcheck.model import Severity
from fargate_netcheck.snapshot import Snapshot


def codes(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in value.split(",") if c.strip()) if value else ()


def severity(value: str, option: str) -> Severity:
    try:
        return Severity(value.lower())
    except ValueError:
        raise InputError(f"{option}: {value!r} is not one of error, warning, info") from None


def destination(value: str):
    from fargate_netcheck.trace import Destination

    try:
        return Destination.of(value)
    except ValueError:
        raise InputError(f"--destination: {value!r} is not a CIDR block") from None


def port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise InputError(f"--port: {value} is not a TCP port")
    return value


@dataclass(slots=True)
class Aws:
    """The live AWS side of a run: one guarded session, clients made on first use."""

    regions: list[str]
    profile: str | None
    _session: Any = None
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def session(self) -> Any:
        if self._session is None:
            from fargate_netcheck.collect.session import make_session

            self._session = make_session(self.profile)
        return self._session

    def region(self) -> str:
        if self.regions:
            return self.regions[0]
        name = self.session().region_name
        if not name:
            raise InputError("no region: pass --region or set AWS_REGION")
        return name

    def client(self, service: str, region: str | None = None) -> Any:
        from fargate_netcheck.collect.session import client

        key = (service, region or self.region())
        if key not in self._clients:
            self._clients[key] = client(self.session(), service, key[1])
        return self._clients[key]


def load_or_collect(snapshot: Path | None, aws: Aws) -> Snapshot:
    from fargate_netcheck.snapshot import load_snapshot, parse_snapshot

    if snapshot is not None:
        return load_snapshot(snapshot)
    from fargate_netcheck.collect import collect

    data, _ = collect(aws.regions, aws.profile, session=aws.session())
    return parse_snapshot(data, "live collection")
