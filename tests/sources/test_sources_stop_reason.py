"""Stopped-task classification on the shapes of real ECS stoppedReason strings."""

from __future__ import annotations

import pytest

from fargate_netcheck.sources.stop_reason import CAUSES, PATTERNS, STOP_CODES, classify_stop

# (stoppedReason, expected cause, words the explanation must contain)
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
        '"123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v42": failed to do request: Head '
        '"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/v42": dial tcp '
        "52.0.0.17:443: i/o timeout",
        "network",
        ("Amazon ECR", "52.0.0.17:443", "NAT gateway"),
    ),
    (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
        "failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: "
        'send request failed caused by: Post "https://api.ecr.us-east-1.amazonaws.com/": dial tcp '
        "3.0.0.9:443: i/o timeout",
        "network",
        ("registry authentication", "3.0.0.9:443"),
    ),
    (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
        "failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch "
        "secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf from secrets manager: "
        "RequestCanceled: request context canceled caused by: context deadline exceeded",
        "network",
        ("Secrets Manager",),
    ),
    (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
        "failed: unable to retrieve secrets from ssm: service call has been retried 5 time(s): "
        "RequestCanceled: request context canceled caused by: context deadline exceeded",
        "network",
        ("SSM Parameter Store",),
    ),
    (
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: "
        "failed to create Cloudwatch log stream: RequestError: send request failed caused by: Post "
        '"https://logs.us-east-1.amazonaws.com/": context deadline exceeded : exit status 1',
        "network",
        ("CloudWatch Logs",),
    ),
    (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
        "failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): "
        "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/abc is "
        "not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based "
        "policy allows the ecr:GetAuthorizationToken action status code: 400",
        "permissions",
        ("ecr:GetAuthorizationToken", "not a network problem"),
    ),
    (
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval "
        "failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch "
        "secret arn:aws:secretsmanager:us-east-1:123456789012:secret:db from secrets manager: "
        "AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/x is not authorized to "
        "perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:"
        "secret:db because no identity-based policy allows the secretsmanager:GetSecretValue action",
        "permissions",
        ("secretsmanager:GetSecretValue", "Secrets Manager"),
    ),
    (
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: "
        "failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does "
        "not exist. : exit status 1",
        "other",
        ("log group", "Not a network problem"),
    ),
    (
        "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v9: 123456789012.dkr.ecr.us-east-1.amazonaws.com/"
        "app:v9: not found",
        "image",
        ("tag",),
    ),
    (
        "CannotPullContainerError: Error response from daemon: pull access denied for example/app, repository "
        "does not exist or may require 'docker login'",
        "image",
        ("does not exist",),
    ),
    (
        "CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/arm64/v8'",
        "image",
        ("architecture",),
    ),
    (
        "CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed "
        "open: unexpected status code https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/"
        "abc/def: 403 Forbidden",
        "network",
        ("S3 gateway endpoint",),
    ),
    (
        "ResourceInitializationError: failed to configure ENI: insufficient free addresses in subnet",
        "capacity",
        ("free private IP addresses",),
    ),
    ("Timeout waiting for network interface provisioning to complete.", "capacity", ("network interface",)),
    (
        "ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: "
        "killed; dial tcp: lookup api.ecr.us-east-1.amazonaws.com on 10.0.0.2:53: no such host",
        "network",
        ("DNS", "enableDnsSupport"),
    ),
    ("Essential container in task exited", "other", ("exit code",)),
    ("Task failed ELB health checks in (target-group arn:aws:...)", "other", ("health check",)),
]


@pytest.mark.parametrize(
    ("reason", "cause", "words"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_real_messages_are_classified(reason: str, cause: str, words: tuple[str, ...]) -> None:
    got_cause, explanation = classify_stop(reason, "TaskFailedToStart", [])
    assert got_cause == cause
    for word in words:
        assert word.lower() in explanation.lower()


def test_access_denied_beats_network_words_in_the_same_message() -> None:
    reason = (
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): AccessDeniedException: "
        "not authorized to perform: ecr:BatchGetImage; earlier attempt: dial tcp 1.2.3.4:443: i/o timeout"
    )
    cause, explanation = classify_stop(reason, "TaskFailedToStart", [])
    assert cause == "permissions"
    assert "not a network problem" in explanation


def test_container_reason_carries_the_detail_a_task_reason_lacks() -> None:
    cause, explanation = classify_stop(
        "Task failed to start",
        "TaskFailedToStart",
        ["CannotPullContainerError: failed to do request: dial tcp 54.0.0.1:443: i/o timeout"],
    )
    assert cause == "network"
    assert "54.0.0.1:443" in explanation


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        ("EssentialContainerExited", "other"),
        ("ServiceSchedulerInitiated", "other"),
        ("SpotInterruption", "capacity"),
    ],
)
def test_stop_code_decides_when_the_message_is_not_recognised(code: str, cause: str) -> None:
    got_cause, explanation = classify_stop("something new", code, [])
    assert got_cause == cause
    assert explanation == STOP_CODES[code][1].format(reason="something new")


def test_user_initiated_stop_quotes_the_reason() -> None:
    assert classify_stop("Stopped by ops for maintenance", "UserInitiated") == (
        "other",
        "Someone (a person or an API call) stopped the task: Stopped by ops for maintenance.",
    )


def test_unrecognised_reason_without_code_is_other() -> None:
    cause, explanation = classify_stop("Something nobody has seen", None, None)
    assert cause == "other"
    assert "Something nobody has seen" in explanation


def test_every_pattern_names_a_known_cause() -> None:
    assert {p.cause for p in PATTERNS} | {c for c, _ in STOP_CODES.values()} <= set(CAUSES)
