"""The state of the instances routes lead to (NAT instances): one filtered DescribeInstances per region.

A stopped or stopping NAT instance keeps its ENI ``in-use``; only DescribeInstances' ``State`` says
it forwards nothing. The collector asks for the instances routes name and those whose ENIs routes
name, by an ``instance-id`` filter in chunks of 200, and records a failure under ``Errors``.
"""

from __future__ import annotations

from typing import Any

from botocore.stub import Stubber
from collect.stubs import queue_kinds

from fargate_netcheck.collect.ec2 import collect_region

ENI_ROUTED = "eni-0000000000000000e"
VIA_ENI = "i-0000000000000000e"  # the instance behind ENI_ROUTED


def _tables(routes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {"RouteTables": [{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": routes}]}]}


def _instance(instance_id: str, state: str = "running") -> dict[str, Any]:
    return {"InstanceId": instance_id, "State": {"Name": state}, "SourceDestCheck": False}


def test_instances_named_by_routes_and_by_routed_enis_in_one_call(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    routes = [
        {"DestinationCidrBlock": "0.0.0.0/0", "InstanceId": "i-0000000000000000a"},
        {"DestinationCidrBlock": "10.9.0.0/16", "NetworkInterfaceId": ENI_ROUTED},
    ]
    queue_kinds(stubber, _tables(routes))
    stubber.add_response(
        "describe_network_interfaces",
        {"NetworkInterfaces": [{"NetworkInterfaceId": ENI_ROUTED, "Attachment": {"InstanceId": VIA_ENI}}]},
        {"Filters": [{"Name": "network-interface-id", "Values": [ENI_ROUTED]}]},
    )
    stubber.add_response(
        "describe_network_interfaces",
        {"NetworkInterfaces": []},
        {"Filters": [{"Name": "attachment.instance-id", "Values": ["i-0000000000000000a"]}]},
    )
    stopped, running = _instance("i-0000000000000000a", "stopped"), _instance(VIA_ENI)
    wanted = {"Filters": [{"Name": "instance-id", "Values": ["i-0000000000000000a", VIA_ENI]}]}
    stubber.add_response(  # two pages, two reservations: the instances are kept, not the reservations
        "describe_instances", {"Reservations": [{"Instances": [stopped]}], "NextToken": "p2"}, wanted
    )
    stubber.add_response(
        "describe_instances", {"Reservations": [{"Instances": [running]}]}, {**wanted, "NextToken": "p2"}
    )

    region = collect_region(ec2, max_workers=1)

    assert region["Instances"] == [stopped, running]
    assert region["Errors"] == {}


def test_many_instances_are_asked_in_chunks_of_200(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    ids = [f"i-{n:017x}" for n in range(250)]
    routes = [
        {"DestinationCidrBlock": f"10.{n // 250}.{n % 250}.0/24", "InstanceId": i} for n, i in enumerate(ids)
    ]
    queue_kinds(stubber, _tables(routes))
    for start in (0, 200):
        chunk = ids[start : start + 200]
        stubber.add_response(
            "describe_network_interfaces",
            {"NetworkInterfaces": []},
            {"Filters": [{"Name": "attachment.instance-id", "Values": chunk}]},
        )
    for start in (0, 200):
        chunk = ids[start : start + 200]
        stubber.add_response(
            "describe_instances",
            {"Reservations": [{"Instances": [_instance(i) for i in chunk]}]},
            {"Filters": [{"Name": "instance-id", "Values": chunk}]},
        )

    region = collect_region(ec2, max_workers=1)

    assert [i["InstanceId"] for i in region["Instances"]] == ids
    assert region["Errors"] == {}


def test_no_route_to_an_instance_means_no_call_and_an_empty_list(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    queue_kinds(stubber, _tables([{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}]))

    region = collect_region(ec2, max_workers=1)

    assert region["Instances"] == []  # collected: no route leads to an instance
    assert region["Errors"] == {}


def test_failed_describe_instances_is_recorded_and_leaves_the_key_absent(
    stubbed: tuple[Any, Stubber],
) -> None:
    ec2, stubber = stubbed
    queue_kinds(
        stubber, _tables([{"DestinationCidrBlock": "0.0.0.0/0", "InstanceId": "i-0000000000000000a"}])
    )
    stubber.add_response("describe_network_interfaces", {"NetworkInterfaces": []})
    stubber.add_client_error(
        "describe_instances",
        service_error_code="UnauthorizedOperation",
        service_message="not authorized to perform ec2:DescribeInstances",
        http_status_code=403,
    )

    region = collect_region(ec2, max_workers=1)

    assert "Instances" not in region
    assert region["Errors"] == {
        "Instances": "UnauthorizedOperation: not authorized to perform ec2:DescribeInstances"
    }
