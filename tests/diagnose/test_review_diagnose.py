"""Review of `diagnose`: a task that has not stopped, a task ARN or event whose region the flags
contradict, a placement the snapshot does not hold (blamed as a "blocked" hop), event fields of the
wrong type (silently dropped), and a reason too long for the classifier's patterns."""

from __future__ import annotations

import json
import time

import ecs_account
import pytest
from cli_helpers import Run, run_cli
from ecs_account import PULL_TIMEOUT, stopped_task
from snapshots import healthy, write
from task_events import TASK_ARN, task_event

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.diagnose.arn import parse_task_ref

account = ecs_account.account  # the fixture: a moto account with cluster jobs (services api, worker)
ERROR = "fargate-netcheck: error: "


def _one_line_error(r: Run, *fragments: str) -> None:
    assert r.code == 2, (r.out, r.err)
    assert "Traceback" not in r.err and "internal error" not in r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    assert r.err.startswith(ERROR)
    for fragment in fragments:
        assert fragment in r.err, r.err


@pytest.fixture
def snap(tmp_path) -> str:
    return str(write(healthy(), tmp_path / "snap.json"))


def _event_file(tmp_path, event: object, name: str = "event.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(event))
    return str(path)


def _offline(capsys, snap: str, *args: str) -> Run:
    return run_cli(capsys, "diagnose", "--snapshot", snap, "--offline", *args)


# -- a task that has not stopped -----------------------------------------------------------------
def test_a_running_task_is_not_explained_as_stopped(account, capsys):
    """ECS returns a RUNNING task with no stoppedReason; "ECS stopped the task: no reason given"
    was a false statement about it."""
    arn = account.ecs.run_task(
        cluster="jobs",
        taskDefinition="app",
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [account.isolated], "securityGroups": [account.sg]}
        },
    )["tasks"][0]["taskArn"]

    r = run_cli(capsys, "diagnose", arn, "-f", "json")

    _one_line_error(r, f"task {arn}: it has not stopped (lastStatus ", "fargate-netcheck check")


@pytest.mark.parametrize("status", ["PROVISIONING", "PENDING", "RUNNING"])
def test_an_event_file_whose_task_never_stopped_is_refused(tmp_path, capsys, snap, status):
    path = _event_file(tmp_path, task_event(status, container_reason=None))

    r = _offline(capsys, snap, "--event", path)

    _one_line_error(r, f"{path}:1: task {TASK_ARN} has not stopped (its latest event says {status})")


def test_a_stopped_task_whose_provisioning_event_holds_the_subnet_is_still_diagnosed(tmp_path, capsys, snap):
    events = [task_event("PROVISIONING", version=1), task_event("STOPPED", subnet=None, version=4)]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events))

    r = _offline(capsys, snap, "--event", str(path), "--security-group", "sg-open", "-f", "json")

    assert r.code == 0, r.err
    assert json.loads(r.out)["targets"][0]["subnet_id"] == "subnet-isolated"


# -- regions: the ARN's, the event's, the flag's --------------------------------------------------
def test_a_region_flag_that_contradicts_the_task_arn_is_refused(account, capsys):
    """DescribeTasks would be sent to the flag's region with the ARN of another (ECS answers MISSING,
    "about an hour" misleads), and the network collected there is not the task's."""
    arn = stopped_task(account, account.isolated, PULL_TIMEOUT).replace("us-east-1", "eu-west-1")

    r = run_cli(capsys, "diagnose", "--region", "us-east-1", arn)

    _one_line_error(r, "the task ARN names region eu-west-1, but --region says us-east-1")


def test_ecs_is_asked_in_the_task_arns_region_whatever_the_flags_order(account, capsys):
    """``--region eu-west-1 --region us-east-1`` with a us-east-1 task: DescribeTasks went to
    eu-west-1 (the first flag), where cluster jobs does not exist."""
    arn = stopped_task(account, account.isolated, PULL_TIMEOUT)

    r = run_cli(capsys, "diagnose", "--region", "eu-west-1", "--region", "us-east-1", arn, "-f", "json")

    assert r.code == 0, r.err
    assert json.loads(r.out)["diagnosis"]["task_arn"] == arn


def test_a_region_flag_that_contradicts_the_event_is_refused(tmp_path, capsys, snap):
    path = _event_file(tmp_path, task_event())

    r = run_cli(capsys, "diagnose", "--snapshot", snap, "--event", path, "--region", "eu-west-1")

    _one_line_error(r, f"the event of {path} names region us-east-1, but --region says eu-west-1")


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        (
            "arn:aws-cn:ecs:us-east-1:123456789012:task/jobs/abc",
            "region us-east-1 is not in partition aws-cn",
        ),
        ("arn:aws:ecs:cn-north-1:123456789012:task/jobs/abc", "region cn-north-1 is not in partition aws"),
        ("arn:aws:ecs:us-gov-west-1:123456789012:task/jobs/abc", "not in partition aws"),
        ("arn:awsfoo:ecs:us-east-1:123456789012:task/jobs/abc", "'awsfoo' is not an AWS partition"),
        ("arn:aws:ecs:useast1:123456789012:task/jobs/abc", "'useast1' is not an AWS region name"),
    ],
)
def test_an_arn_whose_region_is_not_of_its_partition_is_refused(arn, message):
    with pytest.raises(InputError, match=message):
        parse_task_ref(arn, None)


@pytest.mark.parametrize(
    ("arn", "region"),
    [
        ("arn:aws-us-gov:ecs:us-gov-west-1:123456789012:task/jobs/abc", "us-gov-west-1"),
        ("arn:aws-cn:ecs:cn-northwest-1:123456789012:task/jobs/abc", "cn-northwest-1"),
        ("arn:aws-iso-b:ecs:us-isob-east-1:123456789012:task/abc", "us-isob-east-1"),
        ("arn:aws-eusc:ecs:eusc-de-east-1:123456789012:task/jobs/abc", "eusc-de-east-1"),
        ("arn:aws:ecs:ap-southeast-5:123456789012:task/jobs/abc", "ap-southeast-5"),
    ],
)
def test_task_arns_of_every_partition_are_read(arn, region):
    assert parse_task_ref(arn, None).region == region


# -- a placement the snapshot does not hold ------------------------------------------------------
def test_a_subnet_flag_the_snapshot_lacks_is_an_input_error_as_in_check(capsys, snap):
    """It was walked as "blocked at subnet-typo: does not exist": a typo blamed for the failure."""
    r = _offline(
        capsys, snap, "--reason", PULL_TIMEOUT, "--subnet", "subnet-typo", "--security-group", "sg-open"
    )

    _one_line_error(r, "unknown subnet subnet-typo: not in the snapshot", "(regions: us-east-1)")


def test_a_group_flag_the_snapshot_lacks_is_an_input_error_as_in_check(capsys, snap):
    r = _offline(
        capsys, snap, "--reason", PULL_TIMEOUT, "--subnet", "subnet-isolated", "--security-group", "sg-typo"
    )

    _one_line_error(r, "unknown security group sg-typo: not in the snapshot")


def _elsewhere(region: str = "us-east-1", account_id: str = "123456789012") -> dict:
    arn = TASK_ARN.replace("us-east-1", region).replace("123456789012", account_id)
    event = task_event(task_arn=arn, subnet="subnet-0f00d00000000beef")
    event["region"], event["account"] = region, account_id
    return event


@pytest.mark.parametrize(
    ("region", "account_id"), [("eu-west-1", "123456789012"), ("us-east-1", "210987654321")]
)
def test_a_task_outside_the_snapshots_account_or_region_is_an_input_error(
    tmp_path, capsys, snap, region, account_id
):
    """Its subnet is not in the snapshot because the snapshot is of somewhere else: "blocked at
    subnet-…: does not exist" was a false network diagnosis."""
    path = _event_file(tmp_path, _elsewhere(region, account_id))

    r = _offline(capsys, snap, "--event", path, "--security-group", "sg-open", "--no-assign-public-ip")

    _one_line_error(
        r,
        f"ran in {region} of account {account_id} (subnet subnet-0f00d00000000beef, from the event's network",
        "does not hold (it holds 123456789012/us-east-1)",
    )


def test_a_task_of_another_account_whose_subnet_the_snapshot_holds_is_diagnosed(tmp_path, capsys, snap):
    """A redacted snapshot masks account ids: the subnet found is what counts, not the account."""
    event = _elsewhere(account_id="210987654321")
    event["detail"]["attachments"][0]["details"][0]["value"] = "subnet-isolated"
    path = _event_file(tmp_path, event)

    r = _offline(capsys, snap, "--event", path, "--security-group", "sg-open", "-f", "json")

    assert r.code == 0, r.err
    assert json.loads(r.out)["diagnosis"]["verdict"] == "unreachable"


# -- event fields of the wrong type --------------------------------------------------------------
def _set(path: tuple, value: object):
    def change(event: dict) -> None:
        parent = event
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (_set(("detail", "stoppedReason"), 42), "detail.stoppedReason is not a string"),
        (_set(("detail", "containers", 0, "reason"), 5), "detail.containers[0].reason is not a string"),
        (_set(("detail", "containers", 0, "name"), ["a"]), "detail.containers[0].name is not a string"),
        (_set(("detail", "containers"), [7]), "detail.containers[0] is not an object"),
        (_set(("detail", "attachments", 0, "details"), "x"), "detail.attachments[0].details is not a list"),
        (
            _set(("detail", "attachments", 0, "details", 0), {"name": "subnetId", "value": 1}),
            "detail.attachments[0].details[0] is not a {name, value} object of strings",
        ),
        (_set(("detail", "taskArn"), 7), "detail.taskArn is not a string"),
        (_set(("detail", "group"), {"a": 1}), "detail.group is not a string"),
        (_set(("detail", "version"), "4"), "detail.version is not an integer"),
        (_set(("region",), "not a region!"), "region is not an AWS region name"),
        (_set(("region",), 5), "region is not an AWS region name"),
        (_set(("detail",), "oops"), "the task-state event's detail is not an object"),
    ],
)
def test_an_event_field_of_the_wrong_type_is_one_line_naming_it(tmp_path, capsys, snap, change, named):
    """These were dropped silently: the reason (then "Other: no recognised reason"), the subnet (then
    "the path was not checked"), the region (then handed to boto3)."""
    event = task_event(reason=PULL_TIMEOUT)
    change(event)
    path = _event_file(tmp_path, event)

    r = _offline(capsys, snap, "--event", path)

    _one_line_error(r, f"{path}:1: {named}")


def test_a_wrong_type_in_a_json_lines_file_names_its_line(tmp_path, capsys, snap):
    bad = task_event(version=5)
    bad["detail"]["stopCode"] = ["TaskFailedToStart"]
    path = tmp_path / "events.jsonl"
    path.write_text(json.dumps(task_event(version=4)) + "\n" + json.dumps(bad) + "\n")

    r = _offline(capsys, snap, "--event", str(path))

    _one_line_error(r, f"{path}:2: detail.stopCode is not a string")


# -- a reason past anything ECS writes -----------------------------------------------------------
def test_a_reason_far_longer_than_ecs_writes_is_refused_at_once(capsys, snap):
    """160 kB of ``dkr.ecr.`` took the classifier's patterns minutes (quadratic backtracking)."""
    started = time.monotonic()
    r = _offline(
        capsys,
        snap,
        "--reason",
        "CannotPullContainerError: " + "dkr.ecr." * 20_000,
        "--subnet",
        "subnet-isolated",
    )
    _one_line_error(r, "--reason: a reason of 160026 characters, more than 8192")
    assert time.monotonic() - started < 30  # generous: minutes before the fix


def test_a_long_container_reason_in_an_event_is_refused(tmp_path, capsys, snap):
    path = _event_file(tmp_path, task_event(container_reason="x" * 9000))

    r = _offline(capsys, snap, "--event", path)

    _one_line_error(r, f"{path}:1: a reason of 9000 characters")


# -- the report path is checked before any AWS call ------------------------------------------------
def test_an_unwritable_output_is_refused_before_the_task_is_looked_up(tmp_path, capsys, monkeypatch):
    """As in check: a report that cannot be written is known before ECS, EC2 and CloudTrail are asked."""
    import fargate_netcheck.diagnose.task as task_module

    def asked(*_args, **_kwargs):
        raise AssertionError("the task was looked up before the report path was checked")

    monkeypatch.setattr(task_module, "diagnose_task", asked)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    r = run_cli(capsys, "diagnose", TASK_ARN, "-o", str(folder))
    _one_line_error(r, str(folder))
