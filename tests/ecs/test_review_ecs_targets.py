"""`check --cluster`: the targets a service gives are those of every task it runs.

A service mid-deployment runs tasks of its PRIMARY deployment and of each ACTIVE one (ECS's rolling
update keeps the old tasks until the new ones are healthy, and a circuit-breaker rollback makes the
old deployment launch tasks again): each deployment's network configuration, task definition and
launch type apply to its own tasks. A service whose DescribeServices answer names a failure for a
service ListServices just listed loses that service, not the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from cli_helpers import run_cli

from fargate_netcheck.collect import ecs
from fargate_netcheck.collect.ecs_errors import unread_recorded

CHECK = ("check", "--cluster", "jobs", "--region", "us-east-1", "-f", "json")


def _rewrite_services(monkeypatch: pytest.MonkeyPatch, change: Callable[[dict[str, Any]], None]) -> None:
    """Every DescribeServices answer passes through ``change`` (each service, in place): moto keeps
    one PRIMARY deployment and never an ACTIVE one."""
    real = ecs.call

    def call(client: Any, operation: str, **params: Any) -> Any:
        response = real(client, operation, **params)
        if operation == "DescribeServices":
            for service in response.get("services", []):
                change(service)
        return response

    monkeypatch.setattr(ecs, "call", call)


def _active(service: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A deployment of ``service`` that is still running tasks (``ACTIVE``), with ``fields``."""
    (primary,) = [d for d in service["deployments"] if d["status"] == "PRIMARY"]
    return {**primary, "id": "ecs-svc/0000000000000000001", "status": "ACTIVE", "runningCount": 2, **fields}


def _network(subnet: str, sg: str, public: str = "DISABLED") -> dict[str, Any]:
    return {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": public}}


def test_an_active_deployment_in_another_subnet_is_checked_too(account, capsys, monkeypatch):
    """api's new deployment (PRIMARY) runs in the private subnet, which reaches the internet; its old
    tasks (ACTIVE, still running) are in the isolated subnet, which does not: not a pass."""

    def rolling(service: dict[str, Any]) -> None:
        if service["serviceName"] == "api":
            service["deployments"].append(
                _active(service, networkConfiguration=_network(account.isolated, account.sg))
            )

    _rewrite_services(monkeypatch, rolling)
    run = run_cli(capsys, *CHECK, "--service", "api")
    report = json.loads(run.out)
    verdicts = {t["subnet_id"]: t["internet_egress"]["verdict"] for t in report["targets"]}
    assert verdicts == {account.private: "reachable", account.isolated: "unreachable"}
    assert run.code == 1, run.err
    ids = [t["target_id"] for t in report["targets"]]
    assert len(set(ids)) == len(ids)


def test_an_active_deployment_without_a_public_ip_is_checked_too(account, capsys, monkeypatch):
    """Same subnets, another public-IP choice: the old tasks in the public subnet have no public IP."""

    def rolling(service: dict[str, Any]) -> None:
        service["networkConfiguration"] = _network(account.public, account.sg, "ENABLED")
        (primary,) = service["deployments"]
        primary["networkConfiguration"] = service["networkConfiguration"]
        service["deployments"].append(
            _active(service, networkConfiguration=_network(account.public, account.sg))
        )

    _rewrite_services(monkeypatch, rolling)
    run = run_cli(capsys, *CHECK, "--service", "api")
    report = json.loads(run.out)
    got = sorted((t["assign_public_ip"], t["internet_egress"]["verdict"]) for t in report["targets"])
    assert got == [(False, "unreachable"), (True, "reachable")]
    assert run.code == 1, run.err


def test_an_active_deployment_with_the_same_network_adds_no_target(account, capsys, monkeypatch):
    _rewrite_services(monkeypatch, lambda s: s["deployments"].append(_active(s)))
    run = run_cli(capsys, *CHECK, "--service", "api")
    assert [t["subnet_id"] for t in json.loads(run.out)["targets"]] == [account.private]
    assert run.code == 0, run.err


def test_an_active_deployments_task_definition_gives_its_tasks_needs(account, monkeypatch):
    """The old revision pulls from Docker Hub and reads an SSM parameter: its tasks need both."""
    arn = account.ecs.register_task_definition(
        family="app",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "app",
                "image": "nginx:1.25",
                "memory": 512,
                "secrets": [{"name": "TOKEN", "valueFrom": "token"}],
            }
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    _rewrite_services(monkeypatch, lambda s: s["deployments"].append(_active(s, taskDefinition=arn)))
    networks = ecs.service_networks(account.ecs, "jobs", ["api"], fargate_only=True)
    images = {i for n in networks for i in n.images}
    secrets = {s for n in networks for s in n.secrets_from}
    assert "image:internet:registry-1.docker.io:443" in images
    assert {"secretsmanager", "ssm"} <= secrets
    assert all(n.subnets == (account.private,) for n in networks)


def test_an_active_deployment_on_ec2_is_said_not_checked(account, monkeypatch):
    """A service moving from EC2 to Fargate still runs EC2 tasks of its old deployment."""
    _rewrite_services(
        monkeypatch, lambda s: s["deployments"].append(_active(s, launchType="EC2", platformFamily="EC2"))
    )
    networks = ecs.service_networks(account.ecs, "jobs", ["api"], fargate_only=True)
    assert any(n.subnets == (account.private,) for n in networks)
    assert any("EC2" in why for n in networks for why in n.not_checked)


def test_a_service_listservices_listed_but_describe_says_missing_does_not_stop_the_run(
    account, capsys, monkeypatch
):
    """ListServices named it, DescribeServices says MISSING (deleted in between, or an odd answer):
    the other services are still checked, and the run does not pass on the one not seen."""
    real = ecs.call

    def call(client: Any, operation: str, **params: Any) -> Any:
        response = real(client, operation, **params)
        if operation == "DescribeServices":
            gone = [s for s in response["services"] if s["serviceName"] == "worker"]
            response["services"] = [s for s in response["services"] if s["serviceName"] != "worker"]
            response["failures"] = [{"arn": s["serviceArn"], "reason": "MISSING"} for s in gone]
        return response

    monkeypatch.setattr(ecs, "call", call)
    run = run_cli(capsys, *CHECK)
    assert "Traceback" not in run.err
    report = json.loads(run.out)
    assert [t["source"] for t in report["targets"]] == ["ecs-service:jobs/api"]
    assert run.code == 1, run.err
    assert any(f["rule_id"] == "DATA002" and "worker" in f["message"] for f in report["findings"])


def test_a_cluster_with_no_services_checked_nothing_and_exits_2(account, capsys):
    account.ecs.create_cluster(clusterName="empty")
    run = run_cli(capsys, "check", "--cluster", "empty", "--region", "us-east-1", "-f", "json")
    assert run.code == 2
    assert "nothing was checked" in run.err and len(run.err.strip().splitlines()) == 1


def _service_item(n: int, subnet: str = "subnet-a") -> dict[str, Any]:
    return {
        "serviceArn": f"arn:aws:ecs:us-east-1:123456789012:service/c/s{n:02d}",
        "serviceName": f"s{n:02d}",
        "launchType": "FARGATE",
        "status": "ACTIVE",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": [subnet]}},
    }


def test_listservices_is_paged_and_describeservices_batched():
    client = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    arns = [_service_item(n)["serviceArn"] for n in range(12)]
    with Stubber(client) as stub:
        stub.add_response("list_services", {"serviceArns": arns[:7], "nextToken": "t"}, {"cluster": "c"})
        stub.add_response("list_services", {"serviceArns": arns[7:]}, {"cluster": "c", "nextToken": "t"})
        stub.add_response(
            "describe_services",
            {"services": [_service_item(n) for n in range(10)], "failures": []},
            {"cluster": "c", "services": arns[:10]},
        )
        stub.add_response(
            "describe_services",
            {"services": [_service_item(n) for n in range(10, 12)], "failures": []},
            {"cluster": "c", "services": arns[10:]},
        )
        found = ecs.services(client, "c")
        stub.assert_no_pending_responses()
    assert [s["serviceName"] for s in found] == [f"s{n:02d}" for n in range(12)]


def test_a_missing_listed_service_is_recorded_not_raised_when_recording():
    client = boto3.client("ecs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    arns = [_service_item(n)["serviceArn"] for n in range(2)]
    with Stubber(client) as stub, unread_recorded() as unread:
        stub.add_response("list_services", {"serviceArns": arns}, {"cluster": "c"})
        stub.add_response(
            "describe_services",
            {"services": [_service_item(0)], "failures": [{"arn": arns[1], "reason": "MISSING"}]},
            {"cluster": "c", "services": arns},
        )
        found = ecs.services(client, "c", None, unread)
    assert [s["serviceName"] for s in found] == ["s00"]
    assert len(unread) == 1 and "s01" in str(unread[0]) and "MISSING" in str(unread[0])


def test_an_external_controller_service_is_checked_by_its_task_sets(account, capsys):
    """An EXTERNAL (or CODE_DEPLOY) service runs the tasks of its task sets, each with its own
    network (the service names none of its own): the task set in the isolated subnet is checked."""
    account.ecs.create_service(
        cluster="jobs",
        serviceName="ext",
        taskDefinition="app",
        desiredCount=0,
        deploymentController={"type": "EXTERNAL"},
    )
    account.ecs.create_task_set(
        cluster="jobs",
        service="ext",
        taskDefinition="app",
        launchType="FARGATE",
        networkConfiguration=_network(account.isolated, account.sg),
    )
    run = run_cli(capsys, *CHECK, "--service", "ext")
    report = json.loads(run.out)
    assert [(t["subnet_id"], t["internet_egress"]["verdict"]) for t in report["targets"]] == [
        (account.isolated, "unreachable")
    ]
    assert run.code == 1, run.err


def test_a_service_named_twice_is_one_target(account, capsys):
    run = run_cli(capsys, *CHECK, "--service", "api", "--service", "api")
    report = json.loads(run.out)
    assert [t["source"] for t in report["targets"]] == ["ecs-service:jobs/api"]
    assert run.code == 0, run.err


@pytest.mark.parametrize(
    "awsvpc",
    [
        {"subnets": "SUBNET", "securityGroups": ["SG"]},  # one id, not a list: never its characters
        {"subnets": ["SUBNET"], "securityGroups": ["SG"], "assignPublicIp": "Enabled"},
        {"subnets": [{"id": "SUBNET"}], "securityGroups": ["SG"]},
        "SUBNET",
    ],
)
def test_a_malformed_network_configuration_is_a_problem_not_targets(account, capsys, monkeypatch, awsvpc):
    """An endpoint answering an odd shape for one service: that service is a CFG001 problem (its
    network is not known), the others are checked, and nothing raises."""

    def odd(service: dict[str, Any]) -> None:
        if service["serviceName"] == "worker":
            text = json.dumps(awsvpc).replace("SUBNET", account.isolated).replace("SG", account.sg)
            service["networkConfiguration"] = {"awsvpcConfiguration": json.loads(text)}
            service["deployments"] = []

    _rewrite_services(monkeypatch, odd)
    run = run_cli(capsys, *CHECK)
    assert "Traceback" not in run.err and "internal error" not in run.err
    report = json.loads(run.out)
    assert [t["source"] for t in report["targets"]] == ["ecs-service:jobs/api"]
    (problem,) = [f for f in report["findings"] if f["rule_id"] == "CFG001"]
    assert problem["resource_id"] == "ecs-service:jobs/worker" and "malformed" in problem["message"]
    assert run.code == 1, run.err


def test_a_malformed_task_definition_does_not_stop_the_run(account, monkeypatch):
    real = ecs.call

    def call(client: Any, operation: str, **params: Any) -> Any:
        response = real(client, operation, **params)
        if operation == "DescribeTaskDefinition":
            response["taskDefinition"]["containerDefinitions"] = [
                {"image": "nginx", "secrets": "oops", "logConfiguration": "awslogs"},
                "not a container",
            ]
        return response

    monkeypatch.setattr(ecs, "call", call)
    (network,) = ecs.service_networks(account.ecs, "jobs", ["api"], fargate_only=True)
    assert network.subnets == (account.private,)
    assert network.images == ("image:internet:registry-1.docker.io:443",)
