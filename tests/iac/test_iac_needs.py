"""Needs by name when the code is checked: what AWS gives a new VPC (the region's default DHCP
options, no Resolver rules, no DNS Firewall, no private zones), an endpoint's policy (AWS's
full-access default), and the DNS resources the converter does not model (unknown, named)."""

from __future__ import annotations

import json

import pytest
from iac.helpers import FIXTURES
from iac.plans import const, create_plan, ref
from iac.test_iac_cfn_network import VPC, by_id, region

from fargate_netcheck.targets.iac.needs_world import DEFAULT_ENDPOINT_POLICY

CDK = FIXTURES / "cdk"
SERVICE = """
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: app, VpcId: !Ref Vpc}
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}
  Default:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: net/Vpc.MainRouteTable, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      TaskDefinition: arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1
      NetworkConfiguration:
        AwsvpcConfiguration: {Subnets: [!Ref Subnet], SecurityGroups: [!Ref Sg], AssignPublicIp: ENABLED}
"""


def _needs(report: dict) -> dict[str, tuple[str, str]]:
    """need name -> (verdict, reason), over every target (they agree in these tests)."""
    return {n["name"]: (n["verdict"], n["reason"]) for t in report["targets"] for n in t["needs"]}


def _check_template(tmp_path, check_json, text: str):
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    return check_json("--cloudformation", str(path), "--region", "eu-west-1")


def test_cdk_service_needs_and_ecr_pull_reachable_with_nat(check_json):
    code, report, _ = check_json(
        "--cloudformation", str(CDK / "nat" / "NetcheckService.template.json"), "--region", "eu-west-1"
    )
    assert code == 0
    assert {t["ecr_pull"]["verdict"] for t in report["targets"]} == {"reachable"}
    needs = _needs(report)
    assert {v for v, _ in needs.values()} == {"reachable"}
    # the app's image is public.ecr.aws/nginx/nginx: ECR Public's host is needed, not ECR's names
    assert {"public.ecr.aws", "logs.eu-west-1.amazonaws.com"} <= set(needs)
    assert "api.ecr.eu-west-1.amazonaws.com" not in needs
    assert "resolves through public DNS" in needs["public.ecr.aws"][1]


def test_cdk_service_needs_and_ecr_pull_unreachable_without_nat(check_json):
    code, report, _ = check_json(
        "--cloudformation", str(CDK / "no-nat" / "NetcheckService.template.json"), "--region", "eu-west-1"
    )
    assert code == 1
    assert {t["ecr_pull"]["verdict"] for t in report["targets"]} == {"unreachable"}
    assert {v for v, _ in _needs(report).values()} == {"unreachable"}


def test_a_new_vpc_gets_the_regions_default_dhcp_options(tmp_path):
    rd, _ = region(tmp_path, VPC)
    vpc = by_id(rd, "Vpcs")["net/Vpc"]
    options = by_id(rd, "DhcpOptions")[vpc["DhcpOptionsId"]]
    config = {c["Key"]: [v["Value"] for v in c["Values"]] for c in options["DhcpConfigurations"]}
    assert config == {
        "domain-name": ["eu-west-1.compute.internal"],
        "domain-name-servers": ["AmazonProvidedDNS"],
    }
    for kind in (
        "ResolverRuleAssociations",
        "DnsFirewallRuleGroupAssociations",
        "Route53ProfileAssociations",
        "HostedZones",
        "NetworkFirewalls",
    ):
        assert rd.collected(kind) and rd.items[kind] == []  # a new VPC has none of them


def test_own_dhcp_options_with_custom_dns_make_the_needs_unknown_and_named(tmp_path, check_json):
    text = (
        VPC
        + SERVICE
        + """
  Dns:
    Type: AWS::EC2::DHCPOptions
    Properties: {DomainName: corp.example, DomainNameServers: [10.1.0.53, 10.1.0.54]}
  DnsLink:
    Type: AWS::EC2::VPCDHCPOptionsAssociation
    Properties: {VpcId: !Ref Vpc, DhcpOptionsId: !Ref Dns}
"""
    )
    _, report, _ = _check_template(tmp_path, check_json, text)
    needs = _needs(report)
    assert needs and {v for v, _ in needs.values()} == {"unknown"}
    reason = needs["logs.eu-west-1.amazonaws.com"][1]
    assert "net/Dns" in reason and "10.1.0.53" in reason
    assert report["targets"][0]["ecr_pull"]["verdict"] == "unknown"
    assert report["targets"][0]["internet_egress"]["verdict"] == "reachable"


def test_the_same_network_with_aws_dhcp_options_is_reachable(tmp_path, check_json):
    code, report, _ = _check_template(tmp_path, check_json, VPC + SERVICE)
    assert code == 0
    assert {v for v, _ in _needs(report).values()} == {"reachable"}
    # "default" associates no options: the Amazon-provided resolver still answers
    text = VPC + SERVICE + "  DnsLink:\n    Type: AWS::EC2::VPCDHCPOptionsAssociation\n"
    text += "    Properties: {VpcId: !Ref Vpc, DhcpOptionsId: default}\n"
    code, report, _ = _check_template(tmp_path, check_json, text)
    assert {v for v, _ in _needs(report).values()} == {"reachable"}


@pytest.mark.parametrize(
    ("rtype", "properties"),
    [
        ("AWS::Route53Resolver::ResolverRuleAssociation", "VPCId: !Ref Vpc, ResolverRuleId: rslvr-rr-0123"),
        ("AWS::Route53Profiles::ProfileAssociation", "Name: hub, ResourceId: !Ref Vpc, ProfileId: rp-0123"),
    ],
)
def test_a_resolver_rule_or_profile_association_the_code_declares_is_unknown_and_named(
    tmp_path, check_json, rtype, properties
):
    """An existing rule or Route 53 Profile (by id) associated with the new VPC: the converter does
    not know what it answers, so every need's DNS is unknown, naming the association and its file
    and line."""
    text = VPC + SERVICE + f"  ForwardLink:\n    Type: {rtype}\n    Properties: {{{properties}}}\n"
    _, report, _ = _check_template(tmp_path, check_json, text)
    verdict, reason = _needs(report)["api.ecr.eu-west-1.amazonaws.com"]
    assert verdict == "unknown"
    assert "net/ForwardLink" in reason and "net.yaml:" in reason
    assert rtype in reason
    assert report["targets"][0]["ecr_pull"]["verdict"] == "unknown"


def test_a_private_hosted_zone_the_code_declares_is_unknown_but_a_public_one_changes_nothing(
    tmp_path, check_json
):
    public = (
        VPC + SERVICE + "  Zone:\n    Type: AWS::Route53::HostedZone\n    Properties: {Name: example.com}\n"
    )
    _, report, _ = _check_template(tmp_path, check_json, public)
    assert {v for v, _ in _needs(report).values()} == {"reachable"}
    private = VPC + SERVICE + "  Zone:\n    Type: AWS::Route53::HostedZone\n"
    private += "    Properties: {Name: amazonaws.com, VPCs: [{VPCId: !Ref Vpc, VPCRegion: eu-west-1}]}\n"
    _, report, _ = _check_template(tmp_path, check_json, private)
    verdict, reason = _needs(report)["logs.eu-west-1.amazonaws.com"]
    assert verdict == "unknown" and "net/Zone" in reason


def test_endpoints_carry_their_policy_or_aws_full_access_default(tmp_path):
    allow_own = {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::own/*"}
        ]
    }
    text = VPC + (
        "  Open:\n    Type: AWS::EC2::VPCEndpoint\n"
        "    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.s3}\n"
        "  Narrow:\n    Type: AWS::EC2::VPCEndpoint\n"
        "    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.s3, "
        f"PolicyDocument: {json.dumps(allow_own)}}}\n"
    )
    rd, _ = region(tmp_path, text)
    endpoints = by_id(rd, "VpcEndpoints")
    assert json.loads(endpoints["net/Open"]["PolicyDocument"]) == json.loads(DEFAULT_ENDPOINT_POLICY)
    assert json.loads(endpoints["net/Narrow"]["PolicyDocument"]) == allow_own


def test_an_interface_endpoint_policy_the_code_writes_decides_the_need(tmp_path, check_json):
    """A private subnet whose CloudWatch Logs endpoint allows only another account's log groups:
    the logs need is unreachable at the endpoint; without a policy (AWS's default) it is reachable."""
    narrow = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "logs:*",
                    "Resource": "arn:aws:logs:eu-west-1:210987654321:log-group:*",
                }
            ]
        }
    )
    base = VPC.replace("{CidrBlock: 10.1.0.0/16}", "{CidrBlock: 10.1.0.0/16, EnableDnsHostnames: true}")
    base += SERVICE.replace("AssignPublicIp: ENABLED", "AssignPublicIp: DISABLED")
    base += """
  Logs:
    Type: AWS::EC2::VPCEndpoint
    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.logs, VpcEndpointType: Interface,
                 PrivateDnsEnabled: true, SubnetIds: [!Ref Subnet], SecurityGroupIds: [!Ref EndpointSg]POLICY}
  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoints
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.1.0.0/16}]
"""
    _, report, _ = _check_template(tmp_path, check_json, base.replace("POLICY", ""))
    logs = next(n for t in report["targets"] for n in t["needs"] if n["name"].startswith("logs."))
    assert (logs["via"], logs["verdict"]) == ("vpc-endpoint", "reachable")
    _, report, _ = _check_template(
        tmp_path, check_json, base.replace("POLICY", f", PolicyDocument: '{narrow}'")
    )
    logs = next(n for t in report["targets"] for n in t["needs"] if n["name"].startswith("logs."))
    assert (logs["via"], logs["verdict"], logs["blocked_at"]) == ("vpc-endpoint", "unreachable", "net/Logs")


def _plan(tmp_path, extra) -> str:
    path = tmp_path / "plan.json"
    path.write_text(create_plan(extra=extra))
    return str(path)


def test_terraform_plan_standalone_needs_reachable_with_aws_defaults(tmp_path, check_json):
    code, report, _ = check_json("--terraform-plan", _plan(tmp_path, None), "--region", "eu-west-1")
    assert code == 0
    assert {v for v, _ in _needs(report).values()} == {"reachable"}


def test_terraform_dhcp_options_with_custom_dns_make_the_needs_unknown(tmp_path, check_json):
    m = "module.vpc"

    def extra(b):
        b.configure(m, "aws_vpc_dhcp_options.corp", {"domain_name_servers": const(["10.20.0.53"])})
        b.resource(
            f"{m}.aws_vpc_dhcp_options.corp", {"domain_name_servers": ["10.20.0.53"]}, unknown={"id": True}
        )
        b.configure(
            m,
            "aws_vpc_dhcp_options_association.corp",
            {
                "vpc_id": ref("aws_vpc.this.id", "aws_vpc.this"),
                "dhcp_options_id": ref("aws_vpc_dhcp_options.corp.id", "aws_vpc_dhcp_options.corp"),
            },
        )
        b.resource(
            f"{m}.aws_vpc_dhcp_options_association.corp",
            {},
            unknown={"id": True, "vpc_id": True, "dhcp_options_id": True},
        )

    _, report, _ = check_json("--terraform-plan", _plan(tmp_path, extra), "--region", "eu-west-1")
    needs = _needs(report)
    assert {v for v, _ in needs.values()} == {"unknown"}
    assert "module.vpc.aws_vpc_dhcp_options.corp" in needs["logs.eu-west-1.amazonaws.com"][1]


@pytest.mark.parametrize(
    ("address", "vpc_field", "values"),
    [
        ("aws_route53_resolver_rule_association.onprem", "vpc_id", {"resolver_rule_id": "rslvr-rr-0123"}),
        ("aws_route53profiles_association.hub", "resource_id", {"name": "hub", "profile_id": "rp-0123"}),
    ],
)
def test_terraform_resolver_rule_or_profile_association_is_unknown_and_named(
    tmp_path, check_json, address, vpc_field, values
):
    def extra(b):
        b.configure("", address, {vpc_field: ref("module.vpc.vpc_id")})
        b.resource(address, values, unknown={"id": True, vpc_field: True})

    _, report, _ = check_json("--terraform-plan", _plan(tmp_path, extra), "--region", "eu-west-1")
    verdict, reason = _needs(report)["api.ecr.eu-west-1.amazonaws.com"]
    assert verdict == "unknown"
    assert address in reason


def test_overlay_new_vpcs_get_aws_default_options_existing_ones_keep_the_scans(tmp_path):
    from fargate_netcheck.snapshot.store import parse_snapshot
    from fargate_netcheck.targets.iac.command import IacOptions, build_iac_snapshot

    raw = json.loads((FIXTURES / "live.snapshot.json").read_text())
    body = raw["regions"]["eu-west-1"]
    body["Vpcs"][0]["DhcpOptionsId"] = "dopt-0corp"
    body["DhcpOptions"] = [
        {
            "DhcpOptionsId": "dopt-0corp",
            "DhcpConfigurations": [{"Key": "domain-name-servers", "Values": [{"Value": "10.20.0.53"}]}],
        }
    ]
    path = tmp_path / "net.yaml"
    path.write_text(VPC, encoding="utf-8")
    result = build_iac_snapshot(
        IacOptions(templates=(path,), region="eu-west-1"), lambda: parse_snapshot(raw, "live")
    )
    rd = result.snapshot.regions[0]
    vpcs = by_id(rd, "Vpcs")
    assert vpcs["vpc-0a1b2c3d4e5f60001"]["DhcpOptionsId"] == "dopt-0corp"
    assert vpcs["net/Vpc"]["DhcpOptionsId"] == "eu-west-1/default-dhcp-options"
    assert set(by_id(rd, "DhcpOptions")) == {"dopt-0corp", "eu-west-1/default-dhcp-options"}


def test_an_s3_gateway_endpoint_takes_the_layers_under_its_policy_even_beside_an_internet_route(
    tmp_path, check_json
):
    """AWS routes the S3 prefix list of each table a gateway endpoint names to the endpoint: the
    image layers go there, not through the internet gateway, and a policy allowing only the
    account's own bucket denies them (a 'reachable' through the IGW would be wrong)."""
    own_only = {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::own/*"}
        ]
    }
    endpoint = (
        "  S3:\n    Type: AWS::EC2::VPCEndpoint\n"
        "    Properties: {VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.s3, "
        "RouteTableIds: [net/Vpc.MainRouteTable]POLICY}\n"
    )
    text = VPC + SERVICE + endpoint
    _, report, _ = _check_template(tmp_path, check_json, text.replace("POLICY", ""))
    layers = next(n for t in report["targets"] for n in t["needs"] if "starport" in n["name"])
    assert (layers["via"], layers["verdict"]) == ("vpc-endpoint", "reachable")
    # the S3 list's addresses are AWS's, not in the code; whichever it holds reach S3 through the
    # endpoint and do not count toward "the internet", and every other address goes by the internet
    # route: the internet is reachable (trace/service_lists.py), and the walk says what it assumed
    egress = report["targets"][0]["internet_egress"]
    assert egress["verdict"] == "reachable", egress["reason"]
    assert any(
        "com.amazonaws.eu-west-1.s3" in c["reason"] and "was not read" in c["reason"]
        for c in egress["checks"]
    )
    _, report, _ = _check_template(
        tmp_path, check_json, text.replace("POLICY", f", PolicyDocument: {json.dumps(own_only)}")
    )
    target = report["targets"][0]
    layers = next(n for n in target["needs"] if "starport" in n["name"])
    assert (layers["via"], layers["verdict"], layers["blocked_at"]) == (
        "vpc-endpoint",
        "unreachable",
        "net/S3",
    )
    assert target["ecr_pull"]["verdict"] == "unreachable"
    assert "prod-eu-west-1-starport-layer-bucket" in target["ecr_pull"]["reason"]


def test_terraform_s3_gateway_endpoint_policy_decides_the_layers(tmp_path, check_json):
    m = "module.vpc"
    own_only = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::own/*"}
            ]
        }
    )

    def endpoint(policy):
        def extra(b):
            expressions = {
                "vpc_id": ref("aws_vpc.this.id", "aws_vpc.this"),
                "service_name": const("com.amazonaws.eu-west-1.s3"),
                "route_table_ids": ref("aws_route_table.private"),
            }
            values = {"service_name": "com.amazonaws.eu-west-1.s3", "vpc_endpoint_type": "Gateway"}
            if policy:
                expressions["policy"] = const(policy)
                values["policy"] = policy
            b.configure(m, "aws_vpc_endpoint.s3", expressions)
            b.resource(
                f"{m}.aws_vpc_endpoint.s3",
                values,
                unknown={"id": True, "vpc_id": True, "route_table_ids": True, "policy": not policy},
            )

        return extra

    _, report, _ = check_json("--terraform-plan", _plan(tmp_path, endpoint(None)), "--region", "eu-west-1")
    layers = {
        (n["via"], n["verdict"]) for t in report["targets"] for n in t["needs"] if "starport" in n["name"]
    }
    assert layers == {("vpc-endpoint", "reachable")}
    _, report, _ = check_json(
        "--terraform-plan", _plan(tmp_path, endpoint(own_only)), "--region", "eu-west-1"
    )
    layers = {
        (n["via"], n["verdict"], n["blocked_at"])
        for t in report["targets"]
        for n in t["needs"]
        if "starport" in n["name"]
    }
    assert layers == {("vpc-endpoint", "unreachable", "module.vpc.aws_vpc_endpoint.s3")}


def test_a_templates_task_definition_decides_its_needs_secrets_included(tmp_path, check_json):
    """A task definition in the template is known: its secrets are needs walked by name (they were
    left out, and logs assumed, as for a task whose definition is unknown); no awslogs, no logs need."""
    text = (
        VPC
        + SERVICE.replace(
            "TaskDefinition: arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1",
            "TaskDefinition: !Ref Task",
        )
        + """
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ContainerDefinitions:
        - Name: app
          Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1
          Secrets:
            - Name: DB
              ValueFrom: arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf
"""
    )
    code, report, err = _check_template(tmp_path, check_json, text)
    assert code == 0, err
    needs = _needs(report)
    assert needs["secretsmanager.eu-west-1.amazonaws.com"][0] == "reachable"
    assert "logs.eu-west-1.amazonaws.com" not in needs


def test_a_task_definition_of_another_stack_assumes_logs(tmp_path, check_json):
    code, report, err = _check_template(tmp_path, check_json, VPC + SERVICE)
    assert code == 0, err
    assert "logs.eu-west-1.amazonaws.com" in _needs(report)
