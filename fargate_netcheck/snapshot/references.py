"""References between the items of one region: every id an item names must resolve, where the
named kind was collected, and associations must be what AWS allows (one route table and one
network ACL per subnet, of the subnet's own VPC; one main route table per VPC). A subnet's IPv4
block lies inside one of its VPC's blocks. Part of loading a snapshot (``store.parse_snapshot``)."""

from __future__ import annotations

import ipaddress
from socket import inet_aton

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.schema import ID_FIELDS

_VPC_OWNERS = ("Subnets", "RouteTables", "NetworkAcls", "SecurityGroups")  # kinds whose VpcId must resolve


def validate_references(items: dict[str, list[JsonDict]], where: str) -> None:
    """References between items of one region must resolve, where the referenced kind was collected.

    Route *targets* are not checked here: a route to a deleted gateway is a finding, not bad input.
    ``items`` have passed ``validate_item``, so every reference is a string or None.
    """
    if not _references_resolve(items):
        _raise_first_dangling(items, where)
    _check_associations(items, where, "RouteTables", "route table", "main")
    _check_associations(items, where, "NetworkAcls", "network ACL", "default")
    _check_subnet_ranges(items, where)


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


def _check_subnet_ranges(items: dict[str, list[JsonDict]], where: str) -> None:
    """A subnet's IPv4 block lies inside one of its VPC's blocks (the primary or an associated one):
    AWS refuses any other. The trace reads a subnet's addresses as part of its VPC's local range,
    so a subnet outside it is an edited or corrupt snapshot, not a network to judge. A VPC listed
    without its primary block or with an association that names no block (one IPAM allocates when
    infrastructure code is applied), or a subnet whose VPC is not listed, is not checked."""
    vpcs, subnets = items.get("Vpcs"), items.get("Subnets")
    if not vpcs or not subnets:
        return
    blocks: dict[str, list[str]] = {}
    for vpc in vpcs:
        texts = [vpc.get("CidrBlock")] + [
            a.get("CidrBlock") for a in vpc.get("CidrBlockAssociationSet") or ()
        ]
        if all(texts):  # every block known (infrastructure code may leave one to IPAM, at apply)
            blocks[vpc["VpcId"]] = sorted({str(t) for t in texts})
    spans = {vpc_id: [_span(t) for t in texts] for vpc_id, texts in blocks.items()}
    for subnet in subnets:
        cidr, vpc_id = subnet.get("CidrBlock"), subnet.get("VpcId")
        if not cidr or not isinstance(vpc_id, str) or vpc_id not in spans:
            continue
        inside = spans[vpc_id]
        lo, hi = _span(cidr)
        if not any(first <= lo and hi <= last for first, last in inside):
            raise InputError(
                f"{where}: {subnet['SubnetId']}: CidrBlock {cidr} is not inside its VPC {vpc_id}'s "
                f"CIDR blocks ({', '.join(blocks[vpc_id])})"
            )


def _span(cidr: str) -> tuple[int, int]:
    """First and last address of an IPv4 CIDR text as integers: the dotted form by ``inet_aton``
    (a snapshot holds tens of thousands of subnets; ``validate_item`` let through no octet with a
    leading zero, which ``inet_aton`` would read as octal), any other form by ``ipaddress``."""
    address, _, prefix = cidr.partition("/")
    try:
        bits = 32 - int(prefix)
        if address.count(".") == 3 and 0 <= bits <= 32:
            first = int.from_bytes(inet_aton(address), "big") >> bits << bits
            return first, first | ((1 << bits) - 1)
    except (OSError, ValueError):
        pass
    net = ipaddress.ip_network(cidr, strict=False)
    return int(net.network_address), int(net.broadcast_address)
