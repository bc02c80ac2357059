"""The egress walk on hand-written snapshots: routes, gateways, one behaviour per test."""

from __future__ import annotations

from snapshots import codes, default_route, healthy, item, region, trace

from fargate_netcheck.core.model import CheckCode, Verdict


def test_private_subnet_through_nat_to_igw_is_reachable_with_every_hop():
    r = trace(healthy(), "subnet-private")
    assert r.verdict is Verdict.REACHABLE
    assert r.path == ["subnet-private", "rtb-private", "nat-app", "subnet-public", "rtb-public", "igw-app"]
    assert r.blocked_at is None


def test_public_subnet_with_public_ip_is_reachable():
    r = trace(healthy(), "subnet-public", public=True)
    assert r.verdict is Verdict.REACHABLE
    assert r.path == ["subnet-public", "rtb-public", "igw-app"]


def test_public_subnet_without_public_ip_is_blocked_at_the_igw():
    r = trace(healthy(), "subnet-public", public=False)
    assert r.verdict is Verdict.UNREACHABLE
    assert r.blocked_at == "igw-app"
    assert codes(r) == {CheckCode.NO_PUBLIC_IP}


def test_map_public_ip_on_launch_does_not_give_a_fargate_task_a_public_ip():
    snap = healthy()
    item(snap, "Subnets", "subnet-public")["MapPublicIpOnLaunch"] = True
    assert trace(snap, "subnet-public", public=False).blocked_at == "igw-app"


def test_subnet_without_association_uses_main_table_of_its_own_vpc_only():
    snap = healthy()
    # Another VPC (think: the default VPC) whose *main* table routes to an attached IGW.
    reg = region(snap)
    reg["Vpcs"].append({"VpcId": "vpc-default", "CidrBlock": "172.31.0.0/16"})
    reg["RouteTables"].insert(
        0,
        {
            "RouteTableId": "rtb-default-main",
            "VpcId": "vpc-default",
            "Associations": [{"Main": True}],
            "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-default", "State": "active"}],
        },
    )
    reg["InternetGateways"].append(
        {"InternetGatewayId": "igw-default", "Attachments": [{"VpcId": "vpc-default", "State": "available"}]}
    )
    r = trace(snap, "subnet-isolated", public=True)
    assert r.verdict is Verdict.UNREACHABLE
    assert r.path == ["subnet-isolated", "rtb-main"]
    assert r.blocked_at == "rtb-main"
    assert codes(r) == {CheckCode.NO_ROUTE}


def test_explicit_association_wins_over_the_main_route_table():
    snap = healthy()
    item(snap, "RouteTables", "rtb-main")["Routes"].append(
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-app", "State": "active"}
    )
    # subnet-private is explicitly on rtb-private (NAT), so it is not evaluated as public.
    r = trace(snap, "subnet-private")
    assert r.path[1] == "rtb-private"
    assert r.verdict is Verdict.REACHABLE


def test_disassociated_explicit_association_falls_back_to_main():
    snap = healthy()
    assoc = item(snap, "RouteTables", "rtb-private")["Associations"][0]
    assoc["AssociationState"] = {"State": "disassociated"}
    r = trace(snap, "subnet-private")
    assert r.path[:2] == ["subnet-private", "rtb-main"]
    assert r.verdict is Verdict.UNREACHABLE


def test_longest_prefix_wins_even_when_it_leads_nowhere():
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationCidrBlock": "52.0.0.0/8", "VpcPeeringConnectionId": "pcx-other", "State": "active"}
    )
    region(snap)["VpcPeeringConnections"].append(
        {
            "VpcPeeringConnectionId": "pcx-other",
            "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": "vpc-app"},
            "AccepterVpcInfo": {"VpcId": "vpc-peer"},
        }
    )
    # the internet is split: 52.0.0.0/8 of it goes into the peering, the rest through the NAT
    whole = trace(snap, "subnet-private")
    assert whole.verdict is Verdict.UNKNOWN
    assert [p.result.verdict for p in whole.pieces] == [Verdict.REACHABLE, Verdict.UNREACHABLE]
    assert whole.pieces[1].destination == ("52.0.0.0/8",)
    r = trace(snap, "subnet-private", destination="52.1.2.3/32")
    assert r.verdict is Verdict.UNREACHABLE
    assert r.blocked_at == "pcx-other"
    assert codes(r) == {CheckCode.PEERING_NOT_TRANSITIVE}


def test_prefix_list_route_matches_by_its_entries():
    snap = healthy()
    item(snap, "RouteTables", "rtb-isolated" if False else "rtb-main")["Routes"].append(
        {"DestinationPrefixListId": "pl-corp", "NatGatewayId": "nat-app", "State": "active"}
    )
    region(snap)["ManagedPrefixLists"].append(
        {"PrefixListId": "pl-corp", "Entries": [{"Cidr": "151.101.0.0/24"}]}
    )
    assert trace(snap, "subnet-isolated", destination="151.101.0.7/32").verdict is Verdict.REACHABLE
    assert trace(snap, "subnet-isolated", destination="151.102.0.7/32").verdict is Verdict.UNREACHABLE


def test_static_route_beats_prefix_list_route_of_equal_length():
    snap = healthy()
    rtb = item(snap, "RouteTables", "rtb-private")
    rtb["Routes"].append(
        {"DestinationPrefixListId": "pl-all", "VpcPeeringConnectionId": "pcx-x", "State": "active"}
    )
    region(snap)["ManagedPrefixLists"].append({"PrefixListId": "pl-all", "Entries": [{"Cidr": "0.0.0.0/0"}]})
    assert trace(snap, "subnet-private").verdict is Verdict.REACHABLE


def test_prefix_list_without_entries_makes_a_specific_destination_unknown():
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationPrefixListId": "pl-unread", "VpcPeeringConnectionId": "pcx-x", "State": "active"}
    )
    region(snap)["ManagedPrefixLists"].append({"PrefixListId": "pl-unread"})
    r = trace(snap, "subnet-private", destination="52.1.2.3/32")
    assert r.verdict is Verdict.UNKNOWN
    assert codes(r) == {CheckCode.PREFIX_LIST_UNKNOWN}
    # ...and, for the whole internet, could hold any prefix longer than the static 0.0.0.0/0: unknown
    whole = trace(snap, "subnet-private")
    assert whole.verdict is Verdict.UNKNOWN
    assert "pl-unread" in whole.reason


def test_blackhole_route_breaks_the_path_without_falling_back():
    snap = healthy()
    rtb = item(snap, "RouteTables", "rtb-private")
    rtb["Routes"].append(
        {"DestinationCidrBlock": "0.0.0.0/1", "NatGatewayId": "nat-gone", "State": "blackhole"}
    )
    r = trace(snap, "subnet-private", destination="52.1.2.3/32")
    assert r.verdict is Verdict.UNREACHABLE
    assert r.blocked_at == "rtb-private"
    assert codes(r) == {CheckCode.BLACKHOLE}


def test_route_to_a_gateway_that_no_longer_exists_is_unreachable():
    snap = healthy()
    default_route(snap, "rtb-public")["GatewayId"] = "igw-deleted"
    r = trace(snap, "subnet-public", public=True)
    assert r.verdict is Verdict.UNREACHABLE
    assert codes(r) == {CheckCode.TARGET_MISSING}


def test_detached_internet_gateway_is_unreachable():
    snap = healthy()
    item(snap, "InternetGateways", "igw-app")["Attachments"] = []
    r = trace(snap, "subnet-public", public=True)
    assert r.blocked_at == "igw-app"
    assert codes(r) == {CheckCode.IGW_NOT_ATTACHED}


def test_igw_attached_to_another_vpc_is_unreachable():
    snap = healthy()
    item(snap, "InternetGateways", "igw-app")["Attachments"] = [{"VpcId": "vpc-other", "State": "available"}]
    assert codes(trace(snap, "subnet-public", public=True)) == {CheckCode.IGW_NOT_ATTACHED}


def test_nat_gateway_not_available_is_unreachable():
    for state in ("pending", "failed", "deleting", "deleted"):
        snap = healthy()
        item(snap, "NatGateways", "nat-app")["State"] = state
        r = trace(snap, "subnet-private")
        assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "nat-app"), state
        assert codes(r) == {CheckCode.NAT_NOT_AVAILABLE}


def test_private_nat_gateway_cannot_reach_the_internet():
    snap = healthy()
    item(snap, "NatGateways", "nat-app")["ConnectivityType"] = "private"
    r = trace(snap, "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "nat-app")
    assert codes(r) == {CheckCode.NAT_PRIVATE}


def test_nat_gateway_without_connectivity_type_counts_as_public():
    snap = healthy()
    assert "ConnectivityType" not in item(snap, "NatGateways", "nat-app")
    assert trace(snap, "subnet-private").verdict is Verdict.REACHABLE


def test_nat_gateway_in_a_private_subnet_is_blocked_at_the_nat():
    snap = healthy()
    item(snap, "NatGateways", "nat-app")["SubnetId"] = "subnet-isolated"  # main table: local only
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNREACHABLE
    assert r.blocked_at == "nat-app"
    assert r.path == ["subnet-private", "rtb-private", "nat-app", "subnet-isolated", "rtb-main"]
    assert codes(r) == {CheckCode.NAT_PRIVATE_SUBNET}


def test_nat_gateway_whose_subnet_routes_back_to_itself_is_blocked_at_the_nat():
    snap = healthy()
    item(snap, "NatGateways", "nat-app")["SubnetId"] = "subnet-private"
    r = trace(snap, "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "nat-app")


def test_peering_is_never_a_way_to_the_internet():
    snap = healthy()
    default_route(snap, "rtb-private").pop("NatGatewayId")
    default_route(snap, "rtb-private")["VpcPeeringConnectionId"] = "pcx-hub"
    region(snap)["VpcPeeringConnections"].append(
        {
            "VpcPeeringConnectionId": "pcx-hub",
            "Status": {"Code": "active"},
            "AccepterVpcInfo": {"VpcId": "vpc-hub"},
        }
    )
    r = trace(snap, "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "pcx-hub")


def test_egress_only_gateway_never_carries_ipv4():
    snap = healthy()
    default_route(snap, "rtb-private").pop("NatGatewayId")
    default_route(snap, "rtb-private")["EgressOnlyInternetGatewayId"] = "eigw-app"
    region(snap)["EgressOnlyInternetGateways"].append(
        {
            "EgressOnlyInternetGatewayId": "eigw-app",
            "Attachments": [{"VpcId": "vpc-app", "State": "attached"}],
        }
    )
    assert codes(trace(snap, "subnet-private")) == {CheckCode.EIGW_IPV4}


def test_transit_gateway_route_is_unknown_not_reachable_in_the_core_walk():
    snap = healthy()
    default_route(snap, "rtb-private").pop("NatGatewayId")
    default_route(snap, "rtb-private")["TransitGatewayId"] = "tgw-hub"
    region(snap)["TransitGateways"] = [{"TransitGatewayId": "tgw-hub"}]
    r = trace(snap, "subnet-private")
    assert r.verdict is Verdict.UNKNOWN
    assert "transit gateway" in r.reason


def test_local_destination_stays_in_the_vpc():
    r = trace(healthy(), "subnet-isolated", destination="10.0.1.10/32")
    assert r.verdict is Verdict.REACHABLE
    assert r.path == ["subnet-isolated", "rtb-main"]


def trace_made(*make_args, **make_kwargs):
    """Trace one target built with make_target(g, "task:x", *make_args, **make_kwargs) on healthy()."""
    from fargate_netcheck.graph.build import build_graph
    from fargate_netcheck.snapshot.store import parse_snapshot
    from fargate_netcheck.targets.subnets import make_target
    from fargate_netcheck.trace import trace_targets

    g = build_graph(parse_snapshot(healthy()))
    return trace_targets(g, [make_target(g, "task:x", *make_args, **make_kwargs)])[0].internet_egress


def test_unknown_public_ip_choice_is_unknown_at_an_igw_not_a_failure():
    public = trace_made("subnet-public", ("sg-open",), None)
    assert public.verdict is Verdict.UNKNOWN
    assert "--assign-public-ip" in public.reason
    # behind a NAT the choice does not matter
    assert trace_made("subnet-private", ("sg-open",), None).verdict is Verdict.REACHABLE


def test_unknown_security_groups_make_the_verdict_unknown_not_reachable():
    result = trace_made("subnet-private", (), False, security_groups_known=False)
    assert result.verdict is Verdict.UNKNOWN
    assert "--security-group" in result.reason


def test_a_subnet_whose_route_table_association_is_changing_is_unknown_not_the_main_table():
    snap = healthy()
    association = item(snap, "RouteTables", "rtb-private")["Associations"][0]
    association["AssociationState"] = {"State": "disassociating"}
    r = trace(snap, "subnet-private")
    assert (r.verdict, codes(r)) == (Verdict.UNKNOWN, {CheckCode.ROUTE_TABLE_MISSING})
    assert "rtb-private is disassociating" in r.reason


def test_a_route_to_a_nat_gateway_of_another_vpc_is_blocked_there():
    """AWS refuses such a route; a plan with a wrong id, or a hand-written file, has one. It was
    followed, and the other VPC's internet gateway checked as if it were this VPC's."""
    snap = healthy()
    region(snap)["Vpcs"].append({"VpcId": "vpc-other", "CidrBlock": "10.9.0.0/16"})
    region(snap)["Subnets"].append(
        {"SubnetId": "subnet-other", "VpcId": "vpc-other", "CidrBlock": "10.9.0.0/24"}
    )
    item(snap, "NatGateways", "nat-app")["SubnetId"] = "subnet-other"
    r = trace(snap, "subnet-private")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "nat-app")
    assert "of vpc-other, not of vpc-app" in r.reason
