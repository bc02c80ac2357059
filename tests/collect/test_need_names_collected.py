"""The names a run needs reach the hosted-zone collector (moto): `scan --need`, and `check` with
`--need` and the configuration's `needs` against AWS. A private zone's record for a needed name is
collected; a record for a name nothing needs is not."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from cli_helpers import run_cli

REGION = "us-east-1"


@pytest.fixture
def account(moto: None) -> dict[str, Any]:
    """vpc 10.0.0.0/16 with a subnet routed to an IGW and an all-egress group; private zone
    corp.example associated with it, holding A records for db, cfg and other.corp.example."""
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    sg = ec2.create_security_group(VpcId=vpc, GroupName="task", Description="task")["GroupId"]
    route53 = boto3.client("route53", region_name=REGION)
    zone = route53.create_hosted_zone(
        Name="corp.example",
        CallerReference="corp",
        HostedZoneConfig={"PrivateZone": True, "Comment": "corp"},
        VPC={"VPCRegion": REGION, "VPCId": vpc},
    )["HostedZone"]["Id"]
    changes = [
        {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": f"{host}.corp.example",
                "Type": "A",
                "TTL": 60,
                "ResourceRecords": [{"Value": address}],
            },
        }
        for host, address in (("db", "10.0.0.5"), ("cfg", "10.0.0.6"), ("other", "10.0.0.7"))
    ]
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})
    return {"vpc": vpc, "subnet": subnet, "sg": sg}


def _records(snapshot: dict[str, Any]) -> set[str]:
    (zone,) = snapshot["regions"][REGION]["HostedZones"]
    return {r["Name"].rstrip(".") for r in zone["ResourceRecordSets"]}


def test_scan_collects_the_record_of_a_need_name_and_not_an_unrelated_one(capsys, tmp_path, account):
    path = tmp_path / "snap.json"
    r = run_cli(capsys, "scan", "--region", REGION, "-o", str(path), "--need", "db.corp.example:5432")
    assert r.code == 0, r.err
    assert _records(json.loads(path.read_text())) == {"db.corp.example"}


def test_scan_without_need_collects_no_record_of_the_zone(capsys, tmp_path, account):
    path = tmp_path / "snap.json"
    r = run_cli(capsys, "scan", "--region", REGION, "-o", str(path))
    assert r.code == 0, r.err
    assert _records(json.loads(path.read_text())) == set()


def test_check_against_aws_collects_the_records_of_need_and_the_configs_needs(
    capsys, tmp_path, account, monkeypatch
):
    (tmp_path / ".fargate-netcheck.toml").write_text('needs = ["cfg.corp.example"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = ["check", "--region", REGION, "--subnet", account["subnet"], "--security-group", account["sg"]]
    r = run_cli(capsys, *args, "--assign-public-ip", "--need", "db.corp.example", "-f", "json")
    assert r.code in (0, 1), r.err
    (target,) = json.loads(r.out)["targets"]
    needs = {n["name"]: n for n in target["needs"]}
    # each name answered by the zone's record, which was collected (not "no record": unreachable)
    assert "with its A record (10.0.0.5)" in needs["db.corp.example"]["reason"]
    assert "with its A record (10.0.0.6)" in needs["cfg.corp.example"]["reason"]
    assert "other.corp.example" not in r.out


def test_a_snapshot_that_did_not_look_up_a_need_name_leaves_it_unknown_not_unresolvable(
    capsys, tmp_path, account
):
    """scan without --need db.corp.example, then check --snapshot --need db.corp.example: the zone's
    record for it was never read, so the name is unknown (with the way to collect it), not NXDOMAIN."""
    path = tmp_path / "snap.json"
    assert run_cli(capsys, "scan", "--region", REGION, "-o", str(path)).code == 0
    args = [
        "check",
        "--snapshot",
        str(path),
        "--subnet",
        account["subnet"],
        "--security-group",
        account["sg"],
    ]
    r = run_cli(capsys, *args, "--assign-public-ip", "--need", "db.corp.example", "-f", "json")
    assert r.code == 1, r.err
    (target,) = json.loads(r.out)["targets"]
    db = next(n for n in target["needs"] if n["name"] == "db.corp.example")
    assert db["verdict"] == "unknown" and "scan --need db.corp.example" in db["reason"]
    assert target["verdict"] == "unknown"
