"""Network ACL evaluation, as AWS does it: stateless, lowest rule number first, first match decides,
the catch-all ``*`` rule denies what no numbered rule matched.

Traffic is a set of addresses (the peer's CIDR blocks: for the internet, the public space) and a port range
(443, or the reply's ephemeral range). An entry may decide only part of that set; the rest falls
through to later entries. The outcome says whether all of it, none of it or part of it is allowed.

An entry of the traffic's protocol with no valid port range (which AWS refuses to create) may or
may not match: the traffic is evaluated twice, once with such allow entries matching every port and
such deny entries left out (the most that can be allowed), once the other way round (the least).
First-match evaluation is monotone in this, so when both agree every reading agrees; otherwise
the outcome is unknown, naming the entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from fargate_netcheck.core.model import Status
from fargate_netcheck.snapshot.addresses import AddressSet, merge
from fargate_netcheck.snapshot.parse import ALL_PORTS, AclEntry, Network, span_of


@dataclass(frozen=True, slots=True)
class AclOutcome:
    status: Status  # PASS: all allowed; FAIL: all denied; UNKNOWN: part denied, or undecidable
    deciding: str  # the entry that allowed, or the first that denied ("the default rule *")
    undecidable: bool = False  # UNKNOWN because an entry's port range is unknown, not a partial block
    # UNKNOWN as a partial block: the peer's addresses no allow entry lets through on any port of
    # the range, blocked whatever port is used (one family; None when undecidable or mixed)
    blocked: AddressSet | None = None


def evaluate_acl(
    entries: tuple[AclEntry, ...], peer: tuple[Network, ...], ports: tuple[int, int], protocol: str = "6"
) -> AclOutcome:
    """``peer``: the addresses on the other side (destination outbound, source inbound).

    The traffic not yet decided is a list of pieces (version, first address, last address, first
    port, last port); each entry takes what it covers out of every piece, and what it leaves (an
    address or port remainder) goes on to the next entry. Integers throughout: this runs for every
    ACL a task's traffic crosses, for every subnet of an account."""
    return _first_match(entries, peer, ports, protocol) or _bounds(entries, peer, ports, protocol)


def _bounds(
    entries: tuple[AclEntry, ...], peer: tuple[Network, ...], ports: tuple[int, int], protocol: str
) -> AclOutcome:
    """Entries without a valid port range: the most and the least that can be allowed."""
    unsure = [e for e in entries if e.ports is None and e.protocol == protocol]
    most = tuple(e for e in entries if not (e.ports is None and not e.allow))
    least = tuple(e for e in entries if not (e.ports is None and e.allow))
    high = _first_match(most, peer, ports, protocol, unsure_ports=ALL_PORTS)
    low = _first_match(least, peer, ports, protocol, unsure_ports=ALL_PORTS)
    assert high is not None and low is not None
    if high.status is low.status is Status.PASS:
        return low  # allowed even without the uncertain allow entries
    if high.status is low.status is Status.FAIL:
        return high  # denied even with them matching every port
    return AclOutcome(
        Status.UNKNOWN,
        f"{unsure[0].text}: AWS requires a port range for TCP and UDP, so whether it matches is unknown",
        undecidable=True,
    )


def _first_match(
    entries: tuple[AclEntry, ...],
    peer: tuple[Network, ...],
    ports: tuple[int, int],
    protocol: str,
    unsure_ports: tuple[int, int] | None = None,
) -> AclOutcome | None:
    """The evaluation; None when it meets an entry without a valid port range, unless
    ``unsure_ports`` says which ports such an entry matches."""
    undecided = [(*span_of(net), ports[0], ports[1]) for net in peer]
    allowed_by: AclEntry | None = None
    denied_by: AclEntry | None = None
    let_through: list[tuple[int, int]] = []  # address spans an allow entry matched, on some port
    for entry in entries:
        if not undecided:
            break
        if entry.protocol != "-1" and entry.protocol != protocol:
            continue
        ev, elo, ehi = entry.span
        entry_ports = entry.ports or unsure_ports
        if entry_ports is None:
            return None
        eplo, ephi = entry_ports
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
            if entry.allow:
                let_through.append((lo if lo > elo else elo, hi if hi < ehi else ehi))
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
    versions = {net.version for net in peer}
    if len(versions) != 1:
        return AclOutcome(Status.UNKNOWN, first_deny)
    version = versions.pop()
    blocked = AddressSet.of(peer, version) - AddressSet(version, merge(let_through))
    return AclOutcome(Status.UNKNOWN, first_deny, blocked=blocked)
