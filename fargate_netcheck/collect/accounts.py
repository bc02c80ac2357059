"""Collect many accounts at once: the accounts named, or every ACTIVE account of the organisation.

For each account: STS AssumeRole into ``arn:<partition>:iam::<id>:role/<role name>`` with the
caller's credentials, a guarded session on the temporary credentials, then each region (those asked
for, or every region the account has enabled) through ``ec2.collect_regions``. The caller's own
account goes through the role too, so the caller needs the management policy only (README,
"Permissions"); unless the caller already is that role there (a role does not assume itself).
Accounts run on a bounded pool. An account that cannot be reached is recorded, not fatal:
``{"regions": {}, "Errors": {"AssumeRole": "<Code>: <message>"}}`` (or ``"DescribeRegions"``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import boto3

from fargate_netcheck.collect import assume
from fargate_netcheck.collect._calls import (
    COLLECT_ERRORS,
    SHAPE_ERRORS,
    SNAPSHOT_VERSION,
    answer,
    failure_text,
    utc_now,
)
from fargate_netcheck.collect.account import caller_arn
from fargate_netcheck.collect.ec2 import REGION_STEPS, collect_regions, worker_split
from fargate_netcheck.collect.need_kinds import collect_need_kinds
from fargate_netcheck.collect.organization import active_accounts
from fargate_netcheck.collect.regions import enabled_regions, home_region, partition_of, resolve_regions
from fargate_netcheck.collect.session import (
    CallLog,
    CallSettings,
    client,
    install_read_only_guard,
    make_session,
)
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.progress import ProgressSink, SilentProgress

ASSUME_ROLE_ERROR = "AssumeRole"
DESCRIBE_REGIONS_ERROR = "DescribeRegions"
# An account's own progress step (assuming the role, listing its regions), before its regions' steps.
ACCOUNT_STEPS = 1

log = logging.getLogger("fargate_netcheck.collect")


@dataclass(frozen=True, slots=True)
class _Run:
    """What every account's collection shares."""

    caller: boto3.Session
    caller_lock: threading.Lock  # boto3 sessions are not thread-safe, and the caller's is shared
    caller_account: str | None  # set only when the caller already is the read role in its account
    sts: Any  # the caller's STS client (clients are thread-safe)
    profile: str | None
    home_region: str
    partition: str
    role_name: str
    external_id: str | None
    regions: tuple[str, ...]  # empty: every region each account has enabled
    max_workers: int
    calls: CallLog
    progress: ProgressSink
    settings: CallSettings
    extra_names: tuple[str, ...] = ()


def collect_accounts(
    accounts: Sequence[str] | None,
    *,
    organization: bool,
    role_name: str,
    external_id: str | None = None,
    regions: Sequence[str] = (),
    all_regions: bool = False,
    profile: str | None = None,
    max_accounts: int = 4,
    max_workers: int = 8,
    progress: ProgressSink | None = None,
    session: boto3.Session | None = None,
    settings: CallSettings | None = None,
    extra_names: tuple[str, ...] = (),
) -> tuple[JsonDict, CallLog]:
    """Collect ``accounts`` (ids; each string may hold several, comma-separated) or, with
    ``organization``, every ACTIVE account the caller's ListAccounts returns. Returns the
    multi-account snapshot ``{"snapshot_version", "collected_at", "accounts": {id: {"regions": …}}}``
    and the calls made. ``regions`` (default: the session's region) or ``all_regions`` (each
    account's enabled regions). At most ``max_accounts`` accounts at once, each with at most
    ``max_workers`` calls at once. Bad options are an ``InputError``; an unreachable account is not.
    ``settings``: timeouts, retries and the per-region deadline (default ``CallSettings()``).
    ``extra_names``: needed names (``--need``, the configuration) whose private hosted zone records
    are collected besides those every task needs."""
    settings = settings or CallSettings()
    name = assume.role_name(role_name)
    external = assume.external_id(external_id)
    ids = assume.account_ids(accounts or [])
    if organization and ids:
        raise InputError("--accounts and --organization: pass one of them")
    if not organization and not ids:
        raise InputError("--accounts: no account id given (or pass --organization)")
    if all_regions and any(r.strip() for r in regions):
        raise InputError("--region and --all-regions: pass one of them")

    if session is None:
        session = make_session(profile)
    else:
        install_read_only_guard(session.events)
    wanted = [] if all_regions else resolve_regions(list(regions), session)
    home = wanted[0] if wanted else home_region(session)
    if session.get_credentials() is None:
        raise InputError("no AWS credentials: set a profile (--profile, AWS_PROFILE) or AWS_ACCESS_KEY_ID")
    collected_at = utc_now()

    calls = CallLog()
    sts = client(session, "sts", home, settings=settings)
    calls.attach(sts, "caller")
    if organization:
        organizations = client(session, "organizations", home, settings=settings)
        calls.attach(organizations, "caller")
        ids = active_accounts(organizations)
    run = _Run(
        caller=session,
        caller_lock=threading.Lock(),
        caller_account=_read_role_account(sts, name),
        sts=sts,
        profile=profile,
        home_region=home,
        partition=partition_of(session)(home) or "aws",
        role_name=name,
        external_id=external,
        regions=tuple(wanted),
        max_workers=max(1, max_workers),
        calls=calls,
        progress=progress or SilentProgress(),
        settings=settings,
        extra_names=tuple(extra_names),
    )
    run.progress.add_total(len(ids) * (ACCOUNT_STEPS + len(wanted) * REGION_STEPS))
    with ThreadPoolExecutor(max_workers=max(1, min(max_accounts, len(ids) or 1))) as pool:
        futures = {account_id: pool.submit(_collect_account, run, account_id) for account_id in ids}
        bodies = {account_id: futures[account_id].result() for account_id in sorted(futures)}
    snapshot = {"snapshot_version": SNAPSHOT_VERSION, "collected_at": collected_at, "accounts": bodies}
    return snapshot, calls


def _read_role_account(sts: Any, role_name: str) -> str | None:
    """The caller's account when the caller is a session of the read role ``role_name`` there
    (``arn:…:sts::<id>:assumed-role/<name>/<session>``): it reads that account with its own
    credentials, since a role may not assume itself unless its trust policy names it. Otherwise
    None: every account, the caller's own included, is read through the role."""
    account_id, arn = caller_arn(sts)
    resource = (arn or "").split(":", 5)[-1]
    parts = resource.split("/")
    is_role = len(parts) >= 3 and parts[0] == "assumed-role" and parts[1] == role_name.rsplit("/", 1)[-1]
    return account_id if is_role else None


def _collect_account(run: _Run, account_id: str) -> JsonDict:
    """One account's ``{"regions": {...}}``, or its ``Errors`` when it cannot be reached."""
    if account_id == run.caller_account:
        session, lock = run.caller, run.caller_lock
    else:
        arn = assume.role_arn(run.partition, account_id, run.role_name)
        try:  # through ``answer``: a credential refresh of the caller's that fails oddly (botocore's
            # RuntimeError "refreshed credentials are still expired") loses this account, not the run
            credentials = answer("AssumeRole", partial(assume.assume_role, run.sts, arn, run.external_id))
        except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
            return _unreached(run, account_id, ASSUME_ROLE_ERROR, exc, len(run.regions) * REGION_STEPS)
        # A session of its own, used on this thread only (regions' threads use its clients).
        refresh = partial(assume.assume_role, run.sts, arn, run.external_id)
        session = assume.assumed_session(credentials, refresh, run.profile, run.home_region)
        lock = threading.Lock()

    names = list(run.regions)
    if not names:
        with lock:
            home = client(session, "ec2", run.home_region, settings=run.settings)
        run.calls.attach(home, f"{account_id}/{run.home_region}")
        try:
            names = enabled_regions(home, partition_of(session))
        except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
            return _unreached(run, account_id, DESCRIBE_REGIONS_ERROR, exc, 0)
        run.progress.add_total(len(names) * REGION_STEPS)
    run.progress.advance(ACCOUNT_STEPS)

    _, pool_size = worker_split(run.max_workers, len(names))
    with lock:
        clients = {
            region: client(session, "ec2", region, pool_size=pool_size, settings=run.settings)
            for region in names
        }
        ecs_clients = {
            region: client(session, "ecs", region, pool_size=1, settings=run.settings) for region in names
        }
    for made_clients in (clients, ecs_clients):
        for region, made in made_clients.items():
            run.calls.attach(made, f"{account_id}/{region}")
    bodies = collect_regions(
        clients,
        max_workers=run.max_workers,
        progress=run.progress,
        deadline_s=run.settings.region_deadline,
        ecs_clients=ecs_clients,
    )
    collect_need_kinds(
        session,
        bodies,
        account_id=account_id,
        calls=run.calls,
        label=f"{account_id}/",
        max_workers=run.max_workers,
        lock=lock,
        settings=run.settings,
        extra_names=run.extra_names,
    )
    return {"regions": bodies}


def _unreached(run: _Run, account_id: str, step: str, exc: BaseException, skipped: int) -> JsonDict:
    message = failure_text(exc)
    log.warning("account %s not collected: %s failed: %s", account_id, step, message)
    run.progress.advance(ACCOUNT_STEPS + skipped)
    return {"regions": {}, "Errors": {step: message}}
