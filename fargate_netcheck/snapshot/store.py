"""The snapshot contract: load and validate a snapshot file, write one atomically.

A snapshot holds verbatim AWS Describe* items (docs/snapshot-format.md). Loading checks structure, version,
ids, the fields the analysis reads and the references between resources, so that every later stage
can trust what it gets. Any problem is an ``InputError`` naming the file and the item at fault.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.files import write_text
from fargate_netcheck.core.gc_quiet import gc_quiet
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.jsonfile import read_json
from fargate_netcheck.snapshot.collection import is_failure
from fargate_netcheck.snapshot.fast_check import ItemChecker
from fargate_netcheck.snapshot.references import validate_references
from fargate_netcheck.snapshot.schema import ID_FIELDS, KINDS, validate_item

SNAPSHOT_VERSION = 1
_TOP_KEYS = ("snapshot_version", "collected_at", "account_id", "regions", "accounts")
_ACCOUNT_KEYS = ("regions", "Errors")
# Kinds whose "id" is not an AWS resource id (a region name, a setting's name) or repeats another
# kind's by design (a VPC attachment is also a transit gateway attachment).
_OWN_ID_SPACE = frozenset(
    {"VpcBlockPublicAccessOptions", "EcsAccountSettings", "TransitGatewayVpcAttachments"}
)


@dataclass(slots=True)
class RegionData:
    """One account's region: the items of each collected kind and the errors met collecting."""

    account_id: str | None
    region: str
    items: dict[str, list[JsonDict]]
    errors: dict[str, str] = field(default_factory=dict)

    def collected(self, kind: str) -> bool:
        return kind in self.items and kind not in self.errors

    def failed(self, kind: str) -> bool:
        """Was ``kind`` missing because collecting it failed (not merely never collected)?"""
        return kind in self.errors and is_failure(kind, self.errors[kind])

    def gap(self, kind: str) -> str:
        """Why ``kind`` is unavailable here (for an ``unknown`` verdict's reason)."""
        if kind in self.errors:
            return f"{kind} could not be collected in {self.region}: {self.errors[kind]}"
        return f"{kind} were not collected in {self.region}"


@dataclass(slots=True)
class Snapshot:
    source: str  # file name or "live", for messages
    collected_at: str | None
    regions: list[RegionData]
    raw: JsonDict

    @property
    def account_ids(self) -> tuple[str, ...]:
        return tuple(sorted({r.account_id for r in self.regions if r.account_id}))

    def unread_accounts(self) -> dict[str, str]:
        """Accounts that could not be read at all (AssumeRole refused, say): account id -> why.
        Whatever they hold is unknown, not absent."""
        return {
            account_id: "; ".join(f"{step}: {msg}" for step, msg in sorted(account["Errors"].items()))
            for account_id, account in sorted((self.raw.get("accounts") or {}).items())
            if isinstance(account, dict) and account.get("Errors")
        }

    def errors(self) -> dict[str, str]:
        """Every collection error: "<account>/<region>/<kind>", or "<account>/-/<step>" when a whole
        account could not be read (AssumeRole refused, say)."""
        found = {
            f"{r.account_id or '-'}/{r.region}/{kind}": msg
            for r in self.regions
            for kind, msg in sorted(r.errors.items())
        }
        for account_id, account in sorted((self.raw.get("accounts") or {}).items()):
            for step, msg in sorted((account.get("Errors") or {}).items()):
                found[f"{account_id}/-/{step}"] = msg
        return found


def load_snapshot(path: Path) -> Snapshot:
    """Read and validate a snapshot file. Raises InputError with one line naming file and fault."""
    name = str(path)
    # Parsing makes millions of dicts, lists and strings and no cyclic garbage: with the cyclic
    # collector on, it rescans the growing heap every few thousand of them (at 50,000 subnets a
    # third of the load's CPU time). Nothing here calls AWS.
    with gc_quiet():
        data, _ = read_json(path, "snapshot file")
        return parse_snapshot(data, name)


def parse_snapshot(data: object, name: str = "snapshot") -> Snapshot:
    if not isinstance(data, dict):
        raise InputError(f"{name}: a snapshot is a JSON object, found {type(data).__name__}")
    version = data.get("snapshot_version")
    if version != SNAPSHOT_VERSION or isinstance(version, bool):
        raise InputError(
            f"{name}: unsupported snapshot_version {version!r} (this fargate-netcheck reads {SNAPSHOT_VERSION})"
        )
    collected_at = data.get("collected_at")
    if collected_at is not None and not isinstance(collected_at, str):
        raise InputError(f"{name}: collected_at must be a string")
    regions = list(_regions(data, name))
    checker = ItemChecker()
    seen: dict[str, tuple[str, int]] = {}
    kinds: dict[str, str] = {}
    for rd in regions:
        where = f"{name}: {rd.account_id or '-'}/{rd.region}"
        for kind, items in rd.items.items():
            _check_items(kind, items, where, rd.account_id, checker, seen, kinds)
        validate_references(rd.items, where)
    return Snapshot(source=name, collected_at=collected_at, regions=regions, raw=data)


def _check_items(
    kind: str,
    items: list[Any],
    where: str,
    account_id: str | None,
    checker: ItemChecker,
    seen: dict[str, tuple[str, int]],
    kinds: dict[str, str],
) -> None:
    """Check one region's items of one kind. Messages are formatted only on a fault: on a large
    snapshot formatting a location for every item would cost as much as the checks themselves.

    ``seen`` maps "<account>:<kind>:<id>" to the (region location, index) of its first item;
    ``kinds`` maps each id to the kind that first used it. AWS ids name one resource across kinds
    and accounts: a subnet and a security group under one id would be one node of the graph, and
    the second would silently replace the first."""
    id_field = ID_FIELDS[kind]
    fits = checker.fits
    # Ids are unique within an account. Across accounts the same id is the same shared resource (a
    # RAM-shared subnet, an AWS-managed prefix list): not an error. TransitGatewayVpcAttachments
    # repeat TransitGatewayAttachments' ids by design.
    unique = kind != "TransitGatewayVpcAttachments"
    shared_ids = kind not in _OWN_ID_SPACE
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"{where}: {kind}[{i}]: an item must be an object")
        rid = item.get(id_field)
        if not isinstance(rid, str) or not rid:
            raise InputError(f"{where}: {kind}[{i}]: missing {id_field}")
        if not fits(kind, item):
            validate_item(kind, item, f"{where}: {rid}")  # raises the message, or accepts an unusual value
        if shared_ids and kinds.setdefault(rid, kind) != kind:
            raise InputError(
                f"{where}: {kind}[{i}]: id {rid} is also the id of a {kinds[rid]} item "
                "(an AWS id names one resource)"
            )
        if unique:
            at = (where, i)
            other = seen.setdefault(f"{account_id}:{kind}:{rid}", at)
            if other is not at:
                first = f"{other[0]}: {kind}[{other[1]}]".split(": ", 1)[1]
                raise InputError(f"{where}: {kind}[{i}]: duplicate id {rid} (also at {first})")


def _regions(data: JsonDict, name: str) -> Iterator[RegionData]:
    _known_keys(data, _TOP_KEYS, name, "the top level")
    if "accounts" in data:
        beside = [key for key in ("regions", "account_id") if key in data]
        if beside:  # one of the two forms: the other one's data would be silently left out
            raise InputError(
                f"{name}: accounts replaces {' and '.join(beside)}: a snapshot has one form or the other"
            )
        accounts = data["accounts"]
        if not isinstance(accounts, dict):
            raise InputError(f"{name}: accounts must be an object of account id -> {{regions}}")
        for account_id, account in sorted(accounts.items()):
            if not isinstance(account, dict):
                raise InputError(f"{name}: accounts.{account_id} must be an object")
            _known_keys(account, _ACCOUNT_KEYS, name, f"accounts.{account_id}")
            errors = account.get("Errors", {})
            if not isinstance(errors, dict) or not all(isinstance(v, str) for v in errors.values()):
                raise InputError(f"{name}: accounts.{account_id}.Errors must map a step to a message")
            yield from _account_regions(account.get("regions"), account_id, f"{name}: accounts.{account_id}")
        return
    account_id = data.get("account_id")
    if account_id is not None and not isinstance(account_id, str):
        raise InputError(f"{name}: account_id must be a string")
    yield from _account_regions(data.get("regions"), account_id, name)


def _account_regions(regions: object, account_id: str | None, where: str) -> Iterator[RegionData]:
    if not isinstance(regions, dict):
        raise InputError(f"{where}: regions must be an object of region name -> resources")
    for region, body in sorted(regions.items()):
        if not isinstance(body, dict):
            raise InputError(f"{where}: regions.{region} must be an object")
        errors = body.get("Errors", {})
        if not isinstance(errors, dict) or not all(isinstance(v, str) for v in errors.values()):
            raise InputError(f"{where}: regions.{region}.Errors must map a kind to a message")
        items: dict[str, list[JsonDict]] = {}
        for key, value in body.items():
            if key == "Errors":
                continue
            if key not in KINDS:
                raise InputError(f"{where}: regions.{region}: unknown key {key!r}{_suggest(key)}")
            if not isinstance(value, list):
                raise InputError(f"{where}: regions.{region}.{key} must be a list")
            items[key] = value
        yield RegionData(account_id=account_id, region=region, items=items, errors=dict(errors))


def _known_keys(obj: JsonDict, known: tuple[str, ...], name: str, where: str) -> None:
    """An unknown key is refused, as in a region: a typo (``acounts``) would leave its data out."""
    for key in obj:
        if key not in known:
            raise InputError(f"{name}: {where}: unknown key {key!r}{_suggest(key, known)}")


def _suggest(key: str, known: tuple[str, ...] = KINDS) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(known)})"


def write_snapshot(data: JsonDict, path: Path) -> None:
    """Write whole or not at all (``core.files.write_text``): an interrupted write never leaves a
    half-written file that looks valid, and a device or FIFO is written to, never replaced."""
    write_text(path, [json.dumps(data, indent=1, sort_keys=True, default=str), "\n"], "the snapshot")
