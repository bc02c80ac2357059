"""A regional NAT gateway (AWS, "Regional NAT gateways for automatic multi-AZ expansion"): no subnet,
its own route table, the Availability Zones it serves. ``regional_nat()``: healthy() whose nat-app
is regional, in automatic mode, forwarding by rtb-natgw (local, 0.0.0.0/0 -> igw-app); subnet-private
(us-east-1a) routes 0.0.0.0/0 to it."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli
from depth.builders import regional_nat, route
from snapshots import acl_entries, codes, custom_acl, default_route, healthy, item, region, trace, write

from fargate_netcheck.core.model import CheckCode, Status, Verdict

ACCOUNT = "123456789012"


def nat_table(snap):
    return item(snap, "RouteTables", "rtb-natgw")


def unknown_checks(result) -> list[tuple[str, str]]:
    return [(c.code.value, c.resource_id) for c in result.checks if c.status is Status.UNKNOWN]


def test_the_internet_is_reached_through_the_gateways_own_route_table():
    result = trace(regional_nat(), "subnet-private")
    assert result.verdict is Verdict.REACHABLE, result.reason
    assert result.path == ["subnet-private", "rtb-private", "nat-app", "rtb-natgw", "igw-app"]
    nat = next(c for c in result.checks if c.code is CheckCode.NAT)
    assert "regional" in nat.reason and "us-east-1a" in nat.reason and "rtb-natgw" in nat.reason
    back = [c for c in result.checks if c.resource_id == "rtb-natgw" and "replies" in c.reason]
    assert [c.status for c in back] == [Status.PASS]  # the way back by the same table is checked


def test_no_subnet_acl_is_crossed_at_the_gateway():
    """A zonal NAT gateway's subnet ACL filters what it forwards; a regional one sits in no subnet."""
    zonal, regional = healthy(), regional_nat()
    for snap in (zonal, regional):
        custom_acl(snap, "subnet-public", acl_entries((100, True, "deny", "0.0.0.0/0", "-1", None)))
    assert trace(zonal, "subnet-private").verdict is Verdict.UNREACHABLE
    result = trace(regional, "subnet-private")
    assert result.verdict is Verdict.REACHABLE, result.reason
    assert {c.resource_id for c in result.checks if c.code is CheckCode.NACL} == {"acl-default"}


def test_the_task_subnets_own_acl_still_applies():
    snap = regional_nat()
    custom_acl(snap, "subnet-private", acl_entries((100, True, "deny", "0.0.0.0/0", "-1", None)))
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNREACHABLE
    assert CheckCode.NACL_REQUEST_DENIED in codes(result)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda t: t["Routes"].pop(), CheckCode.NO_ROUTE),  # AWS's route to the gateway deleted
        (lambda t: t["Routes"][-1].update(State="blackhole"), CheckCode.BLACKHOLE),
    ],
)
def test_a_table_that_does_not_lead_out_is_unreachable(change, code):
    snap = regional_nat()
    change(nat_table(snap))
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNREACHABLE
    assert code in codes(result) and result.blocked_at == "rtb-natgw"


def test_a_detached_internet_gateway_is_unreachable():
    snap = regional_nat()
    item(snap, "InternetGateways", "igw-app")["Attachments"] = []
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNREACHABLE
    assert CheckCode.IGW_NOT_ATTACHED in codes(result)


@pytest.mark.parametrize(
    "target",
    [
        {"NatGatewayId": "nat-app"},  # back to itself
        {"TransitGatewayId": "tgw-hub"},
    ],
)
def test_any_other_target_beyond_its_table_is_unknown_not_followed(target):
    snap = regional_nat()
    nat_table(snap)["Routes"][-1] = route("0.0.0.0/0", **target)
    region(snap).setdefault("TransitGateways", []).append(
        {"TransitGatewayId": "tgw-hub", "State": "available"}
    )
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN, result.reason
    assert ("nat.regional", "nat-app") in unknown_checks(result)
    assert "only a route to an internet gateway is followed" in result.reason


def test_replies_the_table_sends_elsewhere_never_arrive():
    """AWS: the gateway's table is where return routes to middleboxes go; a blackhole there for the
    task's range drops the replies."""
    snap = regional_nat()
    nat_table(snap)["Routes"].append(route("10.0.1.0/24", GatewayId="igw-app", State="blackhole"))
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNREACHABLE
    assert CheckCode.BLACKHOLE in codes(result) and result.blocked_at == "rtb-natgw"


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"RouteTableId": None}, "no RouteTableId"),
        ({"RouteTableId": "rtb-gone"}, "rtb-gone is not in the snapshot"),
        ({"RouteTableId": "rtb-private"}, None),  # a table of the VPC, but not one that leads out by itself
        ({"AutoProvisionZones": None}, "AutoProvisionZones None"),
    ],
)
def test_what_is_not_known_of_the_gateway_is_unknown(fields, why):
    snap = regional_nat()
    nat = item(snap, "NatGateways", "nat-app")
    for key, value in fields.items():
        if value is None:
            nat.pop(key, None)
        else:
            nat[key] = value
    result = trace(snap, "subnet-private")
    if why is None:  # rtb-private sends 0.0.0.0/0 to nat-app again: not followed
        assert result.verdict is not Verdict.REACHABLE
        return
    assert result.verdict is Verdict.UNKNOWN, result.reason
    assert ("nat.regional", "nat-app") in unknown_checks(result)
    assert why in result.reason


def test_a_private_regional_gateway_never_reaches_the_internet_and_is_not_evaluated_beyond():
    snap = regional_nat(ConnectivityType="private")
    internet = trace(snap, "subnet-private")
    assert internet.verdict is Verdict.UNREACHABLE and CheckCode.NAT_PRIVATE in codes(internet)
    private = trace(snap, "subnet-private", destination="192.168.5.0/24")
    assert private.verdict is Verdict.UNKNOWN
    assert ("nat.regional", "nat-app") in unknown_checks(private) and "it is private" in private.reason


def test_a_table_of_another_vpc_is_unknown():
    snap = regional_nat()
    nat_table(snap)["VpcId"] = "vpc-other"
    region(snap)["Vpcs"].append({"VpcId": "vpc-other", "CidrBlock": "10.9.0.0/16"})
    nat_table(snap)["Routes"][0]["DestinationCidrBlock"] = "10.9.0.0/16"
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    assert "belongs to vpc-other" in result.reason


def test_route_tables_not_collected_is_a_failed_collection_not_a_pass():
    snap = regional_nat()
    body = region(snap)
    body["Errors"] = {"RouteTables": "AccessDenied: not authorized"}
    del body["RouteTables"]
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    assert CheckCode.DATA_FAILED in codes(result)


# -- Availability Zones ----------------------------------------------------------------------------
def manual(*addresses: tuple[str, str]) -> dict:
    """regional_nat() in manual mode with (AZ, address status) addresses."""
    return regional_nat(
        AutoProvisionZones="disabled",
        NatGatewayAddresses=[
            {"AllocationId": f"eipalloc-{n}", "AvailabilityZone": az, "Status": status}
            for n, (az, status) in enumerate(addresses)
        ],
    )


def test_manual_mode_serves_an_az_it_holds_an_address_in():
    result = trace(manual(("us-east-1a", "succeeded")), "subnet-private")
    assert result.verdict is Verdict.REACHABLE, result.reason
    assert "manual mode" in next(c for c in result.checks if c.code is CheckCode.NAT).reason


@pytest.mark.parametrize(
    ("addresses", "why"),
    [
        ((("us-east-1b", "succeeded"),), "lists no address in us-east-1a"),
        ((("us-east-1a", "associating"),), "are associating, not in use"),
        ((), "lists no address in us-east-1a"),
    ],
)
def test_manual_mode_without_an_address_in_the_tasks_az_is_unknown(addresses, why):
    result = trace(manual(*addresses), "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    assert ("nat.regional", "nat-app") in unknown_checks(result)
    assert why in result.reason


def test_manual_mode_matches_the_az_by_id_when_the_subnet_has_one():
    snap = regional_nat(
        AutoProvisionZones="disabled",
        NatGatewayAddresses=[{"AvailabilityZoneId": "use1-az4", "Status": "succeeded"}],
    )
    item(snap, "Subnets", "subnet-private")["AvailabilityZoneId"] = "use1-az4"
    assert trace(snap, "subnet-private").verdict is Verdict.REACHABLE


def test_an_audit_groups_subnets_by_az_so_each_gets_its_own_coverage(tmp_path, capsys):
    """Two subnets behind one table in AZs manual mode covers and does not: one walk each."""
    snap = manual(("us-east-1a", "succeeded"))
    body = region(snap)
    body["Subnets"].append(dict(item(snap, "Subnets", "subnet-private"), SubnetId="subnet-b", CidrBlock="10.0.3.0/24",
                                AvailabilityZone="us-east-1b"))  # fmt: skip
    item(snap, "RouteTables", "rtb-private")["Associations"].append({"Main": False, "SubnetId": "subnet-b"})
    for acl in body["NetworkAcls"]:
        acl["Associations"].append({"SubnetId": "subnet-b"})
    path = write(snap, tmp_path / "snap.json")
    r = run_cli(capsys, "check", "--snapshot", str(path), "-f", "json")
    verdicts = {t["subnet_id"]: t["internet_egress"]["verdict"] for t in json.loads(r.out)["targets"]}
    assert verdicts["subnet-private"] == "reachable" and verdicts["subnet-b"] == "unknown"


# -- VPC Block Public Access -----------------------------------------------------------------------
def with_bpa(mode: str, *exclusions: str) -> dict:
    snap = regional_nat()
    body = region(snap)
    body["VpcBlockPublicAccessOptions"] = [
        {"AwsAccountId": ACCOUNT, "AwsRegion": "us-east-1", "State": "update-complete",
         "InternetGatewayBlockMode": mode, "ExclusionsAllowed": "allowed"}
    ]  # fmt: skip
    body["VpcBlockPublicAccessExclusions"] = [
        {"ExclusionId": f"exclusion-{n}", "InternetGatewayExclusionMode": "allow-egress", "State": "create-complete",
         "ResourceArn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:{rid.split('-')[0]}/{rid}"}
        for n, rid in enumerate(exclusions)
    ]  # fmt: skip
    return snap


@pytest.mark.parametrize(
    ("mode", "exclusions", "verdict"),
    [
        ("block-ingress", (), Verdict.REACHABLE),  # NAT gateway traffic is let through
        ("block-bidirectional", (), Verdict.UNREACHABLE),
        ("block-bidirectional", ("vpc-app",), Verdict.REACHABLE),
        # the gateway sits in no subnet: whether the task subnet's exclusion covers it is not documented
        ("block-bidirectional", ("subnet-private",), Verdict.UNKNOWN),
        ("block-bidirectional", ("subnet-public",), Verdict.UNREACHABLE),
    ],
)
def test_block_public_access_looks_at_the_vpcs_exclusion(mode, exclusions, verdict):
    result = trace(with_bpa(mode, *exclusions), "subnet-private")
    assert result.verdict is verdict, result.reason
    if verdict is Verdict.UNKNOWN:
        assert "sits in no subnet" in result.reason


def test_an_ingress_route_table_on_the_gateway_leaves_the_replies_unknown():
    """Replies enter by the internet gateway toward the gateway's own addresses, which lie in none of
    the VPC's subnets: a gateway route table (ingress routing) may divert them."""
    snap = regional_nat()
    region(snap)["RouteTables"].append(
        {"RouteTableId": "rtb-edge", "VpcId": "vpc-app", "Routes": [route("10.0.0.0/16", GatewayId="local")],
         "Associations": [{"GatewayId": "igw-app", "AssociationState": {"State": "associated"}}]}
    )  # fmt: skip
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    assert any(c.resource_id == "rtb-edge" for c in result.checks if c.status is Status.UNKNOWN)


def test_a_zonal_gateway_routing_to_a_regional_one_is_still_a_nat_in_a_private_subnet():
    snap = regional_nat()
    region(snap)["NatGateways"].append(
        {"NatGatewayId": "nat-zonal", "SubnetId": "subnet-isolated", "VpcId": "vpc-app", "State": "available"}
    )
    default_route(snap, "rtb-private")["NatGatewayId"] = "nat-zonal"
    item(snap, "RouteTables", "rtb-main")["Routes"].append(route("0.0.0.0/0", NatGatewayId="nat-app"))
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNREACHABLE
    assert CheckCode.NAT_PRIVATE_SUBNET in codes(result)
