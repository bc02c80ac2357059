"""`check --cluster`: a service whose tasks do not run on Fargate is not checked as a Fargate task, and a
task definition that cannot be read leaves its needs unknown instead of failing the run."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from cli_helpers import run_cli

from fargate_netcheck.collect import ecs


def _service(account, name: str, **launch) -> None:
    account.ecs.create_service(
        cluster="jobs",
        serviceName=name,
        taskDefinition="app",
        desiredCount=0,
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [account.private], "securityGroups": [account.sg]}
        },
        **launch,
    )


def _check(capsys, *services: str):
    named = [arg for s in services for arg in ("--service", s)]
    return run_cli(capsys, "check", "--cluster", "jobs", *named, "--region", "us-east-1", "-f", "json")


def test_an_ec2_service_is_not_checked_as_a_fargate_task(account, capsys):
    """A warning (CFG002), not a configuration error: a cluster that also runs EC2 services does
    not fail every run, and the Fargate services are still gated on their own verdicts."""
    _service(account, "on-ec2", launchType="EC2")
    run = _check(capsys, "api", "on-ec2")
    report = json.loads(run.out)
    assert [t["source"] for t in report["targets"]] == ["ecs-service:jobs/api"]
    (problem,) = [f for f in report["findings"] if f["rule_id"] == "CFG002"]
    assert problem["resource_id"] == "ecs-service:jobs/on-ec2" and problem["severity"] == "warning"
    assert "launch type EC2" in problem["message"] and "not checked" in problem["message"]
    assert not [f for f in report["findings"] if f["rule_id"] == "CFG001"]
    assert run.code == 0, run.err  # api reaches the internet; the EC2 service is only reported


@pytest.mark.parametrize(
    ("launch", "why"),
    [
        ({"launchType": "EXTERNAL"}, "launch type EXTERNAL"),
        ({"capacityProviderStrategy": [{"capacityProvider": "asg", "weight": 1}]}, "capacity provider asg"),
        ({"status": "INACTIVE", "launchType": "FARGATE"}, "INACTIVE"),
        ({"status": "DRAINING", "launchType": "FARGATE"}, "DRAINING"),
    ],
)
def test_why_a_service_is_not_checked_as_a_fargate_task(launch, why):
    assert why in (ecs.not_fargate({"serviceName": "s", **launch})[0] or "")
    assert ecs.not_fargate({"serviceName": "s", **launch})[1] is True


@pytest.mark.parametrize(
    "strategy",
    [
        [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        [{"capacityProvider": "FARGATE", "weight": 1}, {"capacityProvider": "asg", "weight": 0}],
        [],
    ],
)
def test_a_fargate_strategy_or_the_clusters_default_is_checked(strategy):
    assert ecs.not_fargate({"serviceName": "s", "capacityProviderStrategy": strategy}) == (None, False)


def test_a_strategy_that_also_places_tasks_on_ec2_is_checked_with_a_problem():
    service = {
        "serviceName": "s",
        "capacityProviderStrategy": [
            {"capacityProvider": "FARGATE", "weight": 1},
            {"capacityProvider": "asg", "base": 1},
        ],
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
    }
    network = ecs.service_network(service, {}, "c")
    assert network.subnets == ("subnet-a",)
    assert "some of the service's tasks run on capacity provider asg" in network.not_checked[0]


def test_an_unreadable_task_definition_is_a_problem_and_its_needs_are_assumed(account, capsys, monkeypatch):
    real = ecs.call

    def deny(client, operation, **params):
        if operation == "DescribeTaskDefinition":
            raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, operation)
        return real(client, operation, **params)

    monkeypatch.setattr(ecs, "call", deny)
    run = _check(capsys, "api")
    assert run.code == 1, run.err
    report = json.loads(run.out)
    (target,) = report["targets"]
    assert target["internet_egress"]["verdict"] == "reachable"
    assert "logs" in {n["purpose"].split()[0].lower() for n in target["needs"]} or any(
        "logs." in n["name"] for n in target["needs"]
    )
    (problem,) = [f for f in report["findings"] if f["rule_id"] == "CFG001"]
    assert "task definition" in problem["message"] and "AccessDeniedException" in problem["message"]


def test_a_service_without_a_task_definition_assumes_awslogs_as_documented():
    network = ecs.service_network(
        {"serviceName": "s", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}}},
        None,
        "c",
    )
    assert network.uses_awslogs is True
    assert any("task definition" in p for p in network.problems)


def test_an_inactive_named_service_is_not_checked(account, capsys):
    account.ecs.delete_service(cluster="jobs", service="worker", force=True)
    report = json.loads(_check(capsys, "api", "worker").out)
    assert [t["source"] for t in report["targets"]] == ["ecs-service:jobs/api"]
    (problem,) = [f for f in report["findings"] if f["rule_id"] == "CFG002"]
    assert problem["resource_id"] == "ecs-service:jobs/worker"
