from __future__ import annotations

from report.sample_report import HOSTILE, sample_graph
from snapshots import healthy

from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.report.topology import build_topology, tag_name
from fargate_netcheck.snapshot.store import parse_snapshot


def _by_id(views):
    return {v.vpc_id: v for v in views}


def test_one_view_per_vpc_in_a_stable_order():
    views = build_topology(sample_graph())
    assert [v.vpc_id for v in views] == ["vpc-0a11", "vpc-0b22"]
    assert build_topology(sample_graph()) == views


def test_subnets_are_grouped_by_availability_zone_with_their_route_table_and_acl():
    prod = _by_id(build_topology(sample_graph()))["vpc-0a11"]
    assert [(az.name, [s.subnet_id for s in az.subnets]) for az in prod.azs] == [
        ("us-east-1a", ["subnet-0a11private"]),
        ("us-east-1b", ["subnet-0a11public"]),
    ]
    private = prod.azs[0].subnets[0]
    assert (private.route_table_id, private.explicit_route_table, private.nacl_id) == (
        "rtb-0a11private",
        True,
        "acl-0a11",
    )
    assert private.name == "prod-private-a" and private.cidr == "10.0.1.0/24"


def test_route_tables_keep_aws_route_state_and_flag_missing_targets():
    legacy = _by_id(build_topology(sample_graph()))["vpc-0b22"]
    (table,) = legacy.route_tables
    assert table.main is True
    routes = [(r.destination, r.target, r.state, r.target_missing) for r in table.routes]
    assert routes == [
        ("10.9.0.0/16", "local", "active", False),
        ("0.0.0.0/0", "tgw-0b22", "active", False),
        ("192.0.2.0/24", "nat-gone", "blackhole", True),
    ]
    assert legacy.azs[0].subnets[0].explicit_route_table is False


def test_gateways_include_attached_igw_nat_in_a_subnet_endpoints_and_route_targets():
    views = _by_id(build_topology(sample_graph()))
    prod = {g.gateway_id: g for g in views["vpc-0a11"].gateways}
    assert set(prod) == {"igw-0a11", "nat-0a11"}
    assert prod["nat-0a11"].detail == "public, in subnet-0a11public"
    assert prod["igw-0a11"].state == "available"
    legacy = {g.gateway_id: g.kind for g in views["vpc-0b22"].gateways}
    assert legacy == {"nat-gone": "missing", "tgw-0b22": "tgw", "vpce-0b22s3": "vpce"}


def test_names_maps_ids_to_name_tags():
    legacy = _by_id(build_topology(sample_graph()))["vpc-0b22"]
    assert legacy.names() == {"vpc-0b22": "legacy", "subnet-0b22legacy": HOSTILE}
    assert tag_name({"Tags": [{"Key": "env", "Value": "x"}]}) is None


def test_built_from_the_real_graph_of_a_snapshot():
    (vpc,) = build_topology(build_graph(parse_snapshot(healthy())))
    assert vpc.vpc_id == "vpc-app" and vpc.account == "123456789012" and vpc.region == "us-east-1"
    subnets = {s.subnet_id: s for az in vpc.azs for s in az.subnets}
    assert subnets["subnet-isolated"].route_table_id == "rtb-main"
    assert subnets["subnet-isolated"].explicit_route_table is False
    assert subnets["subnet-private"].route_table_id == "rtb-private"
    assert {g.gateway_id for g in vpc.gateways} == {"igw-app", "nat-app"}
