"""`diagnose`: cause, explanation and verdict for a stopped task."""

from __future__ import annotations

import json

from cli_helpers import run_cli
from ecs_account import ACCESS_DENIED, PULL_TIMEOUT, stopped_task
from task_events import task_event


def diagnose(capsys, *args):
    r = run_cli(capsys, "diagnose", "--cluster", "jobs", "--region", "us-east-1", *args)
    return r


def test_pull_timeout_in_a_subnet_without_a_way_out_is_a_network_cause_with_the_blocking_hop(account, capsys):
    arn = stopped_task(account, account.isolated, PULL_TIMEOUT)
    r = diagnose(capsys, arn, "-f", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    d = report["diagnosis"]
    assert d["task_arn"] == arn
    assert d["cause"] == "network"
    assert "i/o timeout" in d["stopped_reason"]
    target = report["targets"][0]
    assert target["subnet_id"] == account.isolated
    assert target["security_group_ids"] == [account.sg]
    assert target["internet_egress"]["verdict"] == "unreachable"
    assert target["internet_egress"]["blocked_at"] in d["explanation"]
    assert "Change:" in d["explanation"]
    assert d["service"].startswith("Amazon ECR registry")
    assert d["verdict"] == "unreachable" and d["blocked_at"] == target["internet_egress"]["blocked_at"]


def test_access_denied_is_permissions_not_network(account, capsys):
    arn = stopped_task(account, account.private, ACCESS_DENIED)
    r = diagnose(capsys, arn, "-f", "json")
    report = json.loads(r.out)
    d = report["diagnosis"]
    assert d["cause"] == "permissions"
    assert "not a network problem" in d["explanation"]
    assert report["targets"][0]["internet_egress"]["verdict"] == "reachable"


def test_text_output_answers_in_plain_language(account, capsys):
    arn = stopped_task(account, account.isolated, PULL_TIMEOUT)
    r = diagnose(capsys, arn)
    assert "Diagnosis of" in r.out
    assert "cause:          network" in r.out
    assert "blocked at:" in r.out


def test_service_most_recent_stopped_task(account, capsys):
    stopped_task(account, account.isolated, PULL_TIMEOUT, group="service:worker")
    r = diagnose(capsys, "--service", "worker", "-f", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["diagnosis"]["cause"] == "network"


def test_task_and_service_together_is_a_usage_error(account, capsys):
    r = diagnose(capsys, "abc", "--service", "worker")
    assert r.code == 2


def test_unknown_task_is_exit_2(account, capsys):
    r = diagnose(capsys, "0123456789abcdef")
    assert r.code == 2
    assert "0123456789abcdef" in r.err


def test_a_task_arn_names_its_cluster(account, capsys):
    arn = stopped_task(account, account.isolated, PULL_TIMEOUT)
    r = run_cli(capsys, "diagnose", arn, "--region", "us-east-1", "-f", "json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["diagnosis"]["task_arn"] == arn


def test_a_task_ecs_has_forgotten_points_at_reason_and_event(account, capsys):
    gone = "arn:aws:ecs:us-east-1:123456789012:task/jobs/0123456789abcdef0123456789abcdef"
    r = run_cli(capsys, "diagnose", gone, "--region", "us-east-1")
    assert r.code == 2
    assert "--reason" in r.err and "--event" in r.err and "0123456789abcdef0123456789abcdef" in r.err


def test_an_event_of_a_service_task_reads_the_service_for_what_the_event_lacks(account, capsys, tmp_path):
    """No snapshot, no flags: the network is collected and the service (from the event's group) is
    read from ECS for the groups and the public-IP choice the event does not carry."""
    event = task_event(subnet=account.isolated, group="service:worker")
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    r = run_cli(capsys, "diagnose", "--event", str(path), "-f", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    target = report["targets"][0]
    assert target["subnet_id"] == account.isolated
    assert target["security_group_ids"] == [account.sg] and target["assign_public_ip"] is False
    d = report["diagnosis"]
    assert (d["cause"], d["verdict"]) == ("network", "unreachable")
    assert "Not known" not in d["explanation"]


def test_reason_placed_by_a_service(account, capsys):
    r = run_cli(
        capsys,
        "diagnose",
        "--reason",
        PULL_TIMEOUT,
        "--cluster",
        "jobs",
        "--service",
        "api",
        "--region",
        "us-east-1",
        "-f",
        "json",
    )
    assert r.code == 0, r.err
    report = json.loads(r.out)
    target = report["targets"][0]
    assert (target["subnet_id"], target["security_group_ids"]) == (account.private, [account.sg])
    assert report["diagnosis"]["cause"] == "network"
    assert report["diagnosis"]["verdict"] == "reachable"  # the service subnet has a NAT route
    assert report["diagnosis"]["headline"].startswith("Network (not reproduced)")
