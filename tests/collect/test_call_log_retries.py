"""CallLog sees botocore's retries (and says which were throttling) and logs each call and retry.

Stubber answers at ``before-call``, above botocore's retry loop, so a stubbed throttle is never
retried (the first test pins that down); the throttles here are sent at ``before-send``, inside
the loop, where the client's adaptive retry mode handles them as it would AWS's.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from collect.aws_hooks import throttle_first

from fargate_netcheck.collect.ec2 import collect_region
from fargate_netcheck.collect.session import CallLog, client, make_session

REGION = "us-east-1"


def _counted_ec2(where: str = "") -> tuple[Any, CallLog]:
    ec2 = client(make_session(None), "ec2", REGION)
    calls = CallLog()
    calls.attach(ec2, where)
    return ec2, calls


def test_stubber_errors_are_not_retried() -> None:
    ec2, calls = _counted_ec2()
    with Stubber(ec2) as stubber:
        stubber.add_client_error("describe_vpcs", "Throttling", "Rate exceeded", http_status_code=400)
        stubber.add_response("describe_vpcs", {"Vpcs": []})
        with pytest.raises(ClientError, match="Throttling"):
            ec2.describe_vpcs()
        assert ec2.describe_vpcs()["Vpcs"] == []
    assert calls.retries == {}
    assert calls.counts == {"ec2:DescribeVpcs": 2}


def test_a_throttled_call_is_retried_and_counted_once(moto: None) -> None:
    ec2, calls = _counted_ec2()
    sent = throttle_first(
        ec2.meta.events, "before-send.ec2.DescribeVpcs", code="RequestLimitExceeded", status=503
    )

    response = ec2.describe_vpcs()

    assert response["Vpcs"]  # moto's default VPC, from the second attempt
    assert sent() == 2
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert calls.counts == {"ec2:DescribeVpcs": 1}
    assert calls.retries == {"ec2:DescribeVpcs": 1}
    assert calls.throttled == {"ec2:DescribeVpcs": 1}
    assert calls.total_retries == 1


def test_a_retry_that_is_not_throttling_is_counted_apart(moto: None) -> None:
    ec2, calls = _counted_ec2()
    throttle_first(ec2.meta.events, "before-send.ec2.DescribeSubnets", code="InternalError", status=500)

    ec2.describe_subnets()

    assert calls.retries == {"ec2:DescribeSubnets": 1}
    assert calls.throttled == {}


def test_collect_region_survives_throttling_and_counts_it(moto: None) -> None:
    ec2, calls = _counted_ec2()
    throttle_first(ec2.meta.events, "before-send.ec2.DescribeRouteTables", code="RequestLimitExceeded")

    region = collect_region(ec2, max_workers=1)

    assert region["Errors"] == {}
    assert region["RouteTables"]  # the default VPC's main table, after the retry
    assert calls.throttled == {"ec2:DescribeRouteTables": 1}


def test_each_call_and_retry_is_logged_at_info(moto: None, caplog: pytest.LogCaptureFixture) -> None:
    ec2, _ = _counted_ec2("111111111111/us-east-1")
    throttle_first(ec2.meta.events, "before-send.ec2.DescribeVpcs", code="RequestLimitExceeded", status=503)
    caplog.set_level(logging.INFO, logger="fargate_netcheck")

    ec2.describe_vpcs()
    with pytest.raises(ClientError):
        ec2.describe_vpcs(VpcIds=["vpc-00000000000000000"])

    lines = [r.getMessage() for r in caplog.records if r.name == "fargate_netcheck.collect"]
    assert len(lines) == 3
    assert (
        lines[0]
        == "retry 1 of ec2:DescribeVpcs 111111111111/us-east-1 after RequestLimitExceeded (throttled)"
    )
    assert lines[1].startswith("ec2:DescribeVpcs 111111111111/us-east-1 ")
    assert lines[1].endswith(" ms")
    assert lines[2].endswith(" ms -> InvalidVpcID.NotFound")


def test_nothing_is_logged_below_info(moto: None, caplog: pytest.LogCaptureFixture) -> None:
    ec2, calls = _counted_ec2()
    caplog.set_level(logging.WARNING, logger="fargate_netcheck")

    ec2.describe_vpcs()

    assert calls.total == 1
    assert [r for r in caplog.records if r.name.startswith("fargate_netcheck")] == []


class _Unanswered(Exception):
    """Raised where the request would be sent: the call fails with no response (no retry either)."""


def test_a_call_that_raises_is_counted_and_logged_and_its_error_kept(
    moto: None, caplog: pytest.LogCaptureFixture
) -> None:
    """botocore's ``after-call-error`` carries no ``model``: the call log must not fail on it (a
    TypeError there would replace the real error, e.g. an unreachable endpoint, and stop the scan)."""
    ec2, calls = _counted_ec2("111111111111/us-east-1")

    def fail(**_: Any) -> None:
        raise _Unanswered("no answer")

    ec2.meta.events.register_first("before-send.ec2.DescribeVpcs", fail)
    caplog.set_level(logging.INFO, logger="fargate_netcheck")

    with pytest.raises(_Unanswered):
        ec2.describe_vpcs()

    assert calls.counts == {"ec2:DescribeVpcs": 1}
    (line,) = [r.getMessage() for r in caplog.records if r.name == "fargate_netcheck.collect"]
    assert line.startswith("ec2:DescribeVpcs 111111111111/us-east-1 ")
    assert line.endswith(" ms -> _Unanswered")
