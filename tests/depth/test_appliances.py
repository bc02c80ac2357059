"""Firewall (GWLB) endpoints, gateway endpoints as routes, NAT instances and IPv6 default routes."""

from __future__ import annotations

from typing import Any

import pytest
from depth.builders import (
    firewalled,
    nat_instance,
    route,
    s3_gateway_endpoint,
    s3_prefix_list,
    with_egress_only_ipv6,
)
from depth.harness import codes, passed, result
from snapshots import default_route, healthy, item, region

from fargate_netcheck.core.model import CheckCode, Status, Verdict

OPEN = ("sg-open",)


# -- Gateway Load Balancer / Network Firewall endpoints -----------------------------------------
def test_firewall_path_is_followed_through_the_endpoint_subnet():
    r = result(firewalled(), "subnet-private", OPEN).internet_egress
    assert r.verdict is Verdict.REACHABLE
    assert r.path == [
        "subnet-private", "rtb-private", "nat-app", "subnet-public", "rtb-public",
        "vpce-fw", "subnet-firewall", "rtb-firewall", "igw-app",
    ]  # fmt: skip
    assert passed(r, CheckCode.FIREWALL_RETURN)


def test_firewall_policy_is_never_silently_passed():
    r = result(firewalled(), "subnet-private", OPEN).internet_egress
    policy = [c for c in r.checks if c.code is CheckCode.FIREWALL_POLICY]
    assert [c.status for c in policy] == [Status.PASS]
    assert "Network Firewall endpoint vpce-fw" in policy[0].reason
    assert "firewall rules behind vpce-fw are not evaluated" in r.reason


def test_firewall_subnet_acl_sees_the_nat_subnet_as_source():
    r = result(firewalled(), "subnet-private", OPEN).internet_egress
    assert any("of subnet-firewall allows inbound request from 10.0.0.0/24" in c.reason for c in r.checks)


def test_no_edge_route_table_means_asymmetric_return_and_unknown():
    r = result(firewalled(edge=False), "subnet-private", OPEN).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNKNOWN, None)
    assert codes(r) == {CheckCode.FIREWALL_ASYMMETRIC}
    assert "igw-app" in r.reason and "asymmetric" in r.reason


def test_edge_route_table_sending_replies_elsewhere_is_asymmetric():
    snap = firewalled()
    item(snap, "RouteTables", "rtb-edge")["Routes"].pop()
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert codes(r) == {CheckCode.FIREWALL_ASYMMETRIC}
    assert "rtb-edge" in r.reason


def test_firewall_before_the_nat_needs_the_nat_subnet_to_route_back_through_it():
    snap = firewalled(edge=False)
    default_route(snap, "rtb-public")["GatewayId"] = "igw-app"
    default_route(snap, "rtb-private").pop("NatGatewayId")
    default_route(snap, "rtb-private")["GatewayId"] = "vpce-fw"
    to_nat = default_route(snap, "rtb-firewall")
    to_nat.pop("GatewayId")
    to_nat["NatGatewayId"] = "nat-app"
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert r.path[:5] == ["subnet-private", "rtb-private", "vpce-fw", "subnet-firewall", "rtb-firewall"]
    assert codes(r) == {CheckCode.FIREWALL_ASYMMETRIC}  # rtb-public returns 10.0.1.0/24 by the local route
    item(snap, "RouteTables", "rtb-public")["Routes"].append(route("10.0.1.0/24", GatewayId="vpce-fw"))
    assert result(snap, "subnet-private", OPEN).internet_egress.verdict is Verdict.REACHABLE


def test_replies_blackholed_at_the_edge_table_instead_of_the_firewall_are_unreachable():
    snap = firewalled()
    edge = item(snap, "RouteTables", "rtb-edge")
    edge["Routes"][-1] = route("10.0.0.0/24", NetworkInterfaceId="eni-gone", State="blackhole")
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert (r.verdict, r.blocked_at, codes(r)) == (Verdict.UNREACHABLE, "rtb-edge", {CheckCode.BLACKHOLE})


def test_ipv6_through_a_firewall_to_an_egress_only_gateway_is_asymmetric():
    """No route table can be associated with an egress-only gateway: replies come back into the
    VPC without passing the firewall endpoint."""
    snap = firewalled()
    reg = region(snap)
    item(snap, "Vpcs", "vpc-app")["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:9::/56"}]
    item(snap, "Subnets", "subnet-public")["Ipv6CidrBlockAssociationSet"] = [
        {"Ipv6CidrBlock": "2600:1f18:9::/64"}
    ]
    reg["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": "enabled"}]
    reg["EgressOnlyInternetGateways"] = [
        {
            "EgressOnlyInternetGatewayId": "eigw-app",
            "Attachments": [{"VpcId": "vpc-app", "State": "attached"}],
        }
    ]
    for table, target in (
        ("rtb-public", {"GatewayId": "vpce-fw"}),
        ("rtb-firewall", {"EgressOnlyInternetGatewayId": "eigw-app"}),
    ):
        item(snap, "RouteTables", table)["Routes"] += [
            route("2600:1f18:9::/56", GatewayId="local"),
            route("::/0", **target),
        ]
    for acl in reg["NetworkAcls"]:
        acl["Entries"] += [
            {"RuleNumber": 101, "Protocol": "-1", "RuleAction": "allow", "Egress": e, "Ipv6CidrBlock": "::/0"}
            for e in (True, False)
        ]
    item(snap, "SecurityGroups", "sg-open")["IpPermissionsEgress"][0]["Ipv6Ranges"] = [{"CidrIpv6": "::/0"}]
    r = result(snap, "subnet-public", OPEN, destination="2a05:d018::/32").internet_egress
    assert "vpce-fw" in r.path and "eigw-app" in r.path
    assert (r.verdict, codes(r)) == (Verdict.UNKNOWN, {CheckCode.FIREWALL_ASYMMETRIC})
    assert "egress-only internet gateway eigw-app" in r.reason


def test_unavailable_firewall_endpoint_blocks():
    snap = firewalled()
    region(snap)["VpcEndpoints"][0]["State"] = "deleting"
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert (r.blocked_at, codes(r)) == ("vpce-fw", {CheckCode.VPCE_NOT_AVAILABLE})


# -- gateway endpoints as route targets -----------------------------------------------------------
def test_gateway_endpoint_never_carries_internet_traffic():
    snap = healthy()
    region(snap)["VpcEndpoints"] = [s3_gateway_endpoint("vpce-s3", "vpc-app", ["rtb-private"])]
    default_route(snap, "rtb-private").pop("NatGatewayId")
    default_route(snap, "rtb-private")["GatewayId"] = "vpce-s3"
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert (r.blocked_at, codes(r)) == ("vpce-s3", {CheckCode.VPCE_NOT_INTERNET})


def test_destination_inside_the_s3_prefix_list_reaches_s3_through_the_gateway_endpoint():
    snap = healthy()
    region(snap)["VpcEndpoints"] = [s3_gateway_endpoint("vpce-s3", "vpc-app", ["rtb-main"])]
    region(snap)["ManagedPrefixLists"] = [s3_prefix_list()]
    item(snap, "RouteTables", "rtb-main")["Routes"].append(route("pl-s3", GatewayId="vpce-s3"))
    r = result(snap, "subnet-isolated", OPEN, destination="52.216.10.1/32").internet_egress
    assert (r.verdict, r.path) == (Verdict.REACHABLE, ["subnet-isolated", "rtb-main", "vpce-s3"])


# -- NAT instances ----------------------------------------------------------------------------------
def test_nat_instance_with_public_ip_and_check_off_is_reachable():
    r = result(nat_instance(), "subnet-private", OPEN).internet_egress
    assert r.verdict is Verdict.REACHABLE
    assert r.path == ["subnet-private", "rtb-private", "eni-nat", "subnet-public", "rtb-public", "igw-app"]
    assert "NAT setup inside NAT instance i-nat (eni-nat) (its iptables rules) is not evaluated" in r.reason
    inbound, outbound = passed(r, CheckCode.NAT_INSTANCE_SG)  # in from the task, out to the internet
    assert "ingress allows TCP 443 from 10.0.1.0/24" in inbound and "sg-nat" in outbound


@pytest.mark.parametrize(
    ("ingress", "egress", "verdict", "code"),
    [
        ([], [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}], Verdict.UNREACHABLE, "denied"),
        ([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}], [], Verdict.UNREACHABLE, "denied"),
        (
            [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}],
            [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/1"}]}],
            Verdict.UNKNOWN,
            "partial",
        ),
        (
            [
                {
                    "IpProtocol": "tcp",
                    "FromPort": 443,
                    "ToPort": 443,
                    "UserIdGroupPairs": [{"GroupId": "sg-open"}],
                }
            ],
            [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
            Verdict.REACHABLE,
            None,
        ),
    ],
)
def test_the_nat_instance_groups_must_let_the_task_in_and_out(ingress, egress, verdict, code):
    """Its interface's groups filter what it forwards (AWS's guide: in from the private subnets,
    out on the ports used); they were not evaluated, so a closed group read reachable."""
    snap = nat_instance()
    item(snap, "SecurityGroups", "sg-nat").update(IpPermissions=ingress, IpPermissionsEgress=egress)
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert r.verdict is verdict
    if code == "denied":
        assert (r.blocked_at, codes(r)) == ("sg-nat", {CheckCode.NAT_INSTANCE_SG_DENIED})
    elif code == "partial":
        assert codes(r) == {CheckCode.NAT_INSTANCE_SG_PARTIAL}


def test_a_nat_instance_without_its_groups_in_the_snapshot_is_unknown():
    snap = nat_instance()
    del region(snap)["NetworkInterfaces"][0]["Groups"]
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert r.verdict is Verdict.UNKNOWN and "no Groups" in r.reason


def test_route_naming_only_the_instance_finds_its_interface():
    snap = nat_instance()
    default_route(snap, "rtb-private").pop("NetworkInterfaceId")
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert r.verdict is Verdict.REACHABLE
    assert r.path[:4] == ["subnet-private", "rtb-private", "i-nat", "eni-nat"]


def test_replies_blackholed_in_the_nat_instance_subnet_table_are_unreachable():
    snap = nat_instance()
    item(snap, "RouteTables", "rtb-public")["Routes"].append(
        route("10.0.1.0/24", NetworkInterfaceId="eni-gone", State="blackhole")
    )
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert (r.verdict, r.blocked_at, codes(r)) == (Verdict.UNREACHABLE, "rtb-public", {CheckCode.BLACKHOLE})
    assert "the way back from eni-nat" in r.reason


def test_source_dest_check_on_is_unreachable_at_the_eni():
    r = result(nat_instance(SourceDestCheck=True), "subnet-private", OPEN).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "eni-nat")
    assert codes(r) == {CheckCode.NAT_INSTANCE_SRC_DST}


def test_nat_instance_without_public_ip_is_unreachable_at_the_eni():
    r = result(nat_instance(Association=None), "subnet-private", OPEN).internet_egress
    assert (r.blocked_at, codes(r)) == ("eni-nat", {CheckCode.NAT_INSTANCE_NO_PUBLIC_IP})


def test_nat_instance_in_a_private_subnet_is_unreachable_at_the_eni():
    r = result(nat_instance(SubnetId="subnet-isolated"), "subnet-private", OPEN).internet_egress
    assert (r.blocked_at, codes(r)) == ("eni-nat", {CheckCode.NAT_PRIVATE_SUBNET})


def test_nat_instance_interface_not_collected_is_unknown():
    snap = nat_instance()
    del region(snap)["NetworkInterfaces"]
    assert result(snap, "subnet-private", OPEN).internet_egress.verdict is Verdict.UNKNOWN
    default_route(snap, "rtb-private").pop("NetworkInterfaceId")
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert r.verdict is Verdict.UNKNOWN and "NetworkInterfaces were not collected" in r.reason


@pytest.mark.parametrize("state", ["stopped", "stopping", "pending", "shutting-down", "terminated"])
def test_nat_instance_not_running_is_unreachable_at_the_instance(state):
    # A stopped instance keeps its ENI attached (in-use) and a route to it may still read active
    # (it does while the instance is stopping): the walk must not pass a machine that forwards nothing.
    snap = nat_instance()
    region(snap)["Instances"][0]["State"] = {"Name": state}
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "i-nat")
    assert codes(r) == {CheckCode.NAT_INSTANCE_DOWN}
    assert f"NAT instance i-nat (eni-nat) is {state}, not running" in r.reason


def test_nat_instance_state_not_collected_is_unknown():
    snap = nat_instance()
    del region(snap)["Instances"]
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert r.verdict is Verdict.UNKNOWN and "Instances were not collected" in r.reason


def test_nat_instance_state_that_failed_to_collect_is_unknown():
    snap = nat_instance()
    del region(snap)["Instances"]
    region(snap)["Errors"] = {"Instances": "UnauthorizedOperation: ec2:DescribeInstances"}
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.DATA_FAILED} and "UnauthorizedOperation" in r.reason


def test_nat_instance_missing_from_the_collected_instances_is_unknown():
    snap = nat_instance()
    region(snap)["Instances"] = []
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert r.verdict is Verdict.UNKNOWN and "instance i-nat is not in the snapshot" in r.reason


def test_a_definite_fault_of_the_interface_wins_over_an_uncollected_state():
    snap = nat_instance(SourceDestCheck=True)
    del region(snap)["Instances"]
    r = result(snap, "subnet-private", OPEN).internet_egress
    assert (r.verdict, codes(r)) == (Verdict.UNREACHABLE, {CheckCode.NAT_INSTANCE_SRC_DST})


# -- IPv6 -----------------------------------------------------------------------------------------
def ipv6_only_default() -> dict[str, Any]:
    return with_egress_only_ipv6(healthy(), keep_ipv4_default=False)


def test_ipv6_only_default_route_is_no_ipv4_egress_and_says_so():
    r = result(ipv6_only_default(), "subnet-private", OPEN)
    assert (r.internet_egress.verdict, r.internet_egress.blocked_at) == (Verdict.UNREACHABLE, "rtb-private")
    assert codes(r.internet_egress) == {CheckCode.NO_ROUTE}
    assert "::/0 -> eigw-app is IPv6 only" in r.internet_egress.reason
    assert "still needs IPv4 egress to reach ECR" in r.internet_egress.reason
    assert r.ecr_pull.verdict is Verdict.UNREACHABLE


def test_ipv6_destination_goes_out_through_the_egress_only_gateway():
    r = result(ipv6_only_default(), "subnet-private", OPEN, destination="::/0").internet_egress
    assert (r.verdict, r.path) == (Verdict.REACHABLE, ["subnet-private", "rtb-private", "eigw-app"])
    assert CheckCode.TASK_IPV6 in {c.code for c in r.checks}


def test_ipv6_destination_needs_the_ecs_dual_stack_setting():
    snap = ipv6_only_default()
    region(snap)["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": "disabled"}]
    r = result(snap, "subnet-private", OPEN, destination="::/0").internet_egress
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "subnet-private")
    assert "dualStackIPv6 is disabled" in r.reason
    del region(snap)["EcsAccountSettings"]
    r = result(snap, "subnet-private", OPEN, destination="::/0").internet_egress
    assert r.verdict is Verdict.UNKNOWN and "EcsAccountSettings were not collected" in r.reason


def test_ipv6_destination_from_a_subnet_without_an_ipv6_block_is_unreachable_at_the_subnet():
    snap = ipv6_only_default()
    del item(snap, "Subnets", "subnet-private")["Ipv6CidrBlockAssociationSet"]
    r = result(snap, "subnet-private", OPEN, destination="::/0").internet_egress
    assert (r.verdict, r.blocked_at, r.path) == (Verdict.UNREACHABLE, "subnet-private", ["subnet-private"])
    assert codes(r) == {CheckCode.TASK_NO_IPV6}


def test_plain_missing_route_message_does_not_mention_ipv6():
    r = result(healthy(), "subnet-isolated", OPEN).internet_egress
    assert "IPv6" not in r.reason
