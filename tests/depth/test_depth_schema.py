"""Loading checks the fields the depth features read: a wrong type is an input error, not a crash."""

from __future__ import annotations

import pytest
from depth.builders import endpoints_only
from depth.tgw_builders import tgw_egress
from snapshots import item, region

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.store import parse_snapshot


def test_the_depth_examples_load():
    parse_snapshot(endpoints_only())
    parse_snapshot(tgw_egress())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda s: region(s)["VpcEndpoints"][0].update(PrivateDnsEnabled="yes"),
            "PrivateDnsEnabled must be a bool",
        ),
        (lambda s: region(s)["VpcEndpoints"][0].update(SubnetIds=[1]), r"SubnetIds\[0\] must be a string"),
        (lambda s: region(s)["VpcEndpoints"][0].update(Groups=["sg-x"]), r"Groups\[0\] must be an object"),
        (
            lambda s: item(s, "SecurityGroups", "sg-endpoints")["IpPermissions"][0].update(FromPort="443"),
            "FromPort",
        ),
        (lambda s: item(s, "Subnets", "subnet-app-a").update(Tags=True), "Tags must be a list"),
    ],
)
def test_bad_endpoint_fields_are_input_errors(mutate, message):
    snap = endpoints_only()
    mutate(snap)
    with pytest.raises(InputError, match=message):
        parse_snapshot(snap)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda s: item(s, "TransitGatewayRouteTables", "tgw-rtb-spoke")["Routes"][0].update(
                DestinationCidrBlock="nope"
            ),
            "not a CIDR",
        ),
        (
            lambda s: item(s, "TransitGatewayRouteTables", "tgw-rtb-spoke").update(Associations={}),
            "Associations must be a list",
        ),
        (
            lambda s: item(s, "TransitGatewayVpcAttachments", "tgw-attach-spoke").update(
                SubnetIds="subnet-x"
            ),
            "SubnetIds must be a list",
        ),
        (lambda s: region(s)["TransitGateways"][0].update(State=1), "State must be a str"),
    ],
)
def test_bad_transit_fields_are_input_errors(mutate, message):
    snap = tgw_egress()
    mutate(snap)
    with pytest.raises(InputError, match=message):
        parse_snapshot(snap)


def test_tgw_routes_may_be_ipv6():
    snap = tgw_egress()
    item(snap, "TransitGatewayRouteTables", "tgw-rtb-spoke")["Routes"].append(
        {"DestinationCidrBlock": "::/0", "State": "blackhole", "Type": "static"}
    )
    parse_snapshot(snap)
