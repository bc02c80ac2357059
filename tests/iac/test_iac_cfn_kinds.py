"""The rest of the CloudFormation network kinds, as DescribeX returns them."""

from __future__ import annotations

from iac.test_iac_cfn_network import VPC, by_id, region


def test_endpoints_prefix_lists_peering_and_egress_only_gateways(tmp_path):
    rd, _ = region(
        tmp_path,
        VPC
        + """
  Peer:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.2.0.0/16}
  Peering:
    Type: AWS::EC2::VPCPeeringConnection
    Properties: {VpcId: !Ref Vpc, PeerVpcId: !Ref Peer}
  RemotePeering:
    Type: AWS::EC2::VPCPeeringConnection
    Properties: {VpcId: !Ref Vpc, PeerVpcId: vpc-0remote, PeerOwnerId: "210987654321"}
  EcrApi:
    Type: AWS::EC2::VPCEndpoint
    Properties: {VpcId: !Ref Vpc, ServiceName: !Sub "com.amazonaws.${AWS::Region}.ecr.api", VpcEndpointType: Interface,
                 PrivateDnsEnabled: true, SubnetIds: [!Ref Subnet]}
  S3:
    Type: AWS::EC2::VPCEndpoint
    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.s3, RouteTableIds: [net/Vpc.MainRouteTable]}
  Corporate:
    Type: AWS::EC2::PrefixList
    Properties: {PrefixListName: corp, AddressFamily: IPv4, MaxEntries: 5, Entries: [{Cidr: 192.0.2.0/24}]}
  Eigw:
    Type: AWS::EC2::EgressOnlyInternetGateway
    Properties: {VpcId: !Ref Vpc}
""",
    )
    endpoints = by_id(rd, "VpcEndpoints")
    assert endpoints["net/EcrApi"]["ServiceName"] == "com.amazonaws.eu-west-1.ecr.api"
    assert endpoints["net/EcrApi"]["Groups"] == [
        {"GroupId": "net/Vpc.DefaultSecurityGroup"}
    ]  # no groups: the default
    assert (
        endpoints["net/EcrApi"]["SubnetIds"] == ["net/Subnet"]
        and endpoints["net/EcrApi"]["PrivateDnsEnabled"] is True
    )
    assert endpoints["net/S3"]["VpcEndpointType"] == "Gateway" and endpoints["net/S3"]["RouteTableIds"] == [
        "net/Vpc.MainRouteTable"
    ]
    assert by_id(rd, "ManagedPrefixLists")["net/Corporate"]["Entries"] == [
        {"Cidr": "192.0.2.0/24", "Description": ""}
    ]
    peerings = by_id(rd, "VpcPeeringConnections")
    assert peerings["net/Peering"]["Status"] == {"Code": "active"}
    assert peerings["net/Peering"]["AccepterVpcInfo"] == {"VpcId": "net/Peer", "CidrBlock": "10.2.0.0/16"}
    assert peerings["net/RemotePeering"]["Status"] == {
        "Code": "pending-acceptance"
    }  # another account must accept
    assert by_id(rd, "EgressOnlyInternetGateways")["net/Eigw"]["Attachments"] == [
        {"State": "attached", "VpcId": "net/Vpc"}
    ]


def test_secondary_cidr_gives_every_table_its_local_route(tmp_path):
    rd, _ = region(
        tmp_path,
        VPC
        + """
  Secondary:
    Type: AWS::EC2::VPCCidrBlock
    Properties: {VpcId: !Ref Vpc, CidrBlock: 100.64.0.0/16}
  Table:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
""",
    )
    for table_id in ("net/Table", "net/Vpc.MainRouteTable"):
        local = [
            r["DestinationCidrBlock"]
            for r in by_id(rd, "RouteTables")[table_id]["Routes"]
            if r["GatewayId"] == "local"
        ]
        assert local == ["10.1.0.0/16", "100.64.0.0/16"]


def test_amazon_provided_ipv6_is_unknown_until_deployed(tmp_path):
    rd, _ = region(
        tmp_path,
        VPC
        + """
  V6:
    Type: AWS::EC2::VPCCidrBlock
    Properties: {VpcId: !Ref Vpc, AmazonProvidedIpv6CidrBlock: true}
""",
    )
    assert "AWS picks the IPv6 block at deployment" in rd.errors["Vpcs"]


def test_gateway_route_table_and_main_table_replacement(tmp_path):
    rd, _ = region(
        tmp_path,
        VPC
        + """
  Igw: {Type: AWS::EC2::InternetGateway}
  Edge:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  EdgeAssoc:
    Type: AWS::EC2::GatewayRouteTableAssociation
    Properties: {RouteTableId: !Ref Edge, GatewayId: !Ref Igw}
  Private:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  First:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {RouteTableId: !Ref Edge, SubnetId: !Ref Subnet}
  Second:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {RouteTableId: !Ref Private, SubnetId: !Ref Subnet}
""",
    )
    tables = by_id(rd, "RouteTables")
    assert [a.get("GatewayId") for a in tables["net/Edge"]["Associations"]] == ["net/Igw"]
    # a subnet has one route table: the later association replaces the earlier, as in AWS
    assert [a.get("SubnetId") for a in tables["net/Private"]["Associations"]] == ["net/Subnet"]


def test_a_subnet_in_a_secondary_block_loads_and_one_ipam_allocates_leaves_it_unchecked(tmp_path):
    # Loading refuses a subnet outside its VPC's blocks: the template's secondary blocks count,
    # and a block IPAM allocates at deployment is not known, so the subnet in it is not refused.
    for block in ("CidrBlock: 100.64.0.0/16", "Ipv4IpamPoolId: ipam-pool-0123, Ipv4NetmaskLength: 16"):
        rd, _ = region(
            tmp_path,
            VPC
            + f"""
  Secondary:
    Type: AWS::EC2::VPCCidrBlock
    Properties: {{VpcId: !Ref Vpc, {block}}}
  Pods:
    Type: AWS::EC2::Subnet
    Properties: {{VpcId: !Ref Vpc, CidrBlock: 100.64.1.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}}
""",
        )
        assert "net/Pods" in by_id(rd, "Subnets")
