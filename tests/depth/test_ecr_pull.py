"""ECR pull verdicts: which way the pull goes (via) and what blocks it. One behaviour per test."""

from __future__ import annotations

from depth.builders import (
    endpoints_only,
    endpoints_only_no_s3,
    https_rule,
    interface_endpoint,
    nat_with_endpoints,
    route,
)
from depth.harness import codes, passed, result
from snapshots import healthy, item, region

from fargate_netcheck.core.model import CheckCode, Verdict

TASK = ("sg-task",)


def test_endpoints_only_vpc_pulls_through_the_endpoints_while_the_internet_is_unreachable():
    r = result(endpoints_only(), "subnet-app-a", TASK)
    # only S3's prefix list (through the gateway endpoint) is routed: the rest of the internet is not
    assert (r.internet_egress.verdict, r.internet_egress.blocked_at) == (Verdict.UNREACHABLE, "rtb-app")
    assert [p.result.blocked_at for p in r.internet_egress.pieces] == ["rtb-app", None]
    assert "only its gateway endpoint's service arrives: reaches 3.5.0.0/19" in r.internet_egress.reason
    ecr = r.ecr_pull
    assert (ecr.verdict, ecr.via, ecr.blocked_at) == (Verdict.REACHABLE, "vpc-endpoints", None)
    assert ecr.path == ["subnet-app-a", "vpce-ecr-api", "vpce-ecr-dkr", "rtb-app", "vpce-s3"]
    assert "endpoint policies are not evaluated" in ecr.reason


def test_endpoint_walk_checks_both_groups_and_the_acls_between_the_subnets():
    ecr = result(endpoints_only(), "subnet-app-a", TASK).ecr_pull
    assert passed(ecr, CheckCode.EP_SG_INGRESS)  # sg-endpoints lets 443 in from the task subnet
    assert any("vpce-ecr-dkr" in reason for reason in passed(ecr, CheckCode.EP_TASK_EGRESS))
    acl_reasons = [c.reason for c in ecr.checks if c.code is CheckCode.NACL]
    assert any("of subnet-endpoints-b allows inbound request from subnet-app-a" in a for a in acl_reasons)
    assert any("to S3 (pl-s3)" in a for a in acl_reasons)


def test_without_the_s3_gateway_endpoint_and_no_internet_the_pull_is_unreachable():
    ecr = result(endpoints_only_no_s3(), "subnet-app-a", TASK).ecr_pull
    assert (ecr.verdict, ecr.via, ecr.blocked_at) == (Verdict.UNREACHABLE, "vpc-endpoints", "rtb-app")
    assert codes(ecr) == {CheckCode.EP_S3_MISSING}
    assert "image layers" in ecr.reason


def test_private_dns_endpoints_take_ecr_traffic_even_when_a_nat_gateway_exists():
    r = result(nat_with_endpoints([https_rule("10.0.80.0/24")]), "subnet-private", ("sg-open",))
    assert r.internet_egress.verdict is Verdict.REACHABLE
    ecr = r.ecr_pull
    assert (ecr.verdict, ecr.via, ecr.blocked_at) == (Verdict.UNREACHABLE, "vpc-endpoints", "sg-endpoints")
    assert codes(ecr) == {CheckCode.EP_SG_INGRESS_DENIED}


def test_endpoint_group_admitting_a_task_group_is_enough():
    ingress = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": "sg-open"}]}
    ]
    ecr = result(nat_with_endpoints(ingress), "subnet-private", ("sg-open",)).ecr_pull
    assert ecr.verdict is Verdict.REACHABLE
    assert any("task's group sg-open" in reason for reason in passed(ecr, CheckCode.EP_SG_INGRESS))


def test_group_reference_cannot_be_decided_without_task_groups():
    ingress = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": "sg-open"}]}
    ]
    ecr = result(nat_with_endpoints(ingress), "subnet-private", ()).ecr_pull
    assert ecr.verdict is Verdict.UNKNOWN
    assert codes(ecr) == {CheckCode.EP_SG_INGRESS_PARTIAL}


def test_task_egress_limited_to_the_vpc_misses_s3_through_the_gateway_endpoint():
    snap = endpoints_only()
    item(snap, "SecurityGroups", "sg-task")["IpPermissionsEgress"] = [https_rule("10.20.0.0/16")]
    ecr = result(snap, "subnet-app-a", TASK).ecr_pull
    assert (ecr.verdict, ecr.blocked_at) == (Verdict.UNREACHABLE, "sg-task")
    assert codes(ecr) == {CheckCode.EP_TASK_EGRESS_DENIED}
    assert "S3 (pl-s3)" in ecr.reason


def test_task_egress_may_name_the_endpoint_group():
    snap = endpoints_only()
    item(snap, "SecurityGroups", "sg-task")["IpPermissionsEgress"] = [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "UserIdGroupPairs": [{"GroupId": "sg-endpoints"}],
        },
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": "pl-s3"}]},
    ]
    assert result(snap, "subnet-app-a", TASK).ecr_pull.verdict is Verdict.REACHABLE


def test_endpoint_subnet_acl_dropping_replies_blocks_the_pull():
    snap = endpoints_only()
    reg = region(snap)
    reg["NetworkAcls"][0]["Associations"] = [
        {"SubnetId": s} for s in ("subnet-app-a", "subnet-app-b", "subnet-endpoints-b")
    ]
    reg["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-endpoints-a",
            "VpcId": "vpc-private",
            "Associations": [{"SubnetId": "subnet-endpoints-a"}],
            "Entries": [
                {
                    "RuleNumber": 100,
                    "Protocol": "6",
                    "RuleAction": "allow",
                    "Egress": False,
                    "CidrBlock": "10.20.0.0/16",
                    "PortRange": {"From": 443, "To": 443},
                },
                {
                    "RuleNumber": 100,
                    "Protocol": "6",
                    "RuleAction": "allow",
                    "Egress": True,
                    "CidrBlock": "10.20.0.0/16",
                    "PortRange": {"From": 443, "To": 443},
                },
            ],
        }
    )
    ecr = result(snap, "subnet-app-a", TASK).ecr_pull
    assert (ecr.verdict, ecr.blocked_at) == (Verdict.UNREACHABLE, "acl-endpoints-a")
    assert codes(ecr) == {CheckCode.NACL_REPLY_DENIED}


def test_one_missing_ecr_endpoint_falls_back_to_the_internet_when_there_is_one():
    snap = nat_with_endpoints([https_rule("10.0.0.0/16")])
    region(snap)["VpcEndpoints"] = [
        e for e in region(snap)["VpcEndpoints"] if e["VpcEndpointId"] != "vpce-ecr-api"
    ]
    ecr = result(snap, "subnet-private", ("sg-open",)).ecr_pull
    assert (ecr.verdict, ecr.via) == (Verdict.REACHABLE, "vpc-endpoints")
    assert any("ecr.api is reached over the internet path" in r for r in passed(ecr, CheckCode.EP_SERVICE))


def test_one_missing_ecr_endpoint_without_internet_is_unreachable_at_the_vpc():
    snap = endpoints_only()
    region(snap)["VpcEndpoints"] = [
        e for e in region(snap)["VpcEndpoints"] if e["VpcEndpointId"] != "vpce-ecr-dkr"
    ]
    ecr = result(snap, "subnet-app-a", TASK).ecr_pull
    assert (ecr.verdict, ecr.blocked_at) == (Verdict.UNREACHABLE, "vpc-private")
    assert codes(ecr) == {CheckCode.EP_SERVICE_MISSING}


def test_without_private_dns_ecr_goes_the_internet_way():
    snap = nat_with_endpoints([])
    for endpoint in region(snap)["VpcEndpoints"]:
        endpoint["PrivateDnsEnabled"] = False
    r = result(snap, "subnet-private", ("sg-open",))
    ecr = r.ecr_pull
    assert (ecr.verdict, ecr.via) == (Verdict.REACHABLE, "internet")
    assert ecr.path == r.internet_egress.path
    assert "private DNS off" in ecr.reason


def test_internet_way_repeats_the_verdict_but_not_the_checks_of_internet_egress():
    r = result(healthy(), "subnet-public", ("sg-open",), public=False)
    assert (r.ecr_pull.verdict, r.ecr_pull.via, r.ecr_pull.blocked_at) == (
        Verdict.UNREACHABLE,
        "internet",
        "igw-app",
    )
    assert [c.code for c in r.ecr_pull.checks] == [CheckCode.ECR_VIA_INTERNET]


def test_internet_way_walks_443_itself_when_the_options_ask_for_another_destination():
    r = result(healthy(), "subnet-private", ("sg-open",), destination="10.0.2.10/32", ports=(5432,))
    assert r.internet_egress.reason.startswith("reaches 10.0.2.10/32")
    assert r.ecr_pull.via == "internet"
    assert "reaches ECR and S3 addresses in us-east-1 on TCP 443" in r.ecr_pull.reason
    assert CheckCode.NAT in {c.code for c in r.ecr_pull.checks}


def test_vpc_dns_hostnames_off_makes_private_dns_ineffective():
    snap = nat_with_endpoints([])  # the endpoint group admits nothing: it must not matter
    item(snap, "Vpcs", "vpc-app")["EnableDnsHostnames"] = False
    ecr = result(snap, "subnet-private", ("sg-open",)).ecr_pull
    assert (ecr.verdict, ecr.via) == (Verdict.REACHABLE, "internet")
    assert "EnableDnsHostnames off" in ecr.reason


def test_vpc_dns_attributes_not_collected_make_the_pull_unknown():
    snap = nat_with_endpoints([https_rule("10.0.0.0/16")])
    del item(snap, "Vpcs", "vpc-app")["EnableDnsHostnames"]
    ecr = result(snap, "subnet-private", ("sg-open",)).ecr_pull
    assert ecr.verdict is Verdict.UNKNOWN
    assert "DNS attributes" in ecr.reason


def test_endpoints_not_collected_make_the_pull_unknown_never_reachable():
    snap = healthy()
    del region(snap)["VpcEndpoints"]
    r = result(snap, "subnet-private", ("sg-open",))
    assert r.internet_egress.verdict is Verdict.REACHABLE
    assert (r.ecr_pull.verdict, r.ecr_pull.via) == (Verdict.UNKNOWN, None)
    assert "VpcEndpoints were not collected" in r.ecr_pull.reason


def test_endpoints_access_denied_is_unknown_with_the_error():
    snap = healthy()
    del region(snap)["VpcEndpoints"]
    region(snap)["Errors"] = {"VpcEndpoints": "AccessDenied: ec2:DescribeVpcEndpoints"}
    ecr = result(snap, "subnet-private", ("sg-open",)).ecr_pull
    assert ecr.verdict is Verdict.UNKNOWN and "AccessDenied" in ecr.reason


def test_pending_endpoint_does_not_take_the_traffic():
    """Pending interface endpoints take no traffic, and their private DNS may already hold ECR's
    names: the internet way is not known to be the one taken (``unknown``). The S3 gateway
    endpoint's route is on the task's table, though: the layers go to the pending endpoint."""
    snap = nat_with_endpoints([])
    for endpoint in region(snap)["VpcEndpoints"]:
        endpoint["State"] = "pending"
    r = result(snap, "subnet-private", ("sg-open",))
    api = next(n for n in r.needs if n.service == "ecr.api")
    assert api.result.verdict is Verdict.UNKNOWN
    assert (
        "vpce-ecr-api has private DNS for api.ecr.us-east-1.amazonaws.com and is pending" in api.result.reason
    )
    ecr = r.ecr_pull
    assert (ecr.verdict, ecr.via, ecr.blocked_at) == (Verdict.UNREACHABLE, "internet", "vpce-s3")
    assert "S3 gateway endpoint vpce-s3 is pending" in ecr.reason


def test_s3_gateway_endpoint_on_another_route_table_is_named():
    snap = endpoints_only()
    region(snap)["VpcEndpoints"][-1]["RouteTableIds"] = ["rtb-endpoints"]
    rtb = item(snap, "RouteTables", "rtb-app")
    rtb["Routes"] = [r for r in rtb["Routes"] if r.get("GatewayId") != "vpce-s3"]
    item(snap, "RouteTables", "rtb-endpoints")["Routes"].append(route("pl-s3", GatewayId="vpce-s3"))
    ecr = result(snap, "subnet-app-a", TASK).ecr_pull
    assert ecr.blocked_at == "rtb-app" and "vpce-s3 is not on it" in ecr.reason


def test_endpoint_without_subnets_is_unreachable_at_the_endpoint():
    snap = endpoints_only()
    region(snap)["VpcEndpoints"][0]["SubnetIds"] = []
    ecr = result(snap, "subnet-app-a", TASK).ecr_pull
    assert (ecr.verdict, ecr.blocked_at) == (Verdict.UNREACHABLE, "vpce-ecr-api")


def test_endpoint_group_without_a_group_id_is_unknown_at_the_endpoint():
    snap = endpoints_only()
    region(snap)["VpcEndpoints"][0]["Groups"] = [{}]  # a hand-written item; AWS always sends GroupId
    ecr = result(snap, "subnet-app-a", TASK).ecr_pull
    assert ecr.verdict is Verdict.UNKNOWN
    unknown = [c for c in ecr.checks if c.code is CheckCode.DATA_MISSING]
    assert [(c.resource_id, c.reason) for c in unknown] == [
        ("vpce-ecr-api", "a security group of vpce-ecr-api has no GroupId")
    ]


def test_a_new_interface_endpoint_for_another_service_changes_nothing():
    snap = healthy()
    region(snap)["VpcEndpoints"] = [
        interface_endpoint("vpce-sts", "vpc-app", "sts", ["subnet-public"], "sg-open")
    ]
    ecr = result(snap, "subnet-private", ("sg-open",)).ecr_pull
    assert (ecr.verdict, ecr.via) == (Verdict.REACHABLE, "internet")


def _s3_interface_for_inbound_resolvers_only(snap):
    """An S3 interface endpoint with private DNS "only for inbound Resolver endpoints" (AWS's default
    beside a gateway endpoint), in the endpoint subnets, whose group admits nothing."""
    endpoint = interface_endpoint(
        "vpce-s3-interface", "vpc-private", "s3", ["subnet-endpoints-a"], "sg-closed-endpoint"
    )
    endpoint["DnsOptions"] = {"DnsRecordIpType": "ipv4", "PrivateDnsOnlyForInboundResolverEndpoint": True}
    region(snap)["VpcEndpoints"].append(endpoint)
    region(snap)["SecurityGroups"].append(
        {
            "GroupId": "sg-closed-endpoint",
            "VpcId": "vpc-private",
            "IpPermissions": [],
            "IpPermissionsEgress": [],
        }
    )
    return snap


def _layers(r):
    return next(n for n in r.needs if n.ecr and n.service == "s3")


def test_s3_private_dns_only_for_inbound_resolvers_leaves_the_vpc_on_the_gateway_endpoint():
    # AWS (DnsOptionsSpecification): "It routes traffic that originates from the VPC to the gateway
    # endpoint and traffic that originates from on-premises to the interface endpoint."
    r = result(_s3_interface_for_inbound_resolvers_only(endpoints_only()), "subnet-app-a", TASK)
    layers = _layers(r)
    assert (layers.result.verdict, layers.via) == (Verdict.REACHABLE, "vpc-endpoint")
    assert "vpce-s3" in layers.result.path and "vpce-s3-interface" not in layers.result.path
    assert r.ecr_pull.verdict is Verdict.REACHABLE


def test_s3_private_dns_only_for_inbound_resolvers_does_not_reach_s3_from_the_vpc():
    snap = _s3_interface_for_inbound_resolvers_only(endpoints_only())
    item(snap, "SecurityGroups", "sg-closed-endpoint")["IpPermissions"] = [https_rule("10.20.0.0/16")]
    rtb = item(snap, "RouteTables", "rtb-app")  # the gateway endpoint serves other subnets only
    rtb["Routes"] = [x for x in rtb["Routes"] if x.get("GatewayId") != "vpce-s3"]
    item(snap, "VpcEndpoints", "vpce-s3")["RouteTableIds"] = ["rtb-endpoints"]
    item(snap, "RouteTables", "rtb-endpoints")["Routes"].append(route("pl-s3", GatewayId="vpce-s3"))
    layers = _layers(result(snap, "subnet-app-a", TASK))
    assert layers.result.verdict is Verdict.UNREACHABLE
    assert "vpce-s3-interface" not in layers.result.path


def test_a_more_specific_route_takes_part_of_s3_past_the_gateway_endpoint():
    # AWS (route-tables-priority): the longest prefix wins, before static and prefix-list routes.
    snap = endpoints_only()  # pl-s3 holds 52.216.0.0/15: the /16 below wins half of it
    item(snap, "RouteTables", "rtb-app")["Routes"].append(
        route("52.216.0.0/16", NatGatewayId="nat-gone") | {"State": "blackhole"}
    )
    r = result(snap, "subnet-app-a", TASK)
    assert r.ecr_pull.verdict is Verdict.UNKNOWN
    assert "52.216.0.0/16" in r.ecr_pull.reason and "blackhole" in r.ecr_pull.reason
    assert _layers(r).result.verdict is Verdict.UNKNOWN


def test_part_of_s3_routed_to_a_working_nat_gateway_still_arrives():
    snap = nat_with_endpoints([https_rule("10.0.0.0/16")])
    item(snap, "RouteTables", "rtb-private")["Routes"].append(route("52.216.0.0/16", NatGatewayId="nat-app"))
    ecr = result(snap, "subnet-private", ("sg-open",)).ecr_pull
    assert (ecr.verdict, ecr.via) == (Verdict.REACHABLE, "vpc-endpoints")
    assert any("52.216.0.0/16" in reason for reason in passed(ecr, CheckCode.EP_S3))


def test_an_endpoint_subnet_absent_from_the_snapshot_leaves_the_pull_unknown():
    # The endpoint's name resolves to its interface in every one of its subnets; one not in the
    # snapshot (a trimmed, hand-written file) has an unknown range and network ACL.
    snap = endpoints_only()
    item(snap, "VpcEndpoints", "vpce-ecr-dkr")["SubnetIds"].append("subnet-not-in-snapshot")
    ecr = result(snap, "subnet-app-a", TASK).ecr_pull
    assert ecr.verdict is Verdict.UNKNOWN
    assert "subnet-not-in-snapshot" in ecr.reason
    item(snap, "VpcEndpoints", "vpce-ecr-dkr")["SubnetIds"] = ["subnet-not-in-snapshot"]
    assert result(snap, "subnet-app-a", TASK).ecr_pull.verdict is Verdict.UNKNOWN


def test_an_interface_endpoint_without_subnets_has_no_interface_to_reach():
    snap = endpoints_only()
    item(snap, "VpcEndpoints", "vpce-ecr-dkr")["SubnetIds"] = []
    ecr = result(snap, "subnet-app-a", TASK).ecr_pull
    assert (ecr.verdict, ecr.blocked_at) == (Verdict.UNREACHABLE, "vpce-ecr-dkr")
    assert codes(ecr) == {CheckCode.EP_NO_SUBNETS}
