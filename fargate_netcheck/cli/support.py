"""Small helpers of the command line: option parsing, the AWS context of a live run, and ``scan``.

Kept apart from ``cli.app`` so the command definitions stay short. Nothing here imports boto3 until a
live call is really made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fargate_netcheck.core.call_settings import CallSettings
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.gc_quiet import gc_quiet
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Severity
from fargate_netcheck.snapshot.store import Snapshot

if TYPE_CHECKING:  # imported where used: boto3 and the trace load only when a run needs them
    from fargate_netcheck.cli.redact import Redactor
    from fargate_netcheck.collect.session import CallLog
    from fargate_netcheck.trace import Destination


def codes(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in value.split(",") if c.strip()) if value else ()


def severity(value: str, option: str) -> Severity:
    try:
        return Severity(value.lower())
    except ValueError:
        raise InputError(f"{option}: {value!r} is not one of error, warning, info") from None


_SERVICE = re.compile(r"^aws:([A-Za-z0-9_+]+)(?::([a-z]{2}(?:-[a-z]+)+-\d+))?$")


def destination(value: str) -> Destination:
    """A CIDR block (several, comma-separated, of one family) or ``aws:SERVICE[:REGION]``: the
    addresses AWS publishes for a service (``aws:S3``; default region: each target's)."""
    from fargate_netcheck.trace import Destination

    if value.startswith("aws:"):
        found = _SERVICE.match(value)
        if found is None:
            raise InputError(f"--destination: {value!r} is not aws:SERVICE[:REGION] (e.g. aws:S3:us-east-1)")
        return Destination.aws(found.group(1).upper(), found.group(2))
    try:
        return Destination.of(value)
    except ValueError:
        raise InputError(f"--destination: {value!r} is not a CIDR block or aws:SERVICE[:REGION]") from None


def port(value: int) -> int:
    if not 1 <= value <= 65535:  # port 0 is reserved: nothing connects to it
        raise InputError(f"--port: {value} is not a TCP port (1-65535)")
    return value


@dataclass(slots=True)
class Aws:
    """The live AWS side of a run: one guarded session, clients made on first use with ``settings``;
    ``calls``, once a collection ran, the ``collect.CallLog`` of its calls, which then counts the
    calls of every client made here too (resolving ``--cluster``: ListServices, DescribeServices...)."""

    regions: list[str]
    profile: str | None
    settings: CallSettings = field(default_factory=CallSettings)
    calls: CallLog | None = None
    account_id: str | None = None  # the caller's account, once a collection read it
    _session: Any = None
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def count_calls(self, calls: CallLog, account_id: str | None) -> None:
        """From now on ``calls`` counts every client made here (those made already too), labelled
        ``<account>/<region>`` as the collection labels its own (``-``: account not known)."""
        self.calls, self.account_id = calls, account_id
        for (_, region), made in self._clients.items():
            calls.attach(made, self._where(region))

    def _where(self, region: str) -> str:
        return f"{self.account_id or '-'}/{region}"

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
            made = client(self.session(), service, key[1], settings=self.settings)
            if self.calls is not None:
                self.calls.attach(made, self._where(key[1]))
            self._clients[key] = made
        return self._clients[key]


@dataclass(frozen=True, slots=True)
class Scope:
    """What a live collection covers beyond the caller's regions: other accounts, every region."""

    accounts: tuple[str, ...] = ()
    organization: bool = False
    role_name: str = "fargate-netcheck-read"
    external_id: str | None = None
    all_regions: bool = False
    quiet: bool = False
    verbose: int = 0
    names: tuple[str, ...] = ()  # needed names (--need, config) whose private zone records are collected

    @property
    def many_accounts(self) -> bool:
        return bool(self.accounts or self.organization)

    @property
    def live_only(self) -> bool:
        return self.many_accounts or self.all_regions


def split_accounts(values: list[str]) -> tuple[str, ...]:
    ids = tuple(dict.fromkeys(a.strip() for v in values for a in v.split(",") if a.strip()))
    for account_id in ids:
        if not (account_id.isdigit() and len(account_id) == 12):
            raise InputError(f"--accounts: {account_id!r} is not a 12-digit AWS account id")
    return ids


def collect_live(aws: Aws, scope: Scope) -> tuple[JsonDict, CallLog]:
    """Collect a snapshot dict (and the call log, also kept in ``aws.calls``): one account, or many
    through an assumed role. A collection that got nothing at all raises ``NothingCollected``."""
    from fargate_netcheck.collect.ec2 import KINDS
    from fargate_netcheck.snapshot.collection import collected_anything, nothing_collected

    data, calls = _collect(aws, scope)
    aws.count_calls(calls, data.get("account_id"))  # one account (--cluster reads the caller's)
    if not collected_anything(data, tuple(kind.key for kind in KINDS)):
        raise nothing_collected(calls.failures)
    return data, calls


def _collect(aws: Aws, scope: Scope) -> tuple[JsonDict, CallLog]:
    from fargate_netcheck.collect import collect, collect_accounts
    from fargate_netcheck.core.progress import collection_progress, configure_logging

    configure_logging(scope.verbose)
    with collection_progress(quiet=scope.quiet) as progress:
        if scope.many_accounts:
            return collect_accounts(
                list(scope.accounts),
                organization=scope.organization,
                role_name=scope.role_name,
                external_id=scope.external_id,
                regions=aws.regions,
                all_regions=scope.all_regions,
                profile=aws.profile,
                progress=progress,
                session=aws.session(),
                settings=aws.settings,
                extra_names=scope.names,
            )
        return collect(
            aws.regions,
            aws.profile,
            session=aws.session(),
            all_regions=scope.all_regions,
            progress=progress,
            settings=aws.settings,
            extra_names=scope.names,
        )


def load_or_collect(
    snapshot: Path | None, aws: Aws, scope: Scope | None = None, redactor: Redactor | None = None
) -> Snapshot:
    """The snapshot a run analyses; with a ``redactor``, masked before anything reads it, so every
    report written from it is masked too (consistently: one id, one mask)."""
    from fargate_netcheck.snapshot.store import load_snapshot, parse_snapshot

    scope = scope or Scope()
    if snapshot is not None:
        if scope.live_only:
            raise InputError(
                "--snapshot reads a file: --accounts, --organization and --all-regions apply to live collection"
            )
        with gc_quiet():
            loaded = load_snapshot(snapshot)
        if redactor is None:
            return loaded
        return parse_snapshot(redactor.redact_snapshot(loaded.raw), loaded.source)
    data, _ = collect_live(aws, scope)
    if redactor is not None:
        data = redactor.redact_snapshot(data)
    return parse_snapshot(data, "live collection")


def scan_to_file(output: Path, aws: Aws, scope: Scope, redact: bool) -> tuple[str, int]:
    """``scan``: collect live, mask if asked, write the snapshot to ``output``. Returns the one-line
    summary and the exit code: 0 complete, 1 when some kind failed (its verdicts would be unknown).
    ``output`` is checked before any call; a snapshot that cannot be written after all is saved in
    the working directory (``output_paths.rescue``), never lost."""
    from fargate_netcheck.report.paths import check_writable, rescue
    from fargate_netcheck.snapshot.collection import is_failure
    from fargate_netcheck.snapshot.store import write_snapshot

    check_writable(output, "snapshot")
    data, calls = collect_live(aws, scope)
    if redact:
        from fargate_netcheck.cli.redact import Redactor

        data = Redactor().redact_snapshot(data)
    written = rescue(output, data, write_snapshot)
    by_account = data.get("accounts") or {data.get("account_id") or "-": data}
    bodies = [body for account in by_account.values() for body in account["regions"].values()]
    errors = sum(
        is_failure(kind, message) for b in bodies for kind, message in b.get("Errors", {}).items()
    ) + sum(len(a.get("Errors", {})) for a in by_account.values())
    line = (
        f"wrote {written}: {len(by_account)} account(s), {len(bodies)} region(s), {calls.total} API call(s), "
        f"{calls.total_retries} retries ({calls.total_throttled} throttled), {errors} collection error(s)"
    )
    return line, 1 if errors else 0
