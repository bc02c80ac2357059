"""Transit gateways in code: default route table association and propagation as AWS applies them."""

from __future__ import annotations

import json

from iac.helpers import STACKS
from iac.plans import PlanBuilder

HUB = STACKS / "hub-and-spoke.yaml"


def egress(report: dict) -> dict:
    (target,) = report["targets"]
    return target["internet_egress"]


def test_spoke_reaches_the_internet_through_the_hub(check_json):
    code, report, _ = check_json("--cloudformation", str(HUB), "--subnet", "SpokeApp")
    assert code == 0
    result = egress(report)
    assert result["verdict"] == "reachable"
    assert result["path"][2:5] == [
        "hub-and-spoke/Tgw",
        "hub-and-spoke/Tgw.DefaultRouteTable",
        "hub-and-spoke/HubAttachment",
    ]
    assert report["targets"][0]["egress_mode"] == "transit-gateway"


def test_without_the_return_route_the_replies_are_lost(tmp_path, check_json):
    text = HUB.read_text().replace("  HubPublicToSpoke:\n", "  HubPublicToSpoke:\n    Condition: Never\n")
    text = text.replace("Resources:\n", 'Conditions:\n  Never: !Equals ["a", "b"]\n\nResources:\n', 1)
    path = tmp_path / "hub-and-spoke.yaml"
    path.write_text(text)
    code, report, _ = check_json("--cloudformation", str(path), "--subnet", "SpokeApp")
    assert code == 1
    assert egress(report)["verdict"] != "reachable"


def test_default_propagation_puts_each_vpc_cidr_in_the_default_table():
    from fargate_netcheck.targets.iac.command import IacOptions, build_iac_snapshot

    rd = build_iac_snapshot(IacOptions(templates=(HUB,)), lambda: None).snapshot.regions[0]
    (table,) = rd.items["TransitGatewayRouteTables"]
    routes = {
        (r["DestinationCidrBlock"], r["Type"]): r["TransitGatewayAttachments"][0][
            "TransitGatewayAttachmentId"
        ]
        for r in table["Routes"]
    }
    assert routes == {("10.0.0.0/16", "propagated"): "hub-and-spoke/HubAttachment",
                      ("10.1.0.0/16", "propagated"): "hub-and-spoke/SpokeAttachment",
                      ("0.0.0.0/0", "static"): "hub-and-spoke/HubAttachment"}  # fmt: skip
    assert {a["TransitGatewayAttachmentId"] for a in table["Associations"]} == {
        "hub-and-spoke/HubAttachment",
        "hub-and-spoke/SpokeAttachment",
    }


def test_terraform_attachment_that_opts_out_of_the_default_table_is_not_associated(tmp_path):
    from fargate_netcheck.targets.iac.command import IacOptions, build_iac_snapshot

    b = PlanBuilder()
    b.resource("aws_vpc.spoke", {"cidr_block": "10.1.0.0/16"}, unknown={"id": True})
    b.resource(
        "aws_subnet.app",
        {"cidr_block": "10.1.0.0/24", "availability_zone": "eu-west-1a"},
        unknown={"id": True, "vpc_id": True},
    )
    b.configure("", "aws_subnet.app", {"vpc_id": {"references": ["aws_vpc.spoke.id", "aws_vpc.spoke"]}})
    b.resource("aws_ec2_transit_gateway.main", {"default_route_table_association": "enable", "default_route_table_propagation": "enable"},
               unknown={"id": True, "association_default_route_table_id": True})  # fmt: skip
    for name, default in (("in", True), ("out", False)):
        b.resource(f"aws_ec2_transit_gateway_vpc_attachment.{name}", {"transit_gateway_default_route_table_association": default,
                   "transit_gateway_default_route_table_propagation": default}, unknown={"id": True, "transit_gateway_id": True,
                   "vpc_id": True, "subnet_ids": True})  # fmt: skip
        b.configure("", f"aws_ec2_transit_gateway_vpc_attachment.{name}", {
            "transit_gateway_id": {"references": ["aws_ec2_transit_gateway.main.id", "aws_ec2_transit_gateway.main"]},
            "vpc_id": {"references": ["aws_vpc.spoke.id", "aws_vpc.spoke"]},
            "subnet_ids": {"references": ["aws_subnet.app.id", "aws_subnet.app"]}})  # fmt: skip
    plan = tmp_path / "plan.json"
    plan.write_text(b.to_json())
    rd = build_iac_snapshot(IacOptions(plans=(plan,)), lambda: None).snapshot.regions[0]
    (table,) = rd.items["TransitGatewayRouteTables"]
    assert table["TransitGatewayRouteTableId"] == "aws_ec2_transit_gateway.main/default_route_table"
    assert [a["TransitGatewayAttachmentId"] for a in table["Associations"]] == [
        "aws_ec2_transit_gateway_vpc_attachment.in"
    ]
    vpc_attachments = {a["TransitGatewayAttachmentId"]: a for a in rd.items["TransitGatewayVpcAttachments"]}
    assert vpc_attachments["aws_ec2_transit_gateway_vpc_attachment.out"]["SubnetIds"] == ["aws_subnet.app"]
    assert json.dumps(rd.items["TransitGatewayAttachments"]).count("Association") == 1
