"""ECS collection helpers against moto (and botocore's Stubber for CloudTrail, which moto lacks)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from fargate_netcheck.collect import ecs
from fargate_netcheck.core.errors import InputError

REGION = "us-east-1"
CLUSTER = "netcheck"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


@pytest.fixture
def world(aws_env: None) -> Iterator[dict[str, Any]]:
    """A VPC with two subnets and a security group, a cluster, an awslogs + secrets task definition and
    two awsvpc services (one with a public IP). Yields the ids and an ECS client that counts calls."""
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        subnet_a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        subnet_b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName="task", Description="task", VpcId=vpc)["GroupId"]
        client = boto3.client("ecs", region_name=REGION)
        calls: Counter[str] = Counter()
        client.meta.events.register("before-call.ecs", lambda model, **_: calls.update([f"ecs:{model.name}"]))
        client.create_cluster(clusterName=CLUSTER)
        task_def = client.register_task_definition(
            family="app",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[
                {
                    "name": "app",
                    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1",
                    "memory": 512,
                    "essential": True,
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": "/app",
                            "awslogs-region": REGION,
                            "awslogs-stream-prefix": "app",
                        },
                    },
                    "secrets": [
                        {"name": "DB", "valueFrom": SECRET_ARN},
                        {"name": "TOKEN", "valueFrom": "/app/token"},
                    ],
                }
            ],
        )["taskDefinition"]["taskDefinitionArn"]
        for name, subnets, public in (
            ("api", [subnet_a, subnet_b], "DISABLED"),
            ("web", [subnet_a], "ENABLED"),
        ):
            client.create_service(
                cluster=CLUSTER,
                serviceName=name,
                taskDefinition=task_def,
                desiredCount=1,
                launchType="FARGATE",
                networkConfiguration={
                    "awsvpcConfiguration": {
                        "subnets": subnets,
                        "securityGroups": [group],
                        "assignPublicIp": public,
                    }
                },
            )
        calls.clear()
        yield {
            "ecs": client,
            "calls": calls,
            "task_def": task_def,
            "subnets": (subnet_a, subnet_b),
            "group": group,
        }


def run_tasks(world: dict[str, Any], count: int) -> list[str]:
    response = world["ecs"].run_task(
        cluster=CLUSTER,
        taskDefinition=world["task_def"],
        launchType="FARGATE",
        count=count,
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [world["subnets"][0]], "securityGroups": [world["group"]]}
        },
    )
    return [task["taskArn"] for task in response["tasks"]]


def test_services_lists_and_describes_every_service(world: dict[str, Any]) -> None:
    found = ecs.services(world["ecs"], CLUSTER, None)
    assert sorted(s["serviceName"] for s in found) == ["api", "web"]
    assert world["calls"] == Counter({"ecs:ListServices": 1, "ecs:DescribeServices": 1})


def test_services_by_name(world: dict[str, Any]) -> None:
    assert [s["serviceName"] for s in ecs.services(world["ecs"], CLUSTER, ["web"])] == ["web"]


def test_describe_services_goes_in_batches_of_ten(world: dict[str, Any]) -> None:
    for index in range(10):
        world["ecs"].create_service(cluster=CLUSTER, serviceName=f"extra-{index}", desiredCount=0)
    world["calls"].clear()
    assert len(ecs.services(world["ecs"], CLUSTER, None)) == 12
    assert world["calls"]["ecs:DescribeServices"] == 2


def test_missing_service_is_an_input_error_naming_it(world: dict[str, Any]) -> None:
    with pytest.raises(InputError, match=r"ecs-service:netcheck/ghost: missing"):
        ecs.services(world["ecs"], CLUSTER, ["api", "ghost"])


def test_missing_cluster_is_an_input_error(world: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="ecs cluster nowhere: not found"):
        ecs.services(world["ecs"], "nowhere", None)


def test_service_network_reads_awsvpc_awslogs_and_secrets(world: dict[str, Any]) -> None:
    by_name = {s["serviceName"]: s for s in ecs.services(world["ecs"], CLUSTER, None)}
    task_defs = ecs.task_definitions(world["ecs"], [world["task_def"]])
    api = ecs.service_network(by_name["api"], task_defs[world["task_def"]], CLUSTER)
    web = ecs.service_network(
        by_name["web"], task_defs[world["task_def"]], f"arn:aws:ecs:{REGION}:1:cluster/{CLUSTER}"
    )
    assert api.source == "ecs-service:netcheck/api"
    assert api.subnets == world["subnets"]
    assert api.security_groups == (world["group"],)
    assert api.assign_public_ip is False
    assert (api.uses_awslogs, api.secrets_from) == (True, ("secretsmanager", "ssm"))
    assert (web.source, web.subnets, web.assign_public_ip) == (
        "ecs-service:netcheck/web",
        world["subnets"][:1],
        True,
    )
    assert api.problems == ()


def test_service_without_awsvpc_configuration_is_a_problem() -> None:
    network = ecs.service_network({"serviceName": "old", "serviceArn": "arn:x/old"}, None, CLUSTER)
    assert network.subnets == ()
    assert network.assign_public_ip is None
    assert "no awsvpc network configuration" in network.problems[0]


def test_task_definitions_are_described_once_per_arn(world: dict[str, Any]) -> None:
    cache: dict[str, dict[str, Any]] = {}
    first = ecs.task_definitions(world["ecs"], [world["task_def"], world["task_def"]], cache)
    second = ecs.task_definitions(world["ecs"], [world["task_def"]], cache)
    assert first[world["task_def"]]["family"] == "app"
    assert second == first
    assert world["calls"]["ecs:DescribeTaskDefinition"] == 1


def test_tasks_include_stopped_ones(world: dict[str, Any]) -> None:
    arns = run_tasks(world, 2)
    world["ecs"].stop_task(cluster=CLUSTER, task=arns[0], reason="Essential container in task exited")
    found = {
        t["taskArn"]: t for t in ecs.tasks(world["ecs"], CLUSTER, [arn.rsplit("/", 1)[-1] for arn in arns])
    }
    assert set(found) == set(arns)
    assert found[arns[0]]["lastStatus"] == "STOPPED"
    assert found[arns[0]]["stoppedReason"] == "Essential container in task exited"


def test_describe_tasks_goes_in_batches_of_one_hundred(world: dict[str, Any]) -> None:
    arns = run_tasks(world, 10) * 11  # 110 ids: two DescribeTasks calls
    world["calls"].clear()
    ecs.tasks(world["ecs"], CLUSTER, arns)
    assert world["calls"]["ecs:DescribeTasks"] == 2


def test_recent_stopped_tasks_lists_stopped_tasks_only(world: dict[str, Any]) -> None:
    arns = run_tasks(world, 3)
    for arn in arns[:2]:
        world["ecs"].stop_task(cluster=CLUSTER, task=arn, reason="CannotPullContainerError: i/o timeout")
    stopped = ecs.recent_stopped_tasks(world["ecs"], CLUSTER, "api", limit=5)
    assert {t["taskArn"] for t in stopped} == set(arns[:2])
    assert all(t["stoppedReason"].startswith("CannotPullContainerError") for t in stopped)
    assert len(ecs.recent_stopped_tasks(world["ecs"], CLUSTER, "api", limit=1)) == 1


def test_every_call_made_is_in_iam_actions(world: dict[str, Any]) -> None:
    run_tasks(world, 1)
    world["calls"].clear()
    services = ecs.services(world["ecs"], CLUSTER, None)
    ecs.task_definitions(world["ecs"], [s["taskDefinition"] for s in services])
    ecs.recent_stopped_tasks(world["ecs"], CLUSTER, "api")
    assert set(world["calls"]) <= set(ecs.IAM_ACTIONS)


def stubbed_cloudtrail() -> tuple[Any, Stubber]:
    client = boto3.client("cloudtrail", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    return client, Stubber(client)


TASK_ARN = f"arn:aws:ecs:{REGION}:123456789012:task/{CLUSTER}/abc"
LOOKUP = {"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": TASK_ARN}]}


def test_run_task_event_is_found_across_pages() -> None:
    client, stubber = stubbed_cloudtrail()
    event = {
        "eventName": "RunTask",
        "requestParameters": {"networkConfiguration": {"awsvpcConfiguration": {}}},
    }
    stubber.add_response(
        "lookup_events",
        {"Events": [{"EventName": "StopTask", "CloudTrailEvent": "{}"}], "NextToken": "t2"},
        LOOKUP,
    )
    stubber.add_response(
        "lookup_events",
        {"Events": [{"EventName": "RunTask", "CloudTrailEvent": json.dumps(event)}]},
        {**LOOKUP, "NextToken": "t2"},
    )
    with stubber:
        assert ecs.run_task_event(client, TASK_ARN) == event
    stubber.assert_no_pending_responses()


def test_run_task_event_is_none_without_permission() -> None:
    client, stubber = stubbed_cloudtrail()
    stubber.add_client_error(
        "lookup_events", "AccessDeniedException", "not authorized", 400, expected_params=LOOKUP
    )
    with stubber:
        assert ecs.run_task_event(client, TASK_ARN) is None


def test_run_task_event_is_none_when_cloudtrail_has_nothing() -> None:
    client, stubber = stubbed_cloudtrail()
    stubber.add_response("lookup_events", {"Events": []}, LOOKUP)
    with stubber:
        assert ecs.run_task_event(client, TASK_ARN) is None


def test_run_task_event_other_errors_propagate() -> None:
    client, stubber = stubbed_cloudtrail()
    stubber.add_client_error("lookup_events", "ThrottlingException", "slow down", 400)
    with stubber, pytest.raises(Exception, match="ThrottlingException"):
        ecs.run_task_event(client, TASK_ARN)
