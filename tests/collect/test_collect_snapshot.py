"""collect() against a moto network: the snapshot's shape, verbatim items and the additions."""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from fargate_netcheck.collect import collect
from fargate_netcheck.collect.ec2 import REGION_KEYS
from fargate_netcheck.collect.need_kinds import NEED_KEYS
from fargate_netcheck.collect.session import make_session
from fargate_netcheck.core.errors import InputError

REGION = "us-east-1"


def _aws_json(items: Any) -> Any:
    """What a describe call's items look like once written to JSON (datetimes as ISO strings)."""
    return json.loads(json.dumps(items, default=lambda d: d.isoformat()))


def _region(network: dict[str, str]) -> dict[str, Any]:
    snapshot, _ = collect([REGION])
    return snapshot["regions"][REGION]


def test_snapshot_has_the_design_header_and_every_kind(network: dict[str, str]) -> None:
    snapshot, calls = collect([REGION])

    assert snapshot["snapshot_version"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", snapshot["collected_at"])
    assert snapshot["account_id"] == "123456789012"
    assert list(snapshot["regions"]) == [REGION]
    region = snapshot["regions"][REGION]
    assert list(region) == [*REGION_KEYS, *NEED_KEYS, "Errors"]
    assert region["Errors"] == {}
    json.dumps(snapshot)  # datetimes (NatGateways CreateTime, ...) are already strings
    assert isinstance(region["NatGateways"][0]["CreateTime"], str)
    assert calls.total > 0


def test_items_are_verbatim_describe_items(network: dict[str, str], ec2: Any) -> None:
    region = _region(network)

    assert region["Subnets"] == _aws_json(ec2.describe_subnets()["Subnets"])
    assert region["RouteTables"] == _aws_json(ec2.describe_route_tables()["RouteTables"])
    assert region["SecurityGroups"] == _aws_json(ec2.describe_security_groups()["SecurityGroups"])
    assert region["NetworkAcls"] == _aws_json(ec2.describe_network_acls()["NetworkAcls"])
    assert region["NatGateways"] == _aws_json(ec2.describe_nat_gateways()["NatGateways"])
    vpcs = [
        {k: v for k, v in vpc.items() if k not in ("EnableDnsSupport", "EnableDnsHostnames")}
        for vpc in region["Vpcs"]
    ]
    assert vpcs == _aws_json(ec2.describe_vpcs()["Vpcs"])
    tables = {t["RouteTableId"]: t for t in region["RouteTables"]}
    assert all(isinstance(a["Main"], bool) for t in tables.values() for a in t["Associations"])
    vpc1_main = [
        table_id
        for table_id, t in tables.items()
        if t["VpcId"] == network["vpc1"] and any(a["Main"] for a in t["Associations"])
    ]
    assert len(vpc1_main) == 1
    assert vpc1_main[0] not in (network["rtb_public"], network["rtb_private"])
    private = tables[network["rtb_private"]]["Associations"]
    assert [(a["Main"], a["SubnetId"]) for a in private] == [(False, network["private"])]


def test_vpcs_carry_their_dns_attributes(network: dict[str, str]) -> None:
    vpcs = {v["VpcId"]: v for v in _region(network)["Vpcs"]}

    assert (vpcs[network["vpc1"]]["EnableDnsSupport"], vpcs[network["vpc1"]]["EnableDnsHostnames"]) == (
        True,
        True,
    )
    assert (vpcs[network["vpc2"]]["EnableDnsSupport"], vpcs[network["vpc2"]]["EnableDnsHostnames"]) == (
        False,
        False,
    )


def test_referenced_prefix_lists_carry_entries_and_others_do_not(network: dict[str, str], ec2: Any) -> None:
    lists = {p["PrefixListId"]: p for p in _region(network)["ManagedPrefixLists"]}

    assert lists[network["pl_corp"]]["Entries"] == [{"Cidr": "192.0.2.0/24"}]  # named by a route
    s3_entries = ec2.get_managed_prefix_list_entries(PrefixListId=network["pl_s3"])["Entries"]
    assert lists[network["pl_s3"]]["Entries"] == s3_entries  # AWS-managed, named by an SG rule
    assert s3_entries
    assert "Entries" not in lists[network["pl_dynamodb"]]  # named by nothing


def test_tgw_route_tables_carry_associations_and_active_and_blackhole_routes(network: dict[str, str]) -> None:
    tables = {t["TransitGatewayRouteTableId"]: t for t in _region(network)["TransitGatewayRouteTables"]}
    table = tables[network["tgw_rtb"]]

    assert [a["TransitGatewayAttachmentId"] for a in table["Associations"]] == [network["tgw_attachment"]]
    assert {(r["DestinationCidrBlock"], r["State"]) for r in table["Routes"]} == {
        ("0.0.0.0/0", "active"),
        ("10.9.0.0/16", "blackhole"),
    }


def test_network_interfaces_are_only_those_routes_name(network: dict[str, str], ec2: Any) -> None:
    interfaces = _region(network)["NetworkInterfaces"]

    instance_enis = ec2.describe_network_interfaces(
        Filters=[{"Name": "attachment.instance-id", "Values": [network["instance"]]}]
    )["NetworkInterfaces"]
    expected = {network["eni_routed"], *(e["NetworkInterfaceId"] for e in instance_enis)}
    assert {e["NetworkInterfaceId"] for e in interfaces} == expected
    assert network["eni_unrouted"] not in expected


def test_instances_are_only_those_routes_lead_to_with_their_state(network: dict[str, str], ec2: Any) -> None:
    # The routed ENI is attached to no instance: only the routed instance, DescribeInstances' item verbatim.
    ec2.stop_instances(InstanceIds=[network["instance"]])
    instances = _region(network)["Instances"]

    assert [i["InstanceId"] for i in instances] == [network["instance"]]
    assert instances[0]["State"]["Name"] == "stopped"
    assert "Reservations" not in instances[0] and "ImageId" in instances[0]


def test_snapshot_passes_the_snapshot_loader(network: dict[str, str]) -> None:
    pytest.importorskip("fargate_netcheck.snapshot.schema")
    from fargate_netcheck.snapshot.store import parse_snapshot

    snapshot, _ = collect([REGION])
    loaded = parse_snapshot(json.loads(json.dumps(snapshot)), "live")
    assert loaded.regions[0].collected("NatGateways")


def test_regions_are_collected_each_and_default_to_the_session_region(moto: None) -> None:
    snapshot, _ = collect([REGION, "eu-west-1", REGION])
    assert list(snapshot["regions"]) == [REGION, "eu-west-1"]
    assert all(body["Vpcs"] for body in snapshot["regions"].values())  # each region's default VPC

    snapshot, _ = collect([])
    assert list(snapshot["regions"]) == [REGION]


def test_no_region_anywhere_is_an_input_error(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(InputError, match=r"^no region: pass --region or set AWS_REGION$"):
        collect([])


def test_unknown_region_and_profile_are_input_errors(moto: None) -> None:
    with pytest.raises(InputError, match=r"^us-eats-1: unknown AWS region"):
        collect(["us-eats-1"])
    with pytest.raises(InputError, match=r"^nope: AWS profile not found$"):
        collect([REGION], profile="nope")


def test_missing_credentials_are_an_input_error(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    with pytest.raises(InputError, match=r"^no AWS credentials"):
        collect([REGION])


def _raise_on(session: boto3.Session, event: str, exc: Exception) -> None:
    def handler(**_: Any) -> None:
        raise exc

    session.events.register(event, handler)


def test_unreachable_endpoint_is_recorded_and_collection_goes_on(network: dict[str, str]) -> None:
    session = make_session(None)
    failure = EndpointConnectionError(endpoint_url="https://ec2.us-east-1.amazonaws.com/")
    _raise_on(session, "before-call.ec2.DescribeVpcEndpoints", failure)

    region = collect([REGION], session=session)[0]["regions"][REGION]

    assert "VpcEndpoints" not in region
    assert region["Errors"] == {
        "VpcEndpoints": 'EndpointConnectionError: Could not connect to the endpoint URL: "https://ec2.us-east-1.amazonaws.com/"'
    }
    assert set(REGION_KEYS) - set(region) == {"VpcEndpoints"}


def test_failed_caller_identity_gives_null_account_and_an_error_per_region(moto: None) -> None:
    session = make_session(None)
    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "not allowed"}}, "GetCallerIdentity")
    _raise_on(session, "before-call.sts.GetCallerIdentity", denied)

    snapshot, _ = collect([REGION, "eu-west-1"], session=session)

    assert snapshot["account_id"] is None
    for body in snapshot["regions"].values():
        assert body["Errors"] == {"AccountId": "AccessDenied: not allowed"}
        assert "Vpcs" in body
