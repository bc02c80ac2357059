"""The two shipped policies: each principal of a many-account run gets what it calls, no more."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from fargate_netcheck.collect import accounts, assume, collect_accounts
from fargate_netcheck.collect.iam import (
    POLICY_FILES,
    declared_actions,
    management_policy_document,
    policy_document,
    render_policy,
)
from fargate_netcheck.collect.session import is_read_only, make_session

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"


def _recorder(events: Any, into: set[str]) -> None:
    def record(model: Any, **_: Any) -> None:
        into.add(f"{model.service_model.service_name}:{model.name}")

    events.register("before-call", record)


def _statement_actions(document: dict[str, Any]) -> set[str]:
    return {action for statement in document["Statement"] for action in statement["Action"]}


def test_each_principal_calls_only_what_its_policy_allows(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3.client("organizations", region_name="us-east-1").create_organization(FeatureSet="ALL")
    caller_calls: set[str] = set()
    role_calls: set[str] = set()
    session = make_session(None)
    _recorder(session.events, caller_calls)
    opened = assume.assumed_session

    def recorded(*args: Any, **kwargs: Any) -> boto3.Session:
        made = opened(*args, **kwargs)
        _recorder(made.events, role_calls)
        return made

    monkeypatch.setattr(assume, "assumed_session", recorded)
    listed = accounts.enabled_regions  # DescribeRegions is called; two regions are enough to read
    monkeypatch.setattr(accounts, "enabled_regions", lambda *args: listed(*args)[:2])
    boto3.client("organizations", region_name="us-east-1").create_account(
        AccountName="member", Email="member@example.com"
    )

    snapshot, _ = collect_accounts(
        None, organization=True, role_name="NetcheckRead", all_regions=True, session=session, max_workers=4
    )

    assert len(snapshot["accounts"]) == 2  # the management account and the member, each through the role
    read = set(policy_document()["Statement"][0]["Action"])
    # The caller only fans out (README: it needs the management policy alone): its own account is
    # read through the role too. GetCallerIdentity needs no permission.
    assert caller_calls - {"sts:GetCallerIdentity"} == _statement_actions(
        management_policy_document("NetcheckRead")
    )
    assert role_calls <= read
    assert "ec2:DescribeRegions" in role_calls


def test_assume_role_is_scoped_to_the_read_role() -> None:
    (assume_statement, list_statement) = management_policy_document("audit/NetcheckRead", "aws-cn")[
        "Statement"
    ]
    assert assume_statement["Action"] == ["sts:AssumeRole"]
    assert assume_statement["Resource"] == "arn:aws-cn:iam::*:role/audit/NetcheckRead"
    assert list_statement == {
        "Sid": "FargateNetcheckListAccounts",
        "Effect": "Allow",
        "Action": ["organizations:ListAccounts"],
        "Resource": "*",
    }


def test_the_read_policy_does_not_grant_the_fan_out() -> None:
    read = set(declared_actions())
    assert "ec2:DescribeRegions" in read
    assert not read & {"sts:AssumeRole", "organizations:ListAccounts"}
    assert all(is_read_only(*a.split(":")) for a in _statement_actions(management_policy_document()))


@pytest.mark.parametrize(("file_name", "which"), sorted(POLICY_FILES.items()))
def test_shipped_policy_files_are_the_generated_ones(file_name: str, which: str) -> None:
    text = (POLICY_DIR / file_name).read_text(encoding="utf-8")
    assert text == render_policy(which)
    json.loads(text)
