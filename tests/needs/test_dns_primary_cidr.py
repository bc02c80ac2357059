"""The Amazon-provided resolver answers at base + 2 of the VPC's *primary* IPv4 block only: AWS
documents that "for VPCs with multiple IPv4 CIDR blocks, the DNS server IP address is located in the
primary CIDR block". Base + 2 of a secondary block is a server like any other, so what it answers
is not known."""

from __future__ import annotations

import json

from cli_helpers import run_cli
from snapshots import healthy, item, region, write

NEED = "api.partner.example"


def need_with_servers(capsys, tmp_path, *servers: str) -> dict:
    snap = healthy()
    vpc = item(snap, "Vpcs", "vpc-app")
    vpc["CidrBlockAssociationSet"] = [
        {"AssociationId": "a-1", "CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
        {"AssociationId": "a-2", "CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}},
    ]
    (options,) = region(snap)["DhcpOptions"]
    options["DhcpConfigurations"] = [
        {"Key": "domain-name-servers", "Values": [{"Value": s} for s in servers]}
    ]
    path = write(snap, tmp_path / "snap.json")
    r = run_cli(
        capsys, "check", "--snapshot", str(path), "--subnet", "subnet-private",
        "--security-group", "sg-open", "--need", NEED, "-f", "json",
    )  # fmt: skip
    (target,) = json.loads(r.out)["targets"]
    return next(n for n in target["needs"] if n["name"] == NEED)


def test_base_plus_two_of_the_primary_block_is_the_amazon_resolver(capsys, tmp_path):
    assert need_with_servers(capsys, tmp_path, "10.0.0.2")["verdict"] == "reachable"


def test_base_plus_two_of_a_secondary_block_is_not_the_amazon_resolver(capsys, tmp_path):
    need = need_with_servers(capsys, tmp_path, "10.1.0.2")
    assert need["verdict"] == "unknown", need["reason"]
    assert "10.1.0.2" in need["reason"]
