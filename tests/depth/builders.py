"""Hand-written snapshots for network depth (issue 5): states moto cannot produce (blackholes, TGW
routes with attachments, firewall endpoints, NAT instances). Each builder returns a fresh dict in the
documented snapshot format; tests break one thing each.

Transit gateway snapshots are in ``tgw_builders``; the "Must show" example files in ``examples``.
"""

from __future__ import annotations

import copy
from typing import Any

from snapshots import (
    ALLOW_ALL_ACL,
    FULL_ACCESS_POLICY,
    default_route,
    healthy,
    item,
    region,
    with_name_resolution,
)

REGION = "us-east-1"
S3_RANGES = ["52.216.0.0/15", "3.5.0.0/19", "54.231.0.0/16"]


def subnet(subnet_id: str, vpc: str, cidr: str, az: str, free: int = 250) -> dict[str, Any]:
    return {
        "SubnetId": subnet_id,
        "VpcId": vpc,
        "CidrBlock": cidr,
        "AvailabilityZone": az,
        "AvailableIpAddressCount": free,
        "MapPublicIpOnLaunch": False,
    }


def route(dest: str, **target: str) -> dict[str, Any]:
    key = "DestinationPrefixListId" if dest.startswith("pl-") else "DestinationCidrBlock"
    if ":" in dest:
        key = "DestinationIpv6CidrBlock"
    return {key: dest, "State": "active", **target}


def route_table(rtb: str, vpc: str, cidr: str, subnets: list[str], *routes: dict, main: bool = False) -> dict:
    assocs: list[dict[str, Any]] = [{"Main": False, "SubnetId": s} for s in subnets]
    if main:
        assocs.append({"Main": True})
    return {
        "RouteTableId": rtb,
        "VpcId": vpc,
        "Associations": assocs,
        "Routes": [route(cidr, GatewayId="local"), *routes],
    }


def open_acl(acl: str, vpc: str, subnets: list[str]) -> dict[str, Any]:
    return {
        "NetworkAclId": acl,
        "VpcId": vpc,
        "IsDefault": True,
        "Associations": [{"SubnetId": s} for s in subnets],
        "Entries": copy.deepcopy(ALLOW_ALL_ACL),
    }


def https_rule(cidr: str) -> dict[str, Any]:
    return {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": cidr}]}


def interface_endpoint(vpce: str, vpc: str, service: str, subnets: list[str], group: str) -> dict[str, Any]:
    return {
        "VpcEndpointId": vpce,
        "VpcId": vpc,
        "ServiceName": f"com.amazonaws.{REGION}.{service}",
        "VpcEndpointType": "Interface",
        "State": "available",
        "PrivateDnsEnabled": True,
        "SubnetIds": list(subnets),
        "Groups": [{"GroupId": group, "GroupName": "endpoints"}],
        "PolicyDocument": FULL_ACCESS_POLICY,
    }


def s3_gateway_endpoint(vpce: str, vpc: str, route_tables: list[str]) -> dict[str, Any]:
    return {
        "VpcEndpointId": vpce,
        "VpcId": vpc,
        "ServiceName": f"com.amazonaws.{REGION}.s3",
        "VpcEndpointType": "Gateway",
        "State": "available",
        "RouteTableIds": list(route_tables),
        "PolicyDocument": FULL_ACCESS_POLICY,
    }


def s3_prefix_list() -> dict[str, Any]:
    return {
        "PrefixListId": "pl-s3",
        "PrefixListName": f"com.amazonaws.{REGION}.s3",
        "Entries": [{"Cidr": c} for c in S3_RANGES],
    }


def snapshot(body: dict[str, Any], account: str = "111111111111") -> dict[str, Any]:
    return {
        "snapshot_version": 1,
        "collected_at": "2026-11-26T00:00:00Z",
        "account_id": account,
        "regions": {REGION: with_name_resolution(body)},
    }


# -- ECR through VPC endpoints ------------------------------------------------------------------
def endpoints_only() -> dict[str, Any]:
    """vpc-private 10.20.0.0/16 with no internet or NAT gateway: tasks in subnet-app-a/b (sg-task:
    443 to the VPC and to the S3 prefix list) pull through ecr.api/ecr.dkr/logs interface endpoints
    in subnet-endpoints-a/b (sg-endpoints: 443 in from the VPC) and the S3 gateway endpoint on rtb-app."""
    vpc = "vpc-private"
    endpoint_subnets = ["subnet-endpoints-a", "subnet-endpoints-b"]
    app_subnets = ["subnet-app-a", "subnet-app-b"]
    return snapshot(
        {
            "Vpcs": [
                {
                    "VpcId": vpc,
                    "CidrBlock": "10.20.0.0/16",
                    "EnableDnsSupport": True,
                    "EnableDnsHostnames": True,
                }
            ],
            "Subnets": [
                subnet("subnet-app-a", vpc, "10.20.1.0/24", "us-east-1a"),
                subnet("subnet-app-b", vpc, "10.20.2.0/24", "us-east-1b"),
                subnet("subnet-endpoints-a", vpc, "10.20.10.0/24", "us-east-1a"),
                subnet("subnet-endpoints-b", vpc, "10.20.11.0/24", "us-east-1b"),
            ],
            "RouteTables": [
                route_table("rtb-main", vpc, "10.20.0.0/16", [], main=True),
                route_table("rtb-app", vpc, "10.20.0.0/16", app_subnets, route("pl-s3", GatewayId="vpce-s3")),
                route_table("rtb-endpoints", vpc, "10.20.0.0/16", endpoint_subnets),
            ],
            "InternetGateways": [],
            "NatGateways": [],
            "EgressOnlyInternetGateways": [],
            "SecurityGroups": [
                {
                    "GroupId": "sg-task",
                    "VpcId": vpc,
                    "IpPermissions": [],
                    "IpPermissionsEgress": [
                        https_rule("10.20.0.0/16"),
                        {
                            "IpProtocol": "tcp",
                            "FromPort": 443,
                            "ToPort": 443,
                            "PrefixListIds": [{"PrefixListId": "pl-s3"}],
                        },
                    ],
                },
                {
                    "GroupId": "sg-endpoints",
                    "VpcId": vpc,
                    "IpPermissions": [https_rule("10.20.0.0/16")],
                    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                },
            ],
            "NetworkAcls": [open_acl("acl-private", vpc, app_subnets + endpoint_subnets)],
            "VpcEndpoints": [
                interface_endpoint("vpce-ecr-api", vpc, "ecr.api", endpoint_subnets, "sg-endpoints"),
                interface_endpoint("vpce-ecr-dkr", vpc, "ecr.dkr", endpoint_subnets, "sg-endpoints"),
                interface_endpoint("vpce-logs", vpc, "logs", endpoint_subnets, "sg-endpoints"),
                s3_gateway_endpoint("vpce-s3", vpc, ["rtb-app"]),
            ],
            "ManagedPrefixLists": [s3_prefix_list()],
            "VpcPeeringConnections": [],
        }
    )


def endpoints_only_no_s3() -> dict[str, Any]:
    """The same VPC after the S3 gateway endpoint was deleted (its route went with it)."""
    snap = endpoints_only()
    reg = region(snap)
    reg["VpcEndpoints"] = [e for e in reg["VpcEndpoints"] if e["VpcEndpointId"] != "vpce-s3"]
    rtb = item(snap, "RouteTables", "rtb-app")
    rtb["Routes"] = [r for r in rtb["Routes"] if r.get("GatewayId") != "vpce-s3"]
    return snap


def nat_with_endpoints(endpoint_ingress: list[dict[str, Any]]) -> dict[str, Any]:
    """healthy() (subnet-private -> nat-app -> igw-app) plus ecr.api/ecr.dkr endpoints with private
    DNS in subnet-public guarded by sg-endpoints (with the given ingress), and an S3 gateway endpoint."""
    snap = healthy()
    reg = region(snap)
    reg["SecurityGroups"].append(
        {
            "GroupId": "sg-endpoints",
            "VpcId": "vpc-app",
            "IpPermissions": endpoint_ingress,
            "IpPermissionsEgress": [],
        }
    )
    reg["VpcEndpoints"] = [
        interface_endpoint("vpce-ecr-api", "vpc-app", "ecr.api", ["subnet-public"], "sg-endpoints"),
        interface_endpoint("vpce-ecr-dkr", "vpc-app", "ecr.dkr", ["subnet-public"], "sg-endpoints"),
        s3_gateway_endpoint("vpce-s3", "vpc-app", ["rtb-private"]),
    ]
    item(snap, "RouteTables", "rtb-private")["Routes"].append(route("pl-s3", GatewayId="vpce-s3"))
    reg["ManagedPrefixLists"] = [s3_prefix_list()]
    return snap


# -- a firewall between the NAT gateway and the internet gateway ------------------------------------
def firewalled(edge: bool = True) -> dict[str, Any]:
    """healthy() with AWS Network Firewall between the NAT subnet and the internet gateway:
    rtb-public 0.0.0.0/0 -> vpce-fw (in subnet-firewall, whose table goes to igw-app), and an edge
    route table on igw-app sending replies for subnet-public (the NAT's) back to vpce-fw."""
    snap = healthy()
    reg = region(snap)
    default_route(snap, "rtb-public").pop("GatewayId")
    default_route(snap, "rtb-public")["GatewayId"] = "vpce-fw"
    reg["Subnets"].append(subnet("subnet-firewall", "vpc-app", "10.0.3.0/24", "us-east-1a"))
    reg["NetworkAcls"][0]["Associations"].append({"SubnetId": "subnet-firewall"})
    reg["VpcEndpoints"] = [
        {
            "VpcEndpointId": "vpce-fw",
            "VpcId": "vpc-app",
            "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-0fw",
            "VpcEndpointType": "GatewayLoadBalancer",
            "State": "available",
            "SubnetIds": ["subnet-firewall"],
            "Tags": [{"Key": "AWSNetworkFirewallManaged", "Value": "true"}],
        }
    ]
    reg["RouteTables"].append(
        {
            "RouteTableId": "rtb-firewall",
            "VpcId": "vpc-app",
            "Associations": [{"SubnetId": "subnet-firewall"}],
            "Routes": [route("10.0.0.0/16", GatewayId="local"), route("0.0.0.0/0", GatewayId="igw-app")],
        }
    )
    if edge:
        reg["RouteTables"].append(
            {
                "RouteTableId": "rtb-edge",
                "VpcId": "vpc-app",
                "Associations": [{"GatewayId": "igw-app", "Main": False}],
                "Routes": [
                    route("10.0.0.0/16", GatewayId="local"),
                    route("10.0.0.0/24", GatewayId="vpce-fw"),
                ],
            }
        )
    return snap


def with_egress_only_ipv6(snap: dict[str, Any], *, keep_ipv4_default: bool = True) -> dict[str, Any]:
    """``healthy()``-shaped ``snap`` with IPv6 on subnet-private: ``::/0`` to an egress-only gateway,
    sg-open and the default ACL open to ``::/0``, ECS dual stack on (ECS gives the task an IPv6
    address only with dualStackIPv6 on: ListAccountSettings, effective). Without
    ``keep_ipv4_default`` the private table loses its IPv4 default route (an IPv6-only way out)."""
    item(snap, "Vpcs", "vpc-app")["Ipv6CidrBlockAssociationSet"] = [{"Ipv6CidrBlock": "2600:1f18:1::/56"}]
    item(snap, "Subnets", "subnet-private")["Ipv6CidrBlockAssociationSet"] = [
        {"Ipv6CidrBlock": "2600:1f18:1:1::/64"}
    ]
    rtb = item(snap, "RouteTables", "rtb-private")
    if not keep_ipv4_default:
        rtb["Routes"] = [r for r in rtb["Routes"] if r.get("DestinationCidrBlock") != "0.0.0.0/0"]
    rtb["Routes"].append(route("::/0", EgressOnlyInternetGatewayId="eigw-app"))
    region(snap)["EgressOnlyInternetGateways"] = [
        {
            "EgressOnlyInternetGatewayId": "eigw-app",
            "Attachments": [{"VpcId": "vpc-app", "State": "attached"}],
        }
    ]
    item(snap, "SecurityGroups", "sg-open")["IpPermissionsEgress"].append(
        {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    )
    item(snap, "NetworkAcls", "acl-default")["Entries"] += [
        {
            "RuleNumber": 101,
            "Protocol": "-1",
            "RuleAction": "allow",
            "Egress": egress,
            "Ipv6CidrBlock": "::/0",
        }
        for egress in (True, False)
    ]
    region(snap)["EcsAccountSettings"] = [{"name": "dualStackIPv6", "value": "enabled"}]
    return snap


def nat_instance(**eni: Any) -> dict[str, Any]:
    """healthy() with rtb-private sending 0.0.0.0/0 to NAT instance i-nat (eni-nat in subnet-public),
    whose group sg-nat lets the VPC in and everything out, as AWS's NAT instance guide sets it up."""
    snap = healthy()
    region(snap)["SecurityGroups"].append(
        {
            "GroupId": "sg-nat",
            "VpcId": "vpc-app",
            "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}],
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        }
    )
    default_route(snap, "rtb-private").pop("NatGatewayId")
    default_route(snap, "rtb-private").update(InstanceId="i-nat", NetworkInterfaceId="eni-nat")
    region(snap)["NetworkInterfaces"] = [
        {
            "NetworkInterfaceId": "eni-nat",
            "SubnetId": "subnet-public",
            "VpcId": "vpc-app",
            "Status": "in-use",
            "SourceDestCheck": False,
            "Association": {"PublicIp": "198.51.100.10"},
            "Attachment": {"InstanceId": "i-nat", "DeviceIndex": 0},
            "Groups": [{"GroupId": "sg-nat", "GroupName": "nat"}],
            **eni,
        }
    ]
    region(snap)["Instances"] = [{"InstanceId": "i-nat", "State": {"Code": 16, "Name": "running"}}]
    return snap


def regional_nat(**nat: Any) -> dict[str, Any]:
    """healthy() whose nat-app is a public regional NAT gateway in automatic mode (no subnet),
    forwarding by its own route table rtb-natgw (local, 0.0.0.0/0 -> igw-app) as AWS creates it;
    ``nat`` overrides its fields."""
    snap = healthy()
    gateway = item(snap, "NatGateways", "nat-app")
    del gateway["SubnetId"]
    fields = {
        "AvailabilityMode": "regional",
        "ConnectivityType": "public",
        "AutoProvisionZones": "enabled",
        "RouteTableId": "rtb-natgw",
        "NatGatewayAddresses": [
            {
                "AllocationId": "eipalloc-1a",
                "PublicIp": "198.51.100.20",
                "AvailabilityZone": "us-east-1a",
                "AvailabilityZoneId": "use1-az1",
                "Status": "succeeded",
                "IsPrimary": True,
            }
        ],
    }
    gateway.update(fields | nat)
    region(snap)["RouteTables"].append(
        {
            "RouteTableId": "rtb-natgw",
            "VpcId": "vpc-app",
            "Associations": [],
            "Routes": [route("10.0.0.0/16", GatewayId="local"), route("0.0.0.0/0", GatewayId="igw-app")],
        }
    )
    return snap
