"""``merge``: per-shard snapshots into one, as a single scan of every shard's accounts would write it.

An organisation scan is independent per account and region, so a fleet scans in shards (one ECS
task or CI job per group of accounts: ``scan --accounts …``), merges, and checks once. Each shard is
loaded and validated like any snapshot; the result is the many-account form (DESIGN.md,
"Snapshot"), accounts and regions in sorted order, written atomically.

- The same account and region in two shards is accepted only when both hold the same data (a shard
  retried, say); otherwise the merge stops with exit 2, naming the account, region and shards: two
  views of one region cannot both be true, and picking one would hide the other.
- An account's own errors (AssumeRole refused...) merge by step, under the same rule.
- ``collected_at`` is the earliest of the shards' (by time, whatever the UTC offset each is
  written with): the merged data is as old as its oldest part.
- A fault only the merged document has (an id in two shards' regions of one account) names the
  shards its regions came from; the output is not written.
- A single-account snapshot (``account_id`` + ``regions``) is read as that one account; one
  without ``account_id`` cannot be placed and is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.store import SNAPSHOT_VERSION, load_snapshot, parse_snapshot, write_snapshot


def merge_files(paths: list[Path], output: Path) -> str:
    """Merge the snapshot files ``paths`` into ``output``; the one-line summary."""
    if len(paths) < 2:
        raise InputError("merge takes at least two snapshot files")
    merged, region_from = _merge([(str(p), load_snapshot(p).raw) for p in paths])
    try:  # the merged document is a valid snapshot in its own right
        parse_snapshot(merged, "the merged shards")
    except InputError as exc:
        raise InputError(f"{exc}{_origins(str(exc), region_from)}") from None
    try:
        write_snapshot(merged, output)
    except OSError as exc:
        raise InputError(f"{output}: cannot write the merged snapshot: {exc.strerror or exc}") from None
    accounts = merged["accounts"]
    regions = sum(len(a["regions"]) for a in accounts.values())
    return f"wrote {output}: {len(paths)} shards, {len(accounts)} account(s), {regions} region(s)"


def merge(shards: list[tuple[str, JsonDict]]) -> JsonDict:
    """``shards``: (name, validated snapshot document) pairs. Raises InputError on a conflict."""
    return _merge(shards)[0]


def _merge(shards: list[tuple[str, JsonDict]]) -> tuple[JsonDict, dict[tuple[str, str], str]]:
    """The merged document, and the shard each (account, region) came from."""
    accounts: dict[str, JsonDict] = {}
    region_from: dict[tuple[str, str], str] = {}
    error_from: dict[tuple[str, str], str] = {}
    stamps: list[str | None] = []
    for name, doc in shards:
        stamps.append(doc.get("collected_at") or None)
        for account_id, account in _accounts(name, doc).items():
            into = accounts.setdefault(account_id, {"regions": {}})
            for region, body in (account.get("regions") or {}).items():
                _put(into["regions"], region, body, region_from, (account_id, region), name, "region")
            if "Errors" in account:
                errors = into.setdefault("Errors", {})
                for step, message in (account["Errors"] or {}).items():
                    _put(errors, step, message, error_from, (account_id, step), name, "account error")
    out: JsonDict = {"snapshot_version": SNAPSHOT_VERSION}
    oldest = _oldest(stamps)
    if oldest is not None:
        out["collected_at"] = oldest
    out["accounts"] = {account_id: _sorted_account(accounts[account_id]) for account_id in sorted(accounts)}
    return out, region_from


def _oldest(stamps: list[str | None]) -> str | None:
    """The earliest stamp by time (an ISO 8601 stamp without an offset is UTC): the data is as old
    as its oldest part. None (unknown) when a shard has no stamp, or one that is not a date: its
    part may be older than every stamp given."""
    try:
        times = [datetime.fromisoformat(stamp) for stamp in stamps if stamp is not None]
    except ValueError:
        return None
    if not times or len(times) < len(stamps):
        return None
    utc = [t if t.tzinfo is not None else t.replace(tzinfo=UTC) for t in times]
    return stamps[utc.index(min(utc))]


def _origins(message: str, region_from: dict[tuple[str, str], str]) -> str:
    """The shards of the regions ``message`` names, for a fault found in the merged document."""
    named = [
        f"{account_id}/{region} is from {shard}"
        for (account_id, region), shard in sorted(region_from.items())
        if f"{account_id}/{region}:" in message
    ]
    return f" ({', '.join(named)})" if named else ""


def _accounts(name: str, doc: JsonDict) -> JsonDict:
    if "accounts" in doc:
        accounts: JsonDict = doc["accounts"]  # a merged snapshot, validated when it was loaded
        return accounts
    account_id = doc.get("account_id")
    if not account_id:
        raise InputError(f"{name}: a snapshot without account_id cannot be merged (whose regions are they?)")
    return {account_id: {"regions": doc.get("regions") or {}}}


def _put(
    into: JsonDict,
    key: str,
    value: object,
    seen_in: dict[tuple[str, str], str],
    where: tuple[str, str],
    shard: str,
    what: str,
) -> None:
    if key in into and into[key] != value:
        raise InputError(
            f"{shard}: {what} {where[0]}/{where[1]} is also in {seen_in[where]} with other data; "
            "a region belongs to one shard (rescan it, or leave one copy out)"
        )
    into[key] = value
    seen_in.setdefault(where, shard)


def _sorted_account(account: JsonDict) -> JsonDict:
    out: JsonDict = {"regions": {r: account["regions"][r] for r in sorted(account["regions"])}}
    if "Errors" in account:
        out["Errors"] = dict(sorted(account["Errors"].items()))
    return out
