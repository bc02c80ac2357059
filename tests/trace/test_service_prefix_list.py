"""A gateway endpoint's service prefix list whose entries were not read (a template's endpoint, or a
scan without GetManagedPrefixListEntries): its share reaches its own service and does not count, so
the rest of the destination decides, unless the list could hold all of a part."""

from __future__ import annotations

import itertools
import json

import pytest
from snapshots import codes, healthy, item, region, trace

from fargate_netcheck.core.model import CheckCode, Verdict

ALLOW_ALL = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})


def with_s3_endpoint(
    entries: list[str] | None, *, state: str = "available", table: str = "rtb-private"
) -> dict:
    """healthy() with an S3 gateway endpoint on ``table``; its list's ``entries`` (None: not read)."""
    snap = healthy()
    r = region(snap)
    r["VpcEndpoints"].append(
        {
            "VpcEndpointId": "vpce-s3",
            "VpcEndpointType": "Gateway",
            "ServiceName": "com.amazonaws.us-east-1.s3",
            "VpcId": "vpc-app",
            "State": state,
            "RouteTableIds": [table],
            "PolicyDocument": ALLOW_ALL,
        }
    )
    item(snap, "RouteTables", table)["Routes"].append(
        {
            "DestinationPrefixListId": "pl-s3",
            "GatewayId": "vpce-s3",
            "State": "active",
            "Origin": "CreateRoute",
        }
    )
    pl = {"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.us-east-1.s3", "AddressFamily": "IPv4"}
    if entries is not None:
        pl["Entries"] = [{"Cidr": c} for c in entries]
    r["ManagedPrefixLists"].append(pl)
    return snap


def test_unread_s3_list_beside_a_nat_route_leaves_the_internet_reachable():
    result = trace(with_s3_endpoint(None), "subnet-private")
    assert result.verdict is Verdict.REACHABLE
    assert result.path[-1] == "igw-app"
    assert any(
        "prefix list pl-s3 of gateway endpoint vpce-s3 (s3) was not read" in c.reason for c in result.checks
    )


def test_unread_s3_list_with_no_other_way_out_is_unreachable_at_the_table():
    snap = with_s3_endpoint(None, table="rtb-main")  # rtb-main: local only
    result = trace(snap, "subnet-isolated")
    assert result.verdict is Verdict.UNREACHABLE
    assert CheckCode.NO_ROUTE in codes(result)


def test_unread_list_of_an_unavailable_endpoint_stays_unknown():
    result = trace(with_s3_endpoint(None, state="pending"), "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    assert codes(result) == {CheckCode.PREFIX_LIST_UNKNOWN}


def test_a_destination_inside_aws_ranges_stays_unknown_since_the_list_may_hold_all_of_it():
    result = trace(with_s3_endpoint(None), "subnet-private", destination="52.216.0.0/16")
    assert result.verdict is Verdict.UNKNOWN
    assert "may hold all of it" in result.reason


def test_an_unread_list_to_anything_but_its_gateway_endpoint_stays_unknown():
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationPrefixListId": "pl-partner", "VpcPeeringConnectionId": "pcx-1", "State": "active"}
    )
    region(snap)["ManagedPrefixLists"].append({"PrefixListId": "pl-partner", "AddressFamily": "IPv4"})
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    assert CheckCode.PREFIX_LIST_UNKNOWN in codes(result)


CANDIDATES = ["52.216.0.0/15", "54.231.0.0/17", "8.8.8.0/24", "10.0.0.0/16", "198.51.100.0/24"]


@pytest.mark.parametrize(
    "blocked_range",
    [None, "8.8.0.0/16", "52.0.0.0/8", "0.0.0.0/1 128.0.0.0/1"],
    ids=["nat-only", "non-aws-range-to-peering", "aws-range-to-peering", "all-to-peering"],
)
def test_the_unread_verdict_is_never_better_than_any_list_the_entries_could_be(blocked_range):
    """Soundness over every list the entries could be (subsets of candidate blocks): reachable with
    the list unread only if reachable with each of them; unreachable only if never reachable."""
    snap_unread = with_s3_endpoint(None)
    for cidr in (blocked_range or "").split():  # routes to a peering connection: never the internet
        item(snap_unread, "RouteTables", "rtb-private")["Routes"].append(
            {"DestinationCidrBlock": cidr, "VpcPeeringConnectionId": "pcx-partner", "State": "active"}
        )
    unread = trace(snap_unread, "subnet-private").verdict
    assert unread is {None: Verdict.REACHABLE, "0.0.0.0/1 128.0.0.0/1": Verdict.UNREACHABLE}.get(
        blocked_range, Verdict.UNKNOWN
    )
    for n in range(len(CANDIDATES) + 1):
        for entries in itertools.combinations(CANDIDATES, n):
            snap = json.loads(json.dumps(snap_unread))
            next(p for p in region(snap)["ManagedPrefixLists"] if p["PrefixListId"] == "pl-s3")["Entries"] = [
                {"Cidr": c} for c in entries
            ]
            known = trace(snap, "subnet-private").verdict
            if unread is Verdict.REACHABLE:
                assert known is Verdict.REACHABLE, entries
            if unread is Verdict.UNREACHABLE:
                assert known is not Verdict.REACHABLE, entries
