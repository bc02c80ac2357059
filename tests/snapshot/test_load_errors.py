"""Bad snapshot files: one clear line naming the file and the fault, exit 2, no traceback."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli
from snapshots import default_route, healthy, item, region, trace, write

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Verdict
from fargate_netcheck.snapshot.store import load_snapshot, parse_snapshot


def check_exit_2(capsys, path, *expected):
    result = run_cli(capsys, "check", "--snapshot", str(path))
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    assert str(path) in lines[0]
    for text in expected:
        assert text in lines[0]


def test_not_json(tmp_path, capsys):
    path = tmp_path / "snap.json"
    path.write_text("this is not json")
    check_exit_2(capsys, path, "not valid JSON")


def test_truncated_file_names_the_line(tmp_path, capsys):
    path = tmp_path / "snap.json"
    text = json.dumps(healthy(), indent=1)
    path.write_text(text[: len(text) // 2])
    check_exit_2(capsys, path, "not valid JSON", f"{path}:")


def test_missing_file(tmp_path, capsys):
    check_exit_2(capsys, tmp_path / "nope.json", "no such snapshot file")


def test_unknown_snapshot_version(tmp_path, capsys):
    snap = healthy()
    snap["snapshot_version"] = 99
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "unsupported snapshot_version 99")


def test_top_level_not_an_object(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text("[1, 2]")
    check_exit_2(capsys, path, "a snapshot is a JSON object")


def test_item_without_id(tmp_path, capsys):
    snap = healthy()
    del item(snap, "Subnets", "subnet-private")["SubnetId"]
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "Subnets[1]", "missing SubnetId")


def test_reference_to_missing_vpc(tmp_path, capsys):
    snap = healthy()
    item(snap, "Subnets", "subnet-private")["VpcId"] = "vpc-gone"
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "subnet-private", "vpc-gone is not in Vpcs")


def test_association_to_missing_subnet(tmp_path, capsys):
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Associations"][0]["SubnetId"] = "subnet-gone"
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "rtb-private", "subnet-gone")


def test_bad_cidr(tmp_path, capsys):
    snap = healthy()
    item(snap, "Subnets", "subnet-private")["CidrBlock"] = "10.0.1.0/99"
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "subnet-private", "not a CIDR block")


def test_acl_entry_with_a_null_cidr_and_no_other_is_an_input_error():
    snap = healthy()
    acl = region(snap)["NetworkAcls"][0]
    acl["Entries"][0]["CidrBlock"] = None  # null is absent: the entry names no block at all
    with pytest.raises(InputError, match=r": rule 100: needs CidrBlock or Ipv6CidrBlock$"):
        parse_snapshot(snap, "s.json")


def test_wrong_type(tmp_path, capsys):
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Routes"] = "0.0.0.0/0"
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "rtb-private", "Routes must be a list")


def test_acl_entry_without_action(tmp_path, capsys):
    snap = healthy()
    del item(snap, "NetworkAcls", "acl-default")["Entries"][0]["RuleAction"]
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "acl-default", "RuleAction")


def test_unknown_kind_suggests_the_right_name(tmp_path, capsys):
    snap = healthy()
    region(snap)["Subnet"] = region(snap).pop("Subnets")
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "unknown key 'Subnet'", "did you mean 'Subnets'")


def test_duplicate_ids(tmp_path, capsys):
    snap = healthy()
    region(snap)["Subnets"].append(dict(item(snap, "Subnets", "subnet-private")))
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "duplicate id subnet-private")


def test_minimal_hand_written_snapshot_loads(tmp_path):
    snap = {
        "snapshot_version": 1,
        "regions": {
            "eu-west-1": {
                "Vpcs": [{"VpcId": "vpc-1"}],
                "Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"}],
            }
        },
    }
    loaded = load_snapshot(write(snap, tmp_path / "s.json"))
    assert [r.region for r in loaded.regions] == ["eu-west-1"]
    assert loaded.regions[0].collected("Subnets") and not loaded.regions[0].collected("RouteTables")


def test_multi_account_form_is_accepted():
    one = healthy()
    data = {"snapshot_version": 1, "accounts": {"111111111111": {"regions": one["regions"]}}}
    snap = parse_snapshot(data)
    assert snap.account_ids == ("111111111111",)


def test_errors_must_be_strings():
    snap = healthy()
    region(snap)["Errors"] = {"NatGateways": 5}
    with pytest.raises(InputError, match="Errors"):
        parse_snapshot(snap)


def test_same_id_in_two_accounts_is_a_shared_resource_not_a_duplicate():
    one, two = healthy(), healthy()
    for snap in (one, two):
        region(snap)["ManagedPrefixLists"] = [
            {"PrefixListId": "pl-63a5400a", "Entries": [{"Cidr": "52.216.0.0/15"}]}
        ]
    data = {
        "snapshot_version": 1,
        "accounts": {
            "111111111111": {"regions": one["regions"]},
            "222222222222": {"regions": two["regions"]},
        },
    }
    from fargate_netcheck.graph.build import build_graph

    g = build_graph(parse_snapshot(data))
    assert g.nodes["pl-63a5400a"]["account"] == "111111111111"


def test_account_level_errors_are_reported():
    data = {
        "snapshot_version": 1,
        "accounts": {
            "111111111111": {"regions": healthy()["regions"]},
            "333333333333": {"regions": {}, "Errors": {"AssumeRole": "AccessDenied: not authorized"}},
        },
    }
    assert parse_snapshot(data).errors()["333333333333/-/AssumeRole"] == "AccessDenied: not authorized"


@pytest.mark.parametrize("absent", ["null", "missing"])
def test_acl_entries_absent_or_null_are_not_known_never_a_deny_all(absent):
    """AWS always lists an ACL's entries (its * rules at least): without them its rules are
    unknown (docs/snapshot-format.md, "What absence means"); read as none they blocked everything."""
    snap = healthy()
    acl = item(snap, "NetworkAcls", "acl-default")
    if absent == "null":
        acl["Entries"] = None
    else:
        del acl["Entries"]
    result = trace(snap, "subnet-private")
    assert (
        result.verdict is Verdict.UNKNOWN and "acl-default of subnet-private has no Entries" in result.reason
    )


def test_route_origin_of_the_wrong_type_is_an_input_error(tmp_path, capsys):
    # Found by the grouping fuzz test: a list here crashed the trace (unhashable Route) instead.
    snap = healthy()
    default_route(snap, "rtb-private")["Origin"] = []
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "rtb-private", "Origin must be a str, found list")


def test_one_id_for_two_kinds_is_refused(tmp_path, capsys):
    # The graph keys nodes by id: the security group would silently replace the subnet, and the
    # subnet would then read as "not in the snapshot".
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["GroupId"] = "subnet-private"
    check_exit_2(
        capsys, write(snap, tmp_path / "s.json"), "SecurityGroups[1]", "id subnet-private", "Subnets item"
    )


def test_one_id_for_two_kinds_across_accounts_is_refused():
    snap = healthy()
    other = json.loads(json.dumps(snap["regions"]["us-east-1"]))
    other["Vpcs"][0]["VpcId"] = "subnet-public"  # another account's VPC under this account's subnet id
    for kind in ("Subnets", "RouteTables", "NetworkAcls", "SecurityGroups"):
        for owned in other[kind]:
            owned["VpcId"] = "subnet-public"
    data = {
        "snapshot_version": 1,
        "accounts": {
            "123456789012": {"regions": {"us-east-1": snap["regions"]["us-east-1"]}},
            "210987654321": {"regions": {"us-east-1": other}},
        },
    }
    with pytest.raises(InputError, match=r"Vpcs.*id subnet-public is also the id of a Subnets item"):
        parse_snapshot(data, "two.json")


def test_same_id_same_kind_across_accounts_is_a_shared_resource():
    snap = healthy()
    data = {
        "snapshot_version": 1,
        "accounts": {
            "123456789012": {"regions": {"us-east-1": snap["regions"]["us-east-1"]}},
            "210987654321": {"regions": {"us-east-1": json.loads(json.dumps(snap["regions"]["us-east-1"]))}},
        },
    }
    assert len(parse_snapshot(data, "shared.json").regions) == 2


def test_subnet_outside_its_vpc_is_refused(tmp_path, capsys):
    snap = healthy()
    item(snap, "Subnets", "subnet-private")["CidrBlock"] = "192.168.1.0/24"
    check_exit_2(
        capsys,
        write(snap, tmp_path / "s.json"),
        "subnet-private",
        "CidrBlock 192.168.1.0/24 is not inside its VPC vpc-app's CIDR blocks (10.0.0.0/16)",
    )


def test_subnet_straddling_its_vpc_block_is_refused():
    snap = healthy()
    item(snap, "Subnets", "subnet-private")["CidrBlock"] = "10.0.0.0/15"  # twice the VPC's /16
    with pytest.raises(InputError, match=r"10.0.0.0/15 is not inside"):
        parse_snapshot(snap, "s.json")


def test_subnet_in_a_secondary_vpc_block_loads():
    snap = healthy()
    vpc = item(snap, "Vpcs", "vpc-app")
    vpc["CidrBlockAssociationSet"] = [
        {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
        {"CidrBlock": "100.64.0.0/24", "CidrBlockState": {"State": "associated"}},
    ]
    item(snap, "Subnets", "subnet-private")["CidrBlock"] = "100.64.0.128/25"
    assert parse_snapshot(snap, "s.json").regions[0].items["Subnets"][1]["CidrBlock"] == "100.64.0.128/25"


def test_subnet_range_check_reads_a_netmask_form_as_ipaddress_does():
    snap = healthy()
    item(snap, "Vpcs", "vpc-app")["CidrBlock"] = "10.0.0.0/255.255.0.0"
    assert len(parse_snapshot(snap, "s.json").regions[0].items["Subnets"]) == 3
    item(snap, "Subnets", "subnet-private")["CidrBlock"] = "10.1.1.0/255.255.255.0"
    with pytest.raises(InputError, match=r"10.1.1.0/255.255.255.0 is not inside"):
        parse_snapshot(snap, "s.json")


def test_a_vpc_block_not_known_leaves_its_subnets_unchecked():
    # Infrastructure code may leave a block to IPAM (known at apply): an association without a
    # CidrBlock means the VPC's blocks are not all known.
    snap = healthy()
    item(snap, "Vpcs", "vpc-app")["CidrBlockAssociationSet"] = [
        {"CidrBlock": "10.0.0.0/16"},
        {"CidrBlockState": {"State": "associated"}},
    ]
    item(snap, "Subnets", "subnet-private")["CidrBlock"] = "100.64.1.0/24"
    assert len(parse_snapshot(snap, "s.json").regions[0].items["Subnets"]) == 3


def test_accounts_beside_regions_is_refused_not_half_read(tmp_path, capsys):
    """Both forms at once: the single-account ``regions`` were silently left out."""
    snap = healthy()
    snap["accounts"] = {"222222222222": {"regions": {}}}
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), "accounts replaces regions and account_id")


@pytest.mark.parametrize(
    ("where", "key", "expected"),
    [
        ("top", "acounts", "the top level: unknown key 'acounts' (did you mean 'accounts'?)"),
        ("account", "Regionz", "accounts.222222222222: unknown key 'Regionz' (did you mean 'regions'?)"),
    ],
)
def test_an_unknown_key_above_the_regions_is_refused(tmp_path, capsys, where, key, expected):
    """A typo there left a whole account out, exit 0."""
    snap = healthy()
    if where == "top":
        snap[key] = {"222222222222": {"regions": {}}}
    else:
        body = {"regions": snap.pop("regions"), key: {}}
        snap.pop("account_id")
        snap["accounts"] = {"222222222222": body}
    check_exit_2(capsys, write(snap, tmp_path / "s.json"), expected)
