"""DNS64 on a dual-stack subnet: a task with an IPv6 address reaches IPv4-only names at 64:ff9b::/96
(synthesized AAAA records, preferred to IPv4), which only a NAT gateway translates. Before, the IPv4
walk alone decided: a subnet with DNS64 on and no 64:ff9b::/96 route to a NAT gateway read as
reachable, though clients that prefer IPv6 time out there."""

from __future__ import annotations

from typing import Any

import pytest
from address_fixtures import dual_stack_app
from snapshots import item, region, trace

from fargate_netcheck.core.model import CheckCode, Status, Verdict

NAT64_ROUTE = {"DestinationIpv6CidrBlock": "64:ff9b::/96", "NatGatewayId": "nat-app", "State": "active"}


def dns64(on: bool | None, *routes: dict[str, Any]) -> dict[str, Any]:
    """dual_stack_app() with subnet-private's EnableDns64 set (None: absent) and ``routes`` added to
    rtb-private (its IPv4 default goes to nat-app)."""
    snap = dual_stack_app()
    subnet = item(snap, "Subnets", "subnet-private")
    if on is None:
        del subnet["EnableDns64"]
    else:
        subnet["EnableDns64"] = on
    item(snap, "RouteTables", "rtb-private")["Routes"].extend(routes)
    return snap


def dns64_checks(r) -> list[tuple[CheckCode, Status]]:
    return [(c.code, c.status) for c in r.checks if c.code in (CheckCode.DNS64, CheckCode.DNS64_NO_NAT64)]


def test_dns64_on_without_a_nat64_route_is_unknown_not_reachable():
    r = trace(dns64(True), "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert dns64_checks(r) == [(CheckCode.DNS64_NO_NAT64, Status.UNKNOWN)]
    assert "DNS64 is on in subnet-private" in r.reason
    assert "route 64:ff9b::/96 to the NAT gateway" in r.reason


def test_dns64_on_with_64_ff9b_routed_to_the_same_nat_gateway_stays_reachable():
    r = trace(dns64(True, NAT64_ROUTE), "subnet-private")
    assert r.verdict is Verdict.REACHABLE
    assert dns64_checks(r) == [(CheckCode.DNS64, Status.PASS)]
    assert "reaches nat-app (NAT64)" in next(c.reason for c in r.checks if c.code is CheckCode.DNS64)


def test_dns64_off_changes_nothing():
    r = trace(dns64(False), "subnet-private")
    assert r.verdict is Verdict.REACHABLE
    assert dns64_checks(r) == []


def test_dns64_not_in_the_snapshot_is_unknown_where_the_nat64_way_does_not_hold():
    r = trace(dns64(None), "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert "EnableDns64 is not in the snapshot" in r.reason


def test_dns64_not_in_the_snapshot_passes_where_the_nat64_way_holds():
    r = trace(dns64(None, NAT64_ROUTE), "subnet-private")
    assert r.verdict is Verdict.REACHABLE
    assert dns64_checks(r) == []


@pytest.mark.parametrize("setting", [None, "disabled"])
def test_a_task_without_an_ipv6_address_does_not_use_dns64(setting):
    """ECS dual-stack off: the task has no IPv6 address, asks for A records and uses them."""
    snap = dns64(True)
    if setting is None:
        region(snap)["EcsAccountSettings"] = []
    else:
        region(snap)["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": setting}]
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.REACHABLE
    assert dns64_checks(r) == []


def test_a_group_without_ipv6_egress_blocks_the_nat64_way():
    snap = dns64(True, NAT64_ROUTE)
    item(snap, "SecurityGroups", "sg-open")["IpPermissionsEgress"][0]["Ipv6Ranges"] = []
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert dns64_checks(r) == [(CheckCode.DNS64_NO_NAT64, Status.UNKNOWN)]


def test_half_of_64_ff9b_routed_elsewhere_is_unknown():
    """A route covering part of 64:ff9b::/96 splits it: the other half goes to nothing."""
    half = {**NAT64_ROUTE, "DestinationIpv6CidrBlock": "64:ff9b::/97"}
    r = trace(dns64(True, half), "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert dns64_checks(r) == [(CheckCode.DNS64_NO_NAT64, Status.UNKNOWN)]


def test_a_public_subnet_with_dns64_on_has_no_nat64_through_its_internet_gateway():
    """The IPv4 way is the task's public IP at the internet gateway; 64:ff9b::/96 is no internet
    address, and no NAT gateway translates it there."""
    snap = dual_stack_app()
    item(snap, "Subnets", "subnet-public")["EnableDns64"] = True
    item(snap, "RouteTables", "rtb-public")["Routes"].append(
        {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-app", "State": "active"}
    )
    r = trace(snap, "subnet-public", public=True)
    assert r.verdict is Verdict.UNKNOWN
    assert dns64_checks(r) == [(CheckCode.DNS64_NO_NAT64, Status.UNKNOWN)]


def test_an_unreachable_ipv4_walk_is_not_changed():
    snap = dns64(True)
    item(snap, "RouteTables", "rtb-private")["Routes"] = [
        r for r in item(snap, "RouteTables", "rtb-private")["Routes"] if r.get("NatGatewayId") != "nat-app"
    ]
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNREACHABLE
    assert dns64_checks(r) == []
