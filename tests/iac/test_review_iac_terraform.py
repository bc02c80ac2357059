"""Terraform plans over a scan: deleted security group rule resources take away exactly what they
allowed, on the side they allowed it; ``aws_ecs_task_set`` is a target."""

from __future__ import annotations

import json

import pytest
from iac.plans import LIVE, PlanBuilder, const, live_snapshot, ref

DEFAULT_SG = "sg-0a1b2c3d4e5f6d000"  # the live VPC's default group: -1 to 0.0.0.0/0 out


def _service(b: PlanBuilder, group: str, rtype: str = "aws_ecs_service") -> None:
    config = [{"subnets": [LIVE["private"][0]], "security_groups": [group], "assign_public_ip": False}]
    b.resource(f"{rtype}.app", {"name": "app", "network_configuration": config})


def _check(tmp_path, check_json, b: PlanBuilder, snap: dict | None = None):
    plan, snapshot = tmp_path / "plan.json", tmp_path / "snap.json"
    plan.write_text(b.to_json())
    snapshot.write_text(json.dumps(snap or live_snapshot()))
    code, report, err = check_json("--snapshot", str(snapshot), "--terraform-plan", str(plan))
    assert report is not None, err
    return code, {(t["source"], t["internet_egress"]["verdict"]) for t in report["targets"]}, report


def test_deleting_a_vpc_security_group_egress_rule_removes_the_egress(tmp_path, check_json):
    # Its prior state has no `type`: the rule was taken from the group's ingress, and the live
    # 443 egress stayed: "reachable" for a plan that leaves the task no way out.
    b = PlanBuilder()
    before = {"id": "sgr-0123456789abcdef0", "security_group_id": LIVE["sg"], "ip_protocol": "tcp",
              "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0", "cidr_ipv6": None,
              "prefix_list_id": None, "referenced_security_group_id": None}  # fmt: skip
    b.resource("aws_vpc_security_group_egress_rule.https", None, actions=("delete",), before=before)  # type: ignore[arg-type]
    _service(b, LIVE["sg"])
    code, verdicts, report = _check(tmp_path, check_json, b)
    assert code == 1
    assert verdicts == {("terraform:aws_ecs_service.app", "unreachable")}
    assert report["targets"][0]["internet_egress"]["blocked_at"] == LIVE["sg"]


def test_deleting_an_all_protocols_security_group_rule_removes_it(tmp_path, check_json):
    # Terraform writes protocol -1 with from_port 0 and to_port 0; AWS's permission has no ports.
    b = PlanBuilder()
    before = {"id": "sgrule-1", "security_group_id": DEFAULT_SG, "type": "egress", "protocol": "-1",
              "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "self": False}  # fmt: skip
    b.resource("aws_security_group_rule.all_out", None, actions=("delete",), before=before)  # type: ignore[arg-type]
    _service(b, DEFAULT_SG)
    code, verdicts, _ = _check(tmp_path, check_json, b)
    assert code == 1
    assert verdicts == {("terraform:aws_ecs_service.app", "unreachable")}


def test_deleting_a_rule_keeps_the_other_addresses_of_the_same_permission(tmp_path, check_json):
    # AWS shows two rules of the same protocol and ports as one permission with two ranges:
    # deleting the 10.0.0.0/8 rule leaves the 0.0.0.0/0 one (was: the whole permission went).
    snap = live_snapshot()
    (group,) = [g for g in snap["regions"]["eu-west-1"]["SecurityGroups"] if g["GroupId"] == LIVE["sg"]]
    group["IpPermissionsEgress"][0]["IpRanges"].append({"CidrIp": "10.0.0.0/8"})
    b = PlanBuilder()
    before = {"id": "sgrule-2", "security_group_id": LIVE["sg"], "type": "egress", "protocol": "tcp",
              "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8"], "self": False}  # fmt: skip
    b.resource("aws_security_group_rule.internal", None, actions=("delete",), before=before)  # type: ignore[arg-type]
    _service(b, LIVE["sg"])
    code, verdicts, _ = _check(tmp_path, check_json, b, snap)
    assert verdicts == {("terraform:aws_ecs_service.app", "reachable")}
    assert code == 0


def test_ecs_task_set_is_a_target(tmp_path, check_json):
    b = PlanBuilder()
    _service(b, DEFAULT_SG, rtype="aws_ecs_task_set")
    code, verdicts, _ = _check(tmp_path, check_json, b)
    assert verdicts == {("terraform:aws_ecs_task_set.app", "reachable")}
    assert code == 0


def test_subnets_partly_known_keep_the_known_ones(tmp_path, check_json):
    # `subnets = [aws_subnet.new.id, "subnet-…"]`: apply knows the first, the plan the second.
    # Following the reference gave the new subnet alone: the existing public one (where a task
    # without a public IP has no way out) was not checked.
    b = PlanBuilder()
    b.resource("aws_subnet.new", {"vpc_id": LIVE["vpc"], "cidr_block": "10.20.50.0/24",
               "availability_zone": "eu-west-1a"}, unknown={"id": True})  # fmt: skip
    b.configure("", "aws_subnet.new", {"vpc_id": const(LIVE["vpc"])})
    config = {
        "subnets": [None, LIVE["public"][0]],
        "security_groups": [LIVE["sg"]],
        "assign_public_ip": False,
    }
    b.resource("aws_ecs_service.app", {"name": "app", "network_configuration": [config]},
               unknown={"network_configuration": [{"subnets": [True, False]}]})  # fmt: skip
    b.configure("", "aws_ecs_service.app", {"network_configuration": [
        {"subnets": ref("aws_subnet.new.id", "aws_subnet.new"), "security_groups": const([LIVE["sg"]])}]})  # fmt: skip
    _, _, report = _check(tmp_path, check_json, b)
    assert {t["subnet_id"] for t in report["targets"]} == {"aws_subnet.new", LIVE["public"][0]}


def test_destroying_the_main_route_table_association_restores_the_original_main_table(tmp_path, check_json):
    # Terraform: "On destroy, the Route Table will be restored to the original_route_table_id".
    # The live VPC's main table is the NAT one; a subnet without an association uses it. After the
    # destroy it uses the original main table, which has no way out (the NAT table stayed main).
    snap = live_snapshot()
    tables = {t["RouteTableId"]: t for t in snap["regions"]["eu-west-1"]["RouteTables"]}
    original, nat_table = tables["rtb-0a1b2c3d4e5f6d000"], tables[LIVE["rtb_private"][0]]
    main = original["Associations"].pop()
    nat_table["Associations"] = [{**main, "RouteTableId": nat_table["RouteTableId"]}]
    b = PlanBuilder()
    before = {"id": "rtbassoc-0main", "vpc_id": LIVE["vpc"], "route_table_id": nat_table["RouteTableId"],
              "original_route_table_id": original["RouteTableId"]}  # fmt: skip
    b.resource("aws_main_route_table_association.nat", None, actions=("delete",), before=before)  # type: ignore[arg-type]
    _service(b, LIVE["sg"])
    code, verdicts, report = _check(tmp_path, check_json, b, snap)
    assert verdicts == {("terraform:aws_ecs_service.app", "unreachable")}
    assert report["targets"][0]["internet_egress"]["blocked_at"] == original["RouteTableId"]
    assert code == 1


def _secondary_block_subnet(b: PlanBuilder, cidr_block: str | None) -> None:
    """A secondary IPv4 block of the scanned VPC (10.20.0.0/16), a subnet in 100.64.1.0/24 and the
    service placed there: the subnet lies in the block the plan associates."""
    unknown = {"cidr_block": True} if cidr_block is None else {}
    b.resource(
        "aws_vpc_ipv4_cidr_block_association.secondary",
        {"vpc_id": LIVE["vpc"], "cidr_block": cidr_block, "ipv4_ipam_pool_id": None},
        unknown=unknown,
    )
    b.resource(
        "aws_subnet.pods",
        {"vpc_id": LIVE["vpc"], "cidr_block": "100.64.1.0/24", "availability_zone": "eu-west-1a"},
        unknown={"id": True},
    )
    config = [{"subnets": ["aws_subnet.pods"], "security_groups": [LIVE["sg"]], "assign_public_ip": False}]
    b.resource("aws_ecs_service.app", {"name": "app", "network_configuration": config})


@pytest.mark.parametrize("cidr_block", ["100.64.0.0/16", None], ids=["known", "ipam-at-apply"])
def test_a_subnet_in_a_secondary_block_the_plan_associates_is_checked(tmp_path, check_json, cidr_block):
    # Without the association the subnet lies outside the VPC's blocks, which loading refuses; a
    # block IPAM allocates at apply is not known, so the subnet in it is not refused either.
    b = PlanBuilder()
    _secondary_block_subnet(b, cidr_block)
    plan, snapshot = tmp_path / "plan.json", tmp_path / "snap.json"
    plan.write_text(b.to_json())
    snapshot.write_text(json.dumps(live_snapshot()))
    code, report, err = check_json("--snapshot", str(snapshot), "--terraform-plan", str(plan))
    assert code in (0, 1), err
    assert report is not None and report["targets"], err
