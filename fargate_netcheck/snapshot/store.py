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
from fargate_netcheck.snapshot.schema import ID_FIELDS, KINDS, validate_item

SNAPSHOT_VERSION = 1
_VPC_OWNERS = ("Subnets", "RouteTables", "NetworkAcls", "SecurityGroups")  # kinds whose VpcId must resolve


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
    for rd in regions:
        where = f"{name}: {rd.account_id or '-'}/{rd.region}"
        for kind, items in rd.items.items():
            _check_items(kind, items, where, rd.account_id, checker, seen)
        validate_references(rd.items, where)
    return Snapshot(source=name, collected_at=collected_at, regions=regions, raw=data)


def _check_items(
    kind: str,
    items: list[Any],
    where: str,
    account_id: str | None,
    checker: ItemChecker,
    seen: dict[str, tuple[str, int]],
) -> None:
    """Check one region's items of one kind. Messages are formatted only on a fault: on a large
    snapshot formatting a location for every item would cost as much as the checks themselves.

    ``seen`` maps "<account>:<kind>:<id>" to the (region location, index) of its first item."""
    id_field = ID_FIELDS[kind]
    fits = checker.fits
    # Ids are unique within an account. Across accounts the same id is the same shared resource (a
    # RAM-shared subnet, an AWS-managed prefix list): not an error. TransitGatewayVpcAttachments
    # repeat TransitGatewayAttachments' ids by design.
    unique = kind != "TransitGatewayVpcAttachments"
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"{where}: {kind}[{i}]: an item must be an object")
        rid = item.get(id_field)
        if not isinstance(rid, str) or not rid:
            raise InputError(f"{where}: {kind}[{i}]: missing {id_field}")
        if not fits(kind, item):
            validate_item(kind, item, f"{where}: {rid}")  # raises the message, or accepts an unusual value
        if unique:
            at = (where, i)
            other = seen.setdefault(f"{account_id}:{kind}:{rid}", at)
            if other is not at:
                first = f"{other[0]}: {kind}[{other[1]}]".split(": ", 1)[1]
                raise InputError(f"{where}: {kind}[{i}]: duplicate id {rid} (also at {first})")


def validate_references(items: dict[str, list[JsonDict]], where: str) -> None:
    """References between items of one region must resolve, where the referenced kind was collected.

    Route *targets* are not checked here: a route to a deleted gateway is a finding, not bad input.
    ``items`` have passed ``validate_item``, so every reference is a string or None.
    """
    if not _references_resolve(items):
        _raise_first_dangling(items, where)
    _check_associations(items, where, "RouteTables", "route table", "main")
    _check_associations(items, where, "NetworkAcls", "network ACL", "default")


def _references_resolve(items: dict[str, list[JsonDict]]) -> bool:
    """The common case in a few set operations: every reference, whatever its owner's state, resolves.

    False only means "look closer": a disassociated association or a deleted NAT gateway may point
    at a subnet that is gone."""
    if "Vpcs" in items:
        refs = {item.get("VpcId") for kind in _VPC_OWNERS for item in items.get(kind, ())}
        refs.discard(None)
        if not refs.issubset({vpc["VpcId"] for vpc in items["Vpcs"]}):
            return False
    if "Subnets" in items:
        refs = {
            assoc.get("SubnetId")
            for kind in ("RouteTables", "NetworkAcls")
            for item in items.get(kind, ())
            for assoc in item.get("Associations") or ()
        }
        refs.update(nat.get("SubnetId") for nat in items.get("NatGateways", ()))
        refs.discard(None)
        if not refs.issubset({subnet["SubnetId"] for subnet in items["Subnets"]}):
            return False
    return True


def _raise_first_dangling(items: dict[str, list[JsonDict]], where: str) -> None:
    """The first reference that does not resolve, in a fixed order, as an InputError (if any)."""
    vpcs = {item["VpcId"] for item in items["Vpcs"]} if "Vpcs" in items else None
    subnets = {item["SubnetId"] for item in items["Subnets"]} if "Subnets" in items else None
    if vpcs is not None:
        for kind in _VPC_OWNERS:
            for item in items.get(kind, ()):
                _need(vpcs, item.get("VpcId"), "Vpcs", where, item[ID_FIELDS[kind]], "VpcId")
    if subnets is None:
        return
    for kind in ("RouteTables", "NetworkAcls"):
        for item in items.get(kind, ()):
            owner = item[ID_FIELDS[kind]]
            for assoc in item.get("Associations") or ():
                if _associated(assoc):
                    _need(subnets, assoc.get("SubnetId"), "Subnets", where, owner, "association SubnetId")
    for nat in items.get("NatGateways", ()):
        if nat.get("State") not in ("deleted", "deleting", "failed"):
            _need(subnets, nat.get("SubnetId"), "Subnets", where, nat["NatGatewayId"], "SubnetId")


def _need(ids: set[str], ref: object, kind: str, where: str, owner: str, field_name: str) -> None:
    if isinstance(ref, str) and ref not in ids:
        raise InputError(f"{where}: {owner}: {field_name} {ref} is not in {kind}")


def _associated(assoc: JsonDict) -> bool:
    """In force: no state, or ``associated`` (a null ``State`` is absent, as the graph reads it)."""
    state = assoc.get("AssociationState")
    return not isinstance(state, dict) or (state.get("State") or "associated") == "associated"


def _check_associations(
    items: dict[str, list[JsonDict]], where: str, kind: str, label: str, role: str
) -> None:
    """A subnet has one route table (one network ACL), of its own VPC; a VPC has one main route
    table (one default ACL). AWS allows nothing else, and the graph would have to pick one of two
    (the later): a table that reaches the internet could stand in for one that does not.

    ``role``: "main" (a route table association with ``Main``) or "default" (an ACL's ``IsDefault``,
    refused twice only where a subnet of the VPC falls back to it). Only associations in force
    count: a subnet moving between tables is not in two."""
    owners = items.get(kind)
    if not owners:
        return
    id_field = ID_FIELDS[kind]
    subnets = items.get("Subnets", ())
    # A subnet's VPC, where both are known: without Vpcs collected no VpcId is checked (``_need``).
    vpc_of = {s["SubnetId"]: s.get("VpcId") for s in subnets} if "Vpcs" in items else {}
    of_subnet: dict[str, str] = {}
    mains: dict[str, str] = {}
    defaults: dict[str, list[str]] = {}
    for owner in owners:
        owner_id, vpc = owner[id_field], owner.get("VpcId")
        if role == "default" and owner.get("IsDefault") and vpc:
            defaults.setdefault(vpc, []).append(owner_id)
        for assoc in owner.get("Associations") or ():
            if not _associated(assoc):
                continue
            if role == "main" and assoc.get("Main"):
                if vpc:
                    _only_one(mains, vpc, owner_id, f"{where}: {vpc}: two main {label}s")
                continue
            subnet = assoc.get("SubnetId")
            if subnet is None:
                continue
            _only_one(of_subnet, subnet, owner_id, f"{where}: {subnet}: associated with two {label}s")
            theirs = vpc_of.get(subnet)
            if vpc and theirs and theirs != vpc:
                raise InputError(
                    f"{where}: {owner_id}: association SubnetId {subnet} is a subnet of {theirs}, "
                    f"not of the {label}'s VPC {vpc}"
                )
    twice = {vpc: ids for vpc, ids in defaults.items() if len(ids) > 1}
    for subnet in subnets if twice else ():
        vpc = subnet.get("VpcId")
        ids = twice.get(vpc) if isinstance(vpc, str) else None
        if ids and subnet["SubnetId"] not in of_subnet:
            raise InputError(
                f"{where}: {subnet['SubnetId']} uses its VPC's default {label}, and {vpc} has "
                f"two default {label}s, {ids[0]} and {ids[1]} (AWS allows one)"
            )


def _only_one(seen: dict[str, str], key: str, owner_id: str, fault: str) -> None:
    first = seen.setdefault(key, owner_id)
    if first != owner_id:
        raise InputError(f"{fault}, {first} and {owner_id} (AWS allows one)")


def _regions(data: JsonDict, name: str) -> Iterator[RegionData]:
    if "accounts" in data:
        accounts = data["accounts"]
        if not isinstance(accounts, dict):
            raise InputError(f"{name}: accounts must be an object of account id -> {{regions}}")
        for account_id, account in sorted(accounts.items()):
            if not isinstance(account, dict):
                raise InputError(f"{name}: accounts.{account_id} must be an object")
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


def _suggest(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, KINDS, n=1)
    return f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(KINDS)})"


def write_snapshot(data: JsonDict, path: Path) -> None:
    """Write whole or not at all (``core.files.write_text``): an interrupted write never leaves a
    half-written file that looks valid, and a device or FIFO is written to, never replaced."""
    write_text(path, [json.dumps(data, indent=1, sort_keys=True, default=str), "\n"], "the snapshot")
