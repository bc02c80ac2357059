"""A deploy config's network as targets: a value written but unreadable (a Jinja expression, a vaulted
value, a wrong spelling) is unknown, never the default it would have without it; a subnet named twice
is one target."""

from __future__ import annotations

import copy
import json

import pytest
from cli_helpers import run_cli
from snapshots import ALL_EGRESS, healthy, region, write


@pytest.fixture
def snap(tmp_path):
    body = healthy()
    groups = region(body)["SecurityGroups"]
    groups[0].pop("GroupName")  # healthy()'s default group is sg-open: this one stands in for it
    groups.append(
        {
            "GroupId": "sg-default",
            "GroupName": "default",
            "VpcId": "vpc-app",
            "IpPermissionsEgress": copy.deepcopy(ALL_EGRESS),
        }
    )
    return write(body, tmp_path / "snap.json")


def check(capsys, tmp_path, snap, network: str) -> dict:
    vars_dir = tmp_path / "deploy_config" / "vars"
    vars_dir.mkdir(parents=True)
    (vars_dir / "common.yml").write_text(
        f"schema_version: 4\nproject_task_name_to_config:\n  ingest:\n    aws:\n      network: {network}\n"
    )
    (vars_dir / "staging.yml").write_text("env_task_config: {}\n")
    run = run_cli(
        capsys,
        "check",
        "--snapshot",
        str(snap),
        "--deploy-config",
        str(tmp_path),
        "--env",
        "staging",
        "-f",
        "json",
    )
    assert run.code in (0, 1), run.err
    return json.loads(run.out)


def egress(report: dict) -> list[tuple[str, str]]:
    return [(t["subnet_id"], t["internet_egress"]["verdict"]) for t in report["targets"]]


def cfg001(report: dict) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule_id"] == "CFG001"]


def test_security_groups_that_are_only_a_jinja_expression_are_unknown_not_the_vpc_default_group(
    capsys, tmp_path, snap
):
    report = check(capsys, tmp_path, snap, '{subnets: [subnet-private], security_groups: ["{{ task_sg }}"]}')
    assert egress(report) == [("subnet-private", "unknown")]
    assert report["targets"][0]["security_group_ids"] == []
    assert any("security_groups holds the Jinja expression" in m for m in cfg001(report))


def test_a_jinja_group_among_literal_ones_makes_the_groups_unknown_not_the_literal_ones_alone(
    capsys, tmp_path, snap
):
    report = check(
        capsys, tmp_path, snap, '{subnets: [subnet-private], security_groups: [sg-closed, "{{ extra }}"]}'
    )
    assert egress(report) == [("subnet-private", "unknown")]


def test_security_groups_that_are_not_a_list_are_unknown(capsys, tmp_path, snap):
    report = check(capsys, tmp_path, snap, "{subnets: [subnet-private], security_groups: sg-closed}")
    assert egress(report) == [("subnet-private", "unknown")]
    assert any("security_groups is not a list of ids" in m for m in cfg001(report))


def test_no_security_groups_at_all_is_still_the_vpc_default_group(capsys, tmp_path, snap):
    report = check(capsys, tmp_path, snap, "{subnets: [subnet-private]}")
    assert egress(report) == [("subnet-private", "reachable")]
    assert report["targets"][0]["security_group_ids"] == ["sg-default"]


@pytest.mark.parametrize("value", ['"{{ public }}"', "ENABLED", "2"])
def test_an_unreadable_assign_public_ip_is_unknown_not_disabled(capsys, tmp_path, snap, value):
    report = check(
        capsys,
        tmp_path,
        snap,
        f"{{subnets: [subnet-public], security_groups: [sg-open], assign_public_ip: {value}}}",
    )
    assert egress(report) == [("subnet-public", "unknown")]
    assert any("assign_public_ip is" in m for m in cfg001(report))


def test_an_absent_assign_public_ip_is_disabled(capsys, tmp_path, snap):
    report = check(capsys, tmp_path, snap, "{subnets: [subnet-public], security_groups: [sg-open]}")
    assert egress(report) == [("subnet-public", "unreachable")]
    assert report["targets"][0]["assign_public_ip"] is False


def test_a_subnet_named_twice_is_one_target(capsys, tmp_path, snap):
    report = check(
        capsys, tmp_path, snap, "{subnets: [subnet-private, subnet-private], security_groups: [sg-open]}"
    )
    assert [t["target_id"] for t in report["targets"]] == ["deploy-config:staging/ingest:subnet-private"]
