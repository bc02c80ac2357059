"""Credentials of an assumed role are renewed by assuming it again before they expire, so an
account that takes longer than the role's hour to collect is not cut off half-way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fargate_netcheck.collect import assume
from fargate_netcheck.collect.session import ReadOnlyViolation

ARN = "arn:aws:iam::111111111111:role/NetcheckRead"


class FakeSts:
    """AssumeRole that hands out numbered keys, each valid for ``lifetimes[n]``."""

    def __init__(self, *lifetimes: timedelta) -> None:
        self.lifetimes = list(lifetimes)
        self.calls: list[dict[str, Any]] = []

    def assume_role(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        n = len(self.calls)
        return {
            "Credentials": {
                "AccessKeyId": f"ASIAKEY{n}",
                "SecretAccessKey": f"secret{n}",
                "SessionToken": f"token{n}",
                "Expiration": datetime.now(UTC) + self.lifetimes[n - 1],
            }
        }


def session_for(sts: FakeSts) -> Any:
    first = assume.assume_role(sts, ARN, "ext-1")
    return assume.assumed_session(first, lambda: assume.assume_role(sts, ARN, "ext-1"), None, "us-east-1")


def test_credentials_about_to_expire_are_renewed_by_assuming_the_role_again() -> None:
    sts = FakeSts(timedelta(minutes=5), timedelta(hours=1))
    frozen = session_for(sts).get_credentials().get_frozen_credentials()
    assert frozen.access_key == "ASIAKEY2"
    assert len(sts.calls) == 2
    assert sts.calls[1] == {"RoleArn": ARN, "RoleSessionName": "fargate-netcheck", "ExternalId": "ext-1"}


def test_fresh_credentials_are_used_as_they_are() -> None:
    sts = FakeSts(timedelta(hours=1))
    session = session_for(sts)
    assert session.get_credentials().get_frozen_credentials().access_key == "ASIAKEY1"
    assert len(sts.calls) == 1


def test_calls_are_signed_with_the_renewed_keys(moto: None) -> None:
    sts = FakeSts(timedelta(minutes=5), timedelta(hours=1))
    ec2 = session_for(sts).client("ec2", region_name="us-east-1")
    signed: list[str] = []
    ec2.meta.events.register(
        "before-send.ec2", lambda request, **_: signed.append(str(request.headers["Authorization"]))
    )
    ec2.describe_vpcs()
    assert len(signed) == 1
    assert "Credential=ASIAKEY2/" in signed[0]


def test_the_assumed_session_is_read_only() -> None:
    ec2 = session_for(FakeSts(timedelta(hours=1))).client("ec2", region_name="us-east-1")
    with pytest.raises(ReadOnlyViolation):
        ec2.delete_vpc(VpcId="vpc-1")
