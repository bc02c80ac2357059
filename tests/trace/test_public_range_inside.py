"""A VPC (or a peer VPC) built on public addresses: its own range is routed ``local`` (or into the
peering), so the hosts of the internet or of an AWS service at those addresses are never reached
from the task. A part of an internet destination kept inside is lost, never "reaches ... through
the VPC"; an explicit destination inside the VPC still arrives there."""

from __future__ import annotations

from snapshots import default_route, healthy, item, region, trace

from fargate_netcheck.core.model import CheckCode, Status, Verdict


def public_secondary_block(snap, cidr="52.0.0.0/16"):
    vpc = item(snap, "Vpcs", "vpc-app")
    vpc["CidrBlockAssociationSet"] = [
        {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
        {"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}},
    ]
    for table in region(snap)["RouteTables"]:
        table["Routes"].append({"DestinationCidrBlock": cidr, "GatewayId": "local", "State": "active"})
    return snap


def lost_piece(result):
    return next(p for p in result.pieces if p.result.verdict is Verdict.UNREACHABLE)


def test_a_public_block_of_the_vpc_is_lost_from_the_internet_not_reached_through_the_vpc():
    r = trace(public_secondary_block(healthy()), "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    piece = lost_piece(r)
    assert (piece.destination, piece.result.blocked_at) == (("52.0.0.0/16",), "rtb-private")
    assert "stays in the VPC" in r.reason
    assert not any(c.code is CheckCode.LOCAL for c in r.checks)


def test_an_internet_destination_wholly_inside_the_vpc_is_unreachable():
    r = trace(public_secondary_block(healthy()), "subnet-private", destination="52.0.4.0/24")
    assert r.verdict is Verdict.REACHABLE  # given as a block: a host of the VPC, which it reaches
    r = trace(public_secondary_block(healthy(), "0.0.0.0/1"), "subnet-private")
    kept = [c for c in r.checks if c.code is CheckCode.KEPT_INSIDE]
    assert kept and all(c.status is Status.FAIL for c in kept)
    assert r.verdict is Verdict.UNKNOWN  # 128.0.0.0/1 still leaves by the NAT gateway


def test_a_public_range_of_a_peer_vpc_is_lost_from_the_internet():
    snap = healthy()
    region(snap)["Vpcs"].append({"VpcId": "vpc-peer", "CidrBlock": "52.0.0.0/16"})
    region(snap)["VpcPeeringConnections"].append(
        {
            "VpcPeeringConnectionId": "pcx-peer",
            "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": "vpc-app", "CidrBlock": "10.0.0.0/16"},
            "AccepterVpcInfo": {"VpcId": "vpc-peer", "CidrBlock": "52.0.0.0/16"},
        }
    )
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": "52.0.0.0/16", "VpcPeeringConnectionId": "pcx-peer", "State": "active"}
    )
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    piece = lost_piece(r)
    assert (piece.destination, piece.result.blocked_at) == (("52.0.0.0/16",), "pcx-peer")
    assert any(c.code is CheckCode.KEPT_INSIDE and c.resource_id == "pcx-peer" for c in r.checks)


def test_a_private_vpc_block_never_touches_the_internet_destination():
    """10.0.0.0/16 is not part of the internet: the usual VPC is unaffected."""
    r = trace(healthy(), "subnet-private")
    assert r.verdict is Verdict.REACHABLE and not r.pieces
    assert default_route(healthy(), "rtb-private")["NatGatewayId"] == "nat-app"


def test_the_finding_names_the_table_that_keeps_the_block_inside(capsys, tmp_path):
    from cli_helpers import check_snapshot_json

    code, report = check_snapshot_json(capsys, tmp_path, public_secondary_block(healthy(), "3.80.0.0/12"))
    assert code == 1
    rt006 = {(f["rule_id"], f["resource_id"]) for f in report["findings"] if f["rule_id"] == "RT006"}
    assert rt006 == {("RT006", "rtb-private")}
