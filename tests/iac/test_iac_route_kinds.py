"""A route's GatewayId that is an infrastructure-as-code id (no igw-/vpce- prefix) takes the kind of
the snapshot resource it names; AWS ids keep the kind their prefix says."""

from __future__ import annotations

from fargate_netcheck.snapshot.parse import parse_route

KINDS = {"net/Igw": "igw", "net/Endpoint": "vpce", "net/Subnet": "subnet"}


def test_prefixed_ids_are_read_as_before():
    assert parse_route({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}).target_kind == "igw"
    assert (
        parse_route({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}, KINDS.get).target_kind
        == "igw"
    )
    assert (
        parse_route({"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}, KINDS.get).target_kind
        == "local"
    )


def test_iac_gateway_ids_take_the_kind_of_their_resource():
    assert (
        parse_route({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "net/Igw"}, KINDS.get).target_kind
        == "igw"
    )
    assert (
        parse_route({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "net/Endpoint"}, KINDS.get).target_kind
        == "vpce"
    )


def test_unknown_or_non_gateway_ids_stay_unknown():
    assert parse_route({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "net/Igw"}).target_kind == "unknown"
    assert (
        parse_route({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "net/Gone"}, KINDS.get).target_kind
        == "unknown"
    )
    assert (
        parse_route({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "net/Subnet"}, KINDS.get).target_kind
        == "unknown"
    )


def test_other_target_fields_carry_their_kind():
    route = parse_route(
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "module.vpc.aws_nat_gateway.this[0]"}
    )
    assert route.target_kind == "nat"
