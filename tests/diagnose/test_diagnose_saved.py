"""`diagnose --reason` / `--event`: a task ECS has forgotten, diagnosed offline from what it left
behind, against a snapshot; the verdict answers for the service the error names."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli, run_without_boto3
from endpoint_snapshots import with_endpoints
from snapshots import healthy, region, write
from stop_messages import ECR
from task_events import PULL_TIMEOUT, task_event

from fargate_netcheck.cli.support import Aws

KILLED = "ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed"
ECR_403 = (
    f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {ECR}/app:v3: "
    f"pulling from host {ECR} failed with status code [manifests v3]: 403 Forbidden"
)
LOGS_TIMEOUT = (
    "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed "
    'to create Cloudwatch log stream: RequestError: send request failed caused by: Post "https://logs.us-east-1.'
    'amazonaws.com/": context deadline exceeded : exit status 1'
)
QUOTA = "You've reached the limit on the number of tasks you can run concurrently"


@pytest.fixture(autouse=True)
def no_aws(monkeypatch):
    """Offline means no AWS session is ever made: any attempt fails the test."""

    def refuse(self):
        raise AssertionError("diagnose made an AWS call")

    monkeypatch.setattr(Aws, "session", refuse)


@pytest.fixture
def snap(tmp_path):
    return str(write(healthy(), tmp_path / "snap.json"))


def diagnose(capsys, *args):
    r = run_cli(capsys, "diagnose", *args)
    return r, (json.loads(r.out) if r.code == 0 and "json" in args else None)


def placed(capsys, snap: str, reason: str, subnet: str, *extra: str):
    """``diagnose --reason`` of a task placed with flags (groups sg-open), JSON report."""
    return diagnose(
        capsys,
        "--reason",
        reason,
        "--snapshot",
        snap,
        "--subnet",
        subnet,
        "--security-group",
        "sg-open",
        "-f",
        "json",
        *extra,
    )


def test_pull_timeout_from_a_subnet_without_nat_is_network_blocked_at_its_route_table(capsys, snap):
    r, report = placed(capsys, snap, PULL_TIMEOUT, "subnet-isolated")
    assert r.code == 0, r.err
    d = report["diagnosis"]
    assert (d["cause"], d["verdict"], d["blocked_at"]) == ("network", "unreachable", "rtb-main")
    assert (
        d["service"].startswith("Amazon ECR registry 123456789012.dkr.ecr") and d["service_key"] == "ecr.dkr"
    )
    assert d["task_arn"] is None and d["stopped_reason"] == PULL_TIMEOUT
    assert d["headline"].startswith("Network:") and "Change: Add a 0.0.0.0/0 route" in d["headline"]
    assert d["explanation"].startswith(d["headline"])


def test_the_text_report_opens_with_what_happened_and_what_to_change(capsys, snap):
    r, _ = diagnose(
        capsys,
        "--reason",
        PULL_TIMEOUT,
        "--snapshot",
        snap,
        "--subnet",
        "subnet-isolated",
        "--security-group",
        "sg-open",
    )
    first = r.out.splitlines()[0]
    assert first.startswith("Network: the task could not reach Amazon ECR registry")
    assert "blocked at rtb-main" in first and "Change:" in first


def test_the_same_error_where_the_path_works_now_is_not_reproduced(capsys, snap):
    _, report = placed(capsys, snap, PULL_TIMEOUT, "subnet-private")
    d = report["diagnosis"]
    assert (d["cause"], d["verdict"], d["blocked_at"]) == ("network", "reachable", None)
    assert d["headline"].startswith("Network (not reproduced)")


def test_the_verdict_answers_for_the_service_named_not_the_internet(capsys, tmp_path):
    """A logs timeout from a subnet with no way out but a logs endpoint: the path to logs works."""
    data = with_endpoints("logs")
    snap = str(write(data, tmp_path / "endpoints.json"))
    args = ("--snapshot", snap, "--subnet", "subnet-isolated", "--security-group", "sg-open", "-f", "json")
    _, logs = diagnose(capsys, "--reason", LOGS_TIMEOUT, *args)
    assert logs["targets"][0]["internet_egress"]["verdict"] == "unreachable"
    assert (logs["diagnosis"]["service"], logs["diagnosis"]["verdict"]) == ("CloudWatch Logs", "reachable")
    _, ecr = diagnose(capsys, "--reason", PULL_TIMEOUT, *args)
    assert ecr["diagnosis"]["verdict"] == "unreachable"


def test_a_killed_pull_is_network_when_the_path_is_broken_and_unclear_when_it_works(capsys, snap):
    common = ("--reason", KILLED, "--snapshot", snap, "--security-group", "sg-open", "-f", "json")
    _, broken = diagnose(capsys, *common, "--subnet", "subnet-isolated")
    assert (broken["diagnosis"]["cause"], broken["diagnosis"]["verdict"]) == ("network", "unreachable")
    _, works = diagnose(capsys, *common, "--subnet", "subnet-private")
    d = works["diagnosis"]
    assert (d["cause"], d["verdict"]) == ("unclear", "reachable")
    assert "either the network failed" in d["headline"] and "too slow" in d["headline"]


def test_a_registry_403_is_permissions_whatever_the_path(capsys, snap):
    _, report = placed(capsys, snap, ECR_403, "subnet-private")
    d = report["diagnosis"]
    assert (d["cause"], d["verdict"]) == ("permissions", "reachable")
    assert d["headline"].startswith("Permissions:") and "ecr:BatchGetImage" in d["headline"]
    assert "repository policy" in d["headline"]


def test_a_task_quota_is_capacity_and_names_no_service(capsys, snap):
    _, report = diagnose(
        capsys, "--reason", QUOTA, "--snapshot", snap, "--subnet", "subnet-private", "-f", "json"
    )
    d = report["diagnosis"]
    assert (d["cause"], d["service"], d["service_key"]) == ("capacity", None, None)
    assert d["headline"].startswith("Capacity:") and "Service Quotas" in d["headline"]


def test_container_reasons_are_read_with_the_task_reason(capsys, snap):
    _, report = diagnose(
        capsys,
        "--reason",
        "Task failed to start",
        "--reason",
        PULL_TIMEOUT,
        "--snapshot",
        snap,
        "--subnet",
        "subnet-isolated",
        "-f",
        "json",
    )
    assert report["diagnosis"]["cause"] == "network"
    assert report["diagnosis"]["stopped_reason"] == "Task failed to start"


def test_event_of_a_service_task_offline_is_unknown_only_where_the_groups_matter(capsys, snap, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps(task_event(subnet="subnet-private")))
    r, report = diagnose(capsys, "--event", str(event), "--snapshot", snap, "--offline", "-f", "json")
    assert r.code == 0, r.err
    d = report["diagnosis"]
    assert d["task_arn"].endswith("/7d1e0b6f7c9a4a0e9a3b5c2d1e0f9a8b")
    assert d["cause"] == "network" and d["verdict"] == "unknown"
    assert "security groups" in d["explanation"]
    assert report["targets"][0]["subnet_id"] == "subnet-private"
    assert any("service worker not read (--offline)" in n for n in report["notes"])
    _, flagged = diagnose(
        capsys,
        "--event",
        str(event),
        "--snapshot",
        snap,
        "--offline",
        "--security-group",
        "sg-open",
        "-f",
        "json",
    )
    assert flagged["diagnosis"]["verdict"] == "reachable"


def test_event_in_a_subnet_without_nat_is_unreachable_even_without_the_groups(capsys, snap, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps(task_event()))
    _, report = diagnose(capsys, "--event", str(event), "--snapshot", snap, "--offline", "-f", "json")
    assert (report["diagnosis"]["verdict"], report["diagnosis"]["blocked_at"]) == ("unreachable", "rtb-main")


def test_the_task_interface_in_the_snapshot_gives_groups_and_public_ip(capsys, tmp_path):
    data = healthy()
    region(data)["NetworkInterfaces"] = [
        {
            "NetworkInterfaceId": "eni-0a1b2c3d4e5f60718",
            "SubnetId": "subnet-public",
            "VpcId": "vpc-app",
            "PrivateIpAddress": "10.0.0.37",
            "Groups": [{"GroupId": "sg-closed", "GroupName": "closed"}],
            "Association": {"PublicIp": "54.1.2.3"},
        }
    ]
    snap = str(write(data, tmp_path / "snap.json"))
    event = tmp_path / "event.json"
    event.write_text(json.dumps(task_event(subnet="subnet-public", private_ip="10.0.0.37")))
    _, report = diagnose(capsys, "--event", str(event), "--snapshot", snap, "--offline", "-f", "json")
    target = report["targets"][0]
    assert target["security_group_ids"] == ["sg-closed"] and target["assign_public_ip"] is True
    assert report["diagnosis"]["blocked_at"] == "sg-closed"


def test_placement_from_a_deploy_config(capsys, snap, tmp_path):
    vars_dir = tmp_path / "deploy_config" / "vars"
    vars_dir.mkdir(parents=True)
    (vars_dir / "common.yml").write_text(
        "schema_version: 4\nproject_task_name_to_config:\n  ingest:\n    aws:\n      network:\n"
        "        subnets: [subnet-isolated]\n        security_groups: [sg-open]\n"
    )
    (vars_dir / "staging.yml").write_text("{}\n")
    _, report = diagnose(
        capsys,
        "--reason",
        PULL_TIMEOUT,
        "--snapshot",
        snap,
        "--deploy-config",
        str(tmp_path),
        "--env",
        "staging",
        "--task",
        "ingest",
        "-f",
        "json",
    )
    assert report["targets"][0]["security_group_ids"] == ["sg-open"]
    assert report["diagnosis"]["blocked_at"] == "rtb-main"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--reason", "x", "--event", "e.json"), "pass one"),
        (("--offline", "--reason", "x"), "--offline reads the network from --snapshot"),
        (("0123456789abcdef",), "a bare task id needs --cluster"),
        (("arn:aws:ecs:us-east-1:123456789012:task/a/b/c",), "is not an ECS task ARN"),
        (("--reason", "  "), "--reason is empty"),
        ((), "diagnose needs one of"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, args, message):
    r, _ = diagnose(capsys, *args)
    assert r.code == 2
    assert message in r.err and len(r.err.strip().splitlines()) == 1


def test_without_a_subnet_nothing_is_walked_and_the_report_asks_for_one(capsys, snap):
    r, report = diagnose(
        capsys,
        "--reason",
        "CannotPullContainerError: dial tcp 52.46.1.2:443: i/o timeout",
        "--snapshot",
        snap,
        "--offline",
        "-f",
        "json",
    )
    assert r.code == 0, r.err
    d = report["diagnosis"]
    assert (d["cause"], d["verdict"], d["blocked_at"]) == ("network", None, None)
    assert d["service"] == "the image registry (not named; walked as Amazon ECR)"
    assert "subnet is not known" in d["headline"] and "pass --subnet" in d["headline"]
    assert report["targets"] == []


def test_a_name_that_did_not_resolve_in_a_vpc_without_dns_is_blocked_at_the_vpc(capsys, tmp_path):
    data = healthy()
    region(data)["Vpcs"][0]["EnableDnsSupport"] = False
    snap = str(write(data, tmp_path / "nodns.json"))
    dns = (
        "ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: "
        "killed; dial tcp: lookup api.ecr.us-east-1.amazonaws.com on 10.0.0.2:53: no such host"
    )
    _, report = placed(capsys, snap, dns, "subnet-private")
    d = report["diagnosis"]
    assert (d["cause"], d["verdict"], d["blocked_at"]) == ("network", "unreachable", "vpc-app")
    assert "EnableDnsSupport" in d["headline"] and "modify-vpc-attribute" in d["headline"]


def test_offline_diagnosis_never_imports_boto3(snap, tmp_path):
    event = tmp_path / "event.json"
    event.write_text(json.dumps(task_event()))
    result = run_without_boto3(
        "diagnose", "--event", str(event), "--snapshot", snap, "--offline", "-f", "json"
    )
    assert result.returncode == 0, result.stderr
    assert '"diagnosis"' in result.stdout
