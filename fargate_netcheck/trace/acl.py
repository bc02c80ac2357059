"""Network ACL evaluation, as AWS does it: stateless, lowest rule number first, first match decides,
the catch-all ``*`` rule denies what no numbered rule matched.

Traffic is a set of addresses (the peer's CIDR blocks: for the internet, the public space) and a port range
(443, or the reply's ephemeral range). An entry may decide only part of that set; the rest falls
through to later entries. The outcome says whether all of it, none of it or part of it is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from fargate_netcheck.model import Status
from fargate_netcheck.parse import AclEntry, Network


@dataclass(frozen=True, slots=True)
class AclOutcome:
    status: Status  # PASS: all allowed; FAIL: all denied; UNKNOWN: part denied
    deciding: str  # the entry that allowed, or the first that denied ("the default rule *")


def evaluate_acl(
    entries: tuple[AclEntry, ...], peer: tuple[Network, ...], ports: tuple[int, int], protocol: str = "6"
) -> AclOutcome:
    """``peer``: the addresses on the other side (destination outbound, source inbound)."""
    undecided: list[tuple[Network, tuple[int, int]]] = [(net, ports) for net in peer]
    allowed_by: list[AclEntry] = []
    denied_by: list[AclEntry] = []
    for entry in entries:
        if not undecided:
            break
        if entry.protocol not in ("-1", protocol):
            continue
        rest: list[tuple[Network, tuple[int, int]]] = []
        for net, (lo, hi) in undecided:
            olo, ohi = max(lo, entry.ports[0]), min(hi, entry.ports[1])
            if olo > ohi or net.version != entry.network.version or not net.overlaps(entry.network):
                rest.append((net, (lo, hi)))
                continue
            if lo < olo:
                rest.append((net, (lo, olo - 1)))
            if ohi < hi:
                rest.append((net, (ohi + 1, hi)))
            if not net.subnet_of(entry.network):  # the entry covers only part of these addresses
                rest.extend((piece, (olo, ohi)) for piece in net.address_exclude(entry.network))
            (allowed_by if entry.allow else denied_by).append(entry)
        undecided = rest
    if not denied_by and not undecided:
        return AclOutcome(Status.PASS, allowed_by[0].describe() if allowed_by else "")
    first_deny = denied_by[0].describe() if denied_by else "the default rule * denies all traffic"
    if not allowed_by:
        return AclOutcome(Status.FAIL, first_deny)
    return AclOutcome(Status.UNKNOWN, first_deny)
