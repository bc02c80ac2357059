"""CloudFormation resources as the snapshot items AWS would describe, and their verdicts."""

from __future__ import annotations

import pytest

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.iac.command import IacOptions, build_iac_snapshot

VPC = """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.1.1.0/24, AvailabilityZone: !Select [0, !GetAZs ""]}
"""


def region(tmp_path, text: str, **options):
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    result = build_iac_snapshot(IacOptions(templates=(path,), region="eu-west-1", **options), lambda: None)
    return result.snapshot.regions[0], result


def by_id(rd, kind):
    from fargate_netcheck.snapshot.schema import ID_FIELDS

    return {item[ID_FIELDS[kind]]: item for item in rd.items[kind]}


def test_a_vpc_comes_with_what_aws_creates(tmp_path):
    rd, _ = region(tmp_path, VPC)
    main = by_id(rd, "RouteTables")["net/Vpc.MainRouteTable"]
    assert main["Associations"][0]["Main"] is True
    assert main["Routes"] == [
        {
            "DestinationCidrBlock": "10.1.0.0/16",
            "GatewayId": "local",
            "State": "active",
            "Origin": "CreateRouteTable",
        }
    ]
    acl = by_id(rd, "NetworkAcls")["net/Vpc.DefaultNetworkAcl"]
    assert acl["IsDefault"] is True
    assert sorted((e["RuleNumber"], e["RuleAction"], e["Egress"]) for e in acl["Entries"]) == [
        (100, "allow", False), (100, "allow", True), (32767, "deny", False), (32767, "deny", True)]  # fmt: skip
    sg = by_id(rd, "SecurityGroups")["net/Vpc.DefaultSecurityGroup"]
    assert sg["GroupName"] == "default"
    assert sg["IpPermissionsEgress"] == [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    assert sg["IpPermissions"][0]["UserIdGroupPairs"] == [{"GroupId": "net/Vpc.DefaultSecurityGroup"}]
    subnet = by_id(rd, "Subnets")["net/Subnet"]
    assert subnet["AvailabilityZone"] == "eu-west-1a" and subnet["AvailableIpAddressCount"] == 251


def test_custom_acl_denies_until_entries_allow(tmp_path):
    rd, _ = region(
        tmp_path,
        VPC
        + """
  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref Vpc}
  AclOut:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: 6, RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0, PortRange: {From: 443, To: 443}}
  AclUse:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: {NetworkAclId: !Ref Acl, SubnetId: !Ref Subnet}
""",
    )
    acl = by_id(rd, "NetworkAcls")["net/Acl"]
    assert acl["Associations"][0]["SubnetId"] == "net/Subnet"
    assert [(e["RuleNumber"], e["RuleAction"], e["Egress"], e.get("PortRange")) for e in acl["Entries"]] == [
        (100, "allow", True, {"From": 443, "To": 443}), (32767, "deny", True, None), (32767, "deny", False, None)]  # fmt: skip


def test_security_group_egress_default_and_declared(tmp_path):
    rd, _ = region(
        tmp_path,
        VPC
        + """
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: open, VpcId: !Ref Vpc}
  Narrow:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: narrow
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/8}]
  NarrowMore:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: {GroupId: !GetAtt Narrow.GroupId, IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationPrefixListId: pl-123}
""",
    )
    groups = by_id(rd, "SecurityGroups")
    assert groups["net/Open"]["IpPermissionsEgress"] == [
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ]
    narrow = groups["net/Narrow"]["IpPermissionsEgress"]
    assert [(p["IpProtocol"], p["FromPort"]) for p in narrow] == [("tcp", 5432), ("tcp", 443)]
    assert narrow[1]["PrefixListIds"] == [{"PrefixListId": "pl-123"}]


def test_a_gateway_id_without_an_aws_prefix_keeps_its_kind(tmp_path, check_json):
    path = tmp_path / "pub.yaml"
    path.write_text(
        VPC
        + """
  Igw: {Type: AWS::EC2::InternetGateway}
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}
  Default:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !GetAtt Vpc.MainRouteTable, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
""".replace("!GetAtt Vpc.MainRouteTable", "net/Vpc.MainRouteTable")
    )
    path.rename(tmp_path / "net.yaml")
    code, report, _ = check_json(
        "--cloudformation", str(tmp_path / "net.yaml"), "--subnet", "Subnet", "--assign-public-ip"
    )
    assert code == 0
    target = report["targets"][0]
    assert target["subnet_id"] == "net/Subnet"
    assert target["internet_egress"]["verdict"] == "reachable"
    assert target["internet_egress"]["path"][-1] == "net/Igw"


def test_unknown_route_target_is_unknown_never_reachable(tmp_path, check_json):
    path = tmp_path / "net.yaml"
    path.write_text(
        VPC
        + """
  Route:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: net/Vpc.MainRouteTable, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !ImportValue shared-nat}
"""
    )
    code, report, _ = check_json("--cloudformation", str(path))
    egress = report["targets"][0]["internet_egress"]
    assert egress["verdict"] == "unknown"
    assert (
        "net/Route" in egress["reason"]
        and "shared-nat" in egress["reason"]
        and "no template given exports it" in egress["reason"]
    )
    assert code == 1


def test_conditions_drop_resources(tmp_path):
    rd, _ = region(
        tmp_path,
        """
Parameters:
  WithSubnet: {Type: String, Default: "no"}
Conditions:
  WantSubnet: !Equals [!Ref WithSubnet, "yes"]
"""
        + VPC.replace("  Subnet:\n    Type", "  Subnet:\n    Condition: WantSubnet\n    Type"),
    )
    assert rd.items["Subnets"] == []


def test_bad_references_are_input_errors_naming_the_file(tmp_path):
    with pytest.raises(InputError, match="Ref 'Nope': no such parameter or resource"):
        region(tmp_path, VPC + "  X:\n    Type: AWS::EC2::RouteTable\n    Properties: {VpcId: !Ref Nope}\n")
    with pytest.raises(InputError, match=r"net\.yaml:4: resource Y has no Type"):
        region(tmp_path, "Resources:\n  A:\n    Type: AWS::EC2::VPC\n  Y: {}\n")


def test_a_task_property_of_the_wrong_shape_names_the_resource_and_its_line(tmp_path):
    service = (
        "  Svc:\n    Type: AWS::ECS::Service\n    Properties:\n      NetworkConfiguration:\n"
        "        AwsvpcConfiguration: {Subnets: 5}\n"
    )
    with pytest.raises(InputError, match=r"net/Svc \(.*net\.yaml:\d+\): Subnets must be a list"):
        region(tmp_path, VPC + service)


def test_an_id_the_code_does_not_create_asks_for_a_snapshot(tmp_path):
    with pytest.raises(InputError, match=r"vpc-123 is not in Vpcs .*pass --snapshot"):
        region(
            tmp_path, "Resources:\n  R:\n    Type: AWS::EC2::RouteTable\n    Properties: {VpcId: vpc-123}\n"
        )
