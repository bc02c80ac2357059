"""evaluate_acl against a brute-force model of AWS's rule: for every address and port of the
traffic, the lowest-numbered matching entry decides, and the catch-all ``*`` denies the rest.

The evaluator works on integer intervals; this checks it point by point on small address and port
spaces, where every point can be enumerated."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from fargate_netcheck.core.model import Status
from fargate_netcheck.snapshot.parse import AclEntry
from fargate_netcheck.trace.acl import evaluate_acl

BASE = int(ipaddress.ip_address("10.0.0.0"))
DEFAULT = "the default rule * denies all traffic"


def network(offset: int, prefix: int) -> ipaddress.IPv4Network:
    size = 2 ** (32 - prefix)
    return ipaddress.ip_network((BASE + offset // size * size, prefix))


# A /28 and ports 0-7: small enough that entries overlap, nest and split each other often.
networks = st.builds(network, st.integers(0, 15), st.integers(28, 32))
port_ranges = st.tuples(st.integers(0, 7), st.integers(0, 7)).map(lambda p: (min(p), max(p)))


def entry(protocols, ports):
    return st.builds(
        AclEntry,
        number=st.integers(1, 32766),
        protocol=st.sampled_from(protocols),
        allow=st.booleans(),
        network=networks,
        ports=ports,
    )


def ordered(entry_strategy, max_size):
    return st.lists(entry_strategy, max_size=max_size, unique_by=lambda e: e.number).map(
        lambda es: tuple(sorted(es, key=lambda e: e.number))
    )


entries = ordered(entry(["-1", "6", "17"], port_ranges), 6)


def model(entries, peer, ports):
    """(status, deciding) by deciding every (address, port) point on its own."""
    allowed: list[AclEntry] = []
    denied: list[AclEntry] = []
    defaulted = False
    for net in peer:
        for address in net:
            for port in range(ports[0], ports[1] + 1):
                entry = next(
                    (
                        e
                        for e in entries
                        if e.protocol in ("-1", "6")
                        and address in e.network
                        and e.ports[0] <= port <= e.ports[1]
                    ),
                    None,
                )
                if entry is None:
                    defaulted = True
                else:
                    (allowed if entry.allow else denied).append(entry)
    first = lambda found: min(found, key=lambda e: e.number) if found else None  # noqa: E731
    allow, deny = first(allowed), first(denied)
    if deny is None and not defaulted:
        return Status.PASS, allow.text if allow else ""
    deciding = deny.text if deny else DEFAULT
    return (Status.FAIL if allow is None else Status.UNKNOWN), deciding


@settings(max_examples=400)
@given(entries, st.lists(networks, min_size=1, max_size=2).map(tuple), port_ranges)
def test_interval_evaluation_matches_the_point_by_point_model(entries, peer, ports):
    outcome = evaluate_acl(entries, peer, ports)
    assert (outcome.status, outcome.deciding) == model(entries, peer, ports)


def test_an_entry_inside_the_peer_range_decides_only_its_part():
    entries = (
        AclEntry(100, "-1", False, ipaddress.ip_network("10.0.0.16/28"), (0, 65535)),
        AclEntry(200, "-1", True, ipaddress.ip_network("0.0.0.0/0"), (0, 65535)),
    )
    outcome = evaluate_acl(entries, (ipaddress.ip_network("10.0.0.0/26"),), (443, 443))
    assert outcome.status is Status.UNKNOWN
    assert outcome.deciding == "rule 100 denies all traffic 10.0.0.16/28"


def test_ipv6_entries_never_decide_ipv4_traffic():
    entries = (AclEntry(100, "-1", True, ipaddress.ip_network("::/0"), (0, 65535)),)
    outcome = evaluate_acl(entries, (ipaddress.ip_network("10.0.0.0/24"),), (443, 443))
    assert (outcome.status, outcome.deciding) == (Status.FAIL, DEFAULT)


def test_addresses_after_a_narrower_entry_fall_through_to_the_next():
    entries = (AclEntry(100, "-1", True, ipaddress.ip_network("10.0.0.0/32"), (0, 65535)),)
    outcome = evaluate_acl(entries, (ipaddress.ip_network("10.0.0.0/31"),), (443, 443))
    assert (outcome.status, outcome.deciding) == (Status.UNKNOWN, DEFAULT)


def test_ports_after_a_narrower_entry_fall_through_to_the_next():
    entries = (
        AclEntry(100, "6", True, ipaddress.ip_network("0.0.0.0/0"), (1024, 2047)),
        AclEntry(110, "6", False, ipaddress.ip_network("0.0.0.0/0"), (2048, 65535)),
    )
    outcome = evaluate_acl(entries, (ipaddress.ip_network("10.0.0.0/24"),), (1024, 65535))
    assert (outcome.status, outcome.deciding) == (
        Status.UNKNOWN,
        "rule 110 denies TCP ports 2048-65535 0.0.0.0/0",
    )


def test_addresses_before_a_narrower_entry_fall_through_to_the_next():
    entries = (AclEntry(100, "-1", True, ipaddress.ip_network("10.0.0.1/32"), (0, 65535)),)
    outcome = evaluate_acl(entries, (ipaddress.ip_network("10.0.0.0/31"),), (443, 443))
    assert (outcome.status, outcome.deciding) == (Status.UNKNOWN, DEFAULT)


# Entries whose port range is unknown (a TCP or UDP entry without a valid one): the outcome must be
# what every reading agrees on, and unknown where readings differ. The readings checked here are the
# extremes of each such entry (it matches every port, or none); first-match evaluation is monotone
# in them, which is what lets the evaluator try only the two overall extremes.
entries_with_unsure = ordered(entry(["-1", "6", "17"], port_ranges) | entry(["6", "17"], st.none()), 5)


def readings(entries):
    """Every combination of the unsure entries matching all ports or being absent."""
    unsure = [i for i, e in enumerate(entries) if e.ports is None]
    for mask in range(2 ** len(unsure)):
        chosen = []
        for i, e in enumerate(entries):
            if e.ports is None:
                if mask >> unsure.index(i) & 1:
                    chosen.append(AclEntry(e.number, e.protocol, e.allow, e.network, (0, 65535)))
            else:
                chosen.append(e)
        yield tuple(chosen)


@settings(max_examples=300)
@given(entries_with_unsure, st.lists(networks, min_size=1, max_size=2).map(tuple), port_ranges)
def test_entries_without_port_range_give_what_every_reading_agrees_on(entries, peer, ports):
    statuses = {model(reading, peer, ports)[0] for reading in readings(entries)}
    expected = statuses.pop() if len(statuses) == 1 else Status.UNKNOWN
    assert evaluate_acl(entries, peer, ports).status is expected
