"""Intrinsic functions evaluated as CloudFormation evaluates them at deploy time."""

from __future__ import annotations

import ipaddress

import pytest

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.iac.cfn_intrinsics import Context, Evaluator, cidr
from fargate_netcheck.targets.iac.cfn_parameters import parameter_values, parse_parameters
from fargate_netcheck.targets.iac.cfn_template import Template
from fargate_netcheck.targets.iac.values import Unknown
from fargate_netcheck.targets.yaml_lines import LocatedDict


def evaluator(body: dict, params: dict | None = None, ctx: Context | None = None) -> Evaluator:
    body.setdefault(
        "Resources", {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}}
    )
    t = Template(path=None, shown="t.yaml", stack="app", body=LocatedDict(body))  # type: ignore[arg-type]
    ctx = ctx or Context(region="eu-west-1", account="123456789012", azs=("eu-west-1a", "eu-west-1b"))
    return Evaluator(t, ctx, parameter_values(t, params or {}), lambda lid, attr: f"{lid}.{attr}")


def test_cidr_matches_the_aws_documented_examples():
    # AWS's Fn::Cidr page: six /27 blocks of 192.168.0.0/24, and IPv6 /64s of a /56.
    assert cidr("192.168.0.0/24", 6, 5) == [f"192.168.0.{i * 32}/27" for i in range(6)]
    assert cidr("2001:db8:1234:1a00::/56", 2, 64) == ["2001:db8:1234:1a00::/64", "2001:db8:1234:1a01::/64"]
    blocks = cidr("10.0.0.0/16", 256, 8)
    assert blocks[-1] == "10.0.255.0/24" and len(set(blocks)) == 256
    assert all(ipaddress.ip_network(b).subnet_of(ipaddress.ip_network("10.0.0.0/16")) for b in blocks)


@pytest.mark.parametrize(("args", "message"), [(("10.0.0.0/24", 9, 5), "holds only 8"), (("10.0.0.0/24", 1, 9), "cannot cut"),
                                               (("nope", 1, 4), "not a CIDR")])  # fmt: skip
def test_cidr_that_aws_refuses_is_an_input_error(args, message):
    with pytest.raises(InputError, match=message):
        cidr(*args)


def test_ref_getatt_and_pseudo_parameters():
    ev = evaluator({"Parameters": {"Env": {"Type": "String", "Default": "prod"}}})
    assert ev.value({"Ref": "Vpc"}) == "app/Vpc"
    assert ev.value({"Ref": "Env"}) == "prod"
    assert ev.value({"Fn::GetAtt": "Vpc.CidrBlock"}) == "Vpc.CidrBlock"
    assert ev.value({"Ref": "AWS::Region"}) == "eu-west-1"
    assert ev.value({"Ref": "AWS::StackName"}) == "app"
    assert ev.value({"Ref": "AWS::Partition"}) == "aws"
    assert isinstance(ev.value({"Ref": "AWS::StackId"}), Unknown)


def test_sub_join_split_select():
    ev = evaluator({"Parameters": {"Env": {"Type": "String", "Default": "prod"}}})
    assert ev.value({"Fn::Sub": "${Env}-${AWS::Region}-${!Literal}"}) == "prod-eu-west-1-${Literal}"
    assert ev.value({"Fn::Sub": ["${A}/${Vpc}", {"A": "x"}]}) == "x/app/Vpc"
    assert ev.value({"Fn::Join": [",", ["a", {"Ref": "Env"}]]}) == "a,prod"
    assert ev.value({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}) == "b"
    assert ev.value({"Fn::Select": [1, {"Fn::GetAZs": ""}]}) == "eu-west-1b"


def test_conditions_if_and_novalue():
    ev = evaluator({
        "Parameters": {"Env": {"Type": "String", "Default": "staging"}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                       "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
                       "Both": {"Fn::And": [{"Condition": "NotProd"}, {"Fn::Or": [{"Condition": "IsProd"}, True]}]}},
    })  # fmt: skip
    assert ev.value({"Fn::If": ["IsProd", "a", "b"]}) == "b"
    assert ev.condition("Both") is True
    assert ev.value({"X": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}, "Y": 2}) == {"Y": 2}
    assert ev.value([1, {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}]) == [1]


def test_find_in_map_with_and_without_default():
    ev = evaluator({"Mappings": {"Bits": {"prod": {"Size": 8}}}})
    assert ev.value({"Fn::FindInMap": ["Bits", "prod", "Size"]}) == 8
    assert ev.value({"Fn::FindInMap": ["Bits", "dev", "Size", {"DefaultValue": 6}]}) == 6
    with pytest.raises(InputError, match=r"FindInMap \[Bits, dev, Size\]"):
        ev.value({"Fn::FindInMap": ["Bits", "dev", "Size"]})


def test_import_nobody_exports_is_unknown_and_named():
    value = evaluator({}).value({"Fn::ImportValue": "net-VpcId"})
    assert (
        isinstance(value, Unknown)
        and "net-VpcId" in value.reason
        and "no template given exports it" in value.reason
    )


def test_import_reads_the_export():
    ctx = Context(region="eu-west-1", account="1", azs=("a", "b"), exports={"net-VpcId": lambda: "net/Vpc"})
    assert evaluator({}, ctx=ctx).value({"Fn::ImportValue": {"Fn::Sub": "net-VpcId"}}) == "net/Vpc"


def test_unknown_propagates_through_functions():
    ev = evaluator({"Parameters": {"Ami": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/x"}}})
    assert isinstance(ev.value({"Fn::Join": ["-", ["a", {"Ref": "Ami"}]]}), Unknown)
    assert isinstance(ev.value({"Fn::Sub": "${Ami}"}), Unknown)
    assert "SSM parameter /x" in ev.value({"Ref": "Ami"}).reason


def test_required_parameter_without_a_value_names_it():
    with pytest.raises(
        InputError, match=r"parameter VpcId .* has no value and no Default: pass --parameter VpcId=VALUE"
    ):
        evaluator({"Parameters": {"VpcId": {"Type": "AWS::EC2::VPC::Id"}}})


def test_list_parameters_split_and_allowed_values_are_checked():
    ev = evaluator(
        {"Parameters": {"Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}}}, {"Subnets": "subnet-1, subnet-2"}
    )
    assert ev.value({"Ref": "Subnets"}) == ["subnet-1", "subnet-2"]
    with pytest.raises(InputError, match="not one of its AllowedValues"):
        evaluator({"Parameters": {"E": {"Type": "String", "AllowedValues": ["a"]}}}, {"E": "b"})


def test_parameters_file_formats(tmp_path):
    listed = tmp_path / "p.json"
    listed.write_text('[{"ParameterKey": "A", "ParameterValue": "1"}, "B=2"]')
    assert parse_parameters(["B=3"], [listed]) == {"A": "1", "B": "3"}
    pipeline = tmp_path / "c.json"
    pipeline.write_text('{"Parameters": {"A": "x"}}')
    assert parse_parameters([], [pipeline]) == {"A": "x"}
    previous = tmp_path / "u.json"
    previous.write_text('[{"ParameterKey": "A", "UsePreviousValue": true}]')
    with pytest.raises(InputError, match="UsePreviousValue needs the deployed stack"):
        parse_parameters([], [previous])
    with pytest.raises(InputError, match="expected KEY=VALUE"):
        parse_parameters(["novalue"], [])


@pytest.mark.parametrize(
    "args",
    [
        [-1, ["a", "b"]],  # Python would count from the end; CloudFormation refuses the template
        [2, ["a", "b"]],
        [0, "ab"],  # a text is not a list: Python would pick its first character
        [True, ["a", "b"]],
        ["1.5", ["a", "b"]],
        [0, {"a": 1}],
    ],
)
def test_fn_select_as_cloudformation_refuses_it_is_an_input_error(args):
    with pytest.raises(InputError, match="Fn::Select index"):
        evaluator({}).value({"Fn::Select": args})


def test_fn_select_takes_an_index_written_as_text():
    assert evaluator({}).value({"Fn::Select": ["1", ["a", "b"]]}) == "b"
