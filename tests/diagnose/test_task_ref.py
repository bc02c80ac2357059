"""A task ARN names its cluster and region; only a bare id needs --cluster."""

from __future__ import annotations

import pytest

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.diagnose.arn import DEFAULT_CLUSTER, cluster_of, parse_task_ref

LONG = "arn:aws:ecs:eu-west-1:123456789012:task/jobs-prod/0123456789abcdef0123456789abcdef"
OLD = "arn:aws:ecs:eu-west-1:123456789012:task/6f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f"


def test_the_long_format_names_cluster_and_region():
    ref = parse_task_ref(LONG, None)
    assert (ref.cluster, ref.region, ref.task_id, ref.task) == (
        "jobs-prod",
        "eu-west-1",
        "0123456789abcdef0123456789abcdef",
        LONG,
    )
    assert ref.cluster_from_arn


def test_the_old_format_has_no_cluster_so_ecs_default_or_the_flag():
    assert parse_task_ref(OLD, None).cluster == DEFAULT_CLUSTER
    assert parse_task_ref(OLD, "jobs").cluster == "jobs"


def test_other_partitions_are_task_arns_too():
    ref = parse_task_ref("arn:aws-cn:ecs:cn-north-1:123456789012:task/c/abc123", None)
    assert (ref.cluster, ref.region) == ("c", "cn-north-1")


def test_a_cluster_flag_that_contradicts_the_arn_is_refused():
    assert parse_task_ref(LONG, "arn:aws:ecs:eu-west-1:123456789012:cluster/jobs-prod").cluster == "jobs-prod"
    with pytest.raises(InputError, match="names cluster jobs-prod, but --cluster says other"):
        parse_task_ref(LONG, "other")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc123", "a bare task id needs --cluster"),
        ("arn:aws:ecs:eu-west-1:123456789012:service/jobs/web", "is not an ECS task ARN"),
        ("task id with spaces", "neither an ECS task ARN nor a task id"),
    ],
)
def test_malformed_references_are_input_errors(value, message):
    with pytest.raises(InputError, match=message):
        parse_task_ref(value, None)


def test_cluster_of_reads_cluster_and_task_arns():
    assert cluster_of("arn:aws:ecs:us-east-1:123456789012:cluster/jobs") == "jobs"
    assert cluster_of(LONG) == "jobs-prod"
    assert cluster_of(OLD) is None and cluster_of(None) is None
