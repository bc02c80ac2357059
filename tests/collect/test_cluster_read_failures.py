"""`check --cluster`: an ECS call that fails while resolving the services is a collection failure
like any other (collection_errors, the collection section, DATA002, a failing exit), never an
internal error; and the calls made resolving them are counted in the collection section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ecs_account
import pytest
from cli_helpers import run_cli
from collect.ecs_hooks import on_every_session

from fargate_netcheck.cli import support
from fargate_netcheck.collect.session import CallLog

account = ecs_account.account  # the fixture: a moto account with cluster jobs (services api, worker)
CHECK = ("check", "--cluster", "jobs", "--region", "us-east-1", "--max-attempts", "2")


def _check(capsys: pytest.CaptureFixture, tmp_path: Path, *args: str) -> tuple[int, str, dict]:
    out = tmp_path / "report.json"
    r = run_cli(capsys, *CHECK, *args, "-f", "json", "--output", str(out))
    assert "internal error" not in r.err and "Traceback" not in r.err
    return r.code, r.err, json.loads(out.read_text())


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[CallLog]:
    """The CallLog of each live collection the CLI runs (it stays live for the ECS calls after)."""
    logs: list[CallLog] = []
    collect_live = support.collect_live

    def spy(*args: Any, **kwargs: Any) -> Any:
        data, calls = collect_live(*args, **kwargs)
        logs.append(calls)
        return data, calls

    monkeypatch.setattr(support, "collect_live", spy)
    return logs


def _ecs_region(report: dict) -> dict:
    (region,) = [r for r in report["collection"]["regions"] if r["region"] == "us-east-1"]
    return region


def test_list_services_denied_alone_is_exit_2_naming_the_action(account, capsys, tmp_path, monkeypatch):
    on_every_session(monkeypatch, "ListServices")

    code, err, report = _check(capsys, tmp_path)

    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(
        "fargate-netcheck: error: nothing was checked: ecs:ListServices on cluster jobs: AccessDeniedException: "
    )
    assert err.rstrip().endswith("; see the report")
    # the report is written all the same, with what was collected and the failure recorded
    assert report["targets"] == []
    (key,) = [k for k in report["collection_errors"] if k.endswith("/us-east-1/EcsServices")]
    assert report["collection_errors"][key].startswith("ecs:ListServices on cluster jobs: AccessDenied")
    assert _ecs_region(report)["failures"]["EcsServices"] == report["collection_errors"][key]
    assert report["collection"]["complete"] is False
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "DATA002"]
    assert finding["severity"] == "error" and finding["resource_id"] == key
    assert "ecs:ListServices on cluster jobs" in finding["message"]
    assert finding["message"].endswith("those were not checked")


def test_list_services_denied_beside_a_subnet_checks_the_subnet_and_fails(
    account, capsys, tmp_path, monkeypatch
):
    on_every_session(monkeypatch, "ListServices")

    code, _, report = _check(capsys, tmp_path, "--subnet", account.private)

    assert code == 1  # the subnet was checked; the cluster's services were not: no pass
    assert [t["subnet_id"] for t in report["targets"]] == [account.private]
    assert any(
        f["rule_id"] == "DATA002" and f["resource_id"].endswith("/us-east-1/EcsServices")
        for f in report["findings"]
    )


@pytest.mark.parametrize("fault", ["denied", "dropped", "throttled"])
def test_describe_services_failing_for_good_is_recorded(account, capsys, tmp_path, monkeypatch, fault):
    sent = on_every_session(monkeypatch, "DescribeServices", fault)

    code, err, report = _check(capsys, tmp_path)

    assert code == 2
    assert "nothing was checked: ecs:DescribeServices on cluster jobs (services api, worker): " in err
    assert len(err.strip().splitlines()) == 1
    assert _ecs_region(report)["failures"]["EcsServices"].startswith("ecs:DescribeServices on cluster jobs")
    if fault != "denied":  # retried (--max-attempts 2), then recorded
        assert sent() == 2


def test_one_batch_that_fails_leaves_the_others_checked(account, capsys, tmp_path, monkeypatch):
    """DescribeServices takes 10 services a call: the second batch failing loses those alone."""
    for n in range(10):
        account.ecs.create_service(
            cluster="jobs",
            serviceName=f"extra-{n:02d}",
            taskDefinition="app",
            desiredCount=0,
            launchType="FARGATE",
            networkConfiguration={
                "awsvpcConfiguration": {"subnets": [account.private], "securityGroups": [account.sg]}
            },
        )
    on_every_session(monkeypatch, "DescribeServices", "denied", first_allowed=True)

    code, _, report = _check(capsys, tmp_path)

    assert code == 1
    checked = {t["source"] for t in report["targets"]}
    assert len(checked) == 10  # the first batch of ten (ListServices' order)
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "DATA002"]
    assert "ecs:DescribeServices on cluster jobs (services " in finding["message"]
    assert finding["message"].endswith("those were not checked")


def test_an_unreadable_task_definition_is_recorded_and_its_services_still_checked(
    account, capsys, tmp_path, monkeypatch
):
    on_every_session(monkeypatch, "DescribeTaskDefinition")

    code, _, report = _check(capsys, tmp_path)

    assert code == 1
    assert {t["source"] for t in report["targets"]} == {"ecs-service:jobs/api", "ecs-service:jobs/worker"}
    assert _ecs_region(report)["failures"]["EcsTaskDefinitions"].startswith(
        "ecs:DescribeTaskDefinition of arn:aws:ecs:us-east-1:123456789012:task-definition/app:1: AccessDenied"
    )
    assert any(f["rule_id"] == "CFG001" and "could not be read" in f["message"] for f in report["findings"])


def test_the_calls_resolving_the_services_are_counted(account, capsys, tmp_path, monkeypatch):
    logs = _calls(monkeypatch)

    code, _, report = _check(capsys, tmp_path)

    assert code == 1, report
    (calls,) = logs
    assert calls.counts["ecs:ListServices"] == 1
    assert calls.counts["ecs:DescribeServices"] == 1
    assert calls.counts["ecs:DescribeTaskDefinition"] == 1  # one task definition, two services
    assert report["collection"]["calls"] == calls.total
    region = _ecs_region(report)
    assert region["calls"] == calls.by_where[f"{region['account']}/us-east-1"][0]
    assert "-/us-east-1" not in calls.by_where  # the ECS client is labelled with the caller's account


def test_a_throttled_call_resolving_the_services_is_counted_as_a_retry(
    account, capsys, tmp_path, monkeypatch
):
    logs = _calls(monkeypatch)
    sent = on_every_session(monkeypatch, "ListServices", "throttled", times=1)

    code, _, report = _check(capsys, tmp_path)

    assert code == 1, report  # the retry got the answer: both services checked
    assert len(report["targets"]) == 2
    assert sent() == 2
    (calls,) = logs
    assert calls.retries["ecs:ListServices"] == 1
    assert calls.throttled["ecs:ListServices"] == 1
    assert report["collection"]["throttled"] == calls.total_throttled >= 1
    assert _ecs_region(report)["throttled"] >= 1
    assert "EcsServices" not in _ecs_region(report)["failures"]
