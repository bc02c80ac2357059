"""`check --cluster`: one target per service per subnet, from the services' awsvpc configuration."""

from __future__ import annotations

import json

from cli_helpers import run_cli


def test_two_services_one_without_a_way_out(account, capsys):
    r = run_cli(capsys, "check", "--cluster", "jobs", "--region", "us-east-1", "-f", "json")
    assert r.code == 1, r.err
    report = json.loads(r.out)
    by_source = {t["source"]: t for t in report["targets"]}
    assert set(by_source) == {"ecs-service:jobs/api", "ecs-service:jobs/worker"}
    api, worker = by_source["ecs-service:jobs/api"], by_source["ecs-service:jobs/worker"]
    assert (api["subnet_id"], api["security_group_ids"]) == (account.private, [account.sg])
    assert api["internet_egress"]["verdict"] == "reachable"
    assert worker["subnet_id"] == account.isolated
    assert worker["internet_egress"]["verdict"] == "unreachable"
    rules = {(f["rule_id"], f["target_id"]) for f in report["findings"]}
    assert ("RT001", worker["target_id"]) in rules
    # the task definition reads a Secrets Manager secret and logs with awslogs: said in findings
    assert ("SVC001", worker["target_id"]) in rules
    assert ("SVC003", worker["target_id"]) in rules
    assert not any(t == api["target_id"] and r.startswith("SVC") for r, t in rules)


def test_one_named_service(account, capsys):
    r = run_cli(
        capsys, "check", "--cluster", "jobs", "--service", "api", "--region", "us-east-1", "-f", "json"
    )
    assert r.code == 0, r.err
    assert [t["source"] for t in json.loads(r.out)["targets"]] == ["ecs-service:jobs/api"]


def test_unknown_service_is_exit_2_naming_it(account, capsys):
    r = run_cli(capsys, "check", "--cluster", "jobs", "--service", "nope", "--region", "us-east-1")
    assert r.code == 2
    assert "nope" in r.err and len(r.err.strip().splitlines()) == 1
