"""Security groups and network ACLs along the walk, and missing data: one behaviour per test."""

from __future__ import annotations

import pytest
from address_fixtures import dual_stack_app, partner_range_into_peering
from snapshots import acl_entries, codes, custom_acl, healthy, item, region, trace

from fargate_netcheck.core.model import CheckCode, Verdict

# -- security groups ---------------------------------------------------------------------------


def test_closed_security_group_blocks_at_the_group():
    r = trace(healthy(), "subnet-private", groups=("sg-closed",))
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "sg-closed")
    assert codes(r) == {CheckCode.SG_EGRESS_DENIED}


def test_groups_are_a_union_one_open_group_is_enough():
    assert trace(healthy(), "subnet-private", groups=("sg-closed", "sg-open")).verdict is Verdict.REACHABLE


def test_egress_rule_must_cover_the_port():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ]
    assert trace(snap, "subnet-private", groups=("sg-closed",)).verdict is Verdict.UNREACHABLE
    assert trace(snap, "subnet-private", groups=("sg-closed",), ports=(80,)).verdict is Verdict.REACHABLE


def test_udp_rule_does_not_allow_tcp():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ]
    assert trace(snap, "subnet-private", groups=("sg-closed",)).verdict is Verdict.UNREACHABLE


def test_rule_naming_another_group_does_not_cover_the_internet():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-open"}]}
    ]
    assert trace(snap, "subnet-private", groups=("sg-closed",)).verdict is Verdict.UNREACHABLE


def test_ipv6_rule_does_not_allow_ipv4():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    ]
    assert trace(snap, "subnet-private", groups=("sg-closed",)).verdict is Verdict.UNREACHABLE


def test_rules_that_together_cover_the_internet_allow_it():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/1"}]},
        {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 1000, "IpRanges": [{"CidrIp": "128.0.0.0/1"}]},
    ]
    assert trace(snap, "subnet-private", groups=("sg-closed",)).verdict is Verdict.REACHABLE


def test_rule_allowing_part_of_the_internet_is_unknown_until_a_destination_is_given():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": "pl-s3"}]}
    ]
    region(snap)["ManagedPrefixLists"].append(
        {"PrefixListId": "pl-s3", "Entries": [{"Cidr": "52.216.0.0/15"}]}
    )
    assert trace(snap, "subnet-private", groups=("sg-closed",)).verdict is Verdict.UNKNOWN
    assert (
        trace(snap, "subnet-private", groups=("sg-closed",), destination="52.216.1.1/32").verdict
        is Verdict.REACHABLE
    )
    assert (
        trace(snap, "subnet-private", groups=("sg-closed",), destination="8.8.8.8/32").verdict
        is Verdict.UNREACHABLE
    )


def test_prefix_list_rule_with_unreadable_entries_is_unknown():
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "PrefixListIds": [{"PrefixListId": "pl-unread"}],
        }
    ]
    r = trace(snap, "subnet-private", groups=("sg-closed",))
    assert r.verdict is Verdict.UNKNOWN
    assert "pl-unread" in r.reason


@pytest.mark.parametrize(
    "field",
    ["VpcId", "IpPermissionsEgress"],  # a hand-written or trimmed item; AWS always sends both
)
def test_security_group_item_without_a_field_the_trace_reads_is_unknown_not_a_guess(field):
    """No VpcId is not "of another VPC"; no IpPermissionsEgress is not "no egress"."""
    snap = healthy()
    del item(snap, "SecurityGroups", "sg-open")[field]
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.DATA_MISSING}
    assert f"sg-open has no {field}" in r.reason


def test_security_group_of_another_vpc_is_refused():
    snap = healthy()
    region(snap)["Vpcs"].append({"VpcId": "vpc-old", "CidrBlock": "10.9.0.0/16"})
    item(snap, "SecurityGroups", "sg-open")["VpcId"] = "vpc-old"
    r = trace(snap, "subnet-private", groups=("sg-open",))
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "sg-open")
    assert codes(r) == {CheckCode.SG_WRONG_VPC}


# -- network ACLs ------------------------------------------------------------------------------


def test_acl_lowest_rule_number_decides_deny_first():
    snap = healthy()
    custom_acl(
        snap,
        "subnet-private",
        acl_entries(
            (90, True, "deny", "0.0.0.0/0", "6", (443, 443)),
            (100, True, "allow", "0.0.0.0/0", "-1", None),
            (100, False, "allow", "0.0.0.0/0", "-1", None),
        ),
    )
    r = trace(snap, "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "acl-subnet-private")
    assert codes(r) == {CheckCode.NACL_REQUEST_DENIED}
    assert "rule 90" in r.reason


def test_acl_lowest_rule_number_decides_allow_first():
    snap = healthy()
    custom_acl(
        snap,
        "subnet-private",
        acl_entries(
            (80, True, "allow", "0.0.0.0/0", "6", (443, 443)),
            (90, True, "deny", "0.0.0.0/0", "-1", None),
            (100, False, "allow", "0.0.0.0/0", "6", (1024, 65535)),
        ),
    )
    assert trace(snap, "subnet-private").verdict is Verdict.REACHABLE


def test_acl_order_is_by_rule_number_not_by_position_in_the_list():
    snap = healthy()
    custom_acl(
        snap,
        "subnet-private",
        acl_entries(
            (200, True, "allow", "0.0.0.0/0", "-1", None),
            (100, True, "deny", "0.0.0.0/0", "-1", None),
            (100, False, "allow", "0.0.0.0/0", "-1", None),
        ),
    )
    assert trace(snap, "subnet-private").verdict is Verdict.UNREACHABLE


def test_acl_that_drops_replies_is_unreachable():
    snap = healthy()
    custom_acl(
        snap,
        "subnet-private",
        acl_entries(
            (100, True, "allow", "0.0.0.0/0", "6", (443, 443)),
            (100, False, "allow", "0.0.0.0/0", "6", (443, 443)),
        ),
    )
    r = trace(snap, "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "acl-subnet-private")
    assert codes(r) == {CheckCode.NACL_REPLY_DENIED}


def test_acl_must_allow_the_whole_ephemeral_range():
    snap = healthy()
    custom_acl(
        snap,
        "subnet-private",
        acl_entries(
            (100, True, "allow", "0.0.0.0/0", "-1", None),
            (100, False, "allow", "0.0.0.0/0", "6", (32768, 65535)),
        ),
    )
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN  # part of the reply range (1024-32767) is dropped
    assert codes(r) == {CheckCode.NACL_PARTIAL}


def test_acl_of_the_nat_subnet_must_let_task_traffic_in():
    snap = healthy()
    custom_acl(
        snap,
        "subnet-public",
        acl_entries(
            (100, True, "allow", "0.0.0.0/0", "-1", None),
            (100, False, "deny", "10.0.1.0/24", "-1", None),  # from the private subnet
            (110, False, "allow", "0.0.0.0/0", "-1", None),
        ),
    )
    r = trace(snap, "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "acl-subnet-public")
    assert "request from 10.0.1.0/24" in r.reason
    # the public subnet's own tasks are not affected: their traffic does not come from 10.0.1.0/24
    assert trace(snap, "subnet-public", public=True).verdict is Verdict.REACHABLE


def test_acl_of_the_nat_subnet_must_let_replies_out_to_the_task():
    snap = healthy()
    custom_acl(
        snap,
        "subnet-public",
        acl_entries(
            (90, True, "deny", "10.0.1.0/24", "-1", None),
            (100, True, "allow", "0.0.0.0/0", "-1", None),
            (100, False, "allow", "0.0.0.0/0", "-1", None),
        ),
    )
    r = trace(snap, "subnet-private")
    assert codes(r) == {CheckCode.NACL_REPLY_DENIED}
    assert r.blocked_at == "acl-subnet-public"


def test_acl_partial_deny_of_the_destination_is_unknown():
    snap = healthy()
    custom_acl(
        snap,
        "subnet-private",
        acl_entries(
            (90, True, "deny", "151.101.0.0/24", "-1", None),
            (100, True, "allow", "0.0.0.0/0", "-1", None),
            (100, False, "allow", "0.0.0.0/0", "-1", None),
        ),
    )
    assert trace(snap, "subnet-private").verdict is Verdict.UNKNOWN
    assert trace(snap, "subnet-private", destination="151.102.0.1/32").verdict is Verdict.REACHABLE
    assert trace(snap, "subnet-private", destination="151.101.0.1/32").verdict is Verdict.UNREACHABLE


def test_acl_of_the_subnet_holding_a_destination_inside_the_vpc_must_let_it_in():
    # AWS: a network ACL allows or denies traffic at the subnet level, so traffic that a local
    # route keeps in the VPC still enters the destination's subnet through that subnet's ACL.
    snap = healthy()
    custom_acl(snap, "subnet-isolated", acl_entries((100, True, "allow", "0.0.0.0/0", "-1", None)))
    r = trace(snap, "subnet-private", destination="10.0.2.10/32")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "acl-subnet-isolated")
    assert codes(r) == {CheckCode.NACL_REQUEST_DENIED}
    assert "of subnet-isolated blocks inbound request from 10.0.1.0/24 on TCP 443" in r.reason
    assert trace(snap, "subnet-private", destination="10.0.1.10/32").verdict is Verdict.REACHABLE  # its own
    item(snap, "NetworkAcls", "acl-subnet-isolated")["Entries"] = acl_entries(
        (100, False, "allow", "10.0.1.0/24", "6", (443, 443)),
        (100, True, "allow", "0.0.0.0/0", "-1", None),
    )
    assert trace(snap, "subnet-private", destination="10.0.2.10/32").verdict is Verdict.REACHABLE


def test_acl_of_the_peer_subnet_holding_the_destination_must_let_it_in():
    snap = partner_range_into_peering()
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": "172.20.0.0/16", "VpcPeeringConnectionId": "pcx-partner", "State": "active"}
    )
    reg = region(snap)
    reg["Subnets"].append({**item(snap, "Subnets", "subnet-isolated"), "SubnetId": "subnet-partner"})
    reg["Subnets"][-1].update(VpcId="vpc-partner", CidrBlock="172.20.5.0/24")
    deny_all = acl_entries(
        (32767, True, "deny", "0.0.0.0/0", "-1", None), (32767, False, "deny", "0.0.0.0/0", "-1", None)
    )
    reg["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-partner",
            "VpcId": "vpc-partner",
            "IsDefault": True,
            "Associations": [],
            "Entries": deny_all,
        }
    )
    r = trace(snap, "subnet-private", destination="172.20.5.10/32")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "acl-partner")
    assert "acl-partner of subnet-partner blocks inbound request from 10.0.1.0/24" in r.reason


def test_subnet_without_acl_association_uses_the_vpc_default_acl():
    snap = healthy()
    acl = item(snap, "NetworkAcls", "acl-default")
    acl["Associations"] = []
    assert trace(snap, "subnet-private").verdict is Verdict.REACHABLE
    acl["IsDefault"] = False
    assert trace(snap, "subnet-private").verdict is Verdict.UNKNOWN


# -- missing data ------------------------------------------------------------------------------


def test_kind_not_collected_is_unknown_never_reachable():
    snap = healthy()
    del region(snap)["NatGateways"]
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert "NatGateways were not collected" in r.reason


def test_kind_with_collection_error_is_unknown_with_the_error():
    snap = healthy()
    del region(snap)["NatGateways"]
    region(snap)["Errors"] = {"NatGateways": "AccessDenied: ec2:DescribeNatGateways"}
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert "AccessDenied" in r.reason


def test_missing_kind_matters_only_where_needed():
    snap = healthy()
    del region(snap)["NatGateways"]
    assert trace(snap, "subnet-public", public=True).verdict is Verdict.REACHABLE


def test_acls_not_collected_is_unknown():
    snap = healthy()
    del region(snap)["NetworkAcls"]
    assert trace(snap, "subnet-private").verdict is Verdict.UNKNOWN


def test_security_groups_not_collected_is_unknown():
    snap = healthy()
    del region(snap)["SecurityGroups"]
    assert trace(snap, "subnet-private", groups=("sg-x",)).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize("kind", ["RouteTables", "NetworkAcls", "SecurityGroups"])
@pytest.mark.parametrize("error", [None, "AccessDenied: not allowed"])
def test_a_kind_not_collected_is_unknown_and_says_why(kind, error):
    snap = healthy()
    del region(snap)[kind]
    if error:
        region(snap)["Errors"] = {kind: error}
    r = trace(snap, "subnet-private", groups=("sg-open",))
    assert r.verdict is Verdict.UNKNOWN
    why = (
        f"{kind} could not be collected in us-east-1: {error}"
        if error
        else f"{kind} were not collected in us-east-1"
    )
    assert why in [c.reason for c in r.unknown()]


def test_definite_block_wins_over_unknown():
    snap = healthy()
    del region(snap)["NetworkAcls"]
    r = trace(snap, "subnet-private", groups=("sg-closed",))
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "sg-closed")


def test_mixed_family_destinations_do_not_crash_the_filters():
    import ipaddress

    from fargate_netcheck.snapshot.parse import parse_acl_entries, parse_sg_rules
    from fargate_netcheck.trace.acl import evaluate_acl
    from fargate_netcheck.trace.destination import Destination
    from fargate_netcheck.trace.security_groups import evaluate_egress

    mixed = Destination.of_networks(
        (ipaddress.ip_network("52.216.0.0/15"), ipaddress.ip_network("2600::/16")), "s3"
    )
    rules = parse_sg_rules(
        [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
    )
    assert evaluate_egress(list(rules), mixed, 443, {}).status.value == "pass"
    inbound, _ = parse_acl_entries(
        [
            {
                "RuleNumber": 100,
                "Protocol": "-1",
                "RuleAction": "allow",
                "Egress": False,
                "CidrBlock": "0.0.0.0/0",
            }
        ]
    )
    assert (
        evaluate_acl(inbound, mixed.addresses, (443, 443)).status.value == "unknown"
    )  # the IPv6 part is denied


def test_ipv6_destination_in_another_subnet_enters_through_its_acl_from_the_task_subnets_ipv6_range():
    snap = dual_stack_app()
    assert trace(snap, "subnet-private", destination="2600:1f18:9:0::10/128").verdict is Verdict.REACHABLE
    allow_all_but_the_task = [
        {
            "RuleNumber": 50,
            "Egress": False,
            "RuleAction": "deny",
            "Protocol": "-1",
            "Ipv6CidrBlock": "2600:1f18:9:1::/64",
        },
        {
            "RuleNumber": 100,
            "Egress": False,
            "RuleAction": "allow",
            "Protocol": "-1",
            "Ipv6CidrBlock": "::/0",
        },
        {"RuleNumber": 100, "Egress": True, "RuleAction": "allow", "Protocol": "-1", "Ipv6CidrBlock": "::/0"},
    ]
    custom_acl(snap, "subnet-public", allow_all_but_the_task)
    r = trace(snap, "subnet-private", destination="2600:1f18:9:0::10/128")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "acl-subnet-public")
    assert codes(r) == {CheckCode.NACL_REQUEST_DENIED}
    assert "2600:1f18:9:1::/64" in r.reason


def test_ipv6_destination_in_the_tasks_own_subnet_crosses_no_acl():
    r = trace(dual_stack_app(), "subnet-private", destination="2600:1f18:9:1::10/128")
    assert r.verdict is Verdict.REACHABLE
