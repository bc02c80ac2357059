"""A task in an IPv6-only subnet (``Ipv6Native``) has no IPv4 address: an IPv4 walk from it is never
``reachable``, whatever its routes and public-IP choice say (AWS, "Using a VPC in IPv6-only mode":
IPv4-only services are reached by name through DNS64 and NAT64, which an IPv4 walk does not trace)."""

from __future__ import annotations

from address_fixtures import dual_stack_app
from snapshots import codes, item, region, trace

from fargate_netcheck.core.model import CheckCode, Verdict


def _ipv6_only(subnet: str, rtb: str):
    snap = dual_stack_app()
    region(snap)["EgressOnlyInternetGateways"] = [
        {
            "EgressOnlyInternetGatewayId": "eigw-app",
            "Attachments": [{"VpcId": "vpc-app", "State": "attached"}],
        }
    ]
    item(snap, "RouteTables", rtb)["Routes"].append(
        {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-app", "State": "active"}
    )
    sub = item(snap, "Subnets", subnet)
    del sub["CidrBlock"]
    sub["Ipv6Native"] = True
    return snap


def test_an_ipv6_only_subnet_with_a_public_ip_choice_never_reaches_ipv4_through_an_internet_gateway():
    r = trace(_ipv6_only("subnet-public", "rtb-public"), "subnet-public", public=True)
    assert r.verdict is Verdict.UNKNOWN
    assert r.path == ["subnet-public"]
    assert codes(r) == {CheckCode.UNSUPPORTED_TARGET}
    assert "IPv6-only" in r.reason and "no IPv4 address" in r.reason


def test_an_ipv6_only_subnet_behind_a_nat_gateway_is_not_walked_as_ipv4():
    r = trace(_ipv6_only("subnet-private", "rtb-private"), "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert "IPv6-only" in r.reason


def test_an_ipv6_only_subnet_still_reaches_ipv6_through_its_egress_only_gateway():
    r = trace(_ipv6_only("subnet-private", "rtb-private"), "subnet-private", destination="2606:4700::/32")
    assert r.verdict is Verdict.REACHABLE
    assert r.path == ["subnet-private", "rtb-private", "eigw-app"]


def test_a_dual_stack_subnet_keeps_its_ipv4_walk():
    snap = dual_stack_app()
    r = trace(snap, "subnet-public", public=True)
    assert r.verdict is Verdict.REACHABLE
