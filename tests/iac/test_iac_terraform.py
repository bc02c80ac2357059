"""Terraform plans (HashiCorp's JSON output format): alone, and over a snapshot of the live network."""

from __future__ import annotations

import json

from iac.helpers import FIXTURES, verdicts
from iac.plans import LIVE, PlanBuilder, const, create_plan, nat_removal_plan, ref

CREATE = str(FIXTURES / "vpc-module.plan.json")
REMOVAL = str(FIXTURES / "nat-removal.plan.json")
SNAPSHOT = str(FIXTURES / "live.snapshot.json")
PRIVATE = ("module.vpc.aws_subnet.private[0]", "module.vpc.aws_subnet.private[1]")


def test_committed_plans_are_the_helpers_output():
    assert (FIXTURES / "vpc-module.plan.json").read_text() == create_plan()
    assert (FIXTURES / "nat-removal.plan.json").read_text() == nat_removal_plan()


def test_module_vpc_and_service_linked_through_configuration_references(check_json):
    code, report, _ = check_json("--terraform-plan", CREATE, "--region", "eu-west-1")
    assert code == 0
    assert verdicts(report) == {s: ("reachable", "nat-gateway") for s in PRIVATE}
    target = report["targets"][0]
    assert target["source"] == "terraform:aws_ecs_service.app"
    assert target["security_group_ids"] == ["aws_security_group.app"]
    assert target["vpc_id"] == "module.vpc.aws_vpc.this"
    # each private subnet leaves through its own zone's NAT gateway: count.index links them
    paths = {t["subnet_id"]: t["internet_egress"]["path"] for t in report["targets"]}
    assert "module.vpc.aws_nat_gateway.this[1]" in paths[PRIVATE[1]]
    assert target["source_location"]["path"] == CREATE and target["source_location"]["line"] > 1


def test_plan_without_nat_gateways_leaves_the_service_without_a_way_out(tmp_path, check_json):
    plan = tmp_path / "plan.json"
    plan.write_text(create_plan(nat=False))
    code, report, _ = check_json("--terraform-plan", str(plan))
    assert code == 1
    assert verdicts(report) == {s: ("unreachable", "none") for s in PRIVATE}


def test_overlay_the_plan_deleting_the_nat_route_is_caught_before_apply(check_json):
    before_code, before, _ = check_json("--snapshot", SNAPSHOT)
    assert before_code == 0 and before["summary"]["unreachable"] == 0
    code, report, _ = check_json("--snapshot", SNAPSHOT, "--terraform-plan", REMOVAL)
    assert code == 1
    assert verdicts(report) == {s: ("unreachable", "none") for s in LIVE["private"]}
    blocked = {t["internet_egress"]["blocked_at"] for t in report["targets"]}
    assert blocked == set(LIVE["rtb_private"])


def test_standalone_plan_of_existing_resources_is_its_own_network(tmp_path, check_json):
    code, report, _ = check_json("--terraform-plan", REMOVAL)
    assert code == 1
    assert verdicts(report) == {s: ("unreachable", "none") for s in LIVE["private"]}
    # the same plan without the deletes (everything no-op) is the network as it is: reachable
    kept = json.loads((FIXTURES / "nat-removal.plan.json").read_text())
    for change in kept["resource_changes"]:
        if change["change"]["actions"] == ["delete"]:
            change["change"].update(actions=["no-op"], after=change["change"]["before"])
    plan = tmp_path / "kept.json"
    plan.write_text(json.dumps(kept))
    code, report, _ = check_json("--terraform-plan", str(plan))
    assert verdicts(report) == {s: ("reachable", "nat-gateway") for s in LIVE["private"]}
    # ...but the plan does not say which DHCP options the existing VPC has (no dhcp_options_id, and
    # the set is not in the plan): how its tasks resolve ECR's names is unknown, and so are they
    assert code == 1
    assert {t["verdict"] for t in report["targets"]} == {"unknown"}
    assert {f["rule_id"] for f in report["findings"] if f["severity"] == "error"} == {"DNS003"}


def test_terraform_security_group_has_no_default_egress(tmp_path, check_json):
    text = json.loads(create_plan())
    for change in text["resource_changes"]:
        if change["address"] == "aws_security_group.app":
            change["change"]["after"]["egress"] = []
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(text))
    code, report, _ = check_json("--terraform-plan", str(plan))
    assert code == 1
    assert {t["internet_egress"]["verdict"] for t in report["targets"]} == {"unreachable"}
    assert {t["internet_egress"]["blocked_at"] for t in report["targets"]} == {"aws_security_group.app"}


def test_value_behind_a_local_is_unknown_and_named(tmp_path, check_json):
    text = json.loads(create_plan())
    for resource in text["configuration"]["root_module"]["module_calls"]["vpc"]["module"]["resources"]:
        if resource["address"] == "aws_route.private_nat":
            resource["expressions"]["nat_gateway_id"] = ref("local.nat_ids", "count.index")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(text))
    code, report, _ = check_json("--terraform-plan", str(plan))
    assert code == 1
    for target in report["targets"]:
        assert target["internet_egress"]["verdict"] == "unknown"
        assert "local.nat_ids" in target["internet_egress"]["reason"]


def test_scheduled_tasks_from_event_targets(tmp_path, check_json):
    b = PlanBuilder()
    b.resource("aws_cloudwatch_event_target.nightly", {
        "rule": "nightly", "ecs_target": [{"task_definition_arn": "arn:aws:ecs:eu-west-1:1:task-definition/app:1",
                                           "network_configuration": [{"subnets": [LIVE["private"][0]], "security_groups": [LIVE["sg"]],
                                                                      "assign_public_ip": False}]}]})  # fmt: skip
    plan = tmp_path / "plan.json"
    plan.write_text(b.to_json())
    code, report, _ = check_json("--snapshot", SNAPSHOT, "--terraform-plan", str(plan))
    assert code == 0
    (target,) = report["targets"]
    assert target["source"] == "terraform:aws_cloudwatch_event_target.nightly"
    assert target["internet_egress"]["verdict"] == "reachable"


def test_not_a_plan_is_an_input_error(tmp_path, check_json):
    bad = tmp_path / "state.json"
    bad.write_text('{"version": 4, "resources": []}')
    code, _, err = check_json("--terraform-plan", str(bad))
    assert code == 2 and "not a Terraform plan in JSON" in err


def test_a_splat_reference_takes_every_instance_not_the_own_index(tmp_path):
    from pathlib import Path

    from fargate_netcheck.targets.iac.command import IacOptions, build_iac_snapshot

    b = PlanBuilder()
    b.resource("aws_vpc.main", {"cidr_block": "10.9.0.0/16"}, unknown={"id": True})
    for i in range(2):
        b.resource(f"aws_subnet.app[{i}]", {"cidr_block": f"10.9.{i}.0/24", "availability_zone": "eu-west-1a"},
                   unknown={"id": True, "vpc_id": True})  # fmt: skip
        # an endpoint per zone (count), each listing every subnet: aws_subnet.app[*].id, no count.index
        b.resource(f"aws_vpc_endpoint.logs[{i}]", {"service_name": "com.amazonaws.eu-west-1.logs", "vpc_endpoint_type": "Interface"},
                   unknown={"id": True, "vpc_id": True, "subnet_ids": True})  # fmt: skip
    b.configure("", "aws_subnet.app", {"vpc_id": ref("aws_vpc.main.id", "aws_vpc.main")}, count=const(2))
    b.configure("", "aws_vpc_endpoint.logs", {"vpc_id": ref("aws_vpc.main.id", "aws_vpc.main"),
                                              "subnet_ids": ref("aws_subnet.app")}, count=const(2))  # fmt: skip
    plan = tmp_path / "plan.json"
    plan.write_text(b.to_json())
    rd = build_iac_snapshot(IacOptions(plans=(Path(plan),)), lambda: None).snapshot.regions[0]
    for endpoint in rd.items["VpcEndpoints"]:
        assert endpoint["SubnetIds"] == ["aws_subnet.app[0]", "aws_subnet.app[1]"]


def _mutations():
    from hypothesis import strategies as st

    leaf = (
        st.none()
        | st.booleans()
        | st.integers(-2, 70000)
        | st.sampled_from(["", "x", "0.0.0.0/0", "tcp", "aws_vpc.main"])
    )
    return st.recursive(leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["id", "vpc_id", "subnet_id", "route", "egress", "cidr_block", "from_port", "protocol", "references", "subnets"]),
        inner, max_size=3), max_leaves=10)  # fmt: skip


def test_any_damaged_plan_loads_or_is_an_input_error(tmp_path_factory):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from fargate_netcheck.core.errors import InputError
    from fargate_netcheck.targets.iac.command import IacOptions, build_iac_snapshot

    base = json.loads(create_plan())
    n = len(base["resource_changes"])

    @settings(max_examples=150, deadline=None)
    @given(st.integers(0, n - 1), st.sampled_from(["after", "after_unknown", "before", "actions"]),
           st.sampled_from(["vpc_id", "route", "egress", "cidr_block", "subnet_id", "network_configuration", "*"]), _mutations())  # fmt: skip
    def check(i, part, key, value):
        plan = json.loads(json.dumps(base))
        change = plan["resource_changes"][i]["change"]
        if part == "actions" or key == "*":
            change[part] = value
        elif isinstance(change.get(part), dict):
            change[part][key] = value
        path = tmp_path_factory.mktemp("fuzz") / "plan.json"
        path.write_text(json.dumps(plan))
        try:
            build_iac_snapshot(IacOptions(plans=(path,)), lambda: None)
        except InputError as exc:
            assert "\n" not in str(exc)

    check()


def test_overlay_applies_an_update_in_place(tmp_path, check_json):
    plan = json.loads((FIXTURES / "nat-removal.plan.json").read_text())
    for change in plan["resource_changes"]:
        body = change["change"]
        if body["actions"] == ["delete"]:  # keep the NAT this time
            body.update(actions=["no-op"], after=body["before"])
        if change["address"] == "aws_security_group.app":  # but narrow the group to port 8443
            body["actions"] = ["update"]
            body["after"] = {
                **body["before"],
                "egress": [{**body["before"]["egress"][0], "from_port": 8443, "to_port": 8443}],
            }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    code, report, _ = check_json("--snapshot", SNAPSHOT, "--terraform-plan", str(path))
    assert code == 1
    assert {t["internet_egress"]["blocked_at"] for t in report["targets"]} == {LIVE["sg"]}


def test_eventbridge_scheduler_tasks(tmp_path, check_json):
    b = PlanBuilder()
    b.resource("aws_scheduler_schedule.hourly", {"name": "hourly", "target": [{"arn": "arn:aws:ecs:eu-west-1:1:cluster/main",
               "ecs_parameters": [{"task_definition_arn": "arn:aws:ecs:eu-west-1:1:task-definition/app:1",
                                   "network_configuration": [{"subnets": list(LIVE["public"]), "security_groups": [LIVE["sg"]],
                                                              "assign_public_ip": True}]}]}]})  # fmt: skip
    plan = tmp_path / "plan.json"
    plan.write_text(b.to_json())
    code, report, _ = check_json("--snapshot", SNAPSHOT, "--terraform-plan", str(plan))
    assert code == 0
    assert {(t["source"], t["assign_public_ip"], t["egress_mode"]) for t in report["targets"]} == {
        ("terraform:aws_scheduler_schedule.hourly", True, "public-ip")}  # fmt: skip
    assert len(report["targets"]) == 2
