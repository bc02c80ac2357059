"""Snapshots for needs by name (hand-written: moto implements little of Network Firewall and Route 53
Resolver): central egress through AWS Network Firewall with a domain allow-list, an S3 gateway
endpoint policy limited to the account's own buckets, a DNS Firewall block and a forwarding rule."""

from __future__ import annotations

import json
from typing import Any

from depth.builders import endpoints_only, open_acl, route, route_table, subnet
from depth.tgw_builders import tgw_egress
from nfw_items import domain_list, policy_item
from snapshots import healthy, item, region

FIREWALL_ARN = "arn:aws:network-firewall:us-east-1:111111111111:firewall/central-egress"
SPOKE, EGRESS = "10.1.0.0/16", "10.100.0.0/16"


def central_egress(
    targets: list[str], *, home_net: list[str] | None = (EGRESS, SPOKE), strict: bool = True
) -> dict[str, Any]:
    """tgw_egress() with AWS Network Firewall central-egress in vpc-egress between the transit
    gateway and the NAT gateway: rtb-egress-tgw 0.0.0.0/0 -> vpce-fw (in subnet-egress-fw, whose
    table goes to nat-egress and back to tgw-1); the NAT's table returns the spoke through vpce-fw.
    Its policy (strict order, aws:drop_established) has one domain allow-list, ``targets``, whose
    HOME_NET is ``home_net`` (None: left at its default, the firewall's VPC)."""
    snap = tgw_egress()
    reg = region(snap)
    item(snap, "RouteTables", "rtb-egress-tgw")["Routes"][-1] = route("0.0.0.0/0", GatewayId="vpce-fw")
    public = item(snap, "RouteTables", "rtb-egress-public")
    public["Routes"] = [r for r in public["Routes"] if r.get("TransitGatewayId") != "tgw-1"]
    public["Routes"].append(route(SPOKE, GatewayId="vpce-fw"))
    reg["Subnets"].append(subnet("subnet-egress-fw", "vpc-egress", "10.100.2.0/24", "us-east-1a"))
    reg["RouteTables"].append(
        route_table(
            "rtb-egress-fw",
            "vpc-egress",
            EGRESS,
            ["subnet-egress-fw"],
            route("0.0.0.0/0", NatGatewayId="nat-egress"),
            route(SPOKE, TransitGatewayId="tgw-1"),
        )
    )
    reg["NetworkAcls"].append(open_acl("acl-egress-fw", "vpc-egress", ["subnet-egress-fw"]))
    reg["VpcEndpoints"].append(
        {
            "VpcEndpointId": "vpce-fw",
            "VpcId": "vpc-egress",
            "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-0firewall",
            "VpcEndpointType": "GatewayLoadBalancer",
            "State": "available",
            "SubnetIds": ["subnet-egress-fw"],
            "Tags": [{"Key": "AWSNetworkFirewallManaged", "Value": "true"}],
        }
    )
    policy = policy_item(["egress-allow"], strict=strict, name="central-egress-policy")
    group = domain_list("egress-allow", targets, home_net=list(home_net) if home_net else None)
    reg["NetworkFirewalls"] = [
        {
            "FirewallArn": FIREWALL_ARN,
            "FirewallName": "central-egress",
            "FirewallPolicyArn": policy["FirewallPolicyArn"],
            "VpcId": "vpc-egress",
            "SubnetMappings": [{"SubnetId": "subnet-egress-fw"}],
            "FirewallStatus": {
                "Status": "READY",
                "SyncStates": {
                    "us-east-1a": {
                        "Attachment": {
                            "SubnetId": "subnet-egress-fw",
                            "EndpointId": "vpce-fw",
                            "Status": "READY",
                        }
                    }
                },
            },
        }
    ]
    reg["NetworkFirewallPolicies"] = [policy]
    reg["NetworkFirewallRuleGroups"] = [group]
    return snap


def central_egress_allows_aws() -> dict[str, Any]:
    return central_egress([".amazonaws.com", "api.cloudreactor.io"])


def central_egress_without_aws() -> dict[str, Any]:
    return central_egress(["api.cloudreactor.io", ".snowflakecomputing.com"])


def central_egress_default_home_net() -> dict[str, Any]:
    return central_egress([".amazonaws.com", "api.cloudreactor.io"], home_net=None)


def central_egress_default_home_net_default_order() -> dict[str, Any]:
    return central_egress([".amazonaws.com", "api.cloudreactor.io"], home_net=None, strict=False)


OWN_BUCKETS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OwnBucketsOnly",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceAccount": "111111111111"}},
        }
    ],
}


def endpoints_s3_own_buckets() -> dict[str, Any]:
    """endpoints_only() whose S3 gateway endpoint policy allows only the account's own buckets."""
    snap = endpoints_only()
    item(snap, "VpcEndpoints", "vpce-s3")["PolicyDocument"] = json.dumps(OWN_BUCKETS_ONLY)
    return snap


def dns_firewall_blocks_aws() -> dict[str, Any]:
    """healthy() whose VPC has a DNS Firewall rule group blocking *.amazonaws.com."""
    snap = healthy()
    reg = region(snap)
    reg["DnsFirewallRuleGroupAssociations"] = [
        {
            "Id": "rslvr-frgassoc-1",
            "FirewallRuleGroupId": "rslvr-frg-exfil",
            "VpcId": "vpc-app",
            "Priority": 101,
            "Status": "COMPLETE",
        }
    ]
    reg["DnsFirewallRuleGroups"] = [
        {
            "Id": "rslvr-frg-exfil",
            "Name": "exfiltration",
            "FirewallRules": [
                {
                    "FirewallRuleGroupId": "rslvr-frg-exfil",
                    "FirewallDomainListId": "rslvr-fdl-aws",
                    "Name": "block-aws-apis",
                    "Priority": 10,
                    "Action": "BLOCK",
                    "BlockResponse": "NXDOMAIN",
                }
            ],
        }
    ]
    reg["DnsFirewallDomainLists"] = [
        {"Id": "rslvr-fdl-aws", "Name": "aws-apis", "Domains": ["*.amazonaws.com."]}
    ]
    reg["DnsFirewallConfigs"] = [
        {"Id": "rslvr-fc-1", "ResourceId": "vpc-app", "FirewallFailOpen": "DISABLED"}
    ]
    return snap


def forward_amazonaws_on_premises() -> dict[str, Any]:
    """healthy() whose VPC forwards amazonaws.com to on-premises resolvers."""
    snap = healthy()
    reg = region(snap)
    reg["ResolverRules"] = [
        {
            "Id": "rslvr-rr-onprem",
            "Name": "aws-to-onprem",
            "DomainName": "amazonaws.com.",
            "RuleType": "FORWARD",
            "TargetIps": [{"Ip": "192.168.10.53", "Port": 53}],
            "Status": "COMPLETE",
        }
    ]
    reg["ResolverRuleAssociations"] = [
        {
            "Id": "rslvr-rrassoc-1",
            "ResolverRuleId": "rslvr-rr-onprem",
            "VPCId": "vpc-app",
            "Status": "COMPLETE",
        }
    ]
    return snap
