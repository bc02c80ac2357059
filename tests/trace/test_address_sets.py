"""Every destination is an address set (issue 11): one test per case of its "Why", then the same
shapes on transit gateway route tables and on the return path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from address_fixtures import FIXTURES, default_route_in_halves, partner_range_into_peering
from address_fixtures import ipv6_route_without_ipv6_subnet as no_ipv6_subnet
from cli_helpers import run_cli
from depth.harness import result
from depth.tgw_builders import tgw_egress
from snapshots import ALLOW_ALL_ACL, codes, healthy, item, region, trace

from fargate_netcheck.core.model import CheckCode, Status, Verdict

DATA = Path(__file__).parent / "data"
PCX = {"VpcPeeringConnectionId": "pcx-partner", "State": "active"}
TASK = ("sg-spoke-task",)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_files_are_what_the_builders_make(name):
    assert json.loads((DATA / name).read_text()) == FIXTURES[name]()


# -- the cases of "Why" ---------------------------------------------------------------------------
def test_partner_range_beside_the_default_route_makes_the_internet_unknown_naming_the_lost_part():
    r = trace(partner_range_into_peering(), "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNKNOWN, None)
    assert "52.0.0.0/8 of the internet (0.0.0.0/0) is unreachable at pcx-partner" in r.reason
    assert "rtb-private" in r.reason and "--destination" in r.reason
    lost = r.pieces[1]
    assert (lost.destination, lost.result.verdict, lost.result.path) == (
        ("52.0.0.0/8",),
        Verdict.UNREACHABLE,
        ["subnet-private", "rtb-private", "pcx-partner"],
    )
    assert r.pieces[0].result.path[-1] == "igw-app"


def test_a_destination_outside_the_partner_range_is_reachable_and_one_inside_is_unreachable():
    snap = partner_range_into_peering()
    ok = trace(snap, "subnet-private", destination="8.8.8.0/24")
    assert (ok.verdict, ok.pieces) == (Verdict.REACHABLE, None)
    lost = trace(snap, "subnet-private", destination="52.94.0.0/16")
    assert (lost.verdict, lost.blocked_at) == (Verdict.UNREACHABLE, "pcx-partner")
    assert codes(lost) == {CheckCode.PEERING_NOT_TRANSITIVE}


def test_the_peer_vpcs_own_range_arrives_over_the_peering():
    snap = partner_range_into_peering()
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": "172.20.0.0/16", **PCX}
    )
    r = trace(snap, "subnet-private", destination="172.20.5.0/24")
    assert (r.verdict, r.path) == (Verdict.REACHABLE, ["subnet-private", "rtb-private", "pcx-partner"])


def with_partner_subnet(*routes: dict) -> dict:
    """partner_range_into_peering() routing 172.20.0.0/16 to pcx-partner, and vpc-partner holding
    subnet-partner 172.20.5.0/24 on rtb-partner (local, and ``routes``)."""
    snap = partner_range_into_peering()
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": "172.20.0.0/16", **PCX}
    )
    reg = region(snap)
    reg["Subnets"].append(
        {
            "SubnetId": "subnet-partner",
            "VpcId": "vpc-partner",
            "CidrBlock": "172.20.5.0/24",
            "AvailabilityZone": "us-east-1a",
        }
    )
    reg["RouteTables"].append(
        {
            "RouteTableId": "rtb-partner",
            "VpcId": "vpc-partner",
            "Associations": [{"Main": True}],
            "Routes": [{"DestinationCidrBlock": "172.20.0.0/16", "GatewayId": "local"}, *routes],
        }
    )
    reg["NetworkAcls"].append(  # its ACL lets everything through: only the way back is in question
        {
            "NetworkAclId": "acl-partner",
            "VpcId": "vpc-partner",
            "IsDefault": True,
            "Associations": [{"SubnetId": "subnet-partner", "NetworkAclId": "acl-partner"}],
            "Entries": ALLOW_ALL_ACL,
        }
    )
    return snap


def test_replies_from_a_peer_subnet_without_a_route_back_are_unreachable():
    r = trace(with_partner_subnet(), "subnet-private", destination="172.20.5.0/24")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "rtb-partner")
    assert codes(r) == {CheckCode.PEERING_NO_RETURN}
    assert "10.0.1.0/24" in r.reason and "pcx-partner" in r.reason


def test_replies_from_a_peer_subnet_routing_back_over_the_peering_arrive():
    snap = with_partner_subnet({"DestinationCidrBlock": "10.0.0.0/16", **PCX})
    r = trace(snap, "subnet-private", destination="172.20.5.0/24")
    assert (r.verdict, r.path) == (Verdict.REACHABLE, ["subnet-private", "rtb-private", "pcx-partner"])
    assert any(c.code is CheckCode.PEERING and c.resource_id == "rtb-partner" for c in r.checks)


def test_gw011_reports_the_peer_table_without_a_route_back(tmp_path, capsys):
    path = tmp_path / "peer.json"
    path.write_text(json.dumps(with_partner_subnet()))
    args = ["check", "--snapshot", str(path), "--subnet", "subnet-private", "--security-group", "sg-open"]
    run = run_cli(capsys, *args, "--destination", "172.20.5.0/24", "-f", "json")
    assert run.code == 1
    found = [(f["rule_id"], f["resource_id"]) for f in json.loads(run.out)["findings"]]
    assert ("GW011", "rtb-partner") in found


def test_a_peer_vpc_of_another_account_is_known_by_its_ranges_and_its_way_back_is_unknown():
    snap = partner_range_into_peering()  # pcx-partner's AccepterVpcInfo lists 172.20.0.0/16
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": "172.20.0.0/16", **PCX}
    )
    region(snap)["Vpcs"] = [v for v in region(snap)["Vpcs"] if v["VpcId"] != "vpc-partner"]
    r = trace(snap, "subnet-private", destination="172.20.5.0/24")
    assert (r.verdict, r.path) == (Verdict.UNKNOWN, ["subnet-private", "rtb-private", "pcx-partner"])
    assert "vpc-partner" in r.reason and "not in the snapshot" in r.reason
    outside = trace(snap, "subnet-private", destination="52.94.0.0/16")
    assert (outside.verdict, outside.blocked_at) == (Verdict.UNREACHABLE, "pcx-partner")


def test_all_of_the_internet_in_halves_into_a_peering_is_unreachable():
    snap = partner_range_into_peering()
    item(snap, "RouteTables", "rtb-private")["Routes"] += [
        {"DestinationCidrBlock": half, **PCX} for half in ("0.0.0.0/1", "128.0.0.0/1")
    ]
    r = trace(snap, "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "pcx-partner")
    assert r.pieces is None  # every half goes to the same peering: one walk


def test_a_blackhole_inside_the_destination_makes_it_unknown():
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": "52.94.5.0/24", "NatGatewayId": "nat-gone", "State": "blackhole"}
    )
    r = trace(snap, "subnet-private", destination="52.94.0.0/16")
    assert r.verdict is Verdict.UNKNOWN
    assert [(p.destination, p.result.blocked_at) for p in r.pieces][1] == (("52.94.5.0/24",), "rtb-private")
    assert "52.94.5.0/24 of 52.94.0.0/16 is unreachable at rtb-private" in r.reason
    blackhole = trace(snap, "subnet-private", destination="52.94.5.7/32")
    assert (blackhole.verdict, codes(blackhole)) == (Verdict.UNREACHABLE, {CheckCode.BLACKHOLE})


def test_a_default_route_in_two_halves_to_a_nat_is_reachable_as_one_walk():
    r = trace(default_route_in_halves(), "subnet-private")
    assert (r.verdict, r.pieces) == (Verdict.REACHABLE, None)
    assert r.path == ["subnet-private", "rtb-private", "nat-app", "subnet-public", "rtb-public", "igw-app"]
    route_check = next(c for c in r.checks if c.code is CheckCode.ROUTE)
    assert "0.0.0.0/1, 128.0.0.0/1 -> nat-app" in route_check.reason


def test_a_prefix_list_holding_both_halves_routes_like_a_default_route():
    snap = healthy()
    rtb = item(snap, "RouteTables", "rtb-private")
    rtb["Routes"] = [r for r in rtb["Routes"] if r.get("DestinationCidrBlock") != "0.0.0.0/0"]
    rtb["Routes"].append(
        {"DestinationPrefixListId": "pl-halves", "NatGatewayId": "nat-app", "State": "active"}
    )
    region(snap)["ManagedPrefixLists"].append(
        {"PrefixListId": "pl-halves", "Entries": [{"Cidr": "0.0.0.0/1"}, {"Cidr": "128.0.0.0/1"}]}
    )
    assert trace(snap, "subnet-private").verdict is Verdict.REACHABLE


def test_ipv6_from_a_subnet_without_an_ipv6_block_is_unreachable_at_the_subnet():
    r = trace(no_ipv6_subnet(), "subnet-private", destination="::/0")
    assert (r.verdict, r.blocked_at, r.path) == (Verdict.UNREACHABLE, "subnet-private", ["subnet-private"])
    assert codes(r) == {CheckCode.TASK_NO_IPV6}
    assert "no IPv6 CIDR block" in r.reason


def test_a_private_destination_never_leaves_through_the_internet_gateway():
    r = trace(healthy(), "subnet-private", destination="172.20.0.0/16")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "igw-app")
    assert codes(r) == {CheckCode.NOT_INTERNET}
    assert "not internet address space" in r.reason


def test_documentation_and_cgnat_ranges_are_not_the_internet_either():
    for cidr in ("198.51.100.0/24", "100.64.1.0/24"):
        assert trace(healthy(), "subnet-public", public=True, destination=cidr).blocked_at == "igw-app"


def test_a_destination_half_private_half_public_splits_at_the_gateway():
    r = trace(healthy(), "subnet-private", destination="172.16.0.0/11")  # 172.16/12 private, 172.0/12 not
    assert r.verdict is Verdict.UNKNOWN
    assert {p.destination: p.result.verdict for p in r.pieces} == {
        ("172.0.0.0/12",): Verdict.REACHABLE,
        ("172.16.0.0/12",): Verdict.UNREACHABLE,
    }


def test_several_destinations_each_walk_and_the_worst_is_reported():
    from fargate_netcheck.graph.build import build_graph
    from fargate_netcheck.snapshot.store import parse_snapshot
    from fargate_netcheck.targets.subnets import make_target
    from fargate_netcheck.trace import Destination, TraceOptions, trace_targets

    g = build_graph(parse_snapshot(partner_range_into_peering()))
    target = make_target(g, "t", "subnet-private", ("sg-open",), False)
    options = TraceOptions(destinations=(Destination.of("8.8.8.0/24"), Destination.of("52.94.0.0/16")))
    (res,) = trace_targets(g, [target], options)
    assert (res.internet_egress.verdict, res.internet_egress.blocked_at) == (
        Verdict.UNREACHABLE,
        "pcx-partner",
    )


# -- the same shapes on transit gateway route tables ----------------------------------------------
def _tgw_routes(snap):
    return item(snap, "TransitGatewayRouteTables", "tgw-rtb-spoke")["Routes"]


def _tgw_route(cidr: str, state: str = "active", att: str = "tgw-attach-vpn") -> dict:
    route = {"DestinationCidrBlock": cidr, "State": state, "Type": "static"}
    if state == "active":
        route["TransitGatewayAttachments"] = [
            {"TransitGatewayAttachmentId": att, "ResourceId": "vpn-1", "ResourceType": "vpn"}
        ]
    return route


def test_a_tgw_route_for_part_of_the_internet_into_a_vpn_makes_it_unknown():
    snap = tgw_egress()
    _tgw_routes(snap).append(_tgw_route("52.0.0.0/8"))
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert r.verdict is Verdict.UNKNOWN
    parts = {p.destination: p.result for p in r.pieces}
    assert parts[("52.0.0.0/8",)].verdict is Verdict.UNKNOWN
    assert parts[("52.0.0.0/8",)].path[-1] == "tgw-attach-vpn"
    ok = result(snap, "subnet-spoke", TASK, destination="8.8.8.0/24").internet_egress
    assert ok.verdict is Verdict.REACHABLE


def test_a_tgw_blackhole_inside_the_destination_makes_it_unknown():
    snap = tgw_egress()
    _tgw_routes(snap).append(_tgw_route("52.94.5.0/24", state="blackhole"))
    r = result(snap, "subnet-spoke", TASK, destination="52.94.0.0/16").internet_egress
    assert r.verdict is Verdict.UNKNOWN
    assert r.pieces[1].result.blocked_at == "tgw-rtb-spoke"
    assert CheckCode.TGW_BLACKHOLE in {c.code for c in r.pieces[1].result.checks}


def test_a_tgw_default_route_in_halves_is_reachable():
    snap = tgw_egress()
    routes = _tgw_routes(snap)
    default = routes.pop(0)
    for half in ("0.0.0.0/1", "128.0.0.0/1"):
        routes.append({**default, "DestinationCidrBlock": half})
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.pieces) == (Verdict.REACHABLE, None)


# -- the same shapes on the return path ----------------------------------------------------------
def test_a_return_route_covering_only_part_of_the_task_subnet_is_unknown():
    snap = tgw_egress()
    rtb = item(snap, "RouteTables", "rtb-egress-public")
    # the route back to the spoke covers 10.1.1.0/25 only; subnet-spoke is 10.1.1.0/24
    for route in rtb["Routes"]:
        if route.get("TransitGatewayId") == "tgw-1":
            route["DestinationCidrBlock"] = "10.1.1.0/25"
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert r.verdict is Verdict.UNKNOWN
    check = next(c for c in r.checks if c.code is CheckCode.TGW_NO_RETURN)
    assert check.status is Status.UNKNOWN and "10.1.1.128/25" in check.reason


def test_a_return_route_in_two_halves_back_to_the_tgw_passes():
    snap = tgw_egress()
    rtb = item(snap, "RouteTables", "rtb-egress-public")
    rtb["Routes"] = [r for r in rtb["Routes"] if r.get("TransitGatewayId") != "tgw-1"]
    rtb["Routes"] += [
        {"DestinationCidrBlock": c, "TransitGatewayId": "tgw-1", "State": "active"}
        for c in ("10.1.0.0/17", "10.1.128.0/17")
    ]
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert r.verdict is Verdict.REACHABLE


def test_a_tgw_return_table_sending_part_of_the_task_range_elsewhere_is_unknown():
    snap = tgw_egress()
    routes = item(snap, "TransitGatewayRouteTables", "tgw-rtb-egress")["Routes"]
    routes.append(_tgw_route("10.1.1.0/26", att="tgw-attach-other"))
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert r.verdict is Verdict.UNKNOWN
    check = next(c for c in r.checks if c.code is CheckCode.TGW_NO_RETURN)
    assert check.resource_id == "tgw-rtb-egress" and "10.1.1.0/26" in check.reason


# -- the image pull, decided on AWS's own ranges --------------------------------------------------
def _vgw_route(snap, cidr: str) -> None:
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": cidr, "GatewayId": "vgw-partner", "State": "active"}
    )


def test_a_partner_range_into_a_vpn_leaves_the_pull_reachable():
    from depth.harness import result as target_result

    snap = healthy()
    _vgw_route(snap, "151.101.0.0/16")  # a partner's public range, no AWS address in it
    r = target_result(snap, "subnet-private", ("sg-open",))
    assert r.internet_egress.verdict is Verdict.UNKNOWN  # part of the internet goes into the VPN
    assert (r.ecr_pull.verdict, r.ecr_pull.via) == (Verdict.REACHABLE, "internet")
    assert "ECR and S3 addresses in us-east-1" in r.ecr_pull.reason


def test_a_route_swallowing_part_of_the_regions_aws_ranges_makes_the_pull_unknown():
    from depth.harness import result as target_result

    snap = healthy()
    _vgw_route(snap, "52.216.0.0/15")  # S3 in us-east-1
    r = target_result(snap, "subnet-private", ("sg-open",))
    assert r.ecr_pull.verdict is Verdict.UNKNOWN
    assert "52.216.0.0/15" in r.ecr_pull.reason


def test_the_pull_reuses_the_internet_walk_when_it_went_one_way_whole():
    from depth.harness import result as target_result

    r = target_result(healthy(), "subnet-private", ("sg-open",))
    assert r.ecr_pull.path == r.internet_egress.path
    assert "reaches the internet (0.0.0.0/0)" in r.ecr_pull.reason
