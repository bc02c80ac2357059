"""The stateless engine over packet sets agrees with a brute-force, packet-by-packet model.

A small universe (8 addresses, 5 ports, TCP/UDP, the TCP flags of a connection) lets every packet
of a set be enumerated: the evaluator's possible actions must include every action some packet
gets, and when the evaluator names a single action, every packet gets exactly that one.
"""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from fargate_netcheck.trace.nfw.flow import Flow
from fargate_netcheck.trace.nfw.sets import AddressSet, ports
from fargate_netcheck.trace.nfw.stateless import REQUEST_FLAGS, Outcome, StatelessRule, outcomes

BASE = int(ipaddress.ip_address("10.0.0.0"))
ACTIONS = ("aws:pass", "aws:drop", "aws:forward_to_sfe")
DEFAULT = Outcome("aws:drop", "default")


def cidr(start: int, prefix: int) -> str:
    size = 2 ** (32 - prefix)
    return f"{ipaddress.ip_address(BASE + (start // size) * size)}/{prefix}"


cidrs = st.builds(cidr, st.integers(0, 7), st.integers(30, 32))
port_ranges = st.tuples(st.integers(0, 4), st.integers(0, 4)).map(lambda t: (min(t), max(t)))


@st.composite
def rules(draw) -> StatelessRule:
    def maybe(strategy):
        return draw(st.one_of(st.none(), strategy))

    flags = draw(st.lists(st.sampled_from(["SYN", "ACK", "PSH", "FIN"]), max_size=2, unique=True))
    masks = draw(st.lists(st.sampled_from(["SYN", "ACK", "PSH", "FIN"]), max_size=3, unique=True))
    tcp_flags = ((frozenset(flags), frozenset(masks) | frozenset(flags)),) if draw(st.booleans()) else ()
    return StatelessRule(
        where=f"rule-{draw(st.integers(0, 999))}",
        sources=maybe(st.lists(cidrs, min_size=1, max_size=2).map(AddressSet.of)),
        destinations=maybe(st.lists(cidrs, min_size=1, max_size=2).map(AddressSet.of)),
        source_ports=maybe(st.lists(port_ranges, min_size=1, max_size=2).map(ports)),
        destination_ports=maybe(st.lists(port_ranges, min_size=1, max_size=2).map(ports)),
        protocols=maybe(st.sets(st.sampled_from([6, 17]), min_size=1).map(frozenset)),
        tcp_flags=tcp_flags,
        action=draw(st.sampled_from(ACTIONS)),
    )


def brute_force(rule_list: list[StatelessRule], flow: Flow, flags: frozenset[str]) -> set[str]:
    """Every concrete packet of ``flow``, each through the rules one at a time."""
    seen = set()
    for src in flow.sources.networks():
        for s in src:
            for dst in flow.destinations.networks():
                for d in dst:
                    for sp_lo, sp_hi in flow.source_ports.intervals:
                        for sp in range(sp_lo, sp_hi + 1):
                            for dp_lo, dp_hi in flow.destination_ports.intervals:
                                for dp in range(dp_lo, dp_hi + 1):
                                    packet = Flow(
                                        AddressSet.of([f"{s}/32"]),
                                        AddressSet.of([f"{d}/32"]),
                                        ports([(sp, sp)]),
                                        ports([(dp, dp)]),
                                        flow.protocol,
                                    )
                                    found = outcomes(rule_list, packet, flags, DEFAULT)
                                    assert len(found) == 1  # one packet: exactly one action
                                    seen.add(found[0].action)
    return seen


@st.composite
def flows(draw) -> Flow:
    return Flow(
        AddressSet.of([draw(cidrs)]),
        AddressSet.of([draw(cidrs)]),
        ports([draw(port_ranges)]),
        ports([draw(port_ranges)]),
        draw(st.sampled_from([6, 17])),
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(rules(), max_size=5), flows(), st.sampled_from(REQUEST_FLAGS))
def test_set_evaluation_covers_every_packet_and_is_exact_when_single(rule_list, flow, flags):
    evaluated = {o.action for o in outcomes(rule_list, flow, flags, DEFAULT)}
    truth = brute_force(rule_list, flow, flags)
    assert truth <= evaluated
    if len(evaluated) == 1:
        assert truth == evaluated


def test_tcp_flag_rule_drops_only_the_syn():
    syn_drop = StatelessRule(
        "syn-drop",
        None,
        None,
        None,
        None,
        frozenset({6}),
        ((frozenset({"SYN"}), frozenset({"SYN", "ACK"})),),
        "aws:drop",
    )
    flow = Flow(
        AddressSet.of(["10.0.0.0/32"]), AddressSet.of(["10.0.0.1/32"]), ports([(1, 1)]), ports([(2, 2)])
    )
    default = Outcome("aws:forward_to_sfe", "default")
    assert [o.action for o in outcomes([syn_drop], flow, frozenset({"SYN"}), default)] == ["aws:drop"]
    assert [o.action for o in outcomes([syn_drop], flow, frozenset({"SYN", "ACK"}), default)] == [
        "aws:forward_to_sfe"
    ]
