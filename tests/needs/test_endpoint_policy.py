"""Endpoint policies as IAM evaluates them, on the shapes of AWS's documented examples (written
here from their meaning): the default full-access policy, an S3 policy restricted to the
account's own buckets, an ECR pull-only policy, an explicit deny, conditions."""

from __future__ import annotations

import json

import pytest

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.core.tristate import Match
from fargate_netcheck.needs.catalog import Need, policy_request
from fargate_netcheck.needs.endpoint_policy import Ref, Request, evaluate, glob

ACCOUNT = "123456789012"
REGION = "us-east-1"


def request(service: str) -> Request:
    need = Need("x", service=service)
    made = policy_request(need, REGION, ACCOUNT, "vpc-app", "vpce-1")
    assert made is not None
    return made


def doc(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


FULL_ACCESS = doc({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})
OWN_BUCKETS_ONLY = doc(
    {
        "Sid": "AccessToOwnBuckets",
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceAccount": ACCOUNT}},
    }
)
STARPORT = doc(
    {
        "Sid": "EcrLayers",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": [f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*"],
    }
)


@pytest.mark.parametrize("service", ["ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "ssm"])
def test_default_full_access_policy_allows_every_need(service):
    assert evaluate(FULL_ACCESS, request(service)).verdict is Verdict.REACHABLE


def test_s3_policy_limited_to_own_buckets_denies_the_layer_bucket():
    """The layer bucket belongs to AWS, not to the account: aws:ResourceAccount is never the
    account's own, so the only Allow does not match: implicit deny."""
    decision = evaluate(OWN_BUCKETS_ONLY, request("s3"))
    assert decision.verdict is Verdict.UNREACHABLE
    assert "implicit deny" in decision.reason


def test_resource_account_condition_naming_an_unknown_account_may_be_aws():
    some = OWN_BUCKETS_ONLY.replace(ACCOUNT, "111122223333")
    assert evaluate(some, request("s3")).verdict is Verdict.UNKNOWN


def test_s3_policy_naming_only_the_account_bucket_arns_denies_the_layers():
    own = doc(
        {
            "Sid": "Own",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::my-app-bucket", "arn:aws:s3:::my-app-bucket/*"],
        }
    )
    decision = evaluate(own, request("s3"))
    assert decision.verdict is Verdict.UNREACHABLE
    assert "implicit deny" in decision.reason and "prod-us-east-1-starport-layer-bucket/" in decision.reason


def test_statement_for_the_starport_bucket_allows_the_layers():
    assert evaluate(STARPORT, request("s3")).verdict is Verdict.REACHABLE


def test_explicit_deny_wins_over_allow():
    policy = doc(
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {"Sid": "NoPull", "Effect": "Deny", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "*"},
    )
    decision = evaluate(policy, request("ecr.dkr"))
    assert decision.verdict is Verdict.UNREACHABLE and decision.statement == "statement 'NoPull'"


def test_an_allow_that_matches_needs_no_other_allow_that_may_match():
    """IAM: a matching Allow and no matching Deny allow the request; another Allow whose condition
    cannot be decided here changes nothing (only a Deny that may match leaves it open)."""
    pull = {"Sid": "Pull", "Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}

    def org(effect, operator):
        return {
            "Sid": effect,
            "Effect": effect,
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": {operator: {"aws:PrincipalOrgID": "o-example"}},
        }

    policy = doc(pull, org("Allow", "StringEquals"))
    decision = evaluate(policy, request("ecr.dkr"))
    assert (decision.verdict, decision.statement) == (Verdict.REACHABLE, "statement 'Pull'")
    assert evaluate(policy, request("logs")).verdict is Verdict.UNKNOWN  # only the open Allow names it
    assert evaluate(doc(pull, org("Deny", "StringNotEquals")), request("ecr.dkr")).verdict is Verdict.UNKNOWN


def test_not_action_deny_of_everything_but_reads():
    policy = doc(
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {
            "Sid": "ReadOnly",
            "Effect": "Deny",
            "Principal": "*",
            "NotAction": ["ecr:Get*", "ecr:Batch*"],
            "Resource": "*",
        },
    )
    assert evaluate(policy, request("ecr.dkr")).verdict is Verdict.REACHABLE
    assert evaluate(policy, request("logs")).verdict is Verdict.UNREACHABLE


def test_ecr_pull_only_policy_allows_token_and_layers_but_not_logs():
    pull = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": [
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchCheckLayerAvailability",
                "ecr:GetAuthorizationToken",
            ],
            "Resource": "*",
        }
    )
    assert evaluate(pull, request("ecr.api")).verdict is Verdict.REACHABLE
    assert evaluate(pull, request("ecr.dkr")).verdict is Verdict.REACHABLE


def test_condition_on_the_endpoint_and_vpc_is_decided():
    def cond(op, key, value):
        return doc(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "*",
                "Condition": {op: {key: value}},
            }
        )

    assert (
        evaluate(cond("StringEquals", "aws:SourceVpce", "vpce-1"), request("ecr.api")).verdict
        is Verdict.REACHABLE
    )
    assert (
        evaluate(cond("StringEquals", "aws:SourceVpce", "vpce-2"), request("ecr.api")).verdict
        is Verdict.UNREACHABLE
    )
    assert (
        evaluate(cond("StringNotEquals", "aws:SourceVpc", "vpc-app"), request("ecr.api")).verdict
        is Verdict.UNREACHABLE
    )
    assert (
        evaluate(cond("StringEquals", "aws:PrincipalOrgID", "o-1"), request("ecr.api")).verdict
        is Verdict.UNKNOWN
    )


def test_principal_of_another_account_does_not_match_and_a_role_may():
    other = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
            "Action": "*",
            "Resource": "*",
        }
    )
    role = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/exec"},
            "Action": "*",
            "Resource": "*",
        }
    )
    assert evaluate(other, request("ecr.api")).verdict is Verdict.UNREACHABLE
    assert evaluate(role, request("ecr.api")).verdict is Verdict.UNKNOWN


def test_invalid_policy_json_is_unknown():
    assert evaluate("{not json", request("ecr.api")).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("pattern", "ref", "expected"),
    [
        (
            "arn:aws:s3:::prod-*-starport-layer-bucket/*",
            Ref("arn:aws:s3:::prod-us-east-1-starport-layer-bucket/", True),
            Match.YES,
        ),
        (
            "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/layers/*",
            Ref("arn:aws:s3:::prod-us-east-1-starport-layer-bucket/", True),
            Match.MAYBE,
        ),
        (
            "arn:aws:s3:::my-bucket/*",
            Ref("arn:aws:s3:::prod-us-east-1-starport-layer-bucket/", True),
            Match.NO,
        ),
        (
            "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/",
            Ref("arn:aws:s3:::prod-us-east-1-starport-layer-bucket/", True),
            Match.MAYBE,
        ),
        ("ecr:get*", Ref("ecr:GetAuthorizationToken"), Match.NO),
    ],
)
def test_wildcards_against_names_with_an_unknown_tail(pattern, ref, expected):
    assert glob(pattern, ref) is expected


def test_a_pull_policy_without_batch_check_layer_availability_is_unknown_not_unreachable():
    """AWS's AmazonEC2ContainerRegistryPullOnly grants no ecr:BatchCheckLayerAvailability; whether a
    pull calls it is not documented, so its absence is neither a pass nor a block."""
    pull_only = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": "*",
        }
    )
    decision = evaluate(pull_only, request("ecr.dkr"))
    assert decision.verdict is Verdict.UNKNOWN
    assert "ecr:BatchCheckLayerAvailability" in decision.reason and "not documented" in decision.reason
    layers_only = doc(
        {"Effect": "Allow", "Principal": "*", "Action": ["ecr:GetDownloadUrlForLayer"], "Resource": "*"}
    )
    assert evaluate(layers_only, request("ecr.dkr")).verdict is Verdict.UNREACHABLE  # BatchGetImage is needed
