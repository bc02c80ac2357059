"""The caller's own account in a many-account run goes through the read role like every other (the
caller needs the management policy only: README, "Permissions"), unless the caller already is
that role there: a role does not assume itself (its trust policy would have to name it)."""

from __future__ import annotations

import boto3
import pytest
from collect.aws_hooks import MOTO_CALLER_ACCOUNT, refuse_assume_role

from fargate_netcheck.collect import collect_accounts
from fargate_netcheck.collect.session import make_session

OTHER = "111111111111"
ROLE = "NetcheckRead"


def _as_role(monkeypatch: pytest.MonkeyPatch, account_id: str, role: str) -> None:
    """The caller's credentials become a session of ``role`` in ``account_id`` (moto: any role)."""
    sts = boto3.client("sts", region_name="us-east-1")
    arn = f"arn:aws:iam::{account_id}:role/{role}"
    credentials = sts.assume_role(RoleArn=arn, RoleSessionName="ci")["Credentials"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", credentials["SessionToken"])


def test_a_caller_that_is_the_read_role_reads_its_own_account_with_its_credentials(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_role(monkeypatch, MOTO_CALLER_ACCOUNT, ROLE)
    session = make_session(None)
    refuse_assume_role(session.events, MOTO_CALLER_ACCOUNT)  # would fail if it assumed itself

    snapshot, calls = collect_accounts(
        [MOTO_CALLER_ACCOUNT, OTHER],
        organization=False,
        role_name=f"audit/{ROLE}",
        regions=["us-east-1"],
        session=session,
    )

    own = snapshot["accounts"][MOTO_CALLER_ACCOUNT]
    assert "Errors" not in own
    assert own["regions"]["us-east-1"]["Vpcs"]  # the default VPC
    assert calls.counts["sts:AssumeRole"] == 1  # into OTHER only


def test_a_caller_that_is_another_role_goes_through_the_read_role(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_role(monkeypatch, MOTO_CALLER_ACCOUNT, "CiDeployer")
    session = make_session(None)
    refused = refuse_assume_role(session.events, MOTO_CALLER_ACCOUNT)

    snapshot, _ = collect_accounts(
        [MOTO_CALLER_ACCOUNT], organization=False, role_name=ROLE, regions=["us-east-1"], session=session
    )

    assert refused == [f"arn:aws:iam::{MOTO_CALLER_ACCOUNT}:role/{ROLE}"]
    assert snapshot["accounts"][MOTO_CALLER_ACCOUNT]["Errors"]["AssumeRole"].startswith("AccessDenied: ")
