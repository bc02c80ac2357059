"""What the code says about the kinds needs by name read (DHCP options, Route 53 Resolver, DNS
Firewall, private hosted zones, Network Firewall, endpoint policies), as AWS behaves.

- A VPC the code creates is associated with the region's default DHCP options set, whose
  ``domain-name-servers`` is ``AmazonProvidedDNS`` (and ``domain-name`` ``ec2.internal`` in
  us-east-1, ``<region>.compute.internal`` elsewhere), unless the code associates a set of its own
  (``AWS::EC2::VPCDHCPOptionsAssociation``, ``aws_vpc_dhcp_options_association``; ``default`` means
  no options: the Amazon-provided resolver too).
- A new VPC has no Resolver rule, DNS Firewall or Route 53 Profile association and no private hosted
  zone: with the code alone, those kinds are the empty lists the snapshot already holds. A resource
  of such a kind that is not modelled here (a Resolver rule association, a Network Firewall, a
  private hosted zone, a Profile association) records its kind as not known (the snapshot's
  ``Errors``), naming it: the needs that depend on it are ``unknown``, never a guessed ``reachable``.
- A VPC endpoint created without a policy gets AWS's default full-access policy.
- A gateway endpoint adds a route to each of its route tables: its service's AWS-managed prefix list
  to the endpoint (the list's addresses are AWS's: it stays unread, named by the service).
"""

from __future__ import annotations

import json
from typing import Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.needs.endpoint_policy import DEFAULT_ENDPOINT_POLICY
from fargate_netcheck.targets.iac.network import Network

# Resource types of the kinds needs read that the converter does not model: their kind is unknown.
_CFN_UNMODELLED = {
    "AWS::Route53Resolver::ResolverRule": "ResolverRules",
    "AWS::Route53Resolver::ResolverRuleAssociation": "ResolverRuleAssociations",
    "AWS::Route53Resolver::FirewallRuleGroup": "DnsFirewallRuleGroups",
    "AWS::Route53Resolver::FirewallRuleGroupAssociation": "DnsFirewallRuleGroupAssociations",
    "AWS::Route53Resolver::FirewallDomainList": "DnsFirewallDomainLists",
    "AWS::NetworkFirewall::Firewall": "NetworkFirewalls",
    "AWS::NetworkFirewall::FirewallPolicy": "NetworkFirewallPolicies",
    "AWS::NetworkFirewall::RuleGroup": "NetworkFirewallRuleGroups",
    "AWS::Route53Resolver::FirewallConfig": "DnsFirewallConfigs",
    "AWS::Route53Profiles::ProfileAssociation": "Route53ProfileAssociations",
}
_TF_UNMODELLED = {
    "aws_route53_resolver_rule": "ResolverRules",
    "aws_route53_resolver_rule_association": "ResolverRuleAssociations",
    "aws_route53_resolver_firewall_rule_group": "DnsFirewallRuleGroups",
    "aws_route53_resolver_firewall_rule": "DnsFirewallRuleGroups",
    "aws_route53_resolver_firewall_rule_group_association": "DnsFirewallRuleGroupAssociations",
    "aws_route53_resolver_firewall_domain_list": "DnsFirewallDomainLists",
    "aws_route53_resolver_firewall_config": "DnsFirewallConfigs",
    "aws_route53_zone_association": "HostedZones",
    "aws_route53profiles_association": "Route53ProfileAssociations",
    "aws_networkfirewall_firewall": "NetworkFirewalls",
    "aws_networkfirewall_firewall_policy": "NetworkFirewallPolicies",
    "aws_networkfirewall_rule_group": "NetworkFirewallRuleGroups",
}


def cfn_unmodelled_kind(rtype: str, props: JsonDict) -> str | None:
    """The needs kind a CloudFormation resource makes unknown, if any."""
    if rtype == "AWS::Route53::HostedZone":
        return "HostedZones" if props.get("VPCs") else None  # a public zone changes no VPC's answers
    return _CFN_UNMODELLED.get(rtype)


def tf_unmodelled_kind(rtype: str, after: JsonDict | None, config_has_vpc: bool) -> str | None:
    """The needs kind a Terraform resource makes unknown, if any (a zone only with a ``vpc`` block)."""
    if rtype == "aws_route53_zone":
        return "HostedZones" if (after or {}).get("vpc") or config_has_vpc else None
    return _TF_UNMODELLED.get(rtype)


def record_unmodelled(net: Network, kind: str, where: str, rtype: str) -> None:
    net.unknown(
        kind,
        f"{where}: {rtype} is not evaluated from infrastructure code: check the deployed network with --live",
    )


def dhcp_item(
    dhcp_id: str,
    *,
    domain_name: Any = None,
    servers: Any = None,
    ntp: Any = None,
    netbios: Any = None,
    node_type: Any = None,
    tags: list[dict[str, str]] | None = None,
) -> JsonDict:
    """A DHCP options set as DescribeDhcpOptions shows it."""
    config = []
    for key, values in (
        ("domain-name", [domain_name] if domain_name else []),
        ("domain-name-servers", servers or []),
        ("ntp-servers", ntp or []),
        ("netbios-name-servers", netbios or []),
        ("netbios-node-type", [node_type] if node_type is not None else []),
    ):
        if values:
            config.append({"Key": key, "Values": [{"Value": str(v)} for v in values]})
    return {"DhcpOptionsId": dhcp_id, "DhcpConfigurations": config, "Tags": tags or []}


def default_dhcp_item(region: str, dhcp_id: str | None = None) -> JsonDict:
    """The region's default DHCP options set, as AWS creates it."""
    domain = "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"
    return dhcp_item(
        dhcp_id or f"{region}/default-dhcp-options", domain_name=domain, servers=["AmazonProvidedDNS"]
    )


def associate_dhcp(net: Network, vpc_id: Any, dhcp_id: Any) -> None:
    vpc = net.get("Vpcs", vpc_id)
    if vpc is not None and isinstance(dhcp_id, str):
        vpc["DhcpOptionsId"] = dhcp_id


def default_dhcp_for_new_vpcs(net: Network, region: str) -> None:
    """Every VPC the code creates, without options of its own, gets the region's default set."""
    created = (net.get("Vpcs", v) for v in sorted(net.new_vpcs))
    vpcs = [v for v in created if v is not None and not v.get("DhcpOptionsId")]
    if not vpcs:
        return
    default = net.default_dhcp or default_dhcp_item(region)
    if net.get("DhcpOptions", default["DhcpOptionsId"]) is None:
        net.add("DhcpOptions", default)
    for vpc in vpcs:
        vpc["DhcpOptionsId"] = default["DhcpOptionsId"]


def endpoint_policy(value: Any) -> str | None:
    """An endpoint's PolicyDocument as DescribeVpcEndpoints shows it (a JSON string); AWS's
    full-access default when the code gives none. None (left out: the need is unknown) when the
    value is known only at deployment."""
    from fargate_netcheck.targets.iac.values import first_unknown

    if value is None or value == "":
        return DEFAULT_ENDPOINT_POLICY
    if first_unknown(value) is not None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def gateway_endpoint_routes(net: Network) -> None:
    """AWS adds a route to each route table a gateway endpoint names: the service's AWS-managed
    prefix list (``com.amazonaws.<region>.s3``) to the endpoint. The list's addresses are AWS's,
    not in the code: the route is there (traffic to the service takes the endpoint, under its
    policy), its prefix list unread. A table that already routes to the endpoint (a scan's) is kept."""
    for endpoint in net.items.get("VpcEndpoints", {}).values():
        service, vpce = endpoint.get("ServiceName"), endpoint.get("VpcEndpointId")
        if endpoint.get("VpcEndpointType") != "Gateway" or not isinstance(service, str):
            continue
        for table_id in endpoint.get("RouteTableIds") or []:
            table = net.get("RouteTables", table_id)
            if table is None or any(r.get("GatewayId") == vpce for r in table.get("Routes") or []):
                continue
            net.add_route(
                table_id,
                {
                    "DestinationPrefixListId": service,
                    "GatewayId": vpce,
                    "State": "active",
                    "Origin": "CreateRoute",
                },
            )
