"""Security groups and network ACLs of a synthetic VPC (see ``synth.py``), in AWS's shapes."""

from __future__ import annotations

from typing import Any

from synth_items import Item, RegionItems, tags


def _port_rule(proto: str, lo: int | None, hi: int | None, **ranges: Any) -> Item:
    rule: Item = {"IpProtocol": proto, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []}
    rule["UserIdGroupPairs"] = []
    if lo is not None:
        rule["FromPort"], rule["ToPort"] = lo, hi
    rule.update(ranges)
    return rule


def _acl_entry(number: int, egress: bool, action: str, proto: str, cidr: str, ports=None) -> Item:
    entry: Item = {"CidrBlock": cidr, "Egress": egress, "Protocol": proto, "RuleAction": action}
    entry["RuleNumber"] = number
    if ports is not None:
        entry["PortRange"] = {"From": ports[0], "To": ports[1]}
    if proto == "1":
        entry["IcmpTypeCode"] = {"Code": -1, "Type": -1}
    return entry


def security_groups(r: RegionItems, vpc_id, name, cidr) -> list[str]:
    ids = [r.ids.new("sg") for _ in range(r.sgs)]
    vpc = str(cidr)
    catalogue = [
        _port_rule("tcp", 443, 443, IpRanges=[{"CidrIp": "0.0.0.0/0", "Description": "HTTPS out"}]),
        _port_rule("tcp", 443, 443, PrefixListIds=[{"PrefixListId": r.s3_pl}]),
        _port_rule("tcp", 5432, 5432, IpRanges=[{"CidrIp": vpc}]),
        _port_rule("-1", None, None, UserIdGroupPairs=[{"GroupId": ids[-1], "UserId": r.account}]),
        _port_rule("udp", 53, 53, IpRanges=[{"CidrIp": vpc}]),
        _port_rule("tcp", 80, 80, IpRanges=[{"CidrIp": "0.0.0.0/0"}]),
        _port_rule("tcp", 8443, 8443, PrefixListIds=[{"PrefixListId": r.corp_pl}]),
        _port_rule("tcp", 6379, 6379, IpRanges=[{"CidrIp": "10.0.0.0/8"}]),
    ]
    for k, sg_id in enumerate(ids):
        default = k == 0
        if default:
            egress = [_port_rule("-1", None, None, IpRanges=[{"CidrIp": "0.0.0.0/0"}])]
        else:
            egress = [dict(catalogue[(k + j) % len(catalogue)]) for j in range(r.sg_rules)]
        self_ref = {"GroupId": sg_id, "UserId": r.account}
        r.body["SecurityGroups"].append(
            {
                "Description": "default VPC security group" if default else f"{name} service {k}",
                "GroupId": sg_id,
                "GroupName": "default" if default else f"{name}-svc-{k}",
                "IpPermissions": [_port_rule("-1", None, None, UserIdGroupPairs=[self_ref])]
                if default
                else [_port_rule("tcp", 443, 443, IpRanges=[{"CidrIp": vpc}])],
                "IpPermissionsEgress": egress,
                "OwnerId": r.account,
                "SecurityGroupArn": r.arn("security-group", sg_id),
                "Tags": [] if default else tags(f"{name}-svc-{k}", Team=f"team{k % 4}"),
                "VpcId": vpc_id,
            }
        )
    return ids


def acls(r: RegionItems, vpc_id, name, cidr, default_subnets: list[Item], deny_public: bool) -> None:
    default_ids = [s["SubnetId"] for s in default_subnets]
    skip = set(default_ids)
    custom_ids = [s["SubnetId"] for s in r.vpc_subnets if s["SubnetId"] not in skip]
    allow_all = [
        _acl_entry(n, egress, action, "-1", "0.0.0.0/0")
        for egress in (True, False)
        for n, action in ((100, "allow"), (32767, "deny"))
    ]
    for acl_name, is_default, members, entries in (
        (f"{name}-default", True, default_ids, allow_all),
        (f"{name}-private", False, custom_ids, custom_entries(r, str(cidr), deny_public)),
    ):
        acl_id = r.ids.new("acl")
        assocs = [
            {"NetworkAclAssociationId": r.ids.new("aclassoc"), "NetworkAclId": acl_id, "SubnetId": s}
            for s in members
        ]
        r.body["NetworkAcls"].append(
            {
                "Associations": assocs,
                "Entries": entries,
                "IsDefault": is_default,
                "NetworkAclId": acl_id,
                "OwnerId": r.account,
                "Tags": tags(acl_name),
                "VpcId": vpc_id,
            }
        )


def custom_entries(r: RegionItems, vpc: str, deny_public: bool) -> list[Item]:
    """``acl_entries`` rules in all: mostly allows, a few denies on ports the task does not use,
    and (``deny_public``) a deny of one public range on every port. Inbound denies stay out of
    the ephemeral range (a deny of 3389 there blocks part of the replies: a partial verdict)."""
    wanted = {True: r.acl_entries // 2, False: r.acl_entries - r.acl_entries // 2}
    entries = []
    for egress in (True, False):
        essential = ("allow", "6", "0.0.0.0/0", (443, 443) if egress else (1024, 65535))
        fillers = [
            ("deny", "6", "0.0.0.0/0", (22, 22)),
            ("allow", "-1", vpc, None),
            ("allow", "6", "0.0.0.0/0", (80, 80)),
            ("allow", "17", vpc, (53, 53)),
            ("deny", "6", "0.0.0.0/0", (3389, 3389)) if egress else ("deny", "17", "0.0.0.0/0", (137, 139)),
            ("allow", "17", "0.0.0.0/0", (123, 123)),
            ("allow", "6", "10.0.0.0/8", (5432, 5432)),
            ("allow", "1", vpc, None),
            ("allow", "6", "172.16.0.0/12", (8080, 8090)),
        ]
        rules = [essential] + [fillers[j % len(fillers)] for j in range(wanted[egress] - 2)]
        if deny_public and egress:
            rules[-1] = ("deny", "-1", "198.51.100.0/24", None)
        rules.sort(key=lambda r: r[0] != "deny")  # denies first, as people write them
        entries += [_acl_entry(100 + 10 * j, egress, *r) for j, r in enumerate(rules)]
        entries.append(_acl_entry(32767, egress, "deny", "-1", "0.0.0.0/0"))
    return entries
