"""Fixtures for the collector tests: fake credentials, moto, a small network built in moto, and a
guarded EC2 client under botocore's Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from fargate_netcheck.collect.session import client, make_session

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials and a region; no user config, no profile, no endpoint override, no IMDS."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_EC2",
        "AWS_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    """A guarded EC2 client and its Stubber; every queued response must have been used."""
    ec2 = client(make_session(None), "ec2", REGION)
    with Stubber(ec2) as stubber:
        yield ec2, stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def moto(moto_bpa_taught: None) -> Iterator[None]:
    """An embedded moto answering the BPA describes as a fresh account: these tests read a complete
    region. An untaught moto is tested in test_collect_untaught.py and the e2e fault tests."""
    with mock_aws():
        yield


@pytest.fixture
def ec2(moto: None) -> Any:
    """A plain (unguarded, uncounted) EC2 client to build the network and read it back."""
    return boto3.client("ec2", region_name=REGION)


@pytest.fixture
def network(ec2: Any) -> dict[str, str]:
    """Two VPCs: vpc1 with a public subnet (IGW) holding a NAT gateway, a private subnet routed to it,
    a customer prefix list route, an ENI route and an instance route, an SG egress rule naming the
    AWS-managed S3 prefix list, a custom NACL, an EIGW, an S3 gateway endpoint; vpc2 peered and
    attached to a transit gateway with an active and a blackhole route. Returns the ids."""
    ids: dict[str, str] = {}
    ids["vpc1"] = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ids["vpc2"] = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=ids["vpc1"], EnableDnsHostnames={"Value": True})
    ec2.modify_vpc_attribute(VpcId=ids["vpc2"], EnableDnsSupport={"Value": False})
    subnet = ec2.create_subnet
    ids["public"] = subnet(VpcId=ids["vpc1"], CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    ids["private"] = subnet(VpcId=ids["vpc1"], CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ids["vpc2_subnet"] = subnet(VpcId=ids["vpc2"], CidrBlock="10.1.0.0/24")["Subnet"]["SubnetId"]

    ids["igw"] = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=ids["vpc1"])
    ids["rtb_public"] = ec2.create_route_table(VpcId=ids["vpc1"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=ids["rtb_public"], DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw"])
    ec2.associate_route_table(RouteTableId=ids["rtb_public"], SubnetId=ids["public"])

    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=ids["public"], AllocationId=allocation)["NatGateway"]
    ids["nat"] = nat["NatGatewayId"]
    ids["rtb_private"] = ec2.create_route_table(VpcId=ids["vpc1"])["RouteTable"]["RouteTableId"]
    ec2.create_route(
        RouteTableId=ids["rtb_private"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=ids["nat"]
    )
    ec2.associate_route_table(RouteTableId=ids["rtb_private"], SubnetId=ids["private"])

    corp = ec2.create_managed_prefix_list(
        PrefixListName="corp", MaxEntries=5, AddressFamily="IPv4", Entries=[{"Cidr": "192.0.2.0/24"}]
    )
    ids["pl_corp"] = corp["PrefixList"]["PrefixListId"]
    ec2.create_route(
        RouteTableId=ids["rtb_private"], DestinationPrefixListId=ids["pl_corp"], NatGatewayId=ids["nat"]
    )
    managed = ec2.describe_managed_prefix_lists()["PrefixLists"]
    ids["pl_s3"] = next(
        p["PrefixListId"] for p in managed if p["PrefixListName"] == f"com.amazonaws.{REGION}.s3"
    )
    ids["pl_dynamodb"] = next(
        p["PrefixListId"] for p in managed if p["PrefixListName"] == f"com.amazonaws.{REGION}.dynamodb"
    )
    ids["sg"] = ec2.create_security_group(VpcId=ids["vpc1"], GroupName="task", Description="task")["GroupId"]
    ec2.authorize_security_group_egress(
        GroupId=ids["sg"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "PrefixListIds": [{"PrefixListId": ids["pl_s3"]}],
            }
        ],
    )

    ids["eni_routed"] = ec2.create_network_interface(SubnetId=ids["public"])["NetworkInterface"][
        "NetworkInterfaceId"
    ]
    ids["eni_unrouted"] = ec2.create_network_interface(SubnetId=ids["private"])["NetworkInterface"][
        "NetworkInterfaceId"
    ]
    ec2.create_route(
        RouteTableId=ids["rtb_private"],
        DestinationCidrBlock="198.51.100.0/24",
        NetworkInterfaceId=ids["eni_routed"],
    )
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=ids["public"])
    ids["instance"] = instance["Instances"][0]["InstanceId"]
    ec2.create_route(
        RouteTableId=ids["rtb_private"], DestinationCidrBlock="203.0.113.0/24", InstanceId=ids["instance"]
    )

    ids["acl"] = ec2.create_network_acl(VpcId=ids["vpc1"])["NetworkAcl"]["NetworkAclId"]
    ec2.create_egress_only_internet_gateway(VpcId=ids["vpc1"])
    ec2.create_vpc_endpoint(
        VpcId=ids["vpc1"], ServiceName=f"com.amazonaws.{REGION}.s3", RouteTableIds=[ids["rtb_private"]]
    )
    ec2.create_vpc_peering_connection(VpcId=ids["vpc1"], PeerVpcId=ids["vpc2"])

    ids["tgw"] = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=ids["tgw"], VpcId=ids["vpc2"], SubnetIds=[ids["vpc2_subnet"]]
    )
    ids["tgw_attachment"] = attachment["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    table = ec2.create_transit_gateway_route_table(TransitGatewayId=ids["tgw"])
    ids["tgw_rtb"] = table["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    ec2.associate_transit_gateway_route_table(
        TransitGatewayAttachmentId=ids["tgw_attachment"], TransitGatewayRouteTableId=ids["tgw_rtb"]
    )
    ec2.create_transit_gateway_route(
        DestinationCidrBlock="0.0.0.0/0",
        TransitGatewayRouteTableId=ids["tgw_rtb"],
        TransitGatewayAttachmentId=ids["tgw_attachment"],
    )
    ec2.create_transit_gateway_route(
        DestinationCidrBlock="10.9.0.0/16", TransitGatewayRouteTableId=ids["tgw_rtb"], Blackhole=True
    )
    return ids
