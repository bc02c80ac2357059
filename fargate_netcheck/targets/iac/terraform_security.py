"""Terraform security groups and network ACLs (and their rule resources) as AWS describes them.

Terraform's behaviour, where it differs from AWS's: an ``aws_security_group`` loses AWS's default
"all out" rule, and ``aws_default_security_group``/``aws_default_network_acl`` remove every rule
they do not declare.
"""

from __future__ import annotations

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.targets.iac.rules_shape import acl_entry, permission
from fargate_netcheck.targets.iac.terraform_plan import Instance
from fargate_netcheck.targets.iac.terraform_values import TfValues


class SecurityResources(TfValues):
    def _rules(self, inst: Instance, block: str, group_id: str) -> list[JsonDict]:
        out = []
        for i, _ in enumerate(self.inline("SecurityGroups", inst, block)):
            r = {
                k: self.v("SecurityGroups", inst, block, i, k)
                for k in (
                    "protocol",
                    "from_port",
                    "to_port",
                    "cidr_blocks",
                    "ipv6_cidr_blocks",
                    "prefix_list_ids",
                    "security_groups",
                    "self",
                )
            }
            groups = list(r["security_groups"] or []) + ([group_id] if r["self"] else [])
            out.append(
                permission(
                    r["protocol"] or "-1",
                    r["from_port"],
                    r["to_port"],
                    r["cidr_blocks"] or [],
                    r["ipv6_cidr_blocks"] or [],
                    r["prefix_list_ids"] or [],
                    groups,
                )
            )
        return out

    def security_group(self, inst: Instance) -> None:
        gid = inst.id()
        self.add(
            "SecurityGroups",
            inst,
            {
                "GroupId": gid,
                "GroupName": self.v("SecurityGroups", inst, "name", default=inst.address),
                "VpcId": self.one("SecurityGroups", inst, "vpc_id"),
                "Tags": self.tags(inst),
                # Terraform removes AWS's default "all out" rule: only the declared rules remain.
                "IpPermissions": self._rules(inst, "ingress", gid),
                "IpPermissionsEgress": self._rules(inst, "egress", gid),
            },
        )

    def default_security_group(self, inst: Instance) -> None:
        vpc = self.one("SecurityGroups", inst, "vpc_id")
        group = self.net.get("SecurityGroups", f"{vpc}/default_security_group") or next(
            (
                g
                for g in self.net.items.get("SecurityGroups", {}).values()
                if g.get("VpcId") == vpc and g.get("GroupName") == "default"
            ),
            None,
        )
        if group is not None:
            group["IpPermissions"] = self._rules(inst, "ingress", group["GroupId"])
            group["IpPermissionsEgress"] = self._rules(inst, "egress", group["GroupId"])

    def sg_rule(self, inst: Instance) -> None:
        group = self.net.get("SecurityGroups", self.one("SecurityGroups", inst, "security_group_id"))
        if group is None:
            return
        g = lambda k: self.v("SecurityGroups", inst, k)  # noqa: E731
        if inst.type == "aws_security_group_rule":
            groups = [x for x in (g("source_security_group_id"),) if x] + (
                [group["GroupId"]] if g("self") else []
            )
            rule = permission(
                g("protocol"),
                g("from_port"),
                g("to_port"),
                g("cidr_blocks") or [],
                g("ipv6_cidr_blocks") or [],
                g("prefix_list_ids") or [],
                groups,
            )
            egress = g("type") == "egress"
        else:
            one = lambda k: [g(k)] if g(k) else []  # noqa: E731
            rule = permission(
                g("ip_protocol"),
                g("from_port"),
                g("to_port"),
                one("cidr_ipv4"),
                one("cidr_ipv6"),
                one("prefix_list_id"),
                one("referenced_security_group_id"),
            )
            egress = inst.type.endswith("egress_rule")
        group["IpPermissionsEgress" if egress else "IpPermissions"].append(rule)

    def _acl_entries(self, inst: Instance) -> list[JsonDict]:
        entries = []
        for block, egress in (("ingress", False), ("egress", True)):
            for i, _ in enumerate(self.inline("NetworkAcls", inst, block)):
                e = lambda k, i=i, block=block: self.v("NetworkAcls", inst, block, i, k)  # noqa: E731
                entries.append(
                    acl_entry(
                        e("rule_no"),
                        e("protocol"),
                        e("action"),
                        egress,
                        e("cidr_block"),
                        e("ipv6_cidr_block"),
                        (e("from_port"), e("to_port")),
                    )
                )
        return entries

    def network_acl(self, inst: Instance) -> None:
        acl = self.net.add_network_acl(inst.id(), self.one("NetworkAcls", inst, "vpc_id"))
        acl["Entries"], acl["Tags"] = self._acl_entries(inst), self.tags(inst)
        for subnet in self.many("NetworkAcls", inst, "subnet_ids"):
            self.net.associate_network_acl(inst.id(), subnet, f"{inst.address}#{subnet}")

    def default_network_acl(self, inst: Instance) -> None:
        acl = self.net.get("NetworkAcls", self.one("NetworkAcls", inst, "default_network_acl_id"))
        if acl is not None:  # Terraform removes every rule it does not declare
            acl["Entries"] = self._acl_entries(inst)
            self.net.new_acls.add(acl["NetworkAclId"])

    def acl_rule(self, inst: Instance) -> None:
        acl = self.net.get("NetworkAcls", self.one("NetworkAcls", inst, "network_acl_id"))
        e = lambda k: self.v("NetworkAcls", inst, k)  # noqa: E731
        if acl is not None:
            acl["Entries"].append(
                acl_entry(
                    e("rule_number"),
                    e("protocol"),
                    e("rule_action"),
                    bool(e("egress")),
                    e("cidr_block"),
                    e("ipv6_cidr_block"),
                    (e("from_port"), e("to_port")),
                )
            )

    def acl_association(self, inst: Instance) -> None:
        acl, subnet = (
            self.one("NetworkAcls", inst, "network_acl_id"),
            self.one("NetworkAcls", inst, "subnet_id"),
        )
        if isinstance(acl, str) and isinstance(subnet, str):
            self.net.associate_network_acl(acl, subnet, inst.id())

    def remove_rule(self, before: JsonDict, egress: bool | None = None) -> None:
        """A deleted security group rule: what it allowed leaves the group's permission of the same
        protocol and ports (AWS groups a rule's addresses with others' in one permission).
        ``egress``: None for ``aws_security_group_rule``, whose ``type`` says which side."""
        group = self.net.get("SecurityGroups", before.get("security_group_id"))
        if group is None:
            return
        if egress is None:
            egress = before.get("type") == "egress"
        field = "IpPermissionsEgress" if egress else "IpPermissions"
        gone = _permission_of(before, group["GroupId"])
        kept = []
        for p in group.get(field) or []:
            same = all(p.get(k) == gone.get(k) for k in ("IpProtocol", "FromPort", "ToPort"))
            if not same:
                kept.append(p)
                continue
            left = {key: [x for x in p.get(key) or [] if x.get(name) not in _ids(gone, key, name)]
                    for key, name in _RANGES}  # fmt: skip
            if any(_ids(gone, key, name) for key, name in _RANGES) and any(left.values()):
                kept.append({**p, **left})
        group[field] = kept

    def remove_egress_rule(self, before: JsonDict) -> None:
        self.remove_rule(before, egress=True)

    def remove_ingress_rule(self, before: JsonDict) -> None:
        self.remove_rule(before, egress=False)

    def remove_acl_rule(self, before: JsonDict) -> None:
        acl = self.net.get("NetworkAcls", before.get("network_acl_id"))
        if acl is not None:
            acl["Entries"] = [
                e
                for e in acl.get("Entries") or []
                if not (
                    e.get("RuleNumber") == before.get("rule_number")
                    and e.get("Egress") == bool(before.get("egress"))
                )
            ]


_RANGES = (("IpRanges", "CidrIp"), ("Ipv6Ranges", "CidrIpv6"), ("PrefixListIds", "PrefixListId"),
           ("UserIdGroupPairs", "GroupId"))  # fmt: skip


def _ids(permission_: JsonDict, key: str, name: str) -> set[str]:
    return {x.get(name) for x in permission_.get(key) or []}


def _permission_of(before: JsonDict, group_id: str) -> JsonDict:
    """The permission a rule resource's prior state made (``aws_security_group_rule`` or
    ``aws_vpc_security_group_*_rule``)."""
    if "ip_protocol" in before:
        one = lambda k: [before[k]] if before.get(k) else []  # noqa: E731
        return permission(before["ip_protocol"], before.get("from_port"), before.get("to_port"),
                          one("cidr_ipv4"), one("cidr_ipv6"), one("prefix_list_id"),
                          one("referenced_security_group_id"))  # fmt: skip
    groups = [before["source_security_group_id"]] if before.get("source_security_group_id") else []
    return permission(before.get("protocol") or "-1", before.get("from_port"), before.get("to_port"),
                      before.get("cidr_blocks") or [], before.get("ipv6_cidr_blocks") or [],
                      before.get("prefix_list_ids") or [], groups + ([group_id] if before.get("self") else []))  # fmt: skip
