"""Small hand-written snapshots for unit tests, in the documented format (verbatim AWS shapes,
only the fields that matter). ``healthy()`` is one VPC done right; each test breaks one thing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from fargate_netcheck.core.model import CheckCode, PathResult
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import Destination, TraceOptions, trace_targets
from fargate_netcheck.trace.dns_inputs import NAME_RESOLUTION_KINDS as _ALL_NAME_KINDS

ALLOW_ALL_ACL = [
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": True, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "0.0.0.0/0"},
    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": False, "CidrBlock": "0.0.0.0/0"},
]

ALL_EGRESS = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]

# What AWS attaches to an endpoint created without a policy (full access), as DescribeVpcEndpoints shows it.
FULL_ACCESS_POLICY = (
    '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}'
)
AMAZON_DHCP = {
    "DhcpOptionsId": "dopt-amazon",
    "DhcpConfigurations": [{"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}],
}
NAME_RESOLUTION_KINDS = tuple(k for k in _ALL_NAME_KINDS if k != "DhcpOptions")


def with_name_resolution(body: dict[str, Any]) -> dict[str, Any]:
    """A region as a live collection of a plain account reads it: DHCP options with the Amazon
    resolver on every VPC, no Resolver rules, DNS Firewall, Route 53 Profile or private zones, and endpoints with
    the default full-access policy (kinds and fields the test already set are kept)."""
    body.setdefault("DhcpOptions", [copy.deepcopy(AMAZON_DHCP)])
    for kind in NAME_RESOLUTION_KINDS:
        body.setdefault(kind, [])
    for vpc in body.get("Vpcs", []):
        vpc.setdefault("DhcpOptionsId", "dopt-amazon")
    for endpoint in body.get("VpcEndpoints", []):
        if endpoint.get("VpcEndpointType") in ("Interface", "Gateway", None):
            endpoint.setdefault("PolicyDocument", FULL_ACCESS_POLICY)
    return body


def healthy() -> dict[str, Any]:
    """vpc-app 10.0.0.0/16: subnet-public (-> igw-app, hosts nat-app), subnet-private (-> nat-app),
    subnet-isolated (main route table: local only); sg-open (all egress), sg-closed (none); Amazon
    DNS (``with_name_resolution``)."""
    snap = _healthy()
    with_name_resolution(snap["regions"]["us-east-1"])
    return snap


def _healthy() -> dict[str, Any]:
    return {
        "snapshot_version": 1,
        "collected_at": "2026-11-26T00:00:00Z",
        "account_id": "123456789012",
        "regions": {
            "us-east-1": {
                "Vpcs": [
                    {
                        "VpcId": "vpc-app",
                        "CidrBlock": "10.0.0.0/16",
                        "EnableDnsSupport": True,
                        "EnableDnsHostnames": True,
                    }
                ],
                "Subnets": [
                    _subnet("subnet-public", "10.0.0.0/24", "us-east-1a"),
                    _subnet("subnet-private", "10.0.1.0/24", "us-east-1a"),
                    _subnet("subnet-isolated", "10.0.2.0/24", "us-east-1b"),
                ],
                "RouteTables": [
                    {
                        "RouteTableId": "rtb-main",
                        "VpcId": "vpc-app",
                        "Associations": [{"Main": True, "RouteTableAssociationId": "rtbassoc-main"}],
                        "Routes": [_local()],
                    },
                    {
                        "RouteTableId": "rtb-public",
                        "VpcId": "vpc-app",
                        "Associations": [{"Main": False, "SubnetId": "subnet-public"}],
                        "Routes": [
                            _local(),
                            {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-app", "State": "active"},
                        ],
                    },
                    {
                        "RouteTableId": "rtb-private",
                        "VpcId": "vpc-app",
                        "Associations": [{"Main": False, "SubnetId": "subnet-private"}],
                        "Routes": [
                            _local(),
                            {
                                "DestinationCidrBlock": "0.0.0.0/0",
                                "NatGatewayId": "nat-app",
                                "State": "active",
                            },
                        ],
                    },
                ],
                "InternetGateways": [
                    {
                        "InternetGatewayId": "igw-app",
                        "Attachments": [{"VpcId": "vpc-app", "State": "available"}],
                    }
                ],
                "NatGateways": [
                    {
                        "NatGatewayId": "nat-app",
                        "SubnetId": "subnet-public",
                        "VpcId": "vpc-app",
                        "State": "available",
                    }
                ],
                "EgressOnlyInternetGateways": [],
                "SecurityGroups": [
                    {  # the VPC's default group, with AWS's default egress (ECS's for a task naming none)
                        "GroupId": "sg-open",
                        "GroupName": "default",
                        "VpcId": "vpc-app",
                        "IpPermissionsEgress": copy.deepcopy(ALL_EGRESS),
                    },
                    {"GroupId": "sg-closed", "VpcId": "vpc-app", "IpPermissionsEgress": []},
                ],
                "NetworkAcls": [
                    {
                        "NetworkAclId": "acl-default",
                        "VpcId": "vpc-app",
                        "IsDefault": True,
                        "Associations": [
                            {"SubnetId": s} for s in ("subnet-public", "subnet-private", "subnet-isolated")
                        ],
                        "Entries": copy.deepcopy(ALLOW_ALL_ACL),
                    }
                ],
                "VpcEndpoints": [],
                "ManagedPrefixLists": [],
                "VpcPeeringConnections": [],
            }
        },
    }


def _subnet(subnet_id: str, cidr: str, az: str) -> dict[str, Any]:
    return {
        "SubnetId": subnet_id,
        "VpcId": "vpc-app",
        "CidrBlock": cidr,
        "AvailabilityZone": az,
        "AvailableIpAddressCount": 250,
        "MapPublicIpOnLaunch": False,
    }


def _local() -> dict[str, Any]:
    return {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}


def trace(
    snap, subnet, groups=("sg-open",), public=False, destination="0.0.0.0/0", ports=(443,)
) -> PathResult:
    g = build_graph(parse_snapshot(snap))
    target = make_target(g, "test", subnet, groups, public, evaluate_security_groups=bool(groups))
    options = TraceOptions(destinations=(Destination.of(destination),), ports=ports)
    return trace_targets(g, [target], options)[0].internet_egress


def codes(result: PathResult) -> set[CheckCode]:
    return {c.code for c in result.failed() + result.unknown()}


def region(snap: dict[str, Any], name: str = "us-east-1") -> dict[str, Any]:
    return snap["regions"][name]


def item(snap: dict[str, Any], kind: str, item_id: str) -> dict[str, Any]:
    from fargate_netcheck.snapshot.schema import ID_FIELDS

    for candidate in region(snap)[kind]:
        if candidate[ID_FIELDS[kind]] == item_id:
            return candidate
    raise KeyError(item_id)


def default_route(snap: dict[str, Any], rtb_id: str) -> dict[str, Any]:
    return next(
        r for r in item(snap, "RouteTables", rtb_id)["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"
    )


def acl_entries(*entries):
    """(number, egress, action, cidr, protocol, ports) tuples to AWS NetworkAcl entries."""
    out = []
    for number, egress, action, cidr, protocol, ports in entries:
        entry = {
            "RuleNumber": number,
            "Egress": egress,
            "RuleAction": action,
            "CidrBlock": cidr,
            "Protocol": protocol,
        }
        if ports:
            entry["PortRange"] = {"From": ports[0], "To": ports[1]}
        out.append(entry)
    return out


def custom_acl(snap, subnet, entries):
    reg = region(snap)
    for acl in reg["NetworkAcls"]:
        acl["Associations"] = [a for a in acl["Associations"] if a["SubnetId"] != subnet]
    reg["NetworkAcls"].append(
        {
            "NetworkAclId": f"acl-{subnet}",
            "VpcId": "vpc-app",
            "Associations": [{"SubnetId": subnet}],
            "Entries": entries,
        }
    )


def write(snap: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(snap, indent=1))
    return path
