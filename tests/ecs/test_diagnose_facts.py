"""Where diagnose finds a stopped task's groups and public IP, and what it says when nothing has them."""

from __future__ import annotations

from botocore.exceptions import ClientError

from fargate_netcheck.diagnose import Placement, task_facts


class GoneEni:
    def describe_network_interfaces(self, **_):
        raise ClientError(
            {"Error": {"Code": "InvalidNetworkInterfaceID.NotFound", "Message": "gone"}}, "Describe"
        )


class NoTrail:
    def lookup_events(self, **_):
        return {"Events": []}


TASK = {
    "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/jobs/abc",
    "stoppedReason": "CannotPullContainerError: dial tcp 52.1.2.3:443: i/o timeout",
    "group": "family:app",
    "attachments": [
        {
            "type": "ElasticNetworkInterface",
            "details": [
                {"name": "subnetId", "value": "subnet-1"},
                {"name": "networkInterfaceId", "value": "eni-1"},
            ],
        }
    ],
}


def test_nothing_knows_the_groups_so_they_are_reported_missing():
    facts = task_facts(None, GoneEni(), NoTrail(), "jobs", TASK, Placement())
    assert facts.subnets == ("subnet-1",)
    assert facts.security_groups is None and facts.assign_public_ip is None
    assert facts.missing == ["security groups", "public IP choice"]


def test_flags_fill_what_aws_no_longer_knows():
    facts = task_facts(
        None, GoneEni(), NoTrail(), "jobs", TASK, Placement(security_groups=("sg-1",), assign_public_ip=False)
    )
    assert facts.security_groups == ("sg-1",) and facts.assign_public_ip is False
    assert facts.sources["security groups"] == "--security-group"
    assert facts.sources["subnet"] == "the task's network attachment"
    assert facts.missing == []


def _trail():
    import json

    class Trail:
        def lookup_events(self, **_):
            event = {
                "requestParameters": {
                    "networkConfiguration": {
                        "awsvpcConfiguration": {"securityGroups": ["sg-trail"], "assignPublicIp": "ENABLED"}
                    }
                }
            }
            return {"Events": [{"EventName": "RunTask", "CloudTrailEvent": json.dumps(event)}]}

    return Trail()


def test_run_task_event_fills_what_the_interface_no_longer_knows():
    facts = task_facts(None, GoneEni(), _trail(), "jobs", TASK, Placement())
    assert facts.security_groups == ("sg-trail",) and facts.assign_public_ip is True
    assert facts.sources["security groups"] == "the CloudTrail RunTask event"
    assert facts.missing == []


def test_flags_are_the_most_specific_statement_and_win_over_cloudtrail():
    facts = task_facts(None, GoneEni(), _trail(), "jobs", TASK, Placement(security_groups=("sg-flag",)))
    assert facts.security_groups == ("sg-flag",)
    assert facts.sources["security groups"] == "--security-group"
    assert facts.assign_public_ip is True  # the flag said nothing about it: CloudTrail fills it
    assert facts.sources["public IP"] == "the CloudTrail RunTask event"
