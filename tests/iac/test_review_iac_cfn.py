"""CloudFormation evaluated as CloudFormation deploys it: YAML scalars as parameter text,
``AWS::NoValue`` in network properties, ``Fn::If`` around a task's network configuration, task
sets, a security group's default egress, attributes of custom resources and nested stacks."""

from __future__ import annotations

import pytest
from iac.cfn_pieces import DEFAULT_ROUTE, NETWORK, OPEN_GROUP, SERVICE


def _verdicts(report: dict) -> set[tuple[str, str, bool]]:
    return {(t["source"], t["internet_egress"]["verdict"], t["assign_public_ip"]) for t in report["targets"]}


def test_yaml_boolean_parameter_default_is_cloudformation_text_not_python_text(check_template):
    # CloudFormation passes YAML's `true` as "true": the condition holds and the task stays private.
    # Read as Python's "True" it did not, and the task was given a public IP: a wrong "reachable".
    text = (
        "Parameters:\n  Private: {Type: String, Default: true, AllowedValues: [true, false]}\n"
        "Conditions:\n  IsPrivate: !Equals [!Ref Private, true]\n"
        + NETWORK
        + DEFAULT_ROUTE
        + OPEN_GROUP
        + SERVICE.replace("AssignPublicIp: ENABLED", "AssignPublicIp: !If [IsPrivate, DISABLED, ENABLED]")
    )
    code, report, _ = check_template(text)
    assert code == 1
    assert _verdicts(report) == {("cloudformation:app/Service", "unreachable", False)}
    # ...and a value given as text is one of its AllowedValues (YAML's false, CloudFormation's "false")
    code, report, err = check_template(text, "--parameter", "Private=false")
    assert code == 0, err
    assert _verdicts(report) == {("cloudformation:app/Service", "reachable", True)}


def test_network_configuration_behind_fn_if_is_still_the_services_network(check_template):
    # The service's group allows only port 80 out. With its NetworkConfiguration inside an Fn::If
    # the service was not seen at all, and every subnet was audited without a group: "reachable".
    text = (
        "Conditions:\n  Always: !Equals [a, a]\n"
        + NETWORK
        + DEFAULT_ROUTE
        + """
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}]
  Service:
    Type: AWS::ECS::Service
    Properties:
      NetworkConfiguration: !If
        - Always
        - AwsvpcConfiguration: {AssignPublicIp: ENABLED, Subnets: [!Ref Subnet], SecurityGroups: [!Ref Sg]}
        - !Ref AWS::NoValue
"""
    )
    code, report, _ = check_template(text)
    assert code == 1
    assert _verdicts(report) == {("cloudformation:app/Service", "unreachable", True)}
    assert report["targets"][0]["internet_egress"]["blocked_at"] == "app/Sg"


def test_ecs_task_set_is_a_target(check_template):
    # A task set (external deployment controller) runs tasks with its own AwsVpcConfiguration:
    # here without a public IP behind an internet gateway. It was not checked at all.
    text = (
        NETWORK
        + DEFAULT_ROUTE
        + OPEN_GROUP
        + """
  TaskSet:
    Type: AWS::ECS::TaskSet
    Properties:
      Cluster: main
      Service: app
      TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/app:1
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsVpcConfiguration: {Subnets: [!Ref Subnet], SecurityGroups: [!Ref Sg]}
"""
    )
    code, report, _ = check_template(text)
    assert code == 1
    assert _verdicts(report) == {("cloudformation:app/TaskSet", "unreachable", False)}


@pytest.mark.parametrize(
    "egress",
    ["SecurityGroupEgress: []", "SecurityGroupEgress: !If [Locked, [{IpProtocol: tcp, FromPort: 80, "
     "ToPort: 80, CidrIp: 10.0.0.0/8}], !Ref AWS::NoValue]"],
    ids=["empty-list", "no-value"],
)  # fmt: skip
def test_a_group_created_without_egress_rules_gets_awss_all_out(check_template, egress):
    # AWS: "if you do not add egress rules, we add egress rules that allow all outbound traffic".
    # An empty list declared none (was: no egress at all); AWS::NoValue removes the property (was:
    # an error about the property's shape).
    text = (
        "Conditions:\n  Locked: !Equals [a, b]\n"
        + NETWORK
        + DEFAULT_ROUTE
        + OPEN_GROUP.replace("VpcId: !Ref Vpc}", "VpcId: !Ref Vpc, " + egress + "}")
        + SERVICE
    )
    code, report, err = check_template(text)
    assert code == 0, err
    assert _verdicts(report) == {("cloudformation:app/Service", "reachable", True)}


def test_route_target_chosen_with_fn_if_and_no_value(check_template):
    # The common "GatewayId or NatGatewayId" switch: the removed property is no target at all.
    text = (
        "Conditions:\n  Public: !Equals [a, a]\n"
        + NETWORK
        + """
  Default:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Rt
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !If [Public, !Ref Igw, !Ref AWS::NoValue]
      NatGatewayId: !If [Public, !Ref AWS::NoValue, nat-0123456789abcdef0]
"""
        + OPEN_GROUP
        + SERVICE
    )
    code, report, err = check_template(text)
    assert code == 0, err
    assert _verdicts(report) == {("cloudformation:app/Service", "reachable", True)}


def test_acl_deny_entry_with_a_removed_property_still_denies(check_template):
    # An IPv4-or-IPv6 entry written with Fn::If: the removed CIDR is absent, the entry still counts.
    text = (
        "Conditions:\n  V6: !Equals [a, b]\n"
        + NETWORK
        + DEFAULT_ROUTE
        + """
  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref Vpc}
  DenyOut:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 50
      Protocol: -1
      RuleAction: deny
      Egress: true
      CidrBlock: !If [V6, !Ref AWS::NoValue, 0.0.0.0/0]
      Ipv6CidrBlock: !If [V6, "::/0", !Ref AWS::NoValue]
  AllowAll:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: -1, RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0}
  AllowIn:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: -1, RuleAction: allow, Egress: false, CidrBlock: 0.0.0.0/0}
  AclUse:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: {NetworkAclId: !Ref Acl, SubnetId: !Ref Subnet}
"""
        + OPEN_GROUP
        + SERVICE
    )
    code, report, err = check_template(text)
    assert code == 1, err
    assert _verdicts(report) == {("cloudformation:app/Service", "unreachable", True)}
    assert report["targets"][0]["internet_egress"]["blocked_at"] == "app/Acl"


@pytest.mark.parametrize(
    ("resource", "attribute"),
    [("Type: Custom::SubnetLookup\n    Properties: {ServiceToken: arn:aws:lambda:us-east-1:1:function:f}", "SubnetId"),
     ("Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: https://example.com/net.yaml}", "Outputs.SubnetId")],
    ids=["custom-resource", "nested-stack"],
)  # fmt: skip
def test_what_a_custom_resource_or_nested_stack_returns_is_unknown_not_its_own_id(
    check_template, resource, attribute
):
    # Fn::GetAtt Lookup.SubnetId was the resource's own id ("app/Lookup"), checked as a subnet id.
    text = (
        NETWORK
        + DEFAULT_ROUTE
        + OPEN_GROUP
        + SERVICE.replace("[!Ref Subnet]", f"[!GetAtt Lookup.{attribute}]")
        + f"  Lookup:\n    {resource}\n"
    )
    code, report, _ = check_template(text)
    assert code == 2
    messages = " ".join(f["message"] for f in report["findings"])
    assert f"app/Lookup.{attribute} is what the" in messages
    assert "app/Lookup not created by the code" not in messages


def test_a_regional_nat_gateway_in_the_code_is_unknown_as_in_a_snapshot(check_template):
    text = (
        NETWORK
        + OPEN_GROUP
        + """
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {AvailabilityMode: regional, VpcId: !Ref Vpc}
  ToNat:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Rt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
"""
        + SERVICE.replace("AssignPublicIp: ENABLED", "AssignPublicIp: DISABLED")
    )
    code, report, _ = check_template(text)
    (target,) = report["targets"]
    egress = target["internet_egress"]
    assert (code, egress["verdict"]) == (1, "unknown")
    assert [c["check"] for c in egress["checks"] if c["status"] == "unknown"] == ["nat.regional"]
