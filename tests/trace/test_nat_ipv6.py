"""IPv6 at a NAT gateway: only NAT64's 64:ff9b::/96 is translated (its IPv4 path is not traced:
unknown); any other IPv6 is dropped there (GW006), never passed on to the NAT's subnet."""

from __future__ import annotations

from address_fixtures import dual_stack_app
from snapshots import codes, item, trace

from fargate_netcheck.core.model import CheckCode, Verdict


def _ipv6_to_nat(public_subnet_routes_ipv6: bool):
    snap = dual_stack_app()
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationIpv6CidrBlock": "::/0", "NatGatewayId": "nat-app", "State": "active"}
    )
    if public_subnet_routes_ipv6:  # would carry IPv6 on to the internet if the NAT forwarded it
        item(snap, "RouteTables", "rtb-public")["Routes"].append(
            {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-app", "State": "active"}
        )
    return snap


def test_native_ipv6_sent_to_a_nat_gateway_is_dropped_there_even_with_an_ipv6_way_out_behind_it():
    r = trace(_ipv6_to_nat(True), "subnet-private", destination="2606:4700::/32")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "nat-app")
    assert codes(r) == {CheckCode.NAT_IPV6}
    assert "only to NAT64's 64:ff9b::/96" in r.reason


def test_nat64_destinations_are_unknown_since_their_ipv4_path_is_not_traced():
    r = trace(_ipv6_to_nat(False), "subnet-private", destination="64:ff9b::102:304/128")
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.NAT_IPV6}
    assert "NAT64" in r.reason


def test_the_native_ipv6_drop_is_reported_by_gw006(capsys, tmp_path):
    import json

    from cli_helpers import run_cli

    path = tmp_path / "s.json"
    path.write_text(json.dumps(_ipv6_to_nat(True)))
    args = ("--subnet", "subnet-private", "--security-group", "sg-open", "--destination", "2606:4700::/32")
    r = run_cli(capsys, "check", "--snapshot", str(path), *args, "-f", "json")
    rule_ids = {f["rule_id"] for f in json.loads(r.out)["findings"]}
    assert "GW006" in rule_ids and r.code == 1
