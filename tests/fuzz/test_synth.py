"""The synthetic snapshot generator (benchmarks/synth.py) makes valid, varied, deterministic accounts."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.schema import ID_FIELDS
from fargate_netcheck.snapshot.store import load_snapshot, parse_snapshot
from fargate_netcheck.targets.subnets import audit_targets
from fargate_netcheck.trace import trace_targets

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def synth():
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import synth

    return synth


def region(data: dict, name: str = "us-east-1") -> dict:
    return data["regions"][name]


def test_counts_ids_and_associations(synth):
    data = synth.generate(12, 40, security_groups=5, sg_rules=4, acl_entries=10, seed=5)
    body = region(data)
    assert len(body["Vpcs"]) == 12 and len(body["Subnets"]) == 480
    assert len(body["SecurityGroups"]) == 60
    ids = [item[ID_FIELDS[kind]] for kind, items in body.items() for item in items]
    assert len(ids) == len(set(ids))
    acl_members = Counter(a["SubnetId"] for acl in body["NetworkAcls"] for a in acl["Associations"])
    assert set(acl_members) == {s["SubnetId"] for s in body["Subnets"]} and set(acl_members.values()) == {1}
    custom = [acl for acl in body["NetworkAcls"] if not acl["IsDefault"]]
    assert {len(acl["Entries"]) for acl in custom} == {10}  # the two "*" rules included
    explicit = Counter(
        a["SubnetId"] for t in body["RouteTables"] for a in t["Associations"] if a.get("SubnetId")
    )
    assert set(explicit.values()) == {1}
    assert 0 < 480 - len(explicit) < 30  # a few subnets stay on their VPC's main route table
    parse_snapshot(data)


def test_the_account_mixes_healthy_and_broken_paths(synth):
    data = synth.generate(12, 40, tgw_spokes=2, seed=5)
    body = region(data)
    assert {n["State"] for n in body["NatGateways"]} == {"available", "failed", "deleted"}
    assert "private" in {n["ConnectivityType"] for n in body["NatGateways"]}
    assert any(r["State"] == "blackhole" for t in body["RouteTables"] for r in t["Routes"])
    assert any("DestinationPrefixListId" in r for t in body["RouteTables"] for r in t["Routes"])
    assert any(p["PrefixListIds"] for g in body["SecurityGroups"] for p in g["IpPermissionsEgress"])
    assert len(body["TransitGatewayVpcAttachments"]) == 3 and body["VpcPeeringConnections"]
    g = build_graph(parse_snapshot(data))
    verdicts = Counter(r.internet_egress.verdict.value for r in trace_targets(g, audit_targets(g)))
    assert set(verdicts) == {"reachable", "unreachable", "unknown"}
    assert verdicts["reachable"] > verdicts["unreachable"] + verdicts["unknown"]


def test_same_seed_same_snapshot_other_seed_other_ids(synth):
    assert synth.generate(3, 10, seed=1) == synth.generate(3, 10, seed=1)
    a, b = synth.generate(3, 10, seed=1), synth.generate(3, 10, seed=2)
    assert {s["SubnetId"] for s in region(a)["Subnets"]}.isdisjoint(
        s["SubnetId"] for s in region(b)["Subnets"]
    )


def test_regions_and_tiny_accounts(synth):
    data = synth.generate(5, 1, regions=3)
    assert sorted(data["regions"]) == ["eu-west-1", "us-east-1", "us-west-2"]
    assert sum(len(r["Subnets"]) for r in data["regions"].values()) == 5
    parse_snapshot(data)
    with pytest.raises(ValueError):
        synth.generate(0, 10)


def test_command_line_writes_a_loadable_snapshot(synth, tmp_path, capsys):
    out = tmp_path / "s.json"
    synth.main(["--subnets", "450", "--per-vpc", "150", "--output", str(out)])
    assert "3 VPCs x 150 subnets = 450" in capsys.readouterr().out
    snapshot = load_snapshot(out)
    assert sum(len(r.items["Subnets"]) for r in snapshot.regions) == 450
