"""The path to the one service a stopped task's error names: its interface endpoint when the VPC
resolves to it, else the internet; S3 through its gateway endpoint; ECR through the ECR pull walk."""

from __future__ import annotations

from endpoint_snapshots import with_endpoints
from snapshots import healthy, item, region

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import Tracer
from fargate_netcheck.trace.service_path import path_to_service


def with_logs_endpoint(ingress_cidr: str | None = "10.0.0.0/16") -> dict:
    return with_endpoints("logs", ingress_cidr=ingress_cidr)


def walk(snap: dict, service: str | None, subnet: str = "subnet-isolated", groups=("sg-open",)):
    g = build_graph(parse_snapshot(snap))
    target = make_target(g, "test", subnet, groups, False)
    return path_to_service(Tracer(g), target, service, service or "the internet")


def test_logs_through_its_endpoint_from_a_subnet_without_a_way_out():
    result = walk(with_logs_endpoint(), "logs")
    assert result.verdict is Verdict.REACHABLE, result.reason
    assert result.via == "vpc-endpoints"
    assert "vpce-logs" in result.path


def test_logs_endpoint_whose_group_refuses_the_task_is_where_it_breaks():
    result = walk(with_logs_endpoint(ingress_cidr=None), "logs")
    assert result.verdict is Verdict.UNREACHABLE
    assert result.blocked_at == "sg-endpoint"


def test_a_service_without_an_endpoint_goes_over_the_internet():
    isolated = walk(with_logs_endpoint(), "secretsmanager")
    assert isolated.verdict is Verdict.UNREACHABLE and isolated.blocked_at == "rtb-main"
    assert isolated.via == "internet"
    assert "no available secretsmanager interface endpoint" in isolated.reason
    private = walk(with_logs_endpoint(), "secretsmanager", subnet="subnet-private")
    assert private.verdict is Verdict.REACHABLE
    assert "nat-app" in private.path


def test_private_dns_without_vpc_dns_hostnames_means_the_internet():
    snap = with_logs_endpoint()
    item(snap, "Vpcs", "vpc-app")["EnableDnsHostnames"] = False
    result = walk(snap, "logs")
    assert result.verdict is Verdict.UNREACHABLE and result.via == "internet"
    assert "has no effect" in result.reason


def test_endpoints_not_collected_is_unknown_not_a_guess():
    snap = with_logs_endpoint()
    del region(snap)["VpcEndpoints"]
    assert walk(snap, "logs").verdict is Verdict.UNKNOWN


def test_dns_attributes_not_collected_is_unknown_when_an_endpoint_would_decide():
    snap = with_logs_endpoint()
    del item(snap, "Vpcs", "vpc-app")["EnableDnsHostnames"]
    result = walk(snap, "logs")
    assert result.verdict is Verdict.UNKNOWN
    assert "DNS attributes" in result.reason


def test_env_files_on_s3_through_the_gateway_endpoint_of_the_route_table():
    result = walk(with_endpoints(s3=True), "s3-env-files")
    assert result.verdict is Verdict.REACHABLE, result.reason
    assert "vpce-s3" in result.path
    without = walk(healthy(), "s3-env-files")
    assert without.verdict is Verdict.UNREACHABLE
    assert "environment files" in without.reason


def test_docker_hub_and_unnamed_services_take_the_internet():
    for service in ("docker-hub", "registry", None):
        assert walk(with_logs_endpoint(), service).blocked_at == "rtb-main"
        assert walk(with_logs_endpoint(), service, subnet="subnet-private").verdict is Verdict.REACHABLE


def test_ecr_services_are_the_ecr_pull():
    result = walk(with_logs_endpoint(), "ecr.dkr")
    assert "ECR over the internet" in result.reason
    assert result.blocked_at == "rtb-main"
