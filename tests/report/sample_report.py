"""A realistic report built by hand, for the report writers' tests.

Two VPCs in one account:
- vpc-0a11 "prod": a private subnet (us-east-1a) routed to a public NAT gateway in a public subnet
  (us-east-1b) that routes to an attached internet gateway.
- vpc-0b22 "legacy": one subnet on the main route table, which sends 0.0.0.0/0 to a transit gateway
  whose route tables were not collected (AccessDenied), and a blackhole route to a deleted NAT.

Targets: reachable via the NAT (with an ECR pull over the internet), unreachable because the public
subnet's task has no public IP (blocked at the internet gateway), unknown with a reason. Findings of
each severity, one suppressed, with baseline status, one resolved finding and a diagnosis. The subnet
behind the unknown verdict carries a hostile Name tag that also reaches a reason and a message.
"""

from __future__ import annotations

import networkx as nx

from fargate_netcheck.core.model import (
    Check,
    CheckCode,
    Diagnosis,
    Finding,
    PathResult,
    Report,
    RuleInfo,
    Severity,
    SourceLocation,
    Status,
    Target,
    TargetResult,
    Verdict,
)
from fargate_netcheck.report.topology import build_topology

HOSTILE = '"><img src=x onerror=alert(1)><script>window.pwned=1</script>'
ACCOUNT = "123456789012"
REGION = "us-east-1"

PRIVATE_SUBNET = "subnet-0a11private"
PUBLIC_SUBNET = "subnet-0a11public"
LEGACY_SUBNET = "subnet-0b22legacy"
NAT = "nat-0a11"
IGW = "igw-0a11"
TGW = "tgw-0b22"

TARGET_REACHABLE = "ecs-service:prod/api@subnet-0a11private"
TARGET_UNREACHABLE = "deploy-config:prod/worker@subnet-0a11public"
TARGET_UNKNOWN = "cli@subnet-0b22legacy"


def _tags(name: str) -> list[dict[str, str]]:
    return [{"Key": "Name", "Value": name}, {"Key": "team", "Value": "platform"}]


def _route(dest: str, state: str = "active", **target: str) -> dict[str, str]:
    return {"DestinationCidrBlock": dest, "State": state, "Origin": "CreateRoute", **target}


def _add(g: nx.DiGraph, node_id: str, kind: str, item: dict) -> None:
    g.add_node(node_id, kind=kind, item=item, account=ACCOUNT, region=REGION)


def sample_graph() -> nx.DiGraph:
    """The two VPCs as a graph shaped like ``fargate_netcheck.graph.build.build_graph`` builds it."""
    g = nx.DiGraph()
    _add(g, "vpc-0a11", "vpc", {"VpcId": "vpc-0a11", "CidrBlock": "10.0.0.0/16", "Tags": _tags("prod")})
    _add(g, "vpc-0b22", "vpc", {"VpcId": "vpc-0b22", "CidrBlock": "10.9.0.0/16", "Tags": _tags("legacy")})
    subnets = [
        (PRIVATE_SUBNET, "vpc-0a11", "us-east-1a", "10.0.1.0/24", "prod-private-a"),
        (PUBLIC_SUBNET, "vpc-0a11", "us-east-1b", "10.0.0.0/24", "prod-public-b"),
        (LEGACY_SUBNET, "vpc-0b22", "us-east-1a", "10.9.1.0/24", HOSTILE),
    ]
    for subnet_id, vpc_id, az, cidr, name in subnets:
        item = {"SubnetId": subnet_id, "VpcId": vpc_id, "AvailabilityZone": az, "CidrBlock": cidr}
        _add(g, subnet_id, "subnet", item | {"Tags": _tags(name)})
        g.add_edge(subnet_id, vpc_id, rel="in-vpc")
    local = {"GatewayId": "local"}
    tables = [
        ("rtb-0a11private", "vpc-0a11", False, [_route("0.0.0.0/0", NatGatewayId=NAT)], "prod-private"),
        ("rtb-0a11public", "vpc-0a11", False, [_route("0.0.0.0/0", GatewayId=IGW)], "prod-public"),
        ("rtb-0a11main", "vpc-0a11", True, [], "prod-main"),
        (
            "rtb-0b22main",
            "vpc-0b22",
            True,
            [
                _route("0.0.0.0/0", TransitGatewayId=TGW),
                _route("192.0.2.0/24", "blackhole", NatGatewayId="nat-gone"),
            ],
            None,
        ),
    ]
    for rtb_id, vpc_id, main, routes, name in tables:
        cidr = "10.0.0.0/16" if vpc_id == "vpc-0a11" else "10.9.0.0/16"
        item = {
            "RouteTableId": rtb_id,
            "VpcId": vpc_id,
            "Associations": [{"Main": True}] if main else [],
            "Routes": [_route(cidr, **local), *routes],
        }
        if name:
            item["Tags"] = _tags(name)
        _add(g, rtb_id, "route-table", item)
        g.add_edge(rtb_id, vpc_id, rel="in-vpc")
    g.add_edge(PRIVATE_SUBNET, "rtb-0a11private", rel="uses-route-table", explicit=True)
    g.add_edge(PUBLIC_SUBNET, "rtb-0a11public", rel="uses-route-table", explicit=True)
    g.add_edge(LEGACY_SUBNET, "rtb-0b22main", rel="uses-route-table", explicit=False)
    for subnet_id, acl_id in (
        (PRIVATE_SUBNET, "acl-0a11"),
        (PUBLIC_SUBNET, "acl-0a11"),
        (LEGACY_SUBNET, "acl-0b22"),
    ):
        if acl_id not in g:
            _add(g, acl_id, "nacl", {"NetworkAclId": acl_id, "IsDefault": True})
        g.add_edge(subnet_id, acl_id, rel="uses-nacl")
    _add(
        g,
        IGW,
        "igw",
        {"InternetGatewayId": IGW, "Attachments": [{"VpcId": "vpc-0a11", "State": "available"}]},
    )
    g.add_edge(IGW, "vpc-0a11", rel="attached", state="available")
    _add(
        g,
        NAT,
        "nat",
        {"NatGatewayId": NAT, "SubnetId": PUBLIC_SUBNET, "VpcId": "vpc-0a11", "State": "available"},
    )
    g.add_edge(NAT, PUBLIC_SUBNET, rel="in-subnet")
    _add(g, TGW, "tgw", {"TransitGatewayId": TGW, "State": "available"})
    _add(g, "nat-gone", "missing", {})
    g.add_edge("rtb-0a11private", NAT, rel="routes-to", destinations=["0.0.0.0/0"])
    g.add_edge("rtb-0a11public", IGW, rel="routes-to", destinations=["0.0.0.0/0"])
    g.add_edge("rtb-0b22main", TGW, rel="routes-to", destinations=["0.0.0.0/0"])
    g.add_edge("rtb-0b22main", "nat-gone", rel="routes-to", destinations=["192.0.2.0/24"])
    vpce = {"VpcEndpointId": "vpce-0b22s3", "VpcId": "vpc-0b22", "VpcEndpointType": "Gateway"}
    _add(g, "vpce-0b22s3", "vpce", vpce | {"ServiceName": "com.amazonaws.us-east-1.s3", "State": "available"})
    g.add_edge("vpce-0b22s3", "vpc-0b22", rel="in-vpc")
    return g


def _target(target_id: str, source: str, subnet: str, public_ip: bool, **extra) -> Target:
    return Target(
        target_id=target_id,
        source=source,
        subnet_id=subnet,
        security_group_ids=("sg-0a11tasks",),
        assign_public_ip=public_ip,
        account_id=ACCOUNT,
        region=REGION,
        **extra,
    )


def _targets() -> list[TargetResult]:
    nat_path = [PRIVATE_SUBNET, "rtb-0a11private", NAT, PUBLIC_SUBNET, "rtb-0a11public", IGW]
    reachable = TargetResult(
        _target(TARGET_REACHABLE, "ecs-service:prod/api", PRIVATE_SUBNET, False),
        "vpc-0a11",
        PathResult(
            Verdict.REACHABLE,
            nat_path,
            None,
            "0.0.0.0/0 via public NAT gateway nat-0a11 in a subnet routed to attached igw-0a11",
            [
                Check(CheckCode.ROUTE, Status.PASS, "rtb-0a11private", "0.0.0.0/0 -> nat-0a11"),
                Check(CheckCode.NAT, Status.PASS, NAT, "available, public, subnet routes to igw-0a11"),
                Check(CheckCode.SG, Status.PASS, "sg-0a11tasks", "egress allows tcp/443 to 0.0.0.0/0"),
            ],
        ),
        PathResult(Verdict.REACHABLE, nat_path, None, "ECR reached over the internet path", via="internet"),
    )
    unreachable = TargetResult(
        _target(
            TARGET_UNREACHABLE,
            "deploy-config:prod/worker",
            PUBLIC_SUBNET,
            False,
            location=SourceLocation("deploy/prod.yml", 12),
        ),
        "vpc-0a11",
        PathResult(
            Verdict.UNREACHABLE,
            [PUBLIC_SUBNET, "rtb-0a11public", IGW],
            IGW,
            "subnet routes to an internet gateway but the task has no public IP (assignPublicIp=DISABLED)",
            [
                Check(CheckCode.ROUTE, Status.PASS, "rtb-0a11public", "0.0.0.0/0 -> igw-0a11"),
                Check(CheckCode.NO_PUBLIC_IP, Status.FAIL, IGW, "no public IP: replies have no way back"),
            ],
        ),
    )
    unknown = TargetResult(
        _target(TARGET_UNKNOWN, "cli", LEGACY_SUBNET, False),
        "vpc-0b22",
        PathResult(
            Verdict.UNKNOWN,
            [LEGACY_SUBNET, "rtb-0b22main", TGW],
            None,
            f"transit gateway route tables were not collected (AccessDenied); subnet named {HOSTILE}",
            [Check(CheckCode.DATA_MISSING, Status.UNKNOWN, TGW, "TransitGatewayRouteTables: AccessDenied")],
        ),
    )
    return [reachable, unreachable, unknown]


def _rule(rule_id: str, title: str, severity: Severity, fix: str) -> RuleInfo:
    docs = (
        f"What it checks: {title}.\n\nWhy it matters: Fargate cannot pull images otherwise.\n\n"
        f"Example: a task in a public subnet.\n\nFix: {fix}"
    )
    return RuleInfo(rule_id, rule_id.replace("-", " ").title().replace(" ", ""), title, severity, docs, fix)


def _rules() -> dict[str, RuleInfo]:
    rules = [
        _rule(
            "EGRESS-001",
            "Task in a public subnet without a public IP",
            Severity.ERROR,
            "Enable assignPublicIp.",
        ),
        _rule(
            "DATA-001", "Network data could not be collected", Severity.WARNING, "Grant the read-only policy."
        ),
        _rule(
            "SG-002",
            "Security group egress narrower than all TCP",
            Severity.WARNING,
            "Allow TCP 0-65535 out.",
        ),
        _rule("ROUTE-004", "Blackhole route in a route table", Severity.INFO, "Delete the blackhole route."),
    ]
    return {r.id: r for r in rules}


def _findings() -> list[Finding]:
    return [
        Finding(
            "EGRESS-001",
            Severity.ERROR,
            IGW,
            TARGET_UNREACHABLE,
            "Task lands in public subnet subnet-0a11public without a public IP; egress via igw-0a11 fails.",
            "Set assignPublicIp=ENABLED or move the task to a private subnet routed to a NAT gateway.",
            baseline="new",
        ),
        Finding(
            "DATA-001",
            Severity.WARNING,
            TGW,
            TARGET_UNKNOWN,
            f"Cannot follow transit gateway {TGW} from subnet {HOSTILE}: route tables not collected.",
            "Grant ec2:SearchTransitGatewayRoutes and re-run.",
            baseline="unchanged",
        ),
        Finding(
            "SG-002",
            Severity.WARNING,
            "sg-0a11tasks",
            TARGET_REACHABLE,
            "Security group sg-0a11tasks allows only tcp/443 out; the guide recommends all TCP.",
            "Allow outbound TCP 0-65535 to 0.0.0.0/0 if the task calls other ports.",
            suppressed="Egress is restricted to 443 on purpose (ticket SEC-42)",
            baseline="unchanged",
        ),
        Finding(
            "ROUTE-004",
            Severity.INFO,
            "rtb-0b22main",
            None,
            "Route 192.0.2.0/24 in rtb-0b22main is a blackhole (target nat-gone was deleted).",
            "Delete the route or point it at a live target.",
            baseline="new",
        ),
    ]


def sample_report() -> Report:
    """A fresh, fully populated report (each call builds new objects)."""
    return Report(
        tool_version="0.1.0",
        targets=_targets(),
        findings=_findings(),
        rules=_rules(),
        collected_at="2026-11-26T00:00:00Z",
        account_ids=(ACCOUNT,),
        errors={
            f"{ACCOUNT}/{REGION}/TransitGatewayRouteTables": "AccessDenied: ec2:SearchTransitGatewayRoutes"
        },
        diagnosis=Diagnosis(
            task_arn=f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/prod/0123456789abcdef",
            stopped_reason="CannotPullContainerError: ... dial tcp 52.1.2.3:443: i/o timeout",
            cause="network",
            explanation="The task's subnet routes to an internet gateway but it had no public IP.",
            service="Amazon ECR registry 123456789012.dkr.ecr.us-east-1.amazonaws.com",
            verdict="unreachable",
            blocked_at="subnet-0a11public",
            headline=f"Network: the task could not reach the registry {HOSTILE}; the path is blocked at "
            "subnet-0a11public. Change: launch it with assignPublicIp=ENABLED.",
        ),
        resolved=[
            Finding(
                "ROUTE-004",
                Severity.INFO,
                "rtb-0a11main",
                None,
                "Route 198.51.100.0/24 in rtb-0a11main was a blackhole.",
                "Delete the route.",
            )
        ],
        notes=["Security groups of audit targets are not evaluated."],
        topology=build_topology(sample_graph()),
    )
