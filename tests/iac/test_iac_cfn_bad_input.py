"""CloudFormation that CloudFormation itself would refuse is exit 2 naming the resource or parameter
and its line, never a silent partial result; a value only known at deployment is ``unknown``."""

from __future__ import annotations

import pytest

# A VPC, one subnet and a group; SERVICE_CONFIG is the service's awsvpc configuration.
NETWORK = """
Parameters:
  Cidr:
    Type: String
    Default: 10.1.0.0/16
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: !Ref Cidr}
  Pub:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.1.1.0/24, AvailabilityZone: AZ}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: app, VpcId: !Ref Vpc}
"""
SERVICE = """
  Svc:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsvpcConfiguration: CONFIG
"""


@pytest.fixture
def run(tmp_path, monkeypatch, check_json):
    monkeypatch.chdir(tmp_path)  # messages name the file as given

    def go(text: str, *args: str, name: str = "app.yaml"):
        (tmp_path / name).write_text(text, encoding="utf-8")
        return check_json("--cloudformation", name, "--region", "eu-west-1", *args)

    return go


def _template(config: str | None = None, az: str = "eu-west-1a", extra: str = "") -> str:
    text = NETWORK.replace("AZ", az) + extra
    return text + SERVICE.replace("CONFIG", config) if config is not None else text


def test_a_logical_id_written_twice_is_refused_in_yaml_and_json(run):
    twice = _template() + "  Pub:\n    Type: AWS::EC2::Subnet\n    Properties: {VpcId: !Ref Vpc}\n"
    code, _, err = run(twice)
    assert code == 2 and "app.yaml:16: duplicate key 'Pub' (first at line 10)" in err, err
    text = '{"Resources": {\n"S": {"Type": "AWS::EC2::VPC"},\n"S": {"Type": "AWS::EC2::VPC"}}}'
    code, _, err = run(text, name="app.json")
    assert code == 2 and "app.json:3: duplicate key 'S' (first at line 2)" in err, err


def test_a_key_merged_in_may_be_overridden(run):
    merged = _template() + (
        "  Other:\n    <<: &shared {Type: AWS::EC2::SecurityGroup}\n    Type: AWS::EC2::SecurityGroup\n"
        "    Properties: {GroupDescription: other, VpcId: !Ref Vpc}\n"
    )
    code, _, err = run(merged)
    assert code in (0, 1), err


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("{Subnets: !Ref Pub, SecurityGroups: [!Ref Sg]}", "Subnets must be a list, found 'app/Pub'"),
        ("{Subnets: [!Ref Pub], SecurityGroups: !Ref Sg}", "SecurityGroups must be a list, found 'app/Sg'"),
        ("{Subnets: [[!Ref Pub]], SecurityGroups: [!Ref Sg]}", "Subnets must be a list of ids"),
        (
            "{Subnets: [!Ref Pub], AssignPublicIp: MAYBE}",
            "AssignPublicIp must be ENABLED or DISABLED, found 'MAYBE'",
        ),
        (
            "{Subnets: [!Ref Pub], AssignPublicIp: [1]}",
            "AssignPublicIp must be ENABLED or DISABLED, found [1]",
        ),
        ("!Ref Pub", "the awsvpc configuration must be a mapping"),
    ],
)
def test_a_task_network_value_of_the_wrong_shape_is_never_split_or_defaulted(run, config, message):
    code, _, err = run(_template(config))
    assert code == 2 and f"app/Svc (app.yaml:{_line(config)}): {message}" in err, err


def _line(config: str) -> int:
    return _template(config).splitlines().index("  Svc:") + 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "  Ep:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n"
            "      {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.s3, RouteTableIds: !Ref Pub}\n",
            "app/Ep (app.yaml:16): RouteTableIds must be a list, found 'app/Pub'",
        ),
        (
            "  Vpc2:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.2.0.0/16, EnableDnsSupport: maybe}\n",
            "app/Vpc2 (app.yaml:16): EnableDnsSupport must be true or false, found 'maybe'",
        ),
    ],
)
def test_a_resource_property_of_the_wrong_shape_is_bad_input(run, extra, message):
    code, _, err = run(_template(extra=extra))
    assert code == 2 and message in err, err


@pytest.mark.parametrize(
    ("az", "message"),
    [
        ('!Sub "${AWS::Bogus}a"', "Ref 'AWS::Bogus': no such pseudo parameter"),
        ("!Ref AWS::Bogus", "Ref 'AWS::Bogus': no such pseudo parameter"),
        ("!Select [0, !GetAZs 5]", "Fn::GetAZs takes a region name, found '5'"),
        ("!GetAtt Vpc.Nope", "Fn::GetAtt Vpc.Nope: an AWS::EC2::VPC has no attribute 'Nope'"),
    ],
)
def test_an_intrinsic_cloudformation_refuses_is_bad_input_not_unknown(run, az, message):
    code, _, err = run(_template(az=az))
    assert code == 2 and message in err, err


def test_a_custom_resource_attribute_is_still_unknown(run):
    lookup = "  Lookup:\n    Type: Custom::AzLookup\n    Properties: {ServiceToken: arn:aws:lambda:eu-west-1:1:function:x}\n"
    code, report, err = run(_template(az="!GetAtt Lookup.Zone", extra=lookup))
    assert code in (0, 1) and report is not None, err
    assert {t["verdict"] for t in report["targets"]} == {"unknown"}


def test_a_bad_parameter_value_names_the_parameter_not_a_generated_resource(run, tmp_path):
    code, _, err = run(_template().replace("10.1.0.0/16", "10.1.0.0/99"))
    assert code == 2, err
    assert "app/Vpc (app.yaml:7): CidrBlock (from parameter Cidr, app.yaml:3): '10.1.0.0/99'" in err
    assert "MainRouteTable" not in err and "--snapshot" not in err
    params = tmp_path / "params.json"
    params.write_text('[{"ParameterKey": "Cidr", "ParameterValue": 5}]')
    code, _, err = run(_template(), "--parameters", str(params))
    assert code == 2 and "params.json: parameter Cidr: ParameterValue must be a string, found 5" in err, err
    params.write_text('[{"ParameterKey": "Cidr", "ParameterValue": "10.1.0.0/33"}]')
    code, _, err = run(_template(), "--parameters", str(params))
    assert code == 2 and "CidrBlock (from parameter Cidr, app.yaml:3): '10.1.0.0/33'" in err, err


# A VPC with a public route; VPC_OF_* say where the subnet, its table and the attachment are.
DEPLOY_TIME = """
Resources:
  Lookup:
    Type: Custom::VpcLookup
    Properties: {ServiceToken: arn:aws:lambda:eu-west-1:123456789012:function:lookup}
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: VPC_OF_ATTACH, InternetGatewayId: !Ref Igw}
  Pub:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: VPC_OF_SUBNET, CidrBlock: 10.1.1.0/24, MapPublicIpOnLaunch: true}
  Rt:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: VPC_OF_TABLE}
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {RouteTableId: !Ref Rt, SubnetId: !Ref Pub}
  Out:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Rt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
"""


@pytest.mark.parametrize(
    ("where", "kind", "logical"),
    [("SUBNET", "Subnets", "Pub"), ("TABLE", "RouteTables", "Rt"), ("ATTACH", "InternetGateways", "Attach")],
)
def test_a_vpc_id_known_only_at_deployment_is_unknown_with_the_gap_named(run, where, kind, logical):
    text = DEPLOY_TIME
    for name in ("SUBNET", "TABLE", "ATTACH"):
        text = text.replace(f"VPC_OF_{name}", "!GetAtt Lookup.VpcId" if name == where else "!Ref Vpc")
    code, report, err = run(text)
    assert code in (0, 1) and report is not None, err
    (target,) = report["targets"]
    assert target["verdict"] == "unknown" and target["internet_egress"]["verdict"] == "unknown"
    reason = target["internet_egress"]["reason"]
    assert kind in reason and f"app/{logical}" in reason and "Lookup.VpcId" in reason
    rules = {f["rule_id"] for f in report["findings"]}
    assert not rules & {"GW001", "SG002"}
