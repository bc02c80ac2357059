"""Review of the collector: paging that never ends, answers that say "more" without a way to get
it, additions the snapshot load would refuse, prefix lists only a transit gateway route names, the
list of regions, and the region deadline of the need kinds.

Stubber gives the answers (moto ignores MaxResults and never fails); ``max_workers=1`` makes the
collector's calls in a fixed order.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.stub import Stubber
from collect.stubs import queue_kinds

from fargate_netcheck.collect import assume, collect_accounts, need_kinds
from fargate_netcheck.collect._calls import COLLECT_ERRORS, SNAPSHOT_VERSION, Truncated, paginate
from fargate_netcheck.collect.ec2 import collect_region
from fargate_netcheck.collect.organization import active_accounts
from fargate_netcheck.collect.regions import enabled_regions, partition_of
from fargate_netcheck.collect.session import CallSettings, client, make_session
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.store import parse_snapshot

REGION = "us-east-1"
VPC = "vpc-0123456789abcdef0"
PL = "pl-0000000000000000a"
TGW_RTB = "tgw-rtb-0000000000000000a"
SEARCH = {
    "TransitGatewayRouteTableId": TGW_RTB,
    "Filters": [{"Name": "state", "Values": ["active", "blackhole"]}],
}


def _subnet(n: int) -> dict[str, Any]:
    return {"SubnetId": f"subnet-{n:017x}", "VpcId": VPC, "CidrBlock": f"10.0.{n}.0/24"}


def _loads(region: dict[str, Any]) -> None:
    """The region, as a live collection hands it to the analysis, loads (raises if refused)."""
    parse_snapshot(
        {
            "snapshot_version": SNAPSHOT_VERSION,
            "collected_at": "2026-01-01T00:00:00Z",
            "account_id": "123456789012",
            "regions": {REGION: region},
        },
        "live collection",
    )


# --- a NextToken that cycles (A, B, A, ...) pages for ever ------------------------------------


def test_a_token_that_comes_back_after_another_is_a_loop_not_ten_thousand_pages(
    stubbed: tuple[Any, Stubber],
) -> None:
    """botocore's paginator only notices a token repeated on the very next page: A, B, A, B...
    would be followed up to MAX_PAGES (10,000 calls) before anything is recorded."""
    ec2, stubber = stubbed
    stubber.add_response("describe_subnets", {"Subnets": [_subnet(1)], "NextToken": "A"}, {})
    stubber.add_response("describe_subnets", {"Subnets": [_subnet(2)], "NextToken": "B"}, {"NextToken": "A"})
    stubber.add_response("describe_subnets", {"Subnets": [_subnet(1)], "NextToken": "A"}, {"NextToken": "B"})

    with pytest.raises(Truncated, match="came back"):
        paginate(ec2, "DescribeSubnets", "Subnets")


def test_a_last_page_that_says_it_is_truncated_without_a_marker_is_not_the_whole_list() -> None:
    """Route 53 pages on IsTruncated + NextMarker: botocore stops when the marker is missing, even
    though the page says more zones follow; the zones so far are not all of them."""
    route53 = client(make_session(None), "route53", REGION, settings=CallSettings(max_attempts=1))
    zone = {"Id": "/hostedzone/Z1", "Name": "a.internal.", "CallerReference": "c"}
    with Stubber(route53) as stubber:
        stubber.add_response(
            "list_hosted_zones",
            {"HostedZones": [zone], "Marker": "", "IsTruncated": True, "MaxItems": "100"},
            {},
        )
        with pytest.raises(Truncated):
            paginate(route53, "ListHostedZones", "HostedZones")


# --- additions are checked as the snapshot load checks them ------------------------------------


def test_a_tgw_route_the_load_would_refuse_is_recorded_not_fatal_to_the_whole_run(
    stubbed: tuple[Any, Stubber],
) -> None:
    """A route in a state the snapshot does not take (an endpoint that ignores the state filter)
    was stored as it came, and the load of the live collection then failed for every region."""
    ec2, stubber = stubbed
    table = {"TransitGatewayRouteTableId": TGW_RTB, "TransitGatewayId": "tgw-1"}
    queue_kinds(stubber, {"TransitGatewayRouteTables": [{"TransitGatewayRouteTables": [table]}]})
    stubber.add_response("get_transit_gateway_route_table_associations", {"Associations": []})
    pending = {"DestinationCidrBlock": "10.9.0.0/16", "State": "pending", "Type": "static"}
    stubber.add_response("search_transit_gateway_routes", {"Routes": [pending]}, SEARCH)

    region = collect_region(ec2, max_workers=1)

    assert "Routes" not in region["TransitGatewayRouteTables"][0]
    assert region["Errors"].get("TransitGatewayRoutes", "").startswith("UnexpectedShape")
    _loads(region)


def test_a_prefix_list_entry_the_load_would_refuse_is_recorded_not_fatal(
    stubbed: tuple[Any, Stubber],
) -> None:
    ec2, stubber = stubbed
    route = {"DestinationPrefixListId": PL, "NatGatewayId": "nat-0000000000000000a", "State": "active"}
    queue_kinds(
        stubber,
        {
            "RouteTables": [{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [route]}]}],
            "ManagedPrefixLists": [{"PrefixLists": [{"PrefixListId": PL, "PrefixListName": "x"}]}],
        },
    )
    stubber.add_response(
        "get_managed_prefix_list_entries", {"Entries": [{"Cidr": "not-a-cidr"}]}, {"PrefixListId": PL}
    )

    region = collect_region(ec2, max_workers=1)

    assert "Entries" not in region["ManagedPrefixLists"][0]
    assert region["Errors"].get("ManagedPrefixListEntries", "").startswith("UnexpectedShape")
    _loads(region)


# --- a prefix list that only a transit gateway route names ------------------------------------


def test_a_prefix_list_named_only_by_a_tgw_route_gets_its_entries(stubbed: tuple[Any, Stubber]) -> None:
    """The trace reads a TGW prefix-list route through the list's entries; never collected, every
    address such a route could win (all of them) was unknown."""
    ec2, stubber = stubbed
    table = {"TransitGatewayRouteTableId": TGW_RTB, "TransitGatewayId": "tgw-1"}
    queue_kinds(
        stubber,
        {
            "TransitGatewayRouteTables": [{"TransitGatewayRouteTables": [table]}],
            "ManagedPrefixLists": [{"PrefixLists": [{"PrefixListId": PL, "PrefixListName": "onprem"}]}],
        },
    )
    stubber.add_response("get_transit_gateway_route_table_associations", {"Associations": []})
    routed = {"PrefixListId": PL, "State": "active", "Type": "static"}
    stubber.add_response("search_transit_gateway_routes", {"Routes": [routed]}, SEARCH)
    stubber.add_response(
        "get_managed_prefix_list_entries", {"Entries": [{"Cidr": "192.168.0.0/16"}]}, {"PrefixListId": PL}
    )

    region = collect_region(ec2, max_workers=1)

    assert region["Errors"] == {}
    assert region["ManagedPrefixLists"][0]["Entries"] == [{"Cidr": "192.168.0.0/16"}]
    assert region["TransitGatewayRouteTables"][0]["Routes"] == [routed]


# --- the account's regions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "response",
    [{}, {"Regions": []}, {"Regions": [{"RegionName": "cn-north-1", "OptInStatus": "opt-in-not-required"}]}],
    ids=["no-list", "empty", "none-in-partition"],
)
def test_an_answer_with_no_enabled_region_is_a_failure_not_an_account_with_nothing(
    response: dict[str, Any],
) -> None:
    """An account always has enabled regions: an answer without its list (or with none that
    applies) read as "none" left the account as ``{"regions": {}}`` with no error, a silent pass."""
    session = make_session(None)
    ec2 = client(session, "ec2", REGION)
    with Stubber(ec2) as stubber:
        stubber.add_response("describe_regions", response)
        with pytest.raises(COLLECT_ERRORS):
            enabled_regions(ec2, partition_of(session))


# --- the need kinds keep to the region's deadline ----------------------------------------------


def test_the_need_kinds_of_a_region_share_one_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--region-deadline`` is how long a region may take in all; each need collector got the
    whole of it again, so a hanging region took three deadlines (and more with Route 53)."""
    given: list[float | None] = []

    def slow(_client: Any, _workers: int, deadline_s: float | None = None) -> tuple[dict, dict]:
        given.append(deadline_s)
        time.sleep(0.3)
        return {}, {}

    for name in ("collect_network_firewall", "collect_resolver", "collect_profiles"):
        monkeypatch.setattr(need_kinds, name, slow)
    bodies: dict[str, Any] = {REGION: {"Errors": {}}}  # no Vpcs: no hosted zones asked for

    need_kinds.collect_need_kinds(
        make_session(None),
        bodies,
        account_id="123456789012",
        settings=CallSettings(region_deadline=0.5),
    )

    assert len(given) == 3
    assert given[0] is not None and given[0] <= 0.5
    assert given[2] is not None and given[2] < 0.1  # 0.6 s of the 0.5 s already spent


# --- the organisation's accounts ---------------------------------------------------------------


def test_an_account_listed_without_its_id_is_a_clear_input_error_not_a_crash() -> None:
    """A ListAccounts item without ``Id`` raised a bare KeyError out of the run (an internal error
    with a traceback under --debug) instead of naming the call that answered oddly."""
    organizations = client(make_session(None), "organizations", REGION)
    with Stubber(organizations) as stubber:
        stubber.add_response("list_accounts", {"Accounts": [{"Name": "workloads", "State": "ACTIVE"}]})
        with pytest.raises(InputError, match="ListAccounts"):
            active_accounts(organizations)


# --- the caller's credentials go stale mid-run -------------------------------------------------


def test_an_account_whose_assume_role_fails_oddly_is_recorded_and_the_others_kept(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """botocore raises a RuntimeError when the caller's refreshed credentials are still expired (a
    credential_process cache, a skewed clock): it escaped AssumeRole's handling and ended the whole
    many-account run, the accounts already read included."""
    real = assume.assume_role
    stale = "Credentials were refreshed, but the refreshed credentials are still expired."

    def assume_role(sts: Any, arn: str, external: str | None) -> Any:
        if ":222222222222:" in arn:
            raise RuntimeError(stale)
        return real(sts, arn, external)

    monkeypatch.setattr(assume, "assume_role", assume_role)

    snapshot, _ = collect_accounts(
        ["111111111111", "222222222222"], organization=False, role_name="NetcheckRead", regions=[REGION]
    )

    assert snapshot["accounts"]["111111111111"]["regions"][REGION]["Vpcs"]
    unreached = snapshot["accounts"]["222222222222"]
    assert unreached["regions"] == {}
    assert stale in unreached["Errors"]["AssumeRole"]
