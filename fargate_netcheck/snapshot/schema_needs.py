"""The snapshot kinds that needs by name read (Network Firewall, DHCP options, Route 53 Resolver
and its DNS Firewall, Route 53 Profile associations, private hosted zones): their id fields and the
fields the analysis uses, in ``snapshot.schema``'s field-table form (merged there). Items are
verbatim AWS shapes:

- ``NetworkFirewalls``: DescribeFirewall's ``Firewall`` with its ``FirewallStatus`` under that key;
- ``NetworkFirewallPolicies``: DescribeFirewallPolicy's response fields with ``FirewallPolicy``;
- ``NetworkFirewallRuleGroups``: DescribeRuleGroup's response fields with ``RuleGroup``;
- ``DhcpOptions`` (DescribeDhcpOptions), ``ResolverRules``, ``ResolverRuleAssociations``,
  ``DnsFirewallRuleGroupAssociations``, ``DnsFirewallRuleGroups`` (each with ``FirewallRules``),
  ``DnsFirewallDomainLists`` (each with ``Domains``), ``DnsFirewallConfigs``;
- ``Route53ProfileAssociations``: route53profiles ListProfileAssociations' ``ProfileAssociations``
  (``ResourceId``: the VPC, by id or ARN);
- ``HostedZones``: private zones associated with scanned VPCs, each with ``VPCs``, the
  ``ResourceRecordSets`` whose names the needs use and ``CollectedRecordNames``, the names looked
  up (absent: the record sets are the zone's whole, as in a hand-written or IaC snapshot).
"""

from __future__ import annotations

from typing import Any

# The same markers as snapshot_schema (builtins, and "cidr" for a CIDR of either family).
STR, BOOL, INT, LIST, DICT, CIDR_ANY = str, bool, int, list, dict, "cidr"

NEEDS_ID_FIELDS: dict[str, str] = {
    "NetworkFirewalls": "FirewallArn",
    "NetworkFirewallPolicies": "FirewallPolicyArn",
    "NetworkFirewallRuleGroups": "RuleGroupArn",
    "DhcpOptions": "DhcpOptionsId",
    "ResolverRules": "Id",
    "ResolverRuleAssociations": "Id",
    "DnsFirewallRuleGroupAssociations": "Id",
    "DnsFirewallRuleGroups": "Id",
    "DnsFirewallDomainLists": "Id",
    "DnsFirewallConfigs": "Id",
    "Route53ProfileAssociations": "Id",
    "HostedZones": "Id",
}

# One value of a firewall's FirewallStatus.SyncStates, which maps each Availability Zone to its
# SyncState: a map of zones the table cannot declare, so ``validate_item`` checks each value by this.
NFW_SYNC_STATE: dict[str, Any] = {"Attachment": (DICT, {"SubnetId": STR, "EndpointId": STR, "Status": STR})}

_ADDRESSES = (LIST, {"AddressDefinition": CIDR_ANY})
_PORTS = (LIST, {"FromPort": INT, "ToPort": INT})
_STATELESS_RULES = (
    LIST,
    {
        "Priority": INT,
        "RuleDefinition": (
            DICT,
            {
                "Actions": (LIST, STR),
                "MatchAttributes": (
                    DICT,
                    {
                        "Sources": _ADDRESSES,
                        "Destinations": _ADDRESSES,
                        "SourcePorts": _PORTS,
                        "DestinationPorts": _PORTS,
                        "TCPFlags": (LIST, {"Flags": (LIST, STR), "Masks": (LIST, STR)}),
                    },
                ),
            },
        ),
    },
)
_HEADER = {
    k: STR for k in ("Protocol", "Source", "SourcePort", "Direction", "Destination", "DestinationPort")
}

NEEDS_FIELD_SPECS: dict[str, dict[str, Any]] = {
    "NetworkFirewalls": {
        "FirewallName": STR,
        "FirewallPolicyArn": STR,
        "VpcId": STR,
        "SubnetMappings": (LIST, {"SubnetId": STR}),
        "FirewallStatus": (DICT, {"Status": STR, "SyncStates": DICT}),
    },
    "NetworkFirewallPolicies": {
        "FirewallPolicyName": STR,
        "FirewallPolicy": (
            DICT,
            {
                "StatelessDefaultActions": (LIST, STR),
                "StatelessFragmentDefaultActions": (LIST, STR),
                "StatefulDefaultActions": (LIST, STR),
                "StatelessRuleGroupReferences": (LIST, {"ResourceArn": STR, "Priority": INT}),
                "StatefulRuleGroupReferences": (
                    LIST,
                    {"ResourceArn": STR, "Priority": INT, "Override": DICT},
                ),
                "StatefulEngineOptions": (DICT, {"RuleOrder": STR}),
                "PolicyVariables": DICT,
            },
        ),
    },
    "NetworkFirewallRuleGroups": {
        "RuleGroupName": STR,
        "Type": STR,
        "RuleGroup": (
            DICT,
            {
                "RuleVariables": DICT,
                "RulesSource": (
                    DICT,
                    {
                        "RulesString": STR,
                        "RulesSourceList": (
                            DICT,
                            {"GeneratedRulesType": STR, "Targets": (LIST, STR), "TargetTypes": (LIST, STR)},
                        ),
                        "StatefulRules": (
                            LIST,
                            {
                                "Action": STR,
                                "Header": (DICT, _HEADER),
                                "RuleOptions": (LIST, {"Keyword": STR, "Settings": (LIST, STR)}),
                            },
                        ),
                        "StatelessRulesAndCustomActions": (DICT, {"StatelessRules": _STATELESS_RULES}),
                    },
                ),
            },
        ),
    },
    "DhcpOptions": {"DhcpConfigurations": (LIST, {"Key": STR, "Values": (LIST, {"Value": STR})})},
    "ResolverRules": {
        "DomainName": STR,
        "RuleType": STR,
        "Name": STR,
        "TargetIps": (LIST, {"Ip": STR, "Ipv6": STR, "Port": INT}),
    },
    "ResolverRuleAssociations": {"ResolverRuleId": STR, "VPCId": STR, "Status": STR},
    "DnsFirewallRuleGroupAssociations": {
        "FirewallRuleGroupId": STR,
        "VpcId": STR,
        "Priority": INT,
        "Status": STR,
    },
    "DnsFirewallRuleGroups": {
        "FirewallRules": (
            LIST,
            {
                "FirewallDomainListId": STR,
                "Priority": INT,
                "Action": STR,
                "BlockResponse": STR,
                "BlockOverrideDomain": STR,
                "Name": STR,
                "Qtype": STR,
            },
        )
    },
    "DnsFirewallDomainLists": {"Name": STR, "Domains": (LIST, STR)},
    "DnsFirewallConfigs": {"ResourceId": STR, "FirewallFailOpen": STR},
    "Route53ProfileAssociations": {
        "ProfileId": STR,
        "ResourceId": STR,
        "Status": STR,
        "Name": STR,
        "OwnerId": STR,
    },
    "HostedZones": {
        "Name": STR,
        "Config": (DICT, {"PrivateZone": BOOL}),
        "VPCs": (LIST, {"VPCId": STR, "VPCRegion": STR}),
        "CollectedRecordNames": (LIST, STR),
        "ResourceRecordSets": (
            LIST,
            {"Name": STR, "Type": STR, "ResourceRecords": (LIST, {"Value": STR}), "AliasTarget": DICT},
        ),
    },
}
