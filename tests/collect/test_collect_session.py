"""The collector's session: read-only guard, retries, endpoint override and the call log."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from fargate_netcheck.collect.session import CallLog, ReadOnlyViolation, client, is_read_only, make_session

REGION = "us-east-1"


@pytest.mark.parametrize(
    ("service", "operation", "allowed"),
    [
        ("ec2", "DescribeVpcs", True),
        ("ec2", "GetManagedPrefixListEntries", True),
        ("ec2", "SearchTransitGatewayRoutes", True),
        ("ecs", "ListServices", True),
        ("sts", "AssumeRole", True),
        ("sts", "AssumeRoleWithWebIdentity", True),
        ("signin", "CreateOAuth2Token", True),  # botocore refreshing `aws login` credentials
        ("cloudtrail", "LookupEvents", True),
        ("ec2", "CreateVpc", False),
        ("ec2", "ModifyVpcAttribute", False),
        ("ec2", "DeleteRoute", False),
        ("ec2", "AssumeRole", False),  # the allow-list names the service too
        ("ecs", "RunTask", False),
        ("ec2", "describeVpcs", False),  # names are case-sensitive, as AWS operation names are
        ("sso", "GetRoleCredentials", True),  # botocore resolving IAM Identity Center credentials
        # A name prefix is no proof of a read: these create or reveal things, and no collector
        # declares them (the shipped IAM policy would refuse them too).
        ("cognito-identity", "GetId", False),
        ("redshift", "GetClusterCredentials", False),
        ("ec2", "GetPasswordData", False),
        ("sts", "GetFederationToken", False),
        ("ec2", "DescribeImages", False),  # a read, but not one the collectors declare
    ],
)
def test_only_read_operations_are_allowed(service: str, operation: str, allowed: bool) -> None:
    assert is_read_only(service, operation) is allowed


def _count_sends(events: Any) -> list[str]:
    """Record every request that reaches the wire (registered first: moto answers at before-send)."""
    sent: list[str] = []

    def on_send(request: Any, **_: Any) -> None:
        sent.append(request.url)

    events.register_first("before-send", on_send)
    return sent


def test_write_through_a_tool_client_is_refused_before_anything_is_sent(moto: None) -> None:
    ec2 = client(make_session(None), "ec2", REGION)
    sent = _count_sends(ec2.meta.events)

    ec2.describe_vpcs()
    assert len(sent) == 1  # the counter sees what is sent

    with pytest.raises(ReadOnlyViolation, match=r"^ec2:CreateVpc refused: fargate-netcheck is read-only$"):
        ec2.create_vpc(CidrBlock="10.0.0.0/16")
    assert len(sent) == 1
    plain = boto3.client("ec2", region_name=REGION)
    assert [v["CidrBlock"] for v in plain.describe_vpcs()["Vpcs"]] == [
        "172.31.0.0/16"
    ]  # only the default VPC


def test_every_client_of_the_session_is_guarded(moto: None) -> None:
    session = make_session(None)
    ec2 = session.client("ec2", region_name=REGION)  # not through client(): still guarded
    sent = _count_sends(ec2.meta.events)

    with pytest.raises(ReadOnlyViolation):
        ec2.modify_vpc_attribute(VpcId="vpc-1", EnableDnsSupport={"Value": False})
    with pytest.raises(ReadOnlyViolation):  # refused before parameter validation, even with bad params
        session.client("ecs", region_name=REGION).run_task()
    assert sent == []


def test_a_plain_session_passed_to_client_is_guarded_too(moto: None) -> None:
    with pytest.raises(ReadOnlyViolation):
        client(boto3.Session(), "ec2", REGION).create_vpc(CidrBlock="10.0.0.0/16")


def test_assume_role_is_allowed(moto: None) -> None:
    sts = client(make_session(None), "sts", REGION)
    role = "arn:aws:iam::123456789012:role/audit"
    assert sts.assume_role(RoleArn=role, RoleSessionName="netcheck")["Credentials"]["AccessKeyId"]


def test_botocore_may_refresh_aws_login_credentials_through_the_guarded_session() -> None:
    """botocore's LoginProvider (profiles of `aws login`) renews its credentials with
    signin:CreateOAuth2Token on a client it makes from the session, as it does for SSO: refusing it
    would fail every call of the run once the cached access token is 15 minutes old."""
    session = make_session(None)
    token = {
        "tokenOutput": {"accessToken": {"accessKeyId": "AK", "secretAccessKey": "SK", "sessionToken": "T"}}
    }
    session.events.register(  # answers in place of the endpoint, as Stubber does (after the guard)
        "before-call.signin.CreateOAuth2Token", lambda **_: (AWSResponse("", 200, {}, None), token)
    )
    signin = session._session.create_client(  # as botocore.credentials.LoginCredentialFetcher makes it
        "signin", region_name=REGION, config=Config(signature_version=UNSIGNED)
    )
    grant = {"clientId": "c", "refreshToken": "r", "grantType": "refresh_token"}
    assert signin.create_o_auth2_token(tokenInput=grant) == token


def test_clients_retry_adaptively() -> None:
    ec2 = client(make_session(None), "ec2", REGION)
    # botocore's ``max_attempts`` counts retries: 10 of them after the first attempt.
    assert ec2.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 11}


def test_aws_endpoint_url_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5999")
    session = make_session(None)
    assert client(session, "ec2", REGION).meta.endpoint_url == "http://127.0.0.1:5999"
    assert client(session, "sts", REGION).meta.endpoint_url == "http://127.0.0.1:5999"


def test_call_log_counts_calls_per_operation(moto: None) -> None:
    ec2 = client(make_session(None), "ec2", REGION)
    calls = CallLog()
    calls.attach(ec2)
    calls.attach(ec2)  # attaching twice does not count twice

    ec2.describe_vpcs()
    ec2.describe_vpcs()
    ec2.describe_subnets()
    with pytest.raises(ClientError):
        ec2.describe_vpcs(VpcIds=["vpc-00000000000000000"])  # an error is still a call made
    with pytest.raises(ReadOnlyViolation):
        ec2.create_vpc(CidrBlock="10.0.0.0/16")  # refused: never made

    assert calls.counts == {"ec2:DescribeVpcs": 3, "ec2:DescribeSubnets": 1}
    assert calls.total == 4
    assert [row[:2] for row in calls.rows()] == [("ec2:DescribeSubnets", 1), ("ec2:DescribeVpcs", 3)]
    assert calls.total_seconds == pytest.approx(sum(s for _, _, s in calls.rows()))
    assert all(s > 0 for s in calls.seconds.values())
