"""The installed CLI reads three accounts in two regions from moto_server, with moto enforcing IAM.

moto scopes resources by the account of the access key, and an AssumeRole into
``arn:aws:iam::<id>:role/...`` returns keys of account ``<id>``. moto does not check that the role
exists, but with its IAM enforcement on (``/moto-api/reset-auth``) it does check the caller's own
policy: the caller here may assume NetcheckRead in accounts A and B only, so AssumeRole into C is
refused with AccessDenied, which is what AWS answers when the role is missing too. In A and B the
role holds the shipped read policy, so this also proves that policy covers a collection.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

import boto3
import pytest

from fargate_netcheck.collect.iam import policy_document

ACCOUNT_A, ACCOUNT_B, ACCOUNT_C = "111111111111", "222222222222", "333333333333"
CALLER_ACCOUNT = "123456789012"  # moto's default account: where the caller's IAM user lives
REGIONS = ("us-east-1", "us-west-2")
ROLE = "NetcheckRead"
FAKE = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


pytestmark = [pytest.mark.e2e]


def _set_auth(endpoint: str, first_unchecked_requests: str) -> None:
    """moto_server checks IAM on every request after ``first_unchecked_requests`` more ("inf": never)."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        method="POST",
        data=first_unchecked_requests.encode(),
        headers={"Content-Type": "text/plain"},  # moto reads the raw body, not a form
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def _in_account(endpoint: str, account_id: str, service: str, region: str) -> Any:
    """A client acting in ``account_id`` (moto: any AssumeRole works while IAM is not enforced)."""
    sts = boto3.client("sts", region_name=region, endpoint_url=endpoint, **FAKE)
    arn = f"arn:aws:iam::{account_id}:role/{ROLE}"
    credentials = sts.assume_role(RoleArn=arn, RoleSessionName="builder")["Credentials"]
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=endpoint,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _trust_policy() -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{CALLER_ACCOUNT}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


@pytest.fixture(scope="module")
def accounts(
    moto_server: str, reset_moto: Callable[[], None], aws_env: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """Three accounts with a VPC and a subnet per region; the read role in A and B; an IAM user in
    the caller account that may assume it there. Yields the built ids and the CLI's environment,
    with IAM enforced until the module ends."""
    reset_moto()
    built: dict[tuple[str, str], dict[str, str]] = {}
    for a, account_id in enumerate((ACCOUNT_A, ACCOUNT_B, ACCOUNT_C)):
        for r, region in enumerate(REGIONS):
            ec2 = _in_account(moto_server, account_id, "ec2", region)
            cidr = f"10.{10 * a + r}.0.0/16"
            vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("/16", "/24"))["Subnet"]["SubnetId"]
            built[(account_id, region)] = {"vpc": vpc, "subnet": subnet}
        if account_id != ACCOUNT_C:
            iam = _in_account(moto_server, account_id, "iam", REGIONS[0])
            iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=_trust_policy())
            iam.put_role_policy(
                RoleName=ROLE, PolicyName="read", PolicyDocument=json.dumps(policy_document())
            )

    iam = boto3.client("iam", region_name=REGIONS[0], endpoint_url=moto_server, **FAKE)
    iam.create_user(UserName="auditor")
    may_assume = [f"arn:aws:iam::{a}:role/{ROLE}" for a in (ACCOUNT_A, ACCOUNT_B)]
    caller_policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": may_assume}],
    }
    iam.put_user_policy(UserName="auditor", PolicyName="fan-out", PolicyDocument=json.dumps(caller_policy))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    env = aws_env | {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}

    _set_auth(moto_server, "0")
    try:
        yield {"built": built, "env": env}
    finally:
        _set_auth(moto_server, "inf")


@pytest.fixture(scope="module")
def scanned(
    accounts: dict[str, Any],
    run_cli: Callable[[list[str], dict[str, str]], CompletedProcess[str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, CompletedProcess[str]]:
    path = tmp_path_factory.mktemp("multi") / "snap.json"
    args = ["scan", "--accounts", f"{ACCOUNT_A},{ACCOUNT_B},{ACCOUNT_C}", "--role-name", ROLE]
    for region in REGIONS:
        args += ["--region", region]
    result = run_cli([*args, "--output", str(path), "-v"], accounts["env"])
    return path, result


def test_scan_collects_each_reachable_account_and_records_the_refused_one(
    accounts: dict[str, Any], scanned: tuple[Path, CompletedProcess[str]]
) -> None:
    path, result = scanned
    assert result.returncode == 1, result.stderr  # written, and exit 1: one account could not be read
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    recorded = sum(
        len(region.get("Errors", {}))
        for account in snapshot["accounts"].values()
        for region in account["regions"].values()
    ) + sum(len(account.get("Errors", {})) for account in snapshot["accounts"].values())
    assert f"{recorded} collection error(s)" in result.stderr  # the refused account and moto's Route 53 bug

    assert sorted(snapshot["accounts"]) == [ACCOUNT_A, ACCOUNT_B, ACCOUNT_C]
    for account_id in (ACCOUNT_A, ACCOUNT_B):
        regions = snapshot["accounts"][account_id]["regions"]
        assert sorted(regions) == sorted(REGIONS)
        for region in REGIONS:
            body = regions[region]
            # The read policy allowed every call. One exception is moto's, not the policy's: with IAM
            # enforcement on, moto_server computes a wrong SigV4 signature for Route 53 (REST-XML) and
            # answers a valid key SignatureDoesNotMatch (403), whatever the policy says.
            errors = dict(body["Errors"])
            zones = errors.pop("HostedZones", None)
            assert errors == {}, body["Errors"]
            assert zones is None or "ListHostedZones" in zones
            assert "HostedZones" in body or zones is not None
            built = accounts["built"][(account_id, region)]
            assert built["vpc"] in {v["VpcId"] for v in body["Vpcs"]}
            assert built["subnet"] in {s["SubnetId"] for s in body["Subnets"]}
            others = {b["subnet"] for key, b in accounts["built"].items() if key != (account_id, region)}
            assert not others & {s["SubnetId"] for s in body["Subnets"]}
    refused = snapshot["accounts"][ACCOUNT_C]
    assert refused["regions"] == {}
    (message,) = refused["Errors"].values()
    assert list(refused["Errors"]) == ["AssumeRole"]
    assert message.startswith("AccessDenied: ")
    assert message.endswith("is not authorized to perform: sts:AssumeRole")


def test_verbose_scan_logs_each_call_with_its_account_and_region(
    scanned: tuple[Path, CompletedProcess[str]],
) -> None:
    _, result = scanned
    assert "sts:AssumeRole caller " in result.stderr
    for account_id in (ACCOUNT_A, ACCOUNT_B):
        for region in REGIONS:
            assert f"ec2:DescribeVpcs {account_id}/{region} " in result.stderr
    assert f"account {ACCOUNT_C} not collected: AssumeRole failed: AccessDenied" in result.stderr


def test_check_reports_the_account_and_region_of_every_target(
    accounts: dict[str, Any],
    scanned: tuple[Path, CompletedProcess[str]],
    run_cli: Callable[[list[str], dict[str, str]], CompletedProcess[str]],
    offline_env: dict[str, str],
) -> None:
    path, _ = scanned
    result = run_cli(["check", "--snapshot", str(path), "--format", "json"], offline_env)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)

    assert report["accounts"] == [ACCOUNT_A, ACCOUNT_B]
    by_subnet = {t["subnet_id"]: t for t in report["targets"]}
    assert {t["account_id"] for t in report["targets"]} == {ACCOUNT_A, ACCOUNT_B}
    for (account_id, region), built in accounts["built"].items():
        if account_id == ACCOUNT_C:
            assert built["subnet"] not in by_subnet
            continue
        assert (by_subnet[built["subnet"]]["account_id"], by_subnet[built["subnet"]]["region"]) == (
            account_id,
            region,
        )


def _canonical(path: Path) -> bytes:
    """The snapshot with collected_at dropped, keys sorted and every list sorted by its items' JSON."""

    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items() if k != "collected_at"}
        if isinstance(value, list):
            return sorted((norm(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return value

    data = norm(json.loads(path.read_text(encoding="utf-8")))
    return json.dumps(data, sort_keys=True, indent=1).encode()


def test_shards_scanned_apart_and_merged_equal_one_scan_and_check_the_same(
    accounts: dict[str, Any],
    scanned: tuple[Path, CompletedProcess[str]],
    run_cli: Callable[[list[str], dict[str, str]], CompletedProcess[str]],
    offline_env: dict[str, str],
    tmp_path: Path,
) -> None:
    """The fleet pattern (README, "Fleets"): one scan per shard of accounts, merge, check once."""
    one_scan, _ = scanned
    shards = []
    for i, shard in enumerate((f"{ACCOUNT_A},{ACCOUNT_C}", ACCOUNT_B)):
        path = tmp_path / f"shard-{i}.json"
        args = ["scan", "--accounts", shard, "--role-name", ROLE, "--output", str(path)]
        for region in REGIONS:
            args += ["--region", region]
        result = run_cli(args, accounts["env"])
        # exit 1: written, with failures (account C refuses the role; moto's Route 53 signature bug)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        shards.append(str(path))
    merged = tmp_path / "merged.json"
    result = run_cli(["merge", *shards, "--output", str(merged)], offline_env)
    assert result.returncode == 0, result.stderr
    assert _canonical(merged) == _canonical(one_scan)

    reports = []
    for snapshot in (merged, one_scan):
        done = run_cli(["check", "--snapshot", str(snapshot), "--format", "json"], offline_env)
        assert done.returncode in (0, 1), done.stderr
        report = json.loads(done.stdout)
        report.pop("collected_at")
        reports.append(report)
    assert reports[0] == reports[1]
