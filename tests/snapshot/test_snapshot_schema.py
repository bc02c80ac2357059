"""``fargate-netcheck schema snapshot``: a JSON Schema derived from the loader's own field tables,
so what it accepts and what ``check --snapshot`` accepts cannot drift apart on structure and types."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from cli_helpers import run_cli
from jsonschema import Draft202012Validator
from snapshots import healthy, region

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.json_schema import snapshot_schema
from fargate_netcheck.snapshot.schema import KINDS
from fargate_netcheck.snapshot.store import parse_snapshot

DEPTH_DATA = Path(__file__).resolve().parents[1] / "depth" / "data"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = snapshot_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_schema_snapshot_prints_it(capsys):
    run = run_cli(capsys, "schema", "snapshot")
    assert run.code == 0
    assert json.loads(run.out) == snapshot_schema()


def test_it_names_every_kind_the_loader_knows():
    assert set(snapshot_schema()["$defs"]["region"]["properties"]) == {*KINDS, "Errors"}


def test_route53_profile_associations_are_in_it_with_their_id_and_fields(validator):
    kind = snapshot_schema()["$defs"]["region"]["properties"]["Route53ProfileAssociations"]["items"]
    assert "Id" in kind["required"]
    assert {"ProfileId", "ResourceId", "Status", "Name", "OwnerId"} <= set(kind["properties"])
    region = {"Route53ProfileAssociations": [{"Id": "rpassoc-1", "ResourceId": ["vpc-1"]}]}
    data = {"snapshot_version": 1, "regions": {"us-east-1": region}}
    assert list(validator.iter_errors(data))  # ResourceId is a string


@pytest.mark.parametrize("path", sorted(DEPTH_DATA.glob("*.json")), ids=lambda p: p.stem)
def test_snapshots_the_loader_accepts_validate(validator, path):
    data = json.loads(path.read_text())
    parse_snapshot(data, path.name)
    assert not list(validator.iter_errors(data))


def test_the_multi_account_form_validates(validator):
    one = healthy()
    data = {"snapshot_version": 1, "accounts": {"111111111111": {"regions": one["regions"]}}}
    parse_snapshot(data)
    assert not list(validator.iter_errors(data))


@pytest.mark.parametrize(
    ("change", "loader_says"),
    [
        (lambda s: region(s)["Subnets"][0].update(MapPublicIpOnLaunch="yes"), "must be a bool"),
        (lambda s: region(s)["Subnets"][0].pop("SubnetId"), "missing SubnetId"),
        (lambda s: region(s).update(Subnet=[]), "unknown key 'Subnet'"),
        (lambda s: region(s)["Vpcs"][0].update(CidrBlock=10), "must be a CIDR string"),
        (lambda s: s.update(snapshot_version=2), "unsupported snapshot_version 2"),
        (lambda s: region(s)["RouteTables"][0]["Routes"][0].update(Origin=[None]), "Origin must be a str"),
    ],
)
def test_what_the_schema_refuses_the_loader_refuses_too(validator, change, loader_says):
    data = copy.deepcopy(healthy())
    change(data)
    assert list(validator.iter_errors(data))
    with pytest.raises(InputError, match=loader_says):
        parse_snapshot(data)
