"""The task's network interface and its CloudTrail RunTask event are optional lookups: one that
fails (throttled, unreachable, a malformed answer) leaves what it would have told unknown, with a
note saying why, and the diagnosis goes on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from task_events import task_event

from fargate_netcheck.diagnose import Placement, task_facts

ENI = "eni-0a1b2c3d4e5f60718"
# A stopped task as DescribeTasks returns it (its task definition is not looked up here).
TASK = {
    k: v
    for k, v in task_event(subnet="subnet-1", group="family:worker")["detail"].items()
    if k != "taskDefinitionArn"
}
THROTTLED = ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "Call")
UNREACHABLE = EndpointConnectionError(endpoint_url="https://example.invalid")


class Answers:
    """A client whose every call returns ``answer`` (or raises it, an exception)."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def _reply(self, **_: Any) -> Any:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    describe_network_interfaces = lookup_events = _reply


GONE_ENI = Answers(
    ClientError({"Error": {"Code": "InvalidNetworkInterfaceID.NotFound", "Message": "gone"}}, "D")
)
NO_TRAIL = Answers({"Events": []})


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (THROTTLED, "ThrottlingException: Rate exceeded"),
        (UNREACHABLE, "EndpointConnectionError"),
        (
            {"NetworkInterfaces": ENI},
            "UnexpectedShape: DescribeNetworkInterfaces: NetworkInterfaces is not a list",
        ),
    ],
    ids=["throttled", "unreachable", "malformed"],
)
def test_an_unreadable_interface_is_a_note_and_its_facts_stay_unknown(answer: Any, reason: str) -> None:
    facts = task_facts(None, Answers(answer), NO_TRAIL, "jobs", TASK, Placement())

    assert facts.subnets == ("subnet-1",) and facts.security_groups is None
    notes = [n for n in facts.notes if n.startswith(f"network interface {ENI} could not be read: ")]
    assert len(notes) == 1 and reason in notes[0]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (THROTTLED, "ThrottlingException: Rate exceeded"),
        (UNREACHABLE, "EndpointConnectionError"),
        ({"Events": [{"EventName": "RunTask", "CloudTrailEvent": "{not json"}]}, "UnexpectedShape: "),
        ({"Events": [{"EventName": "RunTask", "CloudTrailEvent": json.dumps([1])}]}, "UnexpectedShape: "),
    ],
    ids=["throttled", "unreachable", "event-not-json", "event-not-an-object"],
)
def test_an_unreadable_run_task_event_is_a_note_and_its_facts_stay_unknown(answer: Any, reason: str) -> None:
    facts = task_facts(None, GONE_ENI, Answers(answer), "jobs", TASK, Placement())

    assert facts.security_groups is None and facts.assign_public_ip is None
    assert facts.missing == ["security groups", "public IP choice"]
    notes = [n for n in facts.notes if n.startswith("the CloudTrail RunTask event could not be read: ")]
    assert len(notes) == 1 and reason in notes[0]
