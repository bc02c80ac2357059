"""What deployment decides, never guessed from the code: a Terraform value chosen by a condition
the plan does not record (``terraform.workspace == "prod" ? [locked] : [open]`` is not both groups),
a CloudFormation macro or ``Fn::ForEach`` loop that rewrites the template at deployment, and
dynamic references (``{{resolve:ssm:...}}``) that CloudFormation reads at deployment."""

from __future__ import annotations

import pytest
from iac.cfn_pieces import DEFAULT_ROUTE, OPEN_GROUP, SERVICE
from iac.cfn_pieces import NETWORK as CFN_NETWORK
from iac.plans import PlanBuilder, const, ref

_ALL_OUT = {"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"],
            "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [], "self": False}  # fmt: skip


def _vpc(b: PlanBuilder) -> None:
    """A VPC whose subnet routes the internet to an attached gateway; an open and a locked group."""
    vpc = ref("aws_vpc.main.id", "aws_vpc.main")
    b.resource("aws_vpc.main", {"cidr_block": "10.0.0.0/16"}, unknown={"id": True})
    b.configure("", "aws_vpc.main", {"cidr_block": const("10.0.0.0/16")})
    b.resource("aws_internet_gateway.gw", {}, unknown={"id": True, "vpc_id": True})
    b.configure("", "aws_internet_gateway.gw", {"vpc_id": vpc})
    b.resource("aws_subnet.a", {"cidr_block": "10.0.1.0/24"}, unknown={"id": True, "vpc_id": True})
    b.configure("", "aws_subnet.a", {"vpc_id": vpc})
    b.resource("aws_route_table.rt", {}, unknown={"id": True, "vpc_id": True})
    b.configure("", "aws_route_table.rt", {"vpc_id": vpc})
    table = ref("aws_route_table.rt.id", "aws_route_table.rt")
    b.resource("aws_route.inet", {"destination_cidr_block": "0.0.0.0/0"},
               unknown={"id": True, "route_table_id": True, "gateway_id": True})  # fmt: skip
    b.configure("", "aws_route.inet", {"route_table_id": table, "destination_cidr_block": const("0.0.0.0/0"),
                                       "gateway_id": ref("aws_internet_gateway.gw.id", "aws_internet_gateway.gw")})  # fmt: skip
    b.resource(
        "aws_route_table_association.a", {}, unknown={"id": True, "route_table_id": True, "subnet_id": True}
    )
    b.configure("", "aws_route_table_association.a",
                {"route_table_id": table, "subnet_id": ref("aws_subnet.a.id", "aws_subnet.a")})  # fmt: skip
    b.resource("aws_security_group.open", {"name": "open", "egress": [_ALL_OUT], "ingress": []},
               unknown={"id": True, "vpc_id": True})  # fmt: skip
    b.configure("", "aws_security_group.open", {"vpc_id": vpc, "egress": [{"protocol": const("-1")}]})
    b.resource("aws_security_group.locked", {"name": "locked", "ingress": []},
               unknown={"id": True, "vpc_id": True, "egress": True})  # fmt: skip
    b.configure("", "aws_security_group.locked", {"vpc_id": vpc})


def _service(b: PlanBuilder, groups: dict) -> None:
    config = [{"assign_public_ip": True, "subnets": [None], "security_groups": [None]}]
    b.resource("aws_ecs_service.app", {"name": "app", "network_configuration": config},
               unknown={"id": True, "network_configuration": [{"subnets": True, "security_groups": True}]})  # fmt: skip
    b.configure("", "aws_ecs_service.app", {"network_configuration": [
        {"assign_public_ip": const(True), "subnets": ref("aws_subnet.a.id", "aws_subnet.a"), "security_groups": groups}
    ]})  # fmt: skip


def _check_plan(tmp_path, check_json, groups: dict):
    b = PlanBuilder()
    _vpc(b)
    _service(b, groups)
    plan = tmp_path / "plan.json"
    plan.write_text(b.to_json())
    return check_json("--terraform-plan", str(plan))


def test_groups_chosen_by_the_workspace_are_not_both_groups(tmp_path, check_json):
    # security_groups = terraform.workspace == "prod" ? [aws_security_group.locked.id] : [aws_security_group.open.id]
    # Was: the union of both, so the open group's egress made the task "reachable".
    chosen = ref("terraform.workspace", "aws_security_group.locked.id", "aws_security_group.locked",
                 "aws_security_group.open.id", "aws_security_group.open")  # fmt: skip
    _, report, err = _check_plan(tmp_path, check_json, chosen)
    verdicts = [t["internet_egress"]["verdict"] for t in (report or {}).get("targets", [])]
    assert "reachable" not in verdicts, verdicts
    messages = " ".join(f["message"] for f in (report or {}).get("findings", [])) + err
    assert "chosen by terraform.workspace" in messages


def test_groups_listed_together_are_still_their_union(tmp_path, check_json):
    both = ref("aws_security_group.locked.id", "aws_security_group.locked",
               "aws_security_group.open.id", "aws_security_group.open")  # fmt: skip
    _, report, _ = _check_plan(tmp_path, check_json, both)
    assert [t["internet_egress"]["verdict"] for t in report["targets"]] == ["reachable"]


# The network with its default route and service; the group apart, so that tests can change it.
NETWORK = CFN_NETWORK + DEFAULT_ROUTE + SERVICE
GROUP = OPEN_GROUP


def test_the_network_without_rewrites_is_reachable(check_template):
    code, report, err = check_template(NETWORK + GROUP)
    assert code == 0, err
    assert [t["internet_egress"]["verdict"] for t in report["targets"]] == ["reachable"]


@pytest.mark.parametrize(
    ("head", "tail", "said"),
    [
        # A macro may rewrite every resource (here, it could add the ACL that blocks the subnet).
        ("Transform: NetworkHardening\n", "", "'NetworkHardening' rewrites it at deployment"),
        ("Transform: [AWS::Serverless-2016-10-31, NetworkHardening]\n", "", "'NetworkHardening'"),
        # Fn::ForEach (AWS::LanguageExtensions) makes resources this code does not expand: here it
        # associates the subnet with a deny-all ACL. Was: "resource Fn::ForEach::Assoc has no Type".
        (
            "Transform: AWS::LanguageExtensions\n",
            """
  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref Vpc}
  Fn::ForEach::Assoc:
    - Name
    - [Subnet]
    - AclAssoc${Name}:
        Type: AWS::EC2::SubnetNetworkAclAssociation
        Properties: {NetworkAclId: !Ref Acl, SubnetId: !Ref Subnet}
""",
            "Fn::ForEach::Assoc is not expanded",
        ),
        # An AWS::Include snippet among the resources. Was: "resource Fn::Transform has no Type".
        (
            "",
            "  Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/acl.yaml}}\n",
            "Fn::Transform",
        ),
    ],
)
def test_a_template_rewritten_at_deployment_is_unknown_not_a_pass(check_template, head, tail, said):
    _, report, err = check_template(head + NETWORK + GROUP + tail)
    assert report is not None, err
    egress = [t["internet_egress"] for t in report["targets"]]
    assert [e["verdict"] for e in egress] == ["unknown"]
    assert said in egress[0]["reason"]


def test_language_extensions_without_loops_are_evaluated(check_template):
    code, report, err = check_template("Transform: AWS::LanguageExtensions\n" + NETWORK + GROUP)
    assert code == 0, err
    assert [t["internet_egress"]["verdict"] for t in report["targets"]] == ["reachable"]


def test_a_dynamic_reference_in_an_egress_rule_is_unknown_not_bad_input(check_template):
    # Was exit 2: "'{{resolve:ssm:/egress/cidr}}' is not an IPv4 CIDR block", for a template
    # CloudFormation deploys (it reads the parameter at deployment).
    group = GROUP.replace(
        "VpcId: !Ref Vpc}",
        "VpcId: !Ref Vpc, SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443,"
        " CidrIp: '{{resolve:ssm:/egress/cidr}}'}]}",
    )
    _, report, err = check_template(NETWORK + group)
    assert report is not None, err
    egress = report["targets"][0]["internet_egress"]
    assert egress["verdict"] == "unknown"
    assert "{{resolve:ssm:/egress/cidr}}" in egress["reason"]


def test_a_dynamic_reference_for_assign_public_ip_is_not_bad_input(check_template):
    # Was exit 2: "AssignPublicIp must be ENABLED or DISABLED, found '{{resolve:ssm:/app/public}}'".
    text = NETWORK.replace(
        "AssignPublicIp: ENABLED", "AssignPublicIp: !Sub '{{resolve:ssm:/${AWS::StackName}/public}}'"
    )
    _, report, err = check_template(text + GROUP)
    assert "must be ENABLED or DISABLED" not in err
    messages = " ".join(f["message"] for f in (report or {}).get("findings", []))
    assert "{{resolve:ssm:/app/public}}" in messages
    assert all(t["internet_egress"]["verdict"] != "reachable" for t in (report or {}).get("targets", []))
