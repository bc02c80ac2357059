"""collect.ecs under botocore's Stubber: a failed or malformed ECS answer is an ``EcsReadError``
naming the action (or, inside ``unread_recorded``, recorded and skipped), never a botocore error;
a cluster that does not exist stays bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from fargate_netcheck.collect import ecs
from fargate_netcheck.collect.session import client, make_session
from fargate_netcheck.core.errors import InputError

CLUSTER = "prod"
ARN = "arn:aws:ecs:us-east-1:123456789012:service/prod/api"


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    made = client(make_session(None), "ecs", "us-east-1")
    with Stubber(made) as stubber:
        yield made, stubber
    stubber.assert_no_pending_responses()


def test_list_services_denied_names_the_action(stubbed: tuple[Any, Stubber]) -> None:
    made, stubber = stubbed
    stubber.add_client_error("list_services", "AccessDeniedException", "not authorized", 400)

    with pytest.raises(ecs.EcsReadError) as raised:
        ecs.service_networks(made, CLUSTER)

    assert str(raised.value) == "ecs:ListServices on cluster prod: AccessDeniedException: not authorized"
    assert raised.value.kind == ecs.SERVICES_KIND


def test_a_missing_cluster_is_still_bad_input(stubbed: tuple[Any, Stubber]) -> None:
    made, stubber = stubbed
    stubber.add_client_error("list_services", "ClusterNotFoundException", "Cluster not found.", 400)

    with pytest.raises(InputError) as raised:
        ecs.service_networks(made, CLUSTER)

    assert not isinstance(raised.value, ecs.EcsReadError)
    assert str(raised.value) == "ecs cluster prod: not found"


def test_a_malformed_describe_services_is_recorded_inside_unread_recorded(
    stubbed: tuple[Any, Stubber],
) -> None:
    made, stubber = stubbed
    stubber.add_response("list_services", {"serviceArns": [ARN]}, {"cluster": CLUSTER})
    stubber.add_response("describe_services", {"failures": []}, {"cluster": CLUSTER, "services": [ARN]})

    with ecs.unread_recorded() as unread:
        networks = ecs.service_networks(made, CLUSTER)

    assert networks == []
    (failure,) = unread
    assert str(failure) == (
        "ecs:DescribeServices on cluster prod (services api): "
        "UnexpectedShape: DescribeServices: the response has no services"
    )
    assert ecs_errors_recording_is_off()


def test_a_denied_task_definition_is_recorded_as_its_own_kind(stubbed: tuple[Any, Stubber]) -> None:
    made, stubber = stubbed
    service = {
        "serviceArn": ARN,
        "serviceName": "api",
        "taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1",
        "launchType": "FARGATE",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
    }
    stubber.add_response("describe_services", {"services": [service], "failures": []})
    stubber.add_client_error("describe_task_definition", "AccessDeniedException", "no", 400)

    with ecs.unread_recorded() as unread:
        (network,) = ecs.service_networks(made, CLUSTER, ["api"])

    assert network.subnets == ("subnet-1",)
    assert "could not be read (AccessDeniedException: no)" in network.problems[0]
    (failure,) = unread
    assert failure.kind == ecs.TASK_DEFINITIONS_KIND
    assert str(failure).startswith("ecs:DescribeTaskDefinition of arn:aws:ecs:")


def ecs_errors_recording_is_off() -> bool:
    from fargate_netcheck.collect.ecs_errors import recording

    return recording() is None
