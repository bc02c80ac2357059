"""The EC2 collector against botocore's Stubber: paging, errors and the dependent calls, call by call.

moto ignores MaxResults and never fails, so these paths are proven with canned responses. With
``max_workers=1`` the collector makes its calls in a fixed order, which is what Stubber needs
(the ``stubbed`` fixture is in conftest.py, ``queue_kinds`` in stubs.py).
"""

from __future__ import annotations

from typing import Any

from botocore import xform_name
from botocore.stub import Stubber
from collect.stubs import empty_response, queue_kinds

from fargate_netcheck.collect.ec2 import EC2_REGION_KEYS, KINDS, collect_region

VPC = "vpc-0123456789abcdef0"


def _subnet(n: int) -> dict[str, Any]:
    return {"SubnetId": f"subnet-{n:017x}", "VpcId": VPC, "CidrBlock": f"10.0.{n}.0/24", "State": "available"}


def test_pages_are_followed_and_concatenated(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    first, second = _subnet(1), _subnet(2)
    for kind in KINDS:
        if kind.key == "Subnets":
            stubber.add_response("describe_subnets", {"Subnets": [first], "NextToken": "page-2"}, {})
            stubber.add_response("describe_subnets", {"Subnets": [second]}, {"NextToken": "page-2"})
        else:
            stubber.add_response(xform_name(kind.operation), empty_response(kind))

    region = collect_region(ec2, max_workers=1)

    assert region["Subnets"] == [first, second]
    assert region["Errors"] == {}


def test_access_denied_on_one_kind_is_recorded_and_the_rest_collected(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    queue_kinds(stubber, deny="NatGateways")

    region = collect_region(ec2, max_workers=1)

    assert region["Errors"] == {
        "NatGateways": "AccessDenied: not authorized to perform ec2:DescribeNatGateways"
    }
    assert "NatGateways" not in region
    assert set(EC2_REGION_KEYS) - set(region) == {"NatGateways"}


def test_failed_prefix_list_entries_leave_entries_absent(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    route = {"DestinationPrefixListId": "pl-0000000000000000a", "NatGatewayId": "nat-0000000000000000a"}
    lists = [
        {"PrefixListId": pl, "PrefixListName": pl} for pl in ("pl-0000000000000000a", "pl-0000000000000000b")
    ]
    queue_kinds(
        stubber,
        {
            "RouteTables": [{"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": VPC, "Routes": [route]}]}],
            "ManagedPrefixLists": [{"PrefixLists": lists}],
        },
    )
    stubber.add_client_error(
        "get_managed_prefix_list_entries",
        service_error_code="UnauthorizedOperation",
        service_message="no",
        expected_params={"PrefixListId": "pl-0000000000000000a"},
    )

    region = collect_region(ec2, max_workers=1)

    assert region["Errors"] == {"ManagedPrefixListEntries": "UnauthorizedOperation: no"}
    assert region["ManagedPrefixLists"] == lists  # both listed, neither with Entries
    assert region["NetworkInterfaces"] == []  # no route names an ENI: none fetched, none missing


def test_tgw_routes_filter_on_state_and_follow_pages(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    table = {"TransitGatewayRouteTableId": "tgw-rtb-1", "TransitGatewayId": "tgw-1"}
    queue_kinds(stubber, {"TransitGatewayRouteTables": [{"TransitGatewayRouteTables": [table]}]})
    association = {"TransitGatewayAttachmentId": "tgw-attach-1", "State": "associated"}
    stubber.add_response(
        "get_transit_gateway_route_table_associations",
        {"Associations": [association]},
        {"TransitGatewayRouteTableId": "tgw-rtb-1"},
    )
    search = {
        "TransitGatewayRouteTableId": "tgw-rtb-1",
        "Filters": [{"Name": "state", "Values": ["active", "blackhole"]}],
    }
    first = {"DestinationCidrBlock": "0.0.0.0/0", "State": "active", "Type": "static"}
    second = {"DestinationCidrBlock": "10.9.0.0/16", "State": "blackhole", "Type": "static"}
    stubber.add_response(
        "search_transit_gateway_routes",
        {"Routes": [first], "AdditionalRoutesAvailable": True, "NextToken": "more"},
        search,
    )
    stubber.add_response(
        "search_transit_gateway_routes",
        {"Routes": [second], "AdditionalRoutesAvailable": False},
        {**search, "NextToken": "more"},
    )

    region = collect_region(ec2, max_workers=1)

    stored = region["TransitGatewayRouteTables"][0]
    assert stored["Associations"] == [association]
    assert stored["Routes"] == [first, second]
    assert region["Errors"] == {}


def test_tgw_routes_cut_short_without_a_token_are_an_error_not_a_partial_list(
    stubbed: tuple[Any, Stubber],
) -> None:
    ec2, stubber = stubbed
    table = {"TransitGatewayRouteTableId": "tgw-rtb-1"}
    queue_kinds(stubber, {"TransitGatewayRouteTables": [{"TransitGatewayRouteTables": [table]}]})
    stubber.add_response("get_transit_gateway_route_table_associations", {"Associations": []})
    routes = [{"DestinationCidrBlock": f"10.{n}.0.0/16", "State": "active"} for n in range(3)]
    stubber.add_response(
        "search_transit_gateway_routes", {"Routes": routes, "AdditionalRoutesAvailable": True}
    )

    region = collect_region(ec2, max_workers=1)

    stored = region["TransitGatewayRouteTables"][0]
    assert "Routes" not in stored
    assert stored["Associations"] == []
    assert region["Errors"] == {
        "TransitGatewayRoutes": "Truncated: tgw-rtb-1: more than 3 routes and no way to page; Routes not stored"
    }


def test_routed_enis_are_fetched_by_filter_in_chunks_of_200(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    eni_ids = [f"eni-{n:017x}" for n in range(450)]
    routes = [
        {"DestinationCidrBlock": f"10.{n // 250}.{n % 250}.0/24", "NetworkInterfaceId": e}
        for n, e in enumerate(eni_ids)
    ]
    routes.append({"DestinationCidrBlock": "0.0.0.0/0", "InstanceId": "i-0000000000000000a"})
    queue_kinds(stubber, {"RouteTables": [{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": routes}]}]})
    for start in (0, 200, 400):
        chunk = eni_ids[start : start + 200]
        stubber.add_response(
            "describe_network_interfaces",
            {"NetworkInterfaces": [{"NetworkInterfaceId": e} for e in chunk]},
            {"Filters": [{"Name": "network-interface-id", "Values": chunk}]},
        )
    stubber.add_response(  # the instance's ENI is also routed by id: kept once
        "describe_network_interfaces",
        {
            "NetworkInterfaces": [
                {"NetworkInterfaceId": eni_ids[0], "Attachment": {"InstanceId": "i-0000000000000000a"}}
            ]
        },
        {"Filters": [{"Name": "attachment.instance-id", "Values": ["i-0000000000000000a"]}]},
    )
    instance = {"InstanceId": "i-0000000000000000a", "State": {"Code": 16, "Name": "running"}}
    stubber.add_response(  # then the state of the one instance the routes lead to
        "describe_instances",
        {"Reservations": [{"Instances": [instance]}]},
        {"Filters": [{"Name": "instance-id", "Values": ["i-0000000000000000a"]}]},
    )

    region = collect_region(ec2, max_workers=1)

    assert [e["NetworkInterfaceId"] for e in region["NetworkInterfaces"]] == eni_ids
    assert region["Instances"] == [instance]
    assert region["Errors"] == {}


def test_failed_eni_lookup_leaves_network_interfaces_absent(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    routes = [{"DestinationCidrBlock": "0.0.0.0/0", "NetworkInterfaceId": "eni-0000000000000000a"}]
    queue_kinds(stubber, {"RouteTables": [{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": routes}]}]})
    stubber.add_client_error(
        "describe_network_interfaces", service_error_code="RequestLimitExceeded", service_message="slow down"
    )

    region = collect_region(ec2, max_workers=1)

    assert "NetworkInterfaces" not in region
    assert region["Errors"] == {"NetworkInterfaces": "RequestLimitExceeded: slow down"}


def test_vpc_attributes_one_call_per_vpc_and_attribute(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    vpcs = [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}, {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"}]
    queue_kinds(stubber, {"Vpcs": [{"Vpcs": [dict(v) for v in vpcs]}]})
    for vpc_id, support, hostnames in (("vpc-1", True, False), ("vpc-2", False, False)):
        stubber.add_response(
            "describe_vpc_attribute",
            {"VpcId": vpc_id, "EnableDnsSupport": {"Value": support}},
            {"VpcId": vpc_id, "Attribute": "enableDnsSupport"},
        )
        if vpc_id == "vpc-2":
            stubber.add_client_error("describe_vpc_attribute", "UnauthorizedOperation", "denied")
            continue
        stubber.add_response(
            "describe_vpc_attribute",
            {"VpcId": vpc_id, "EnableDnsHostnames": {"Value": hostnames}},
            {"VpcId": vpc_id, "Attribute": "enableDnsHostnames"},
        )

    region = collect_region(ec2, max_workers=1)

    assert region["Vpcs"] == [
        {**vpcs[0], "EnableDnsSupport": True, "EnableDnsHostnames": False},
        {**vpcs[1], "EnableDnsSupport": False},  # hostnames unknown: absent, and recorded
    ]
    assert region["Errors"] == {"VpcAttributes": "UnauthorizedOperation: denied"}


def test_a_page_that_fails_after_the_first_leaves_the_kind_errored_not_partial(
    stubbed: tuple[Any, Stubber],
) -> None:
    """Throttled past botocore's retries on page two: the first page's subnets are not kept as if
    they were all of them (a missing subnet would read as "none there")."""
    ec2, stubber = stubbed
    for kind in KINDS:
        if kind.key == "Subnets":
            stubber.add_response("describe_subnets", {"Subnets": [_subnet(1)], "NextToken": "page-2"}, {})
            stubber.add_client_error(
                "describe_subnets",
                "Throttling",
                "Rate exceeded",
                400,
                expected_params={"NextToken": "page-2"},
            )
        else:
            stubber.add_response(xform_name(kind.operation), empty_response(kind))

    region = collect_region(ec2, max_workers=1)

    assert "Subnets" not in region
    assert region["Errors"] == {"Subnets": "Throttling: Rate exceeded"}
