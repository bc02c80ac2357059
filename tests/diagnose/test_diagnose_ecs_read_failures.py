"""`diagnose` when ECS cannot be read. The task itself is the input: a DescribeTasks (or, for
``--service``, ListTasks) that fails is one line naming the action and exit 2, never an internal
error. What is read after it (the service, the task definition) is a fact among others: failing,
it is a note, and the diagnosis goes on from what is known."""

from __future__ import annotations

import json

import ecs_account
import pytest
from cli_helpers import run_cli
from collect.ecs_hooks import on_every_session
from ecs_account import PULL_TIMEOUT, stopped_task

account = ecs_account.account  # the fixture: a moto account with cluster jobs (services api, worker)


@pytest.fixture(autouse=True)
def one_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dropped connection is retried once, not ten times with backoff."""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")


def _diagnose(capsys: pytest.CaptureFixture, *args: str):
    r = run_cli(capsys, "diagnose", "--region", "us-east-1", *args)
    assert "internal error" not in r.err and "Traceback" not in r.err
    return r


@pytest.mark.parametrize("fault", ["denied", "dropped", "throttled"])
def test_a_task_that_cannot_be_read_is_one_line_naming_the_action(account, capsys, monkeypatch, fault):
    arn = stopped_task(account, account.isolated, PULL_TIMEOUT)
    on_every_session(monkeypatch, "DescribeTasks", fault)

    r = _diagnose(capsys, arn)

    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1
    assert r.err.startswith("fargate-netcheck: error: ecs:DescribeTasks on cluster jobs: ")
    assert "--reason" in r.err  # how to diagnose it without ECS


def test_the_last_stopped_task_of_a_service_that_cannot_be_listed(account, capsys, monkeypatch):
    stopped_task(account, account.isolated, PULL_TIMEOUT, group="service:worker")
    on_every_session(monkeypatch, "ListTasks")

    r = _diagnose(capsys, "--cluster", "jobs", "--service", "worker")

    assert r.code == 2
    assert r.err.startswith("fargate-netcheck: error: ecs:ListTasks on cluster jobs: AccessDeniedException: ")
    assert len(r.err.strip().splitlines()) == 1


def test_an_unreadable_task_definition_is_a_note_and_the_diagnosis_goes_on(account, capsys, monkeypatch):
    arn = stopped_task(account, account.isolated, PULL_TIMEOUT)
    on_every_session(monkeypatch, "DescribeTaskDefinition")

    r = _diagnose(capsys, arn, "-f", "json")

    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["diagnosis"]["cause"] == "network"
    assert report["targets"][0]["subnet_id"] == account.isolated
    assert any(
        "task definition arn:aws:ecs:us-east-1:123456789012:task-definition/app:1 could not be read: "
        "AccessDeniedException" in note
        for note in report["notes"]
    )


def test_an_unreadable_service_is_a_note_and_the_diagnosis_goes_on(account, capsys, monkeypatch):
    """The task's interface is gone and the flags give no groups: the service would, but cannot be
    read; the note says why and the groups stay unknown (CloudTrail has nothing in moto)."""
    arn = account.ecs.run_task(
        cluster="jobs",
        taskDefinition="app",
        launchType="FARGATE",
        group="service:worker",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [account.isolated], "securityGroups": [account.sg]}
        },
    )["tasks"][0]["taskArn"]
    account.ecs.stop_task(cluster="jobs", task=arn, reason=PULL_TIMEOUT)
    (task,) = account.ecs.describe_tasks(cluster="jobs", tasks=[arn])["tasks"]
    (details,) = [a["details"] for a in task["attachments"] if a["type"] == "ElasticNetworkInterface"]
    (eni,) = [d["value"] for d in details if d["name"] == "networkInterfaceId"]
    account.ec2.delete_network_interface(NetworkInterfaceId=eni)  # gone with the task, as in AWS
    on_every_session(monkeypatch, "DescribeServices", "dropped")

    r = _diagnose(capsys, arn, "-f", "json")

    assert r.code == 0, r.err
    notes = json.loads(r.out)["notes"]
    assert any(
        note.startswith(
            "service worker could not be read: ecs:DescribeServices on cluster jobs (services worker): "
        )
        and "EndpointConnectionError" in note
        for note in notes
    ), notes
