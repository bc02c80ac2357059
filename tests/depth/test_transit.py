"""Centralised egress through a transit gateway: the way out, the way back, and what cannot be read."""

from __future__ import annotations

import pytest
from depth.builders import open_acl
from depth.harness import codes, passed, result
from depth.tgw_builders import tgw_egress, tgw_egress_no_return
from snapshots import item, region

from fargate_netcheck.core.model import CheckCode, Verdict

TASK = ("sg-spoke-task",)
FULL_PATH = [
    "subnet-spoke",
    "rtb-spoke",
    "tgw-1",
    "tgw-rtb-spoke",
    "tgw-attach-egress",
    "subnet-egress-tgw",
    "rtb-egress-tgw",
    "nat-egress",
    "subnet-egress-public",
    "rtb-egress-public",
    "igw-egress",
]


def tgw_table(snap, table_id):
    return item(snap, "TransitGatewayRouteTables", table_id)


def test_centralised_egress_is_reachable_hop_by_hop():
    r = result(tgw_egress(), "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.REACHABLE, None)
    assert r.path == FULL_PATH
    assert "through tgw-1, nat-egress, igw-egress" in r.reason


def test_both_return_routes_are_verified():
    r = result(tgw_egress(), "subnet-spoke", TASK).internet_egress
    returns = {c.resource_id for c in r.checks if c.code is CheckCode.TGW_RETURN}
    assert returns == {"rtb-egress-public", "tgw-rtb-egress"}


def _acl_reasons(r, subnet: str) -> list[str]:
    return [c.reason for c in r.checks if f" of {subnet} " in c.reason]


def test_spoke_attachment_subnet_acl_sees_only_the_task_side():
    """AWS: an attachment subnet's inbound rules see traffic from the VPC to the transit gateway,
    its outbound rules the traffic from the transit gateway into the VPC."""
    r = result(tgw_egress(), "subnet-spoke", TASK).internet_egress
    reasons = _acl_reasons(r, "subnet-spoke-tgw")
    assert len(reasons) == 2
    assert "allows inbound request from 10.1.1.0/24 on TCP 443" in reasons[0]
    assert "allows outbound replies to 10.1.1.0/24 on ports 1024-65535" in reasons[1]


def test_egress_attachment_subnet_acl_sees_only_the_destination_side():
    r = result(tgw_egress(), "subnet-spoke", TASK).internet_egress
    reasons = _acl_reasons(r, "subnet-egress-tgw")
    assert len(reasons) == 2
    assert "allows outbound request to the internet (0.0.0.0/0) on TCP 443" in reasons[0]
    assert "allows inbound replies from the internet (0.0.0.0/0)" in reasons[1]


def _split_acl(snap, acl_id: str, subnets: list[str], first_rule: dict) -> None:
    """Move ``subnets`` to a new open ACL ``acl_id`` whose first rule is ``first_rule``."""
    acls = region(snap)["NetworkAcls"]
    for acl in acls:
        acl["Associations"] = [a for a in acl["Associations"] if a["SubnetId"] not in subnets]
    vpc = item(snap, "Subnets", subnets[0])["VpcId"]
    new = open_acl(acl_id, vpc, subnets)
    new["IsDefault"] = False
    new["Entries"].insert(0, {"RuleNumber": 50, "RuleAction": "deny", **first_rule})
    acls.append(new)


def test_spoke_attachment_acl_refusing_the_task_is_unreachable_there():
    snap = tgw_egress()
    _split_acl(
        snap, "acl-spoke-tgw", ["subnet-spoke-tgw", "subnet-spoke-tgw-b"],
        {"Protocol": "-1", "Egress": False, "CidrBlock": "10.1.0.0/16"},
    )  # fmt: skip
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "acl-spoke-tgw")
    assert codes(r) == {CheckCode.NACL_REQUEST_DENIED}


def test_spoke_attachment_acl_dropping_the_replies_is_unreachable_there():
    snap = tgw_egress()
    _split_acl(
        snap, "acl-spoke-tgw", ["subnet-spoke-tgw", "subnet-spoke-tgw-b"],
        {"Protocol": "6", "Egress": True, "CidrBlock": "10.1.1.0/24", "PortRange": {"From": 1024, "To": 65535}},
    )  # fmt: skip
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "acl-spoke-tgw")
    assert codes(r) == {CheckCode.NACL_REPLY_DENIED}


def test_egress_attachment_acl_rules_on_the_task_range_do_not_apply():
    """Its inbound rules see the replies from the internet, not the requests from the spoke."""
    snap = tgw_egress()
    _split_acl(
        snap, "acl-egress-tgw", ["subnet-egress-tgw", "subnet-egress-tgw-b"],
        {"Protocol": "-1", "Egress": False, "CidrBlock": "10.1.0.0/16"},
    )  # fmt: skip
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert r.verdict is Verdict.REACHABLE
    reasons = _acl_reasons(r, "subnet-egress-tgw")
    assert len(reasons) == 2 and all("network ACL acl-egress-tgw " in x for x in reasons)


def test_egress_attachment_acl_blocking_the_internet_is_unreachable_there():
    snap = tgw_egress()
    _split_acl(
        snap, "acl-egress-tgw", ["subnet-egress-tgw", "subnet-egress-tgw-b"],
        {"Protocol": "-1", "Egress": True, "CidrBlock": "0.0.0.0/0"},
    )  # fmt: skip
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "acl-egress-tgw")


def test_traffic_enters_the_egress_vpc_in_the_task_subnets_az():
    r = result(tgw_egress(), "subnet-spoke-b", TASK).internet_egress
    assert r.path[5] == "subnet-egress-tgw-b"


def test_missing_route_back_to_the_spoke_is_unreachable_at_the_nat_subnets_table():
    r = result(tgw_egress_no_return(), "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "rtb-egress-public")
    assert codes(r) == {CheckCode.TGW_NO_RETURN}
    assert "10.1.1.0/24" in r.reason and "tgw-1" in r.reason


def test_egress_tgw_table_without_the_spoke_route_is_unreachable_there():
    snap = tgw_egress()
    tgw_table(snap, "tgw-rtb-egress")["Routes"] = []
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "tgw-rtb-egress")
    assert codes(r) == {CheckCode.TGW_NO_RETURN}


def test_blackhole_tgw_route_is_unreachable_at_the_tgw_route_table():
    snap = tgw_egress()
    tgw_table(snap, "tgw-rtb-spoke")["Routes"] = [
        {"DestinationCidrBlock": "0.0.0.0/0", "State": "blackhole", "Type": "static"}
    ]
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "tgw-rtb-spoke")
    assert codes(r) == {CheckCode.TGW_BLACKHOLE}
    assert r.path == FULL_PATH[:4]


def test_no_tgw_route_for_the_destination_is_unreachable():
    snap = tgw_egress()
    tgw_table(snap, "tgw-rtb-spoke")["Routes"][0]["DestinationCidrBlock"] = "10.0.0.0/8"
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.blocked_at, codes(r)) == ("tgw-rtb-spoke", {CheckCode.TGW_NO_ROUTE})


def test_longer_tgw_prefix_wins_and_a_propagated_route_loses_to_a_static_one():
    snap = tgw_egress()
    routes = tgw_table(snap, "tgw-rtb-spoke")["Routes"]
    routes.append({"DestinationCidrBlock": "0.0.0.0/0", "State": "blackhole", "Type": "propagated"})
    assert result(snap, "subnet-spoke", TASK).internet_egress.verdict is Verdict.REACHABLE
    routes.append({"DestinationCidrBlock": "203.0.113.0/24", "State": "blackhole", "Type": "static"})
    r = result(snap, "subnet-spoke", TASK, destination="203.0.113.5/32").internet_egress
    assert codes(r) == {CheckCode.TGW_BLACKHOLE}


def test_tgw_of_another_account_is_unknown_with_the_reason():
    snap = tgw_egress()
    reg = region(snap)
    reg["TransitGateways"][0]["OwnerId"] = "222222222222"
    reg["TransitGatewayRouteTables"] = []  # owned by the other account: not visible here
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNKNOWN, None)
    assert codes(r) == {CheckCode.TGW_UNREADABLE}
    assert "owned by account 222222222222" in r.reason


def test_tgw_absent_from_the_snapshot_is_unknown_not_a_missing_target():
    snap = tgw_egress()
    region(snap)["TransitGateways"] = []
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.TGW_UNREADABLE}
    assert "another account" in r.reason


def test_tgw_route_tables_access_denied_is_unknown_with_the_error():
    snap = tgw_egress()
    reg = region(snap)
    del reg["TransitGatewayRouteTables"]
    for att in reg["TransitGatewayAttachments"]:
        del att["Association"]
    reg["Errors"] = {"TransitGatewayRouteTables": "AccessDenied: ec2:DescribeTransitGatewayRouteTables"}
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert r.verdict is Verdict.UNKNOWN and "AccessDenied" in r.reason


def test_tgw_routes_not_collected_is_unknown():
    snap = tgw_egress()
    del tgw_table(snap, "tgw-rtb-spoke")["Routes"]
    region(snap)["Errors"] = {"TransitGatewayRoutes": "AccessDenied: ec2:SearchTransitGatewayRoutes"}
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, codes(r)) == (Verdict.UNKNOWN, {CheckCode.TGW_UNREADABLE})
    assert "SearchTransitGatewayRoutes" in r.reason


def test_attachment_without_a_subnet_in_the_task_az_is_unreachable():
    snap = tgw_egress()
    item(snap, "TransitGatewayVpcAttachments", "tgw-attach-spoke")["SubnetIds"] = ["subnet-spoke-tgw"]
    assert result(snap, "subnet-spoke", TASK).internet_egress.verdict is Verdict.REACHABLE
    r = result(snap, "subnet-spoke-b", TASK).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "tgw-attach-spoke")
    assert codes(r) == {CheckCode.TGW_AZ}


def test_vpc_without_an_attachment_to_the_tgw_is_unreachable():
    snap = tgw_egress()
    reg = region(snap)
    for kind in ("TransitGatewayVpcAttachments", "TransitGatewayAttachments"):
        reg[kind] = [a for a in reg[kind] if a["TransitGatewayAttachmentId"] != "tgw-attach-spoke"]
    tgw_table(snap, "tgw-rtb-spoke")["Associations"] = []
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.blocked_at, codes(r)) == ("tgw-1", {CheckCode.TGW_NO_ATTACHMENT})


def test_unassociated_attachment_is_unreachable():
    snap = tgw_egress()
    del item(snap, "TransitGatewayAttachments", "tgw-attach-spoke")["Association"]
    tgw_table(snap, "tgw-rtb-spoke")["Associations"] = []
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.blocked_at, codes(r)) == ("tgw-attach-spoke", {CheckCode.TGW_NOT_ASSOCIATED})


def test_association_known_only_from_the_route_table_is_followed():
    snap = tgw_egress()
    region(snap)["TransitGatewayAttachments"] = []
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, r.path) == (Verdict.REACHABLE, FULL_PATH)


def test_egress_vpc_routing_back_to_the_tgw_is_dropped_there_or_loops():
    snap = tgw_egress()
    rtb = item(snap, "RouteTables", "rtb-egress-tgw")
    rtb["Routes"][-1] = {"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayId": "tgw-1", "State": "active"}
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.blocked_at, codes(r)) == ("tgw-rtb-egress", {CheckCode.TGW_NO_ROUTE})
    tgw_table(snap, "tgw-rtb-egress")["Routes"].append(
        {
            "DestinationCidrBlock": "0.0.0.0/0",
            "State": "active",
            "Type": "static",
            "TransitGatewayAttachments": [
                {"TransitGatewayAttachmentId": "tgw-attach-egress", "ResourceType": "vpc"}
            ],
        }
    )
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.blocked_at, codes(r)) == ("rtb-egress-tgw", {CheckCode.ROUTE_LOOP})


def test_ecr_pull_over_the_tgw_follows_the_same_path():
    r = result(tgw_egress(), "subnet-spoke", TASK)
    assert (r.ecr_pull.verdict, r.ecr_pull.via, r.ecr_pull.path) == (Verdict.REACHABLE, "internet", FULL_PATH)


def test_return_route_through_a_firewall_endpoint_reaches_the_tgw_but_is_asymmetric():
    """The NAT subnet sends replies to the spoke through a firewall endpoint the request never
    crossed: the transit return follows the endpoint to the TGW, and the NAT's return check says
    a stateful appliance sees only the replies (unknown, as for any firewall on one direction)."""
    snap = tgw_egress()
    rtb = item(snap, "RouteTables", "rtb-egress-public")
    rtb["Routes"][-1] = {"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "vpce-fw", "State": "active"}
    reg = region(snap)
    reg["Subnets"].append(
        {
            "SubnetId": "subnet-egress-fw",
            "VpcId": "vpc-egress",
            "CidrBlock": "10.100.2.0/24",
            "AvailabilityZone": "us-east-1a",
        }
    )
    reg["NetworkAcls"][1]["Associations"].append({"SubnetId": "subnet-egress-fw"})
    reg["VpcEndpoints"] = [
        {
            "VpcEndpointId": "vpce-fw",
            "VpcId": "vpc-egress",
            "VpcEndpointType": "GatewayLoadBalancer",
            "State": "available",
            "SubnetIds": ["subnet-egress-fw"],
        }
    ]
    reg["RouteTables"].append(
        {
            "RouteTableId": "rtb-egress-fw",
            "VpcId": "vpc-egress",
            "Associations": [{"SubnetId": "subnet-egress-fw"}],
            "Routes": [
                {"DestinationCidrBlock": "10.1.0.0/16", "TransitGatewayId": "tgw-1", "State": "active"}
            ],
        }
    )
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.FIREWALL_ASYMMETRIC}
    assert any("through firewall endpoint vpce-fw" in reason for reason in passed(r, CheckCode.TGW_RETURN))


def _set_attachment_state(snap, attachment: str, state: str) -> None:
    for kind in ("TransitGatewayVpcAttachments", "TransitGatewayAttachments"):
        item(snap, kind, attachment)["State"] = state


@pytest.mark.parametrize("attachment", ["tgw-attach-spoke", "tgw-attach-egress"])
def test_an_attachment_being_modified_is_unknown_and_a_deleted_one_unreachable(attachment):
    snap = tgw_egress()
    _set_attachment_state(snap, attachment, "modifying")
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, codes(r)) == (Verdict.UNKNOWN, {CheckCode.TGW_NO_ATTACHMENT})
    assert f"{attachment} " in r.reason and "modifying" in r.reason
    _set_attachment_state(snap, attachment, "deleted")
    assert result(snap, "subnet-spoke", TASK).internet_egress.verdict is Verdict.UNREACHABLE


def test_a_transit_gateway_being_modified_is_unknown_and_a_deleting_one_unreachable():
    snap = tgw_egress()
    item(snap, "TransitGateways", "tgw-1")["State"] = "modifying"
    r = result(snap, "subnet-spoke", TASK).internet_egress
    assert (r.verdict, codes(r)) == (Verdict.UNKNOWN, {CheckCode.TGW_NOT_AVAILABLE})
    assert "transit gateway tgw-1 is modifying" in r.reason
    item(snap, "TransitGateways", "tgw-1")["State"] = "deleting"
    assert result(snap, "subnet-spoke", TASK).internet_egress.verdict is Verdict.UNREACHABLE
