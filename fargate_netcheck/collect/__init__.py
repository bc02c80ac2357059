"""Live collection: read an account's VPC network through boto3 (read-only) into a snapshot dict.

``collect`` is the only entry point the rest of the tool needs; the snapshot it returns is the
single-account form of DESIGN.md, ready for ``snapshot.write_snapshot`` or ``snapshot.parse_snapshot``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore

from fargate_netcheck.collect.account import ERROR_KEY as ACCOUNT_ERROR_KEY
from fargate_netcheck.collect.account import caller_account_id
from fargate_netcheck.collect.ec2 import collect_region
from fargate_netcheck.collect.session import CallLog, client, install_read_only_guard, make_session
from fargate_netcheck.errors import InputError

__all__ = ["CallLog", "collect"]

SNAPSHOT_VERSION = 1


def collect(
    regions: list[str],
    profile: str | None = None,
    *,
    max_workers: int = 8,
    session: boto3.Session | None = None,
) -> tuple[dict[str, Any], CallLog]:
    """Collect ``regions`` (default: the session's region) and return ``(snapshot, call_log)``.

    At most ``max_workers`` API calls run at once: regions in parallel, and the calls within a region
    share what is left. ``max_workers=1`` makes every call in a fixed order on this thread.
    A failed call never stops collection: it is recorded in that region's ``Errors``.
    """
    if session is None:
        session = make_session(profile)
    else:
        install_read_only_guard(session.events)
    wanted = resolve_regions(regions, session)
    if session.get_credentials() is None:
        raise InputError("no AWS credentials: set a profile (--profile, AWS_PROFILE) or AWS_ACCESS_KEY_ID")
    collected_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    region_workers = max(1, min(max_workers, len(wanted)))
    per_region = max(1, max_workers // region_workers)
    calls = CallLog()
    # Clients are made here, on one thread: boto3 sessions are not thread-safe, clients are.
    ec2_clients = {region: client(session, "ec2", region, pool_size=per_region) for region in wanted}
    sts_client = client(session, "sts", wanted[0])
    for made in [*ec2_clients.values(), sts_client]:
        calls.attach(made)

    account_id, account_error = caller_account_id(sts_client)
    if region_workers == 1:
        bodies = {region: collect_region(c, max_workers=per_region) for region, c in ec2_clients.items()}
    else:
        with ThreadPoolExecutor(max_workers=region_workers) as pool:
            futures = {
                r: pool.submit(collect_region, c, max_workers=per_region) for r, c in ec2_clients.items()
            }
            bodies = {region: future.result() for region, future in futures.items()}
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


def resolve_regions(regions: list[str], session: boto3.Session) -> list[str]:
    """``regions`` without duplicates (order kept), or the session's region; each must be a region
    botocore knows (a typo would otherwise spend minutes retrying an endpoint that does not exist)."""
    wanted = list(dict.fromkeys(r.strip() for r in regions if r.strip()))
    if not wanted:
        if not session.region_name:
            raise InputError("no region: pass --region or set AWS_REGION")
        wanted = [session.region_name]
    known = {
        name
        for partition in session.get_available_partitions()
        for name in session.get_available_regions("ec2", partition_name=partition)
    }
    for region in wanted:
        if region not in known:
            raise InputError(
                f"{region}: unknown AWS region (botocore {botocore.__version__} does not list it; "
                "upgrade boto3 if the region is new)"
            )
    return wanted
