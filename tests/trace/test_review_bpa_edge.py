"""Review: VPC Block Public Access at the edge of the trace, and the regional NAT gateway's zones.

- A regional NAT gateway in a central egress VPC (spokes reach it through a transit gateway, the
  pattern AWS's regional NAT gateway launch describes): the exclusion that can let its traffic
  through is its own VPC's, never the spoke's (``bpa.check_block_public_access``).
- ``ExclusionsAllowed`` not in the snapshot: whether the organization lets exclusions apply is not
  known (AWS, VpcBlockPublicAccessOptions), so an exclusion decides nothing (unknown, never a pass).
- An exclusion without a ``ResourceArn``: it may be the task's subnet's or VPC's (unknown).
- A regional NAT gateway in manual mode serves the AZs it holds an address in, matched by AZ ID
  where both sides give one: AZ names map to different zones in different accounts.
"""

from __future__ import annotations

from typing import Any

import pytest
from depth.builders import regional_nat, route
from depth.tgw_builders import tgw_egress
from snapshots import healthy, item, region, trace

from fargate_netcheck.core.model import CheckCode, Status, Verdict

SPOKE_ACCOUNT = "111111111111"
ACCOUNT = "123456789012"
SPOKE = ("sg-spoke-task",)


def with_bpa(
    snap: dict[str, Any],
    mode: str,
    *exclusions: tuple[str, str],
    account: str = ACCOUNT,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``snap`` under BPA in ``mode`` (``options`` overrides the options' fields, None deletes one);
    exclusions as (resource id, mode), in force."""
    body = region(snap)
    option = {
        "AwsAccountId": account,
        "AwsRegion": "us-east-1",
        "State": "update-complete",
        "InternetGatewayBlockMode": mode,
        "ExclusionsAllowed": "allowed",
    }
    for key, value in (options or {}).items():
        if value is None:
            option.pop(key, None)
        else:
            option[key] = value
    body["VpcBlockPublicAccessOptions"] = [option]
    body["VpcBlockPublicAccessExclusions"] = [
        {
            "ExclusionId": f"exclusion-{n}",
            "InternetGatewayExclusionMode": exclusion_mode,
            "ResourceArn": f"arn:aws:ec2:us-east-1:{account}:{rid.split('-')[0]}/{rid}",
            "State": "create-complete",
        }
        for n, (rid, exclusion_mode) in enumerate(exclusions)
    ]
    return snap


def central_regional_nat() -> dict[str, Any]:
    """tgw_egress() whose nat-egress is a public regional NAT gateway of vpc-egress (automatic mode),
    forwarding by its own table rtb-natgw: local, 0.0.0.0/0 -> igw-egress, and the spoke's range back
    to tgw-1 (the return route AWS says goes in that table)."""
    snap = tgw_egress()
    nat = item(snap, "NatGateways", "nat-egress")
    del nat["SubnetId"]
    nat.update(
        AvailabilityMode="regional",
        ConnectivityType="public",
        AutoProvisionZones="enabled",
        RouteTableId="rtb-natgw",
        NatGatewayAddresses=[
            {
                "AllocationId": "eipalloc-1",
                "PublicIp": "198.51.100.20",
                "AvailabilityZone": "us-east-1a",
                "AvailabilityZoneId": "use1-az1",
                "Status": "succeeded",
                "IsPrimary": True,
            }
        ],
    )
    region(snap)["RouteTables"].append(
        {
            "RouteTableId": "rtb-natgw",
            "VpcId": "vpc-egress",
            "Associations": [],
            "Routes": [
                route("10.100.0.0/16", GatewayId="local"),
                route("0.0.0.0/0", GatewayId="igw-egress"),
                route("10.1.0.0/16", TransitGatewayId="tgw-1"),
            ],
        }
    )
    return snap


def bpa_checks(result) -> list[tuple[Status, str]]:
    return [(c.status, c.reason) for c in result.checks if c.code.value.startswith("bpa")]


# -- a regional NAT gateway behind a transit gateway ---------------------------------------------------
def test_central_regional_nat_without_bpa_reaches_the_internet():
    result = trace(central_regional_nat(), "subnet-spoke", groups=SPOKE)
    assert result.verdict is Verdict.REACHABLE, result.reason
    assert "nat-egress" in result.path and "igw-egress" in result.path


def test_an_exclusion_of_the_spoke_vpc_does_not_free_the_egress_vpcs_regional_nat():
    """Was reachable: BPA read the spoke VPC (the task's) as the regional NAT gateway's."""
    snap = with_bpa(
        central_regional_nat(), "block-bidirectional", ("vpc-spoke", "allow-egress"), account=SPOKE_ACCOUNT
    )
    result = trace(snap, "subnet-spoke", groups=SPOKE)
    assert result.verdict is Verdict.UNREACHABLE, result.reason
    assert result.blocked_at == "igw-egress"
    [(status, reason)] = bpa_checks(result)
    assert status is Status.FAIL and "vpc-egress" in reason


def test_an_exclusion_of_the_spoke_subnet_does_not_free_it_either():
    snap = with_bpa(
        central_regional_nat(), "block-bidirectional", ("subnet-spoke", "allow-egress"), account=SPOKE_ACCOUNT
    )
    result = trace(snap, "subnet-spoke", groups=SPOKE)
    assert result.verdict is Verdict.UNREACHABLE, result.reason


def test_an_exclusion_of_the_egress_vpc_lets_the_regional_nat_out():
    """Was unreachable: the egress VPC's own exclusion was not looked at."""
    snap = with_bpa(
        central_regional_nat(), "block-bidirectional", ("vpc-egress", "allow-egress"), account=SPOKE_ACCOUNT
    )
    result = trace(snap, "subnet-spoke", groups=SPOKE)
    assert result.verdict is Verdict.REACHABLE, result.reason
    [(status, reason)] = bpa_checks(result)
    assert status is Status.PASS and "vpc-egress" in reason


def test_an_exclusion_of_the_attachment_subnet_the_traffic_came_from_is_unknown():
    """The regional NAT gateway sits in no subnet: whether an exclusion of the subnet the traffic
    reached it from applies is not documented (as for a task subnet in the gateway's own VPC)."""
    snap = with_bpa(
        central_regional_nat(),
        "block-bidirectional",
        ("subnet-egress-tgw", "allow-egress"),
        account=SPOKE_ACCOUNT,
    )
    result = trace(snap, "subnet-spoke", groups=SPOKE)
    assert result.verdict is Verdict.UNKNOWN, result.reason
    assert "sits in no subnet" in result.reason


# -- what the options and exclusions leave unsaid -------------------------------------------------------
def test_exclusions_allowed_missing_is_unknown_when_only_an_exclusion_lets_traffic_out():
    """Was reachable: a missing ExclusionsAllowed was read as "allowed", and an organization's
    declarative policy may not allow exclusions."""
    snap = with_bpa(
        healthy(),
        "block-bidirectional",
        ("subnet-public", "allow-egress"),
        options={"ExclusionsAllowed": None},
    )
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN, result.reason
    assert CheckCode.BPA_UNKNOWN in {c.code for c in result.unknown()}
    assert "ExclusionsAllowed" in result.reason


def test_exclusions_allowed_missing_with_bpa_managed_by_the_account_is_allowed():
    snap = with_bpa(
        healthy(),
        "block-bidirectional",
        ("subnet-public", "allow-egress"),
        options={"ExclusionsAllowed": None, "ManagedBy": "account"},
    )
    assert trace(snap, "subnet-private").verdict is Verdict.REACHABLE


@pytest.mark.parametrize(
    ("mode", "verdict"),
    [("block-ingress", Verdict.REACHABLE), ("off", Verdict.REACHABLE)],
)
def test_exclusions_allowed_missing_does_not_matter_where_no_exclusion_is_needed(mode, verdict):
    snap = with_bpa(healthy(), mode, options={"ExclusionsAllowed": None})
    assert trace(snap, "subnet-private").verdict is verdict


def test_exclusions_allowed_missing_still_blocks_where_no_exclusion_covers():
    snap = with_bpa(healthy(), "block-bidirectional", options={"ExclusionsAllowed": None})
    assert trace(snap, "subnet-private").verdict is Verdict.UNREACHABLE


def test_an_exclusion_without_a_resource_arn_is_unknown_not_blocked():
    """Was unreachable: an exclusion naming no resource may be the NAT subnet's."""
    snap = with_bpa(healthy(), "block-bidirectional", ("subnet-public", "allow-egress"))
    del region(snap)["VpcBlockPublicAccessExclusions"][0]["ResourceArn"]
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN, result.reason
    assert "no ResourceArn" in result.reason


def test_an_exclusion_without_a_state_says_so():
    snap = with_bpa(healthy(), "block-bidirectional", ("subnet-public", "allow-egress"))
    del region(snap)["VpcBlockPublicAccessExclusions"][0]["State"]
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    assert "State is not in the snapshot" in result.reason


# -- a regional NAT gateway's zones, by AZ ID -----------------------------------------------------------
def manual_in(zone_name: str, zone_id: str) -> dict[str, Any]:
    """regional_nat() in manual mode with one address in use, in (zone_name, zone_id); the task
    subnet is us-east-1a, use1-az1."""
    snap = regional_nat(
        AutoProvisionZones="disabled",
        NatGatewayAddresses=[
            {
                "AllocationId": "eipalloc-1",
                "AvailabilityZone": zone_name,
                "AvailabilityZoneId": zone_id,
                "Status": "succeeded",
            }
        ],
    )
    item(snap, "Subnets", "subnet-private")["AvailabilityZoneId"] = "use1-az1"
    return snap


def test_manual_mode_an_address_in_the_same_az_id_serves_the_task():
    assert trace(manual_in("us-east-1a", "use1-az1"), "subnet-private").verdict is Verdict.REACHABLE


def test_manual_mode_an_az_name_that_matches_with_another_az_id_does_not_serve_the_task():
    """Was reachable: the names matched, though the IDs say another zone (AZ names are per account)."""
    result = trace(manual_in("us-east-1a", "use1-az2"), "subnet-private")
    assert result.verdict is Verdict.UNKNOWN, result.reason
    assert ("nat.regional", "nat-app") in {
        (c.code.value, c.resource_id) for c in result.checks if c.status is Status.UNKNOWN
    }


def test_manual_mode_the_same_az_id_under_another_name_serves_the_task():
    assert trace(manual_in("us-east-1b", "use1-az1"), "subnet-private").verdict is Verdict.REACHABLE
