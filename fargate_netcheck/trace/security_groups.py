"""Security group egress: does the union of a task's groups allow a protocol and port to a set of
addresses? Groups are stateful, so replies need no rule. A rule naming another group covers the
private addresses of that group's network interfaces (never their public or Elastic IPs, so never
internet addresses); the snapshot does not list them, so where such a rule could reach what nothing
else allows (a private address, or one of the group's VPC), unknown. A TCP or UDP rule without a
valid port range (which AWS refuses to create) may or may not allow the port: where it reaches the
addresses that nothing else allows, unknown."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fargate_netcheck.core.model import Status
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network, SgRule, within
from fargate_netcheck.trace.destination import NOT_INTERNET_V4, NOT_INTERNET_V6, Destination

# Where a network interface's private address may lie, whatever its VPC: outside the internet.
# A referenced group's own VPC adds its CIDR blocks (a VPC may use public ranges, and IPv6 ones are).
_PRIVATE_SPACE: tuple[Network, ...] = tuple(
    ipaddress.ip_network(c) for c in (*NOT_INTERNET_V4, *NOT_INTERNET_V6)
)


@dataclass(frozen=True, slots=True)
class SgOutcome:
    status: Status  # PASS: all of the destination allowed; FAIL: none; UNKNOWN: part, or unreadable
    detail: str
    # UNKNOWN because the rules allow only part of the destination: the rest, which no rule can
    # allow (one family; None otherwise, and for any other UNKNOWN)
    blocked: AddressSet | None = None


def evaluate_egress(
    rules: list[SgRule],
    destination: Destination,
    port: int,
    prefix_lists: dict[str, tuple[Network, ...] | None],
    protocol: str = "6",
    group_ranges: Mapping[str, tuple[Network, ...]] | None = None,
    holders: tuple[str, ...] | None = None,
) -> SgOutcome:
    """``prefix_lists`` maps each referenced prefix-list id to its CIDRs, or None if unreadable;
    ``group_ranges`` each referenced group id to its VPC's CIDR blocks, where they are known.
    ``holders``: the groups of the network interfaces that hold the destination, when the caller
    knows them (an interface endpoint's): a rule naming one of them allows the traffic, a rule
    naming any other group does not."""
    allowed: list[Network] = []
    unreadable: list[str] = []
    for rule in rules:
        if not rule.covers(protocol, port):
            continue
        allowed.extend(rule.networks)
        for pl_id in rule.prefix_list_ids:
            cidrs = prefix_lists.get(pl_id)
            if cidrs is None:
                unreadable.append(pl_id)
            else:
                allowed.extend(cidrs)
    merged = _collapse(allowed)
    wanted = destination.addresses  # may mix families (a prefix list's entries, say)
    if all(any(_within(piece, net) for net in merged) for piece in wanted):
        return SgOutcome(Status.PASS, f"egress allows TCP {port} to {destination}")
    held = sorted({g for r in rules if r.covers(protocol, port) for g in r.group_ids} & set(holders or ()))
    if held:
        return SgOutcome(
            Status.PASS, f"egress allows TCP {port} to group {held[0]}, which holds {destination}"
        )
    unsure = _unsure(rules, protocol, prefix_lists, lambda net: any(_overlaps(net, p) for p in wanted))
    if unsure:
        return SgOutcome(Status.UNKNOWN, f"egress to {destination} on TCP {port} {unsure}")
    if unreadable:
        return SgOutcome(
            Status.UNKNOWN,
            f"egress to {destination} on TCP {port} depends on prefix list(s) {', '.join(sorted(set(unreadable)))}"
            " whose entries were not collected",
        )
    rest = [p for p in wanted if not any(_within(p, net) for net in merged)]
    if named := _named_groups(rules, protocol, port, rest, group_ranges or {}, holders):
        why = (
            "it has no valid port range (AWS requires one for TCP and UDP)"
            if holders is not None
            else "it covers the private addresses of that group's network interfaces, which the snapshot does not list"
        )
        return SgOutcome(
            Status.UNKNOWN,
            f"egress to {destination} on TCP {port} may be allowed by a rule naming group {', '.join(named)}: {why}",
        )
    overlapping = [n for n in merged if any(n.version == p.version and n.overlaps(p) for p in wanted)]
    if overlapping:
        part = ", ".join(str(n) for n in overlapping[:5]) + (", ..." if len(overlapping) > 5 else "")
        return SgOutcome(
            Status.UNKNOWN,
            f"egress allows TCP {port} only to part of {destination} ({part}); "
            "whether the task reaches its service depends on the address: pass --destination",
            _rest(wanted, merged),
        )
    return SgOutcome(Status.FAIL, f"no egress rule allows TCP {port} to {destination}")


def _unsure(
    rules: list[SgRule],
    protocol: str,
    prefix_lists: dict[str, tuple[Network, ...] | None],
    reaches: Callable[[Network], bool],
) -> str:
    """Why a rule without a valid port range could change the outcome, or "" if none could: a rule
    of the protocol whose addresses (or unreadable prefix list) ``reaches`` the traffic's peer."""
    for rule in rules:
        if not rule.may_cover(protocol):
            continue
        lists = [prefix_lists.get(pl) for pl in rule.prefix_list_ids]
        if any(cidrs is None for cidrs in lists) or any(
            reaches(net) for net in (*rule.networks, *(n for cidrs in lists for n in cidrs or ()))
        ):
            names = rule.prefix_list_ids or tuple(str(n) for n in rule.networks)
            return (
                f"depends on a rule for {', '.join(names[:3])} with no valid port range"
                " (AWS requires one for TCP and UDP), so whether it allows the port is unknown"
            )
    return ""


def _named_groups(
    rules: list[SgRule],
    protocol: str,
    port: int,
    rest: list[Network],
    group_ranges: Mapping[str, tuple[Network, ...]],
    holders: tuple[str, ...] | None,
) -> list[str]:
    """The groups named by rules that allow (or may allow) ``port`` and whose members' private
    addresses could lie in ``rest``, the part of the destination nothing else allows. With
    ``holders`` known, only those count (the ones that certainly allow the port passed already)."""
    named: set[str] = set()
    for rule in rules:
        if not (rule.covers(protocol, port) or rule.may_cover(protocol)):
            continue
        for gid in rule.group_ids:
            if not gid or gid in named or (holders is not None and gid not in holders):
                continue
            space = (*_PRIVATE_SPACE, *group_ranges.get(gid, ()))
            if any(_overlaps(piece, net) for piece in rest for net in space):
                named.add(gid)
    return sorted(named)


def _rest(wanted: tuple[Network, ...], allowed: list[Network]) -> AddressSet | None:
    """The part of ``wanted`` outside ``allowed``, when ``wanted`` is of one family."""
    versions = {net.version for net in wanted}
    if len(versions) != 1:
        return None
    version = versions.pop()
    return AddressSet.of(wanted, version) - AddressSet.of(
        [n for n in allowed if n.version == version], version
    )


def _overlaps(a: Network, b: Network) -> bool:
    return a.version == b.version and a.overlaps(b)


def _collapse(networks: list[Network]) -> list[Network]:
    """Merge adjacent and nested blocks, each address family on its own."""
    merged: list[Network] = []
    for version in (4, 6):
        same = [n for n in networks if n.version == version]
        if same:
            # One family per call; typeshed's TypeVar takes one network class, not the union.
            merged.extend(ipaddress.collapse_addresses(same))  # type: ignore[type-var]
    return merged


def _within(piece: Network, net: Network) -> bool:
    return within(piece, net)


def evaluate_ingress(
    rules: list[SgRule],
    source: Network,
    port: int,
    from_groups: tuple[str, ...] | None,
    prefix_lists: dict[str, tuple[Network, ...] | None],
    protocol: str = "6",
) -> SgOutcome:
    """Does the union of a resource's groups let TCP ``port`` in from every address of ``source``
    (a task subnet), or from one of the task's groups? ``from_groups`` None: the task's groups are
    not known (an account audit), so a rule naming a group cannot be decided."""
    allowed: list[Network] = []
    refs: set[str] = set()
    unreadable: list[str] = []
    for rule in rules:
        if not rule.covers(protocol, port):
            continue
        allowed.extend(n for n in rule.networks if n.version == source.version)
        refs.update(g for g in rule.group_ids if g)
        for pl_id in rule.prefix_list_ids:
            cidrs = prefix_lists.get(pl_id)
            if cidrs is None:
                unreadable.append(pl_id)
            else:
                allowed.extend(n for n in cidrs if n.version == source.version)
    # ``allowed`` holds the source's family only; typeshed's TypeVar takes one network class, not the union.
    merged = list(ipaddress.collapse_addresses(allowed)) if allowed else []  # type: ignore[type-var]
    if any(within(source, net) for net in merged):
        return SgOutcome(Status.PASS, f"ingress allows TCP {port} from {source}")
    shared = sorted(refs & set(from_groups or ()))
    if shared:
        return SgOutcome(Status.PASS, f"ingress allows TCP {port} from the task's group {shared[0]}")
    unsure = _unsure(rules, protocol, prefix_lists, lambda net: _overlaps(net, source))
    unsure = unsure or next(
        (
            f"depends on a rule for group {g} with no valid port range (AWS requires one for TCP and UDP)"
            for r in rules
            if r.may_cover(protocol)
            for g in r.group_ids
            if g and (from_groups is None or g in from_groups)
        ),
        "",
    )
    if unsure:
        return SgOutcome(Status.UNKNOWN, f"ingress from {source} on TCP {port} {unsure}")
    if unreadable:
        return SgOutcome(
            Status.UNKNOWN,
            f"ingress from {source} on TCP {port} depends on prefix list(s) {', '.join(sorted(set(unreadable)))}"
            " whose entries were not collected",
        )
    if refs and from_groups is None:
        return SgOutcome(
            Status.UNKNOWN,
            f"ingress allows TCP {port} only from groups {', '.join(sorted(refs))}; the task's groups are not known",
        )
    if any(net.overlaps(source) for net in merged):
        return SgOutcome(Status.UNKNOWN, f"ingress allows TCP {port} from only part of {source}")
    groups = f" or from the task's groups {', '.join(from_groups)}" if from_groups else ""
    return SgOutcome(Status.FAIL, f"no ingress rule allows TCP {port} from {source}{groups}")
