"""NAT gateways whose forwarding this tool cannot evaluate are ``unknown``, never ``reachable``:
a regional NAT gateway whose route table is not in the snapshot (test_regional_nat.py evaluates
the others) and one with a filtering appliance attached (a Network Firewall proxy, whose rules are
not read)."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli
from snapshots import healthy, item, write

PROXY = "arn:aws:network-firewall:us-east-1:123456789012:proxy/egress"


def egress(capsys, tmp_path, snap: dict) -> tuple[int, dict, list[dict]]:
    path = write(snap, tmp_path / "snap.json")
    r = run_cli(
        capsys, "check", "--snapshot", str(path), "--subnet", "subnet-private",
        "--security-group", "sg-open", "-f", "json",
    )  # fmt: skip
    assert "Traceback" not in r.err and "internal error" not in r.err, r.err
    report = json.loads(r.out)
    (target,) = report["targets"]
    return r.code, target["internet_egress"], report["findings"]


def undecided(result: dict) -> tuple[str, str]:
    (check,) = [c for c in result["checks"] if c["status"] == "unknown"]
    return check["check"], check["resource_id"]


def test_the_zonal_nat_gateway_of_the_fixture_reaches_the_internet(capsys, tmp_path):
    code, result, _ = egress(capsys, tmp_path, healthy())
    assert (code, result["verdict"]) == (0, "reachable")


def test_a_regional_nat_gateway_whose_table_is_not_in_the_snapshot_is_unknown_naming_it(capsys, tmp_path):
    snap = healthy()
    nat = item(snap, "NatGateways", "nat-app")
    del nat["SubnetId"]
    nat.update(AvailabilityMode="regional", RouteTableId="rtb-natgw", AutoProvisionZones="enabled")
    code, result, findings = egress(capsys, tmp_path, snap)
    assert (code, result["verdict"]) == (1, "unknown")
    assert undecided(result) == ("nat.regional", "nat-app")
    assert "regional NAT gateway" in result["reason"] and "rtb-natgw" in result["reason"]
    assert "subnet of NAT gateway" not in result["reason"]  # it has none: not a missing-data case
    assert any(f["rule_id"] == "DATA001" and f["resource_id"] == "nat-app" for f in findings)


@pytest.mark.parametrize("state", ["attached", "attaching", "detaching", "detach-failed", None])
def test_a_nat_gateway_with_a_filtering_appliance_is_unknown(capsys, tmp_path, state):
    snap = healthy()
    appliance = {"Type": "network-firewall-proxy", "ApplianceArn": PROXY, "VpcEndpointId": "vpce-proxy"}
    if state:
        appliance["AttachmentState"] = state
    item(snap, "NatGateways", "nat-app")["AttachedAppliances"] = [appliance]
    code, result, _ = egress(capsys, tmp_path, snap)
    assert (code, result["verdict"]) == (1, "unknown")
    assert undecided(result) == ("nat.appliance", "nat-app")
    assert PROXY in result["reason"]


def test_a_detached_appliance_no_longer_filters(capsys, tmp_path):
    snap = healthy()
    item(snap, "NatGateways", "nat-app")["AttachedAppliances"] = [
        {"Type": "network-firewall-proxy", "ApplianceArn": PROXY, "AttachmentState": "detached"}
    ]
    code, result, _ = egress(capsys, tmp_path, snap)
    assert (code, result["verdict"]) == (0, "reachable")


@pytest.mark.parametrize("listed", [5, "network-firewall-proxy", [7]])
def test_appliances_of_another_shape_are_unknown_not_an_error(capsys, tmp_path, listed):
    snap = healthy()
    item(snap, "NatGateways", "nat-app")["AttachedAppliances"] = listed
    code, result, _ = egress(capsys, tmp_path, snap)
    assert (code, result["verdict"]) == (1, "unknown")
