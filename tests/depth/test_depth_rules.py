"""The rules of issue 5 on hand-written snapshots: each fires on its case and stays quiet otherwise."""

from __future__ import annotations

from depth.builders import (
    endpoints_only,
    endpoints_only_no_s3,
    firewalled,
    https_rule,
    nat_with_endpoints,
    subnet,
)
from depth.harness import findings
from depth.tgw_builders import tgw_egress
from snapshots import default_route, healthy, item, region

from fargate_netcheck.checks.registry import load_rules
from fargate_netcheck.core.model import Severity

NEW_RULES = (
    "EP001", "EP002", "EP003", "EP004", "EP005", "EP006", "EP007",
    "TGW001", "TGW002", "TGW003", "TGW004", "GW007", "GW008",
    "LB001", "LB002", "LB003", "LB004", "RS001", "RS002",
)  # fmt: skip


def ids(found) -> list[str]:
    return [f.rule_id for f in found]


def test_every_new_rule_is_in_the_builtin_pack_with_its_family_prefix():
    rules = load_rules(plugins=False)
    assert set(NEW_RULES) <= rules.keys()
    assert rules["GW008"].severity is Severity.WARNING and rules["EP006"].severity is Severity.WARNING


def test_healthy_nat_subnet_raises_none_of_the_new_rules():
    assert (
        findings(
            healthy(),
            ("subnet-private", ("sg-open",), False, "ecs-service:c/a"),
            ("subnet-isolated", ("sg-open",), False, "ecs-service:c/a"),
            rule_ids=NEW_RULES,
        )
        == []
    )


# -- endpoints ------------------------------------------------------------------------------------
def test_ep001_endpoint_group_refusing_the_task():
    found = findings(nat_with_endpoints([]), ("subnet-private", ("sg-open",), False), rule_ids=("EP001",))
    assert {f.resource_id for f in found} == {"sg-endpoints"}
    assert all(f.message.startswith("ECR pull: ") for f in found)


def test_ep002_task_group_not_allowing_s3():
    snap = endpoints_only()
    item(snap, "SecurityGroups", "sg-task")["IpPermissionsEgress"] = [https_rule("10.20.0.0/16")]
    (f,) = findings(snap, ("subnet-app-a", ("sg-task",), False), rule_ids=("EP002",))
    assert f.resource_id == "sg-task" and "pl-s3" in f.message


def test_ep003_no_s3_gateway_endpoint_without_internet():
    (f,) = findings(endpoints_only_no_s3(), ("subnet-app-a", ("sg-task",), False), rule_ids=("EP003",))
    assert f.resource_id == "rtb-app" and f.severity is Severity.ERROR


def test_ep004_missing_ecr_endpoint_without_internet():
    snap = endpoints_only()
    region(snap)["VpcEndpoints"] = [
        e for e in region(snap)["VpcEndpoints"] if e["VpcEndpointId"] != "vpce-ecr-api"
    ]
    (f,) = findings(snap, ("subnet-app-a", ("sg-task",), False), rule_ids=("EP004",))
    assert f.resource_id == "vpc-private" and "ecr.api" in f.message


def test_ep005_private_dns_endpoints_in_a_vpc_without_dns_hostnames():
    snap = endpoints_only()
    item(snap, "Vpcs", "vpc-private")["EnableDnsHostnames"] = False
    (f,) = findings(snap, ("subnet-app-a", ("sg-task",), False), rule_ids=("EP005",))
    assert (f.resource_id, f.target_id) == ("vpc-private", None)
    assert "EnableDnsHostnames" in f.message and "vpce-ecr-api" in f.message


def test_ep006_private_vpc_without_logs_endpoint_warns_if_awslogs():
    snap = endpoints_only()
    assert findings(snap, ("subnet-app-a", ("sg-task",), False), rule_ids=("EP006",)) == []
    region(snap)["VpcEndpoints"] = [
        e for e in region(snap)["VpcEndpoints"] if e["VpcEndpointId"] != "vpce-logs"
    ]
    (f,) = findings(snap, ("subnet-app-a", ("sg-task",), False), rule_ids=("EP006",))
    assert f.severity is Severity.WARNING and "if the task uses the awslogs log driver" in f.message


def test_ep006_param_limits_the_warning_to_awslogs_targets():
    snap = endpoints_only()
    region(snap)["VpcEndpoints"] = [
        e for e in region(snap)["VpcEndpoints"] if e["VpcEndpointId"] != "vpce-logs"
    ]
    targets = [("subnet-app-a", ("sg-task",), False), ("subnet-app-b", ("sg-task",), False)]
    (f,) = findings(snap, *targets, rule_ids=("EP006",), params={"awslogs_target_ids": {"test:subnet-app-b"}})
    assert f.target_id == "test:subnet-app-b" and "if the task" not in f.message


def test_ep006_is_quiet_when_the_internet_path_is_merely_broken():
    assert findings(healthy(), ("subnet-private", ("sg-closed",), False), rule_ids=("EP006",)) == []


def test_ep007_gateway_endpoint_as_internet_route():
    snap = healthy()
    region(snap)["VpcEndpoints"] = [
        {"VpcEndpointId": "vpce-s3", "VpcId": "vpc-app", "VpcEndpointType": "Gateway", "State": "available"}
    ]
    default_route(snap, "rtb-private").pop("NatGatewayId")
    default_route(snap, "rtb-private")["GatewayId"] = "vpce-s3"
    (f,) = findings(snap, ("subnet-private", ("sg-open",), False), rule_ids=("EP007",))
    assert f.resource_id == "vpce-s3"


# -- transit, NAT instances, firewalls --------------------------------------------------------------
def test_tgw001_blackhole_in_the_tgw_route_table():
    snap = tgw_egress()
    item(snap, "TransitGatewayRouteTables", "tgw-rtb-spoke")["Routes"][0]["State"] = "blackhole"
    found = findings(snap, ("subnet-spoke", ("sg-spoke-task",), False), rule_ids=("TGW001",))
    assert {f.resource_id for f in found} == {"tgw-rtb-spoke"}


def test_tgw002_pending_attachment():
    snap = tgw_egress()
    item(snap, "TransitGatewayVpcAttachments", "tgw-attach-spoke")["State"] = "pendingAcceptance"
    item(snap, "TransitGatewayAttachments", "tgw-attach-spoke")["State"] = "pendingAcceptance"
    found = findings(snap, ("subnet-spoke", ("sg-spoke-task",), False), rule_ids=("TGW002",))
    assert {f.resource_id for f in found} == {"tgw-attach-spoke"}


def test_tgw003_attachment_missing_the_task_az():
    snap = tgw_egress()
    item(snap, "TransitGatewayVpcAttachments", "tgw-attach-spoke")["SubnetIds"] = ["subnet-spoke-tgw"]
    found = findings(snap, ("subnet-spoke-b", ("sg-spoke-task",), False), rule_ids=("TGW003",))
    assert {f.resource_id for f in found} == {"tgw-attach-spoke"}


def test_tgw004_no_return_route():
    snap = tgw_egress()
    item(snap, "TransitGatewayRouteTables", "tgw-rtb-egress")["Routes"] = []
    found = findings(snap, ("subnet-spoke", ("sg-spoke-task",), False), rule_ids=("TGW004",))
    assert {f.resource_id for f in found} == {"tgw-rtb-egress"}


def test_gw007_nat_instance_with_source_dest_check():
    snap = healthy()
    default_route(snap, "rtb-private").pop("NatGatewayId")
    default_route(snap, "rtb-private")["NetworkInterfaceId"] = "eni-nat"
    region(snap)["NetworkInterfaces"] = [
        {
            "NetworkInterfaceId": "eni-nat",
            "SubnetId": "subnet-public",
            "Status": "in-use",
            "SourceDestCheck": True,
            "Association": {"PublicIp": "198.51.100.1"},
        }
    ]
    found = findings(snap, ("subnet-private", ("sg-open",), False), rule_ids=("GW007",))
    assert {f.resource_id for f in found} == {"eni-nat"}


def test_gw008_warns_on_an_unevaluated_firewall():
    found = findings(firewalled(), ("subnet-private", ("sg-open",), False), rule_ids=("GW008", "DATA001"))
    assert ids(found) == ["GW008"]  # the ECR pull reuses the internet walk: one finding, not two
    assert {f.severity for f in found} == {Severity.WARNING}


# -- launch blockers --------------------------------------------------------------------------------
def test_lb001_subnet_without_free_addresses():
    snap = healthy()
    item(snap, "Subnets", "subnet-private")["AvailableIpAddressCount"] = 0
    (f,) = findings(snap, ("subnet-private", ("sg-open",), False), rule_ids=("LB001", "LB002"))
    assert (f.rule_id, f.resource_id, f.target_id) == ("LB001", "subnet-private", "test:subnet-private")


def test_lb002_few_free_addresses_uses_the_min_free_ips_param():
    snap = healthy()
    item(snap, "Subnets", "subnet-private")["AvailableIpAddressCount"] = 5
    (f,) = findings(snap, ("subnet-private", ("sg-open",), False), rule_ids=("LB001", "LB002"))
    assert f.rule_id == "LB002" and "only 5 free" in f.message
    assert (
        findings(
            snap, ("subnet-private", ("sg-open",), False), rule_ids=("LB002",), params={"min_free_ips": 4}
        )
        == []
    )


def test_lb003_dns_resolution_off_is_an_error_on_the_vpc():
    snap = healthy()
    item(snap, "Vpcs", "vpc-app")["EnableDnsSupport"] = False
    (f,) = findings(snap, ("subnet-private", ("sg-open",), False), rule_ids=("LB003",))
    assert (f.resource_id, f.target_id, f.severity) == ("vpc-app", None, Severity.ERROR)


def test_lb004_more_than_16_subnets_or_5_groups_in_one_configuration():
    snap = healthy()
    reg = region(snap)
    reg["Subnets"] += [
        subnet(f"subnet-x{i}", "vpc-app", f"10.0.{100 + i}.0/24", "us-east-1a") for i in range(15)
    ]
    reg["SecurityGroups"] += [
        {"GroupId": f"sg-{i}", "VpcId": "vpc-app", "IpPermissionsEgress": []} for i in range(5)
    ]
    many = [f"subnet-x{i}" for i in range(15)] + ["subnet-private", "subnet-public"]
    groups = ("sg-open", *(f"sg-{i}" for i in range(5)))
    found = findings(
        snap, *[(s, groups, False, "deploy-config:prod/task") for s in many], rule_ids=("LB004",)
    )
    assert sorted(f.message for f in found) == [
        "deploy-config:prod/task lists 17 subnets; ECS accepts at most 16",
        "deploy-config:prod/task lists 6 security groups; ECS accepts at most 5",
    ]
    assert findings(snap, *[(s, groups[:5], False, "ok") for s in many[:16]], rule_ids=("LB004",)) == []


# -- resilience -----------------------------------------------------------------------------------
def test_rs001_nat_gateway_in_another_az():
    snap = healthy()
    item(snap, "Subnets", "subnet-private")["AvailabilityZone"] = "us-east-1b"
    (f,) = findings(snap, ("subnet-private", ("sg-open",), False), rule_ids=("RS001",))
    assert f.resource_id == "subnet-private" and "nat-app in us-east-1a" in f.message


def test_rs001_compares_az_ids_when_known():
    snap = healthy()
    item(snap, "Subnets", "subnet-private").update(
        AvailabilityZone="us-east-1b", AvailabilityZoneId="use1-az1"
    )
    item(snap, "Subnets", "subnet-public")["AvailabilityZoneId"] = "use1-az1"
    assert findings(snap, ("subnet-private", ("sg-open",), False), rule_ids=("RS001",)) == []


def test_rs002_configuration_in_one_az_warns_once_per_source():
    snap = healthy()
    item(snap, "Subnets", "subnet-isolated")["AvailabilityZone"] = "us-east-1a"
    targets = [(s, ("sg-open",), False, "ecs-service:c/web") for s in ("subnet-private", "subnet-isolated")]
    (f,) = findings(snap, *targets, rule_ids=("RS002",))
    assert (f.resource_id, f.severity) == ("ecs-service:c/web", Severity.WARNING)
    assert "us-east-1a" in f.message


def test_rs002_skips_audit_and_cli_and_spread_configurations():
    snap = healthy()
    spread = [(s, ("sg-open",), False, "ecs-service:c/web") for s in ("subnet-private", "subnet-isolated")]
    assert findings(snap, *spread, rule_ids=("RS002",)) == []
    for source in ("audit", "cli"):
        assert findings(snap, ("subnet-private", (), False, source), rule_ids=("RS002",)) == []
    one = ("subnet-private", (), False, "cli")
    assert len(findings(snap, one, rule_ids=("RS002",), params={"single_az_skip_sources": ("audit",)})) == 1
