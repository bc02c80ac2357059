"""Which accounts (an organisation's ACTIVE ones) and which regions (each account's enabled ones)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from collect.aws_hooks import MOTO_CALLER_ACCOUNT

from fargate_netcheck.collect import assume, collect, collect_accounts
from fargate_netcheck.collect.accounts import ACCOUNT_STEPS
from fargate_netcheck.collect.ec2 import REGION_STEPS
from fargate_netcheck.collect.organization import active_accounts
from fargate_netcheck.collect.regions import ENABLED_STATUSES, enabled_regions, partition_of
from fargate_netcheck.collect.session import client, make_session
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.progress import SilentProgress

REGION = "us-east-1"
# moto's DescribeRegions answers these as opt-in-not-required (and ignores AllRegions and Filters).
MOTO_ENABLED_REGIONS = 20


def _denied(operation: str, code: str = "AccessDenied", message: str = "no") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def _raise_on(events: Any, event: str, exc: Exception) -> None:
    def handler(**_: Any) -> None:
        raise exc

    events.register(event, handler)


@pytest.fixture
def organization(moto: None) -> dict[str, str]:
    """An organisation run from moto's default account: two member accounts, one of them closed."""
    org = boto3.client("organizations", region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    ids = {}
    for name in ("workloads", "closed"):
        status = org.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]
        ids[name] = status["AccountId"]
    org.close_account(AccountId=ids["closed"])
    return ids


def test_organization_collects_every_active_account(organization: dict[str, str]) -> None:
    snapshot, calls = collect_accounts(
        None, organization=True, role_name="NetcheckRead", regions=[REGION], max_workers=2
    )

    assert list(snapshot["accounts"]) == sorted([MOTO_CALLER_ACCOUNT, organization["workloads"]])
    for account in snapshot["accounts"].values():
        assert account["regions"][REGION]["Vpcs"]  # each account's own default VPC
    assert calls.counts["organizations:ListAccounts"] == 1
    assert calls.counts["sts:AssumeRole"] == 2  # the management account is read through the role too


@pytest.fixture
def organizations_stub() -> Iterator[tuple[Any, Stubber]]:
    made = client(make_session(None), "organizations", REGION)
    with Stubber(made) as stubber:
        yield made, stubber
        stubber.assert_no_pending_responses()


def _account(account_id: str, **state: str) -> dict[str, Any]:
    return {"Id": account_id, "Arn": f"arn:aws:organizations::1:account/o-1/{account_id}", **state}


def test_list_accounts_follows_pages_and_keeps_active_ones(organizations_stub: tuple[Any, Stubber]) -> None:
    made, stubber = organizations_stub
    first = [_account("111111111111", Status="ACTIVE"), _account("222222222222", Status="SUSPENDED")]
    second = [
        _account("333333333333", State="ACTIVE", Status="ACTIVE"),
        _account("444444444444", State="PENDING_CLOSURE", Status="ACTIVE"),  # State wins: being closed
    ]
    stubber.add_response("list_accounts", {"Accounts": first, "NextToken": "2"}, {})
    stubber.add_response("list_accounts", {"Accounts": second}, {"NextToken": "2"})

    assert active_accounts(made) == ["111111111111", "333333333333"]


def test_an_organization_the_caller_cannot_list_is_an_input_error(moto: None) -> None:
    session = make_session(None)
    _raise_on(
        session.events,
        "before-call.organizations.ListAccounts",
        _denied("ListAccounts", "AWSOrganizationsNotInUseException", "not in an organization"),
    )
    with pytest.raises(
        InputError,
        match=r"^--organization: organizations:ListAccounts failed: AWSOrganizationsNotInUseException: not in an organization$",
    ):
        collect_accounts(None, organization=True, role_name="NetcheckRead", regions=[REGION], session=session)


def test_enabled_regions_asks_for_enabled_ones_and_keeps_the_clients_partition() -> None:
    session = make_session(None)
    ec2 = client(session, "ec2", REGION)
    regions = [
        {"RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
        {"RegionName": "af-south-1", "OptInStatus": "opted-in"},
        {"RegionName": "me-south-1", "OptInStatus": "not-opted-in"},
        {"RegionName": "cn-north-1", "OptInStatus": "opt-in-not-required"},  # another partition
        {"RegionName": "eu-west-1"},  # no status: an older answer, enabled
    ]
    with Stubber(ec2) as stubber:
        stubber.add_response(
            "describe_regions",
            {"Regions": regions},
            {"AllRegions": False, "Filters": [{"Name": "opt-in-status", "Values": list(ENABLED_STATUSES)}]},
        )
        assert enabled_regions(ec2, partition_of(session)) == ["af-south-1", "eu-west-1", "us-east-1"]


def test_all_regions_collects_each_enabled_region_of_each_account(moto: None) -> None:
    progress = SilentProgress()

    snapshot, calls = collect_accounts(
        ["111111111111"], organization=False, role_name="NetcheckRead", all_regions=True, progress=progress
    )

    regions = snapshot["accounts"]["111111111111"]["regions"]
    assert len(regions) == MOTO_ENABLED_REGIONS
    assert REGION in regions and "me-south-1" not in regions and "cn-north-1" not in regions
    assert all(body["Errors"] == {} and body["Vpcs"] for body in regions.values())
    assert calls.counts["ec2:DescribeRegions"] == 1
    assert progress.total == progress.done == ACCOUNT_STEPS + MOTO_ENABLED_REGIONS * REGION_STEPS


def test_an_account_whose_regions_cannot_be_listed_is_recorded(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = assume.assumed_session

    def refusing(*args: Any, **kwargs: Any) -> boto3.Session:
        made = opened(*args, **kwargs)
        _raise_on(
            made.events,
            "before-call.ec2.DescribeRegions",
            _denied("DescribeRegions", "UnauthorizedOperation"),
        )
        return made

    monkeypatch.setattr(assume, "assumed_session", refusing)
    progress = SilentProgress()

    snapshot, _ = collect_accounts(
        ["111111111111"], organization=False, role_name="NetcheckRead", all_regions=True, progress=progress
    )

    assert snapshot["accounts"]["111111111111"] == {
        "regions": {},
        "Errors": {"DescribeRegions": "UnauthorizedOperation: no"},
    }
    assert progress.total == progress.done == ACCOUNT_STEPS


def test_single_account_all_regions(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import fargate_netcheck.collect as collect_package

    listed: list[str] = []
    real = collect_package.enabled_regions

    def first_two(*args: Any) -> list[str]:  # all 20 are collected in the many-account test
        listed.extend(real(*args))
        return listed[:2]

    monkeypatch.setattr(collect_package, "enabled_regions", first_two)
    snapshot, calls = collect([], all_regions=True)
    assert len(listed) == MOTO_ENABLED_REGIONS
    assert list(snapshot["regions"]) == listed[:2]
    assert calls.counts["ec2:DescribeRegions"] == 1

    session = make_session(None)
    _raise_on(session.events, "before-call.ec2.DescribeRegions", _denied("DescribeRegions"))
    with pytest.raises(InputError, match=r"^--all-regions: ec2:DescribeRegions failed: AccessDenied: no$"):
        collect([], all_regions=True, session=session)
    with pytest.raises(InputError, match=r"^--region and --all-regions: pass one of them$"):
        collect([REGION], all_regions=True)
