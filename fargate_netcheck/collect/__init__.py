"""Live collection: read VPC networks through boto3 (read-only) into a snapshot dict.

``collect`` reads the caller's own account and returns the single-account form of docs/snapshot-format.md;
``collect_accounts`` assumes a role in each of many accounts (named, or an organisation's) and
returns the multi-account form. Both are ready for ``snapshot.store.write_snapshot`` or
``snapshot.store.parse_snapshot``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

from fargate_netcheck.collect._calls import (
    COLLECT_ERRORS,
    SHAPE_ERRORS,
    SNAPSHOT_VERSION,
    failure_text,
    utc_now,
)
from fargate_netcheck.collect.account import ERROR_KEY as ACCOUNT_ERROR_KEY
from fargate_netcheck.collect.account import caller_account_id
from fargate_netcheck.collect.accounts import collect_accounts
from fargate_netcheck.collect.ec2 import REGION_STEPS, collect_regions, worker_split
from fargate_netcheck.collect.need_kinds import collect_need_kinds
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

if TYPE_CHECKING:
    from fargate_netcheck.core.progress import ProgressSink

__all__ = ["SNAPSHOT_VERSION", "CallLog", "CallSettings", "collect", "collect_accounts", "resolve_regions"]


def collect(
    regions: list[str],
    profile: str | None = None,
    *,
    max_workers: int = 8,
    session: boto3.Session | None = None,
    all_regions: bool = False,
    progress: ProgressSink | None = None,
    extra_names: tuple[str, ...] = (),
    settings: CallSettings | None = None,
) -> tuple[JsonDict, CallLog]:
    """Collect ``regions`` (default: the session's region; with ``all_regions``, every region the
    account has enabled) and return ``(snapshot, call_log)``.

    At most ``max_workers`` API calls run at once: regions in parallel, and the calls within a region
    share what is left. ``max_workers=1`` makes every call in a fixed order on this thread.
    A failed call never stops collection: it is recorded in that region's ``Errors``. ``settings``:
    timeouts, retries and the per-region deadline (default ``CallSettings()``). ``extra_names``:
    needed names (``--need``, the configuration) whose private hosted zone records are collected
    besides those every task needs.
    """
    settings = settings or CallSettings()
    if session is None:
        session = make_session(profile)
    else:
        install_read_only_guard(session.events)
    if all_regions and any(r.strip() for r in regions):
        raise InputError("--region and --all-regions: pass one of them")
    wanted = [] if all_regions else resolve_regions(regions, session)
    home = wanted[0] if wanted else home_region(session)
    if session.get_credentials() is None:
        raise InputError("no AWS credentials: set a profile (--profile, AWS_PROFILE) or AWS_ACCESS_KEY_ID")
    collected_at = utc_now()

    calls = CallLog()
    # Clients are made here, on one thread: boto3 sessions are not thread-safe, clients are.
    sts_client = client(session, "sts", home, settings=settings)
    calls.attach(sts_client, "caller")
    account_id, account_error = caller_account_id(sts_client)
    if all_regions:
        wanted = _enabled_regions(session, home, calls, settings)
    if progress is not None:
        progress.add_total(len(wanted) * REGION_STEPS)
    _, per_region = worker_split(max_workers, len(wanted))
    ec2_clients = {
        region: client(session, "ec2", region, pool_size=per_region, settings=settings) for region in wanted
    }
    ecs_clients = {
        region: client(session, "ecs", region, pool_size=1, settings=settings) for region in wanted
    }
    for clients in (ec2_clients, ecs_clients):
        for region, made in clients.items():
            calls.attach(made, f"{account_id or '-'}/{region}")

    bodies = collect_regions(
        ec2_clients,
        max_workers=max_workers,
        progress=progress,
        deadline_s=settings.region_deadline,
        ecs_clients=ecs_clients,
    )
    collect_need_kinds(
        session,
        bodies,
        account_id=account_id,
        calls=calls,
        label=f"{account_id or '-'}/",
        max_workers=max_workers,
        extra_names=extra_names,
        settings=settings,
    )
    if account_error is not None:
        for body in bodies.values():
            body["Errors"] = dict(sorted({**body["Errors"], ACCOUNT_ERROR_KEY: account_error}.items()))

    snapshot = {
        "snapshot_version": SNAPSHOT_VERSION,
        "collected_at": collected_at,
        "account_id": account_id,
        "regions": bodies,
    }
    return snapshot, calls


def _enabled_regions(session: boto3.Session, home: str, calls: CallLog, settings: CallSettings) -> list[str]:
    """The account's enabled regions; without them there is nothing to collect: an ``InputError``."""
    ec2_home = client(session, "ec2", home, settings=settings)
    calls.attach(ec2_home, "caller")
    try:
        return enabled_regions(ec2_home, partition_of(session))
    except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
        raise InputError(f"--all-regions: ec2:DescribeRegions failed: {failure_text(exc)}") from None
