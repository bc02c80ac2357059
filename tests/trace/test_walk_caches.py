"""The per-run caches of the walks answer each key with its own answer: two keys a sloppier key
would merge (the task's account, a destination's blocks behind the same label, the range a
crossing's traffic comes from, which side of an ACL pair is the task) get different answers, and a
cached answer cannot be changed by the caller that got it."""

from __future__ import annotations

import ipaddress
import json
import random
from dataclasses import replace

import networkx as nx
from endpoint_snapshots import with_endpoints
from snapshots import acl_entries, custom_acl, healthy, item

from fargate_netcheck.core.model import CheckCode, Status, Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.graph.route_choice import next_hop, partition, route_pieces, route_tier
from fargate_netcheck.snapshot.addresses import AddressSet, ipv4_block
from fargate_netcheck.snapshot.parse import Route
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import trace_targets
from fargate_netcheck.trace.aws_ranges import SHIPPED, _cidr, parse, shipped
from fargate_netcheck.trace.destination import Destination, internet_space
from fargate_netcheck.trace.filters import Filters
from fargate_netcheck.trace.walk import Crossing, Walk

OURS, THEIRS = "111111111111", "222222222222"


def _acl(snap, subnet, entries):
    """Give ``subnet`` an ACL of its own: ``entries`` as (number, egress, action, cidr), all traffic."""
    custom_acl(
        snap,
        subnet,
        acl_entries(*((n, egress, action, cidr, "-1", None) for n, egress, action, cidr in entries)),
    )


def test_endpoint_policy_is_decided_per_account_of_the_task():
    """One endpoint, one need, two tasks of two accounts in one run: the policy admits only ours."""
    snap = with_endpoints("logs")
    item(snap, "VpcEndpoints", "vpce-logs")["PolicyDocument"] = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalAccount": OURS}},
                }
            ]
        }
    )
    g = build_graph(parse_snapshot(snap))
    base = make_target(g, "t", "subnet-isolated", ("sg-open",), needs=("logs",))
    ours, theirs = replace(base, account_id=OURS), replace(base, account_id=THEIRS)
    results = trace_targets(g, [ours, theirs, ours], grouped=False)

    def policy(result):
        need = next(n for n in result.needs if n.service == "logs")
        return next(c for c in need.result.checks if c.resource_id == "vpce-logs" and "policy" in c.reason)

    assert policy(results[0]).status is Status.PASS
    assert policy(results[1]).code is CheckCode.EPP_DENIED
    assert policy(results[2]) == policy(results[0])


def _filters_and_walk():
    snap = healthy()
    # subnet-private lets traffic out to 10.9.0.0/16 and in from subnet-public's range only
    _acl(
        snap,
        "subnet-private",
        [(100, True, "allow", "10.9.0.0/16"), (100, False, "allow", "10.0.0.0/24")],
    )
    g = build_graph(parse_snapshot(snap))
    return Filters(g), g


def test_acl_crossing_keys_the_destination_by_its_blocks_not_its_label():
    filters, _ = _filters_and_walk()
    allowed = Destination.of_networks((ipaddress.ip_network("10.9.0.0/24"),), "the peer")
    denied = Destination.of_networks((ipaddress.ip_network("10.8.0.0/24"),), "the peer")
    crossing = Crossing("subnet-private", None, origin=True)
    walks = [Walk(), Walk(), Walk()]
    for walk, dest in zip(walks, (allowed, denied, allowed), strict=True):
        filters.acl_crossing(walk, crossing, dest, 443)
    assert walks[0].checks[0].status is Status.PASS
    assert walks[1].checks[0].status is Status.FAIL
    assert walks[2].checks == walks[0].checks


def test_acl_crossing_keys_the_source_range_of_the_traffic():
    """A subnet the traffic passes through (a NAT gateway's): the request comes in from the task's
    range, which differs from one task subnet to the next."""
    filters, _ = _filters_and_walk()
    dest = Destination.of_networks((ipaddress.ip_network("10.9.0.0/24"),), "the peer")
    from_public = Crossing("subnet-private", ipaddress.ip_network("10.0.0.0/24"))
    from_isolated = Crossing("subnet-private", ipaddress.ip_network("10.0.2.0/24"))
    first, second = Walk(), Walk()
    filters.acl_crossing(first, from_public, dest, 443)
    filters.acl_crossing(second, from_isolated, dest, 443)
    inbound = [c for c in first.checks if "inbound request" in c.reason]
    assert inbound and inbound[0].status is Status.PASS
    inbound = [c for c in second.checks if "inbound request" in c.reason]
    assert inbound and inbound[0].status is Status.FAIL


def test_replay_runs_again_for_another_key_or_another_object_and_copies_nothing_back():
    filters, _ = _filters_and_walk()
    calls = []

    def record(walk, what):
        def run():
            calls.append(what)
            walk.passed(CheckCode.ROUTE, "rtb-x", what)

        return run

    a, b, c, d = Walk(), Walk(), Walk(), Walk()
    keep, other = object(), object()
    filters.replay(a, ("k", 1), record(a, "one"), keep=keep)
    filters.replay(b, ("k", 2), record(b, "two"), keep=keep)
    filters.replay(c, ("k", 1), record(c, "again"), keep=keep)
    filters.replay(d, ("k", 1), record(d, "other object"), keep=other)
    assert calls == ["one", "two", "other object"]
    assert [w.checks[0].reason for w in (a, b, c, d)] == ["one", "two", "one", "other object"]
    c.checks.clear()  # a walk's list is its own: the recorded checks stay
    e = Walk()
    filters.replay(e, ("k", 2), record(e, "never"), keep=keep)
    assert [ch.reason for ch in e.checks] == ["two"]


def test_endpoint_acl_pair_is_per_task_subnet():
    """Two task subnets reach the same endpoint subnet: only one's ACL lets the request out."""
    snap = with_endpoints("logs")
    _acl(snap, "subnet-public", [(100, True, "deny", "0.0.0.0/0")])
    g = build_graph(parse_snapshot(snap))
    targets = [
        make_target(g, "t", subnet, ("sg-open",), needs=("logs",))
        for subnet in ("subnet-private", "subnet-public", "subnet-private")
    ]
    results = trace_targets(g, targets, grouped=False)
    logs = [next(n for n in r.needs if n.service == "logs").result for r in results]
    assert logs[0].verdict is not Verdict.UNREACHABLE
    assert logs[1].verdict is Verdict.UNREACHABLE and logs[1].blocked_at == "acl-subnet-public"
    assert logs[2].verdict is logs[0].verdict and logs[2].checks == logs[0].checks


def test_address_set_text_is_made_once_and_cannot_be_changed_by_a_caller():
    space = AddressSet.of(["10.0.0.0/24", "10.0.1.0/24", "192.168.0.0/16"])
    first = space.cidrs()
    first.append("0.0.0.0/0")
    assert space.cidrs() == ["10.0.0.0/23", "192.168.0.0/16"]
    assert str(space) == "10.0.0.0/23, 192.168.0.0/16"


def test_equal_address_sets_hash_alike_whenever_each_was_first_hashed():
    a = AddressSet.of(["10.0.0.0/24", "10.0.1.0/24"])
    b = AddressSet.of(["10.0.0.0/23"])
    assert {a: "a"}[b] == "a"  # a hashed first, b on the lookup
    assert hash(a) == hash(b)
    assert AddressSet.of(["10.0.0.0/24"]) not in {AddressSet.of(["10.0.1.0/24"]): 1}


def test_ipv4_text_read_without_ipaddress_agrees_with_ipaddress():
    rng = random.Random(16)
    texts = ["0.0.0.0/0", "255.255.255.255/32", "10.0.0.1/8", "256.0.0.0/8", "01.2.3.4/8", "1.2.3.4/33"]
    texts += ["1.2.3.4", "1.2.3.4/08", " 1.2.3.4/8", "1.2.3.4/8 ", "::/0", "1.2.3/8"]
    texts += [f"{ipaddress.ip_address(rng.getrandbits(32))}/{rng.randint(0, 32)}" for _ in range(2000)]
    for text in texts:
        try:
            expected = ipaddress.ip_network(text, strict=False)
        except ValueError:
            expected = None
        block = ipv4_block(text)
        if block is not None:  # what it reads, it reads as ipaddress does
            assert expected is not None and expected.version == 4, text
            assert block[0] & int(expected.netmask) == int(expected.network_address), text
            assert block[1] == expected.prefixlen, text
        if expected is not None and expected.version == 4:
            assert AddressSet.of([text]).intervals == (
                (int(expected.network_address), int(expected.broadcast_address)),
            ), text
            assert _cidr(text, "test") == str(expected), text


def test_shipped_ranges_taken_as_written_are_the_ranges_read_and_rewritten():
    """``shipped()`` skips re-reading each block of the packaged copy: that copy must hold every
    block exactly as ``ipaddress`` writes it, or a walk would use text no parse would give."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert shipped().ranges == parse(data, "test").ranges
    assert sum(len(c) for services in shipped().ranges.values() for c in services.values()) > 1000


def _route(cidr: str, target: str) -> Route:
    kind = "local" if target == "local" else target.split("-")[0]
    return Route(cidr, ipaddress.ip_network(cidr), None, target, kind, "active", "CreateRoute")


def test_tables_share_a_partition_only_when_the_routes_that_can_win_the_set_are_equal():
    """A route to a private block cannot win any of the internet: tables differing only there
    share one partition; tables whose default routes differ do not."""
    g = nx.DiGraph()
    local, peer = _route("10.0.0.0/16", "local"), _route("10.9.0.0/16", "pcx-1")
    g.add_node("rtb-a", routes=(local, _route("0.0.0.0/0", "nat-a")))
    g.add_node("rtb-a-peered", routes=(local, _route("0.0.0.0/0", "nat-a"), peer))
    g.add_node("rtb-b", routes=(local, _route("0.0.0.0/0", "nat-b")))
    g.add_node("rtb-b-public", routes=(local, _route("0.0.0.0/0", "nat-b"), _route("52.0.0.0/8", "igw-1")))
    internet = internet_space(4)
    pieces = {t: route_pieces(g, t, internet) for t in g.nodes}
    assert pieces["rtb-a-peered"] is pieces["rtb-a"]
    assert [p.route.target_id for p in pieces["rtb-a"]] == ["nat-a"]
    assert [p.route.target_id for p in pieces["rtb-b"]] == ["nat-b"]
    assert sorted(p.route.target_id for p in pieces["rtb-b-public"]) == ["igw-1", "nat-b"]
    for table, found in pieces.items():  # each as the table alone would have it
        alone = partition(g, g.nodes[table]["routes"], internet, route_tier, next_hop)
        assert found == alone, table
    ten = AddressSet.of(["10.9.1.0/24"])
    assert route_pieces(g, "rtb-a-peered", ten)[0].route == peer
    assert route_pieces(g, "rtb-a", ten)[0].route.target_id == "nat-a"
