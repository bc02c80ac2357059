"""Loading templates: YAML short forms as their long forms, JSON with lines, bad files refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.iac.cfn_template import default_stack_name, load_template


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_short_forms_load_as_long_forms(tmp_path):
    path = write(
        tmp_path,
        "t.yaml",
        """
Resources:
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]
      AvailabilityZone: !Select [0, !GetAZs ""]
      Tags: [{Key: Name, Value: !Sub "${AWS::StackName}-a"}]
      MapPublicIpOnLaunch: !If [IsPublic, true, !Ref AWS::NoValue]
""",
    )
    props = load_template(path).body["Resources"]["Subnet"]["Properties"]
    assert props["VpcId"] == {"Ref": "Vpc"}
    assert props["CidrBlock"] == {
        "Fn::Select": [0, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 2, 8]}]
    }
    assert props["AvailabilityZone"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert props["Tags"][0]["Value"] == {"Fn::Sub": "${AWS::StackName}-a"}
    assert props["MapPublicIpOnLaunch"] == {"Fn::If": ["IsPublic", True, {"Ref": "AWS::NoValue"}]}


def test_yaml_resources_keep_their_lines(tmp_path):
    path = write(
        tmp_path, "t.yaml", "Resources:\n  A:\n    Type: AWS::EC2::VPC\n\n  B:\n    Type: AWS::EC2::VPC\n"
    )
    t = load_template(path)
    assert t.location("B", t.body["Resources"]).line == 5
    assert t.where("A", t.body["Resources"]) == f"{path}:2"


def test_json_resources_keep_their_lines(tmp_path):
    body = {"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}, "Igw": {"Type": "AWS::EC2::InternetGateway"}}}
    path = write(tmp_path, "App.template.json", json.dumps(body, indent=1))
    t = load_template(path)
    assert t.stack == "App"
    assert [t.location(k, t.body["Resources"]).line for k in ("Vpc", "Igw")] == [3, 6]
    assert t.body == body  # values exactly as json reads them


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"Resources": {"A": {"Type": "x"},}}', "t.json:1: Expecting property name"),
        ('{"Resources": {}}', "no Resources"),
        ("[1, 2]", "a CloudFormation template is a mapping"),
        ("Resources:\n  A: [unclosed\n", "t.json:"),
        ('{"Resources": {"A": 1}} trailing', "Extra data"),
        ('{"Resources": {"A": [1 2]}}', "t.json:1: Expecting ',' delimiter"),
        ('{"Resources": {"A": [1,\n 2,]}}', "t.json:2: "),
        ('{"Resources": {"A": [}}', "t.json:1: Expecting value"),
    ],
)
def test_bad_templates_are_one_line_input_errors(tmp_path, text, message):
    with pytest.raises(InputError, match=message.replace("[", r"\[")):
        load_template(write(tmp_path, "t.json", text))


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"nope\.yaml: file not found"):
        load_template(tmp_path / "nope.yaml")


def test_stack_name_from_the_file(tmp_path):
    assert default_stack_name(tmp_path / "cdk.out" / "NetcheckService.template.json") == "NetcheckService"
    assert default_stack_name(tmp_path / "network.yaml") == "network"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_loads_or_is_an_input_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "t.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_template(path)
    except InputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=4), max_leaves=20))  # fmt: skip
def test_any_json_document_loads_as_json_reads_it(tmp_path_factory, value):
    path = tmp_path_factory.mktemp("fuzz") / "t.json"
    path.write_text(json.dumps({"Resources": {"X": value}}), encoding="utf-8")
    assert load_template(path).body == {"Resources": {"X": value}}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='{}[],:" \n\tab1-.eE', max_size=40))
def test_any_json_text_loads_as_json_reads_it_or_is_an_input_error(tmp_path_factory, text):
    """The located decoder accepts what ``json`` accepts, with the same values, and nothing else."""
    path = tmp_path_factory.mktemp("fuzz") / "t.json"
    path.write_text('{"Resources": {"X": ' + text, encoding="utf-8")
    try:
        expected = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        expected = None
    try:
        body = load_template(path).body
    except InputError as exc:
        assert "\n" not in str(exc)
        resources = None if expected is None else expected.get("Resources")
        assert not (isinstance(resources, dict) and resources)  # json refused it, or it is no template
    else:
        assert body == expected


_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-3, 300)
    | st.sampled_from(["", "a", "Vpc", "10.0.0.0/16", "0.0.0.0/0", "true", "x,y"])
)
_FUNCTION = st.sampled_from(["Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::GetAZs", "Fn::Cidr",
                             "Fn::If", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::FindInMap", "Fn::ImportValue",
                             "Fn::Length", "Fn::Base64", "Fn::ToJsonString", "Condition"])  # fmt: skip
_VALUE = st.recursive(
    _LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.builds(lambda f, a: {f: a}, _FUNCTION, inner)
    | st.dictionaries(st.sampled_from(["CidrBlock", "VpcId", "SubnetId", "GroupId", "Tags", "SecurityGroupEgress"]), inner, max_size=3),
    max_leaves=12,
)  # fmt: skip
_TYPES = st.sampled_from(["AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::Route", "AWS::EC2::SecurityGroup",
                          "AWS::EC2::NetworkAclEntry", "AWS::EC2::NatGateway", "AWS::ECS::Service", "AWS::Events::Rule"])  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["Vpc", "Subnet", "Other"]),
                       st.fixed_dictionaries({"Type": _TYPES, "Properties": st.dictionaries(
                           st.sampled_from(["CidrBlock", "VpcId", "SubnetId", "GroupId", "RouteTableId", "NatGatewayId",
                                            "DestinationCidrBlock", "SecurityGroupEgress", "Tags", "NetworkConfiguration",
                                            "Targets", "RuleNumber", "Protocol"]), _VALUE, max_size=5)}),
                       min_size=1))  # fmt: skip
def test_any_template_builds_or_is_an_input_error(tmp_path_factory, resources):
    from fargate_netcheck.targets.iac.command import IacOptions, build_iac_snapshot

    path = tmp_path_factory.mktemp("fuzz") / "t.json"
    path.write_text(json.dumps({"Resources": resources}), encoding="utf-8")
    try:
        build_iac_snapshot(IacOptions(templates=(path,)), lambda: None)
    except InputError as exc:
        assert "\n" not in str(exc)
