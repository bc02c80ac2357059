"""Network ACL evaluation, as AWS does it: stateless, lowest rule number first, first match decides,
the catch-all ``*`` rule denies what no numbered rule matched.

Traffic is a set of addresses (the peer's CIDR blocks: for the internet, the public space) and a port range
(443, or the reply's ephemeral range). An entry may decide only part of that set; the rest falls
through to later entries. The outcome says whether all of it, none of it or part of it is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from fargate_netcheck.core.model import Status
from fargate_netcheck.snapshot.parse import AclEntry, Network, span_of


@dataclass(frozen=True, slots=True)
class AclOutcome:
    status: Status  # PASS: all allowed; FAIL: all denied; UNKNOWN: part denied
    deciding: str  # the entry that allowed, or the first that denied ("the default rule *")


def evaluate_acl(
    entries: tuple[AclEntry, ...], peer: tuple[Network, ...], ports: tuple[int, int], protocol: str = "6"
) -> AclOutcome:
    """``peer``: the addresses on the other side (destination outbound, source inbound).

    The traffic not yet decided is a list of pieces (version, first address, last address, first
    port, last port); each entry takes what it covers out of every piece, and what it leaves (an
    address or port remainder) goes on to the next entry. Integers throughout: this runs for every
    ACL a task's traffic crosses, for every subnet of an account."""
    undecided = [(*span_of(net), ports[0], ports[1]) for net in peer]
    allowed_by: AclEntry | None = None
    denied_by: AclEntry | None = None
    for entry in entries:
        if not undecided:
            break
        if entry.protocol != "-1" and entry.protocol != protocol:
            continue
        ev, elo, ehi = entry.span
        eplo, ephi = entry.ports
        rest: list[tuple[int, int, int, int, int]] = []
        matched = False
        for piece in undecided:
            v, lo, hi, plo, phi = piece
            olo = plo if plo > eplo else eplo
            ohi = phi if phi < ephi else ephi
            if olo > ohi or v != ev or hi < elo or ehi < lo:
                rest.append(piece)
                continue
            matched = True
            if plo < olo:
                rest.append((v, lo, hi, plo, olo - 1))
            if ohi < phi:
                rest.append((v, lo, hi, ohi + 1, phi))
            if lo < elo:  # the entry covers only part of these addresses
                rest.append((v, lo, elo - 1, olo, ohi))
            if ehi < hi:
                rest.append((v, ehi + 1, hi, olo, ohi))
        if matched:
            if entry.allow:
                allowed_by = allowed_by or entry
            else:
                denied_by = denied_by or entry
        undecided = rest
    if denied_by is None and not undecided:
        return AclOutcome(Status.PASS, allowed_by.text if allowed_by else "")
    first_deny = denied_by.text if denied_by else "the default rule * denies all traffic"
    if allowed_by is None:
        return AclOutcome(Status.FAIL, first_deny)
    return AclOutcome(Status.UNKNOWN, first_deny)
