"""CloudFormation security groups (and their ingress/egress resources) and network ACLs (entries,
subnet associations), as DescribeSecurityGroups and DescribeNetworkAcls show them."""

from __future__ import annotations

from collections.abc import Callable

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.targets.iac.cfn_base import CfnBase, as_bool, check_cidr
from fargate_netcheck.targets.iac.cfn_intrinsics import NO_VALUE
from fargate_netcheck.targets.iac.network import allow_all_out
from fargate_netcheck.targets.iac.rules_shape import acl_entry, permission


class CfnSecurity(CfnBase):
    def security_group(self, logical: str, props: JsonDict) -> None:
        g = lambda name, default=None: self.get("SecurityGroups", logical, props, name, default)  # noqa: E731
        # AWS adds "all out" to a group created without egress rules (absent, AWS::NoValue or []);
        # one or more declared rules replace it. An unknown value (None, recorded against
        # SecurityGroups) is never the default "all out" instead.
        egress = g("SecurityGroupEgress", [])
        if egress == []:
            egress_rules = [allow_all_out()]
        else:
            egress_rules = [self.rule(logical, r, "Destination") for r in egress or []]
        item = {
            "GroupId": self.rid(logical),
            "GroupName": g("GroupName") or self.rid(logical),
            "Description": g("GroupDescription", ""),
            "VpcId": g("VpcId"),
            "IpPermissions": [self.rule(logical, r, "Source") for r in g("SecurityGroupIngress") or []],
            "IpPermissionsEgress": egress_rules,
            "Tags": self.tags(props),
        }
        self.net.add("SecurityGroups", {k: v for k, v in item.items() if v is not None})

    def rule(self, logical: str, rule: JsonDict, side: str) -> JsonDict:
        if not isinstance(rule, dict):
            raise InputError(
                f"{self.where(logical)}: a security group rule must be a mapping, found {rule!r}"
            )
        for key in ("CidrIp", "CidrIpv6"):
            if rule.get(key):
                check_cidr(rule[key], f"{self.where(logical)}: a rule's {key}", ipv6=key == "CidrIpv6")
        pl = rule.get(f"{side}PrefixListId")
        group = rule.get(f"{side}SecurityGroupId") or (
            rule.get("SourceSecurityGroupName") if side == "Source" else None
        )
        try:
            return permission(
                rule.get("IpProtocol", "-1"),
                rule.get("FromPort"),
                rule.get("ToPort"),
                [rule["CidrIp"]] if rule.get("CidrIp") else [],
                [rule["CidrIpv6"]] if rule.get("CidrIpv6") else [],
                [pl] if pl else [],
                [group] if group else [],
            )
        except (TypeError, ValueError):
            raise InputError(
                f"{self.where(logical)}: a security group rule's ports are not numbers: {rule!r}"
            ) from None

    def _known(self, logical: str, props: JsonDict, kind: str) -> JsonDict | None:
        """Every property's value, those that are ``AWS::NoValue`` left out; None when one is
        unknown (recorded against ``kind``)."""
        values = {k: self.get(kind, logical, props, k, NO_VALUE) for k in props}
        if None in values.values():
            return None
        return {k: v for k, v in values.items() if v is not NO_VALUE}

    @staticmethod
    def sg_rule(side: str) -> Callable[[CfnSecurity, str, JsonDict], None]:
        def build(self: CfnSecurity, logical: str, props: JsonDict) -> None:
            values = self._known(logical, props, "SecurityGroups")
            group = self.net.get("SecurityGroups", (values or {}).get("GroupId"))
            if group is not None and values is not None:
                field = "IpPermissions" if side == "Source" else "IpPermissionsEgress"
                group[field].append(self.rule(logical, values, side))

        return build

    def network_acl(self, logical: str, props: JsonDict) -> None:
        self.net.add_network_acl(self.rid(logical), self.get("NetworkAcls", logical, props, "VpcId"))[
            "Tags"
        ] = self.tags(props)

    def acl_entry(self, logical: str, props: JsonDict) -> None:
        values = self._known(logical, props, "NetworkAcls")
        acl = self.net.get("NetworkAcls", (values or {}).get("NetworkAclId"))
        if acl is None or values is None:
            return
        ports = values.get("PortRange")
        try:
            entry = acl_entry(
                values["RuleNumber"],
                values["Protocol"],
                values["RuleAction"],
                as_bool(values.get("Egress", False)),
                values.get("CidrBlock"),
                values.get("Ipv6CidrBlock"),
                (ports.get("From"), ports.get("To")) if isinstance(ports, dict) else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                f"{self.where(logical)}: a network ACL entry needs RuleNumber, Protocol, RuleAction and numeric ports ({exc})"
            ) from None
        acl["Entries"].append(entry)

    def subnet_acl(self, logical: str, props: JsonDict) -> None:
        acl, subnet = (self.get("NetworkAcls", logical, props, k) for k in ("NetworkAclId", "SubnetId"))
        if isinstance(acl, str) and isinstance(subnet, str):
            self.net.associate_network_acl(acl, subnet, self.rid(logical))
