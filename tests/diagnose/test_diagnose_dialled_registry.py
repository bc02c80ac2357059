"""A registry that is not AWS's, whose error quotes the address and port the agent dialled, is walked
to that address and port: one inside the corporate network is not behind the internet on 443, and
its fix is a way to that address, never a NAT gateway."""

from __future__ import annotations

from snapshots import healthy

from fargate_netcheck.diagnose.facts import TaskFacts
from fargate_netcheck.diagnose.run import report_for
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.stop_reason import classify


def pull_timeout(host: str, address: str) -> str:
    return (
        f'CannotPullContainerError: failed to do request: Head "https://{host}/v2/app/manifests/1": '
        f"dial tcp {address}: i/o timeout"
    )


def diagnose(reason: str, subnet: str):
    parsed = parse_snapshot(healthy(), "test")
    facts = TaskFacts(None, reason, "TaskFailedToStart", [], (subnet,), ("sg-open",), False)
    return report_for(facts, parsed, build_graph(parsed)).diagnosis


def test_the_dialled_address_and_port_are_read_from_the_message():
    found = classify(pull_timeout("registry.corp.example", "10.1.2.3:5000"))
    assert found.service is not None
    assert (found.service.key, found.service.dialled) == ("registry", ("10.1.2.3", 5000))
    ipv6 = classify(pull_timeout("registry.corp.example", "[2001:db8::7]:443")).service
    assert ipv6 is not None and ipv6.dialled == ("2001:db8::7", 443)
    # a name is not an address: nothing dialled is known
    named = classify("CannotPullContainerError: dial tcp: lookup registry.corp.example: no such host")
    assert named.service is None or named.service.dialled is None


def test_a_private_registry_is_walked_to_its_address_and_told_to_route_there_not_to_add_a_nat():
    d = diagnose(pull_timeout("registry.corp.example", "10.1.2.3:5000"), "subnet-private")
    # subnet-private reaches the internet through nat-app, but 10.1.2.3 is not on the internet
    assert (d.cause, d.verdict) == ("network", "unreachable"), d.headline
    assert "10.1.2.3:5000" in d.headline and "route to 10.1.2.3" in d.headline
    assert "NAT" not in d.headline.split("Change:", 1)[1]


def test_a_registry_on_the_internet_is_walked_to_its_address_through_the_nat():
    d = diagnose(pull_timeout("registry.example.com", "34.120.5.5:443"), "subnet-private")
    assert d.verdict == "reachable", d.headline
    assert "34.120.5.5:443" in d.explanation
