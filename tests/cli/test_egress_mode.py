"""The audit's compliance view: how each subnet's tasks get out."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run_cli
from snapshots import healthy, write

DATA = Path(__file__).resolve().parent.parent / "depth" / "data"


def modes(capsys, snapshot):
    r = run_cli(capsys, "check", "--snapshot", str(snapshot), "-f", "json")
    return {t["subnet_id"]: t["egress_mode"] for t in json.loads(r.out)["targets"]}


def test_public_nat_and_none(capsys, tmp_path):
    found = modes(capsys, write(healthy(), tmp_path / "s.json"))
    assert found == {"subnet-public": "public-ip", "subnet-private": "nat-gateway", "subnet-isolated": "none"}


def test_transit_gateway_and_endpoints_only(capsys):
    assert modes(capsys, DATA / "tgw_egress.json")["subnet-spoke"] == "transit-gateway"
    assert modes(capsys, DATA / "endpoints_only.json")["subnet-app-a"] == "endpoints-only"
