"""Terraform's DHCP options resources: ``aws_vpc_dhcp_options`` (a set of the code's own),
``aws_vpc_dhcp_options_association`` (a VPC uses it; ``default``: no options, the Amazon-provided
resolver) and ``aws_default_vpc_dhcp_options`` (adopts the region's default set, which AWS creates
with ``AmazonProvidedDNS`` and which is what new VPCs get)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fargate_netcheck.targets.iac.needs_world import associate_dhcp, dhcp_item
from fargate_netcheck.targets.iac.terraform_plan import Instance

if TYPE_CHECKING:
    from fargate_netcheck.targets.iac.terraform_resources import TfResources

_KIND = "DhcpOptions"


def tf_dhcp_options(self: TfResources, inst: Instance) -> None:
    self.add(
        _KIND,
        inst,
        dhcp_item(
            inst.id(),
            domain_name=self.v(_KIND, inst, "domain_name"),
            servers=self.many(_KIND, inst, "domain_name_servers"),
            ntp=self.many(_KIND, inst, "ntp_servers"),
            netbios=self.many(_KIND, inst, "netbios_name_servers"),
            node_type=self.v(_KIND, inst, "netbios_node_type"),
            tags=self.tags(inst),
        ),
    )


def tf_default_dhcp_options(self: TfResources, inst: Instance) -> None:
    after = inst.after or {}
    servers = after.get("domain_name_servers")
    item = dhcp_item(  # as the plan read it; AWS creates the default set with AmazonProvidedDNS
        inst.id(),
        domain_name=after.get("domain_name"),
        servers=servers if isinstance(servers, list) and servers else ["AmazonProvidedDNS"],
        ntp=after.get("ntp_servers"),
        netbios=after.get("netbios_name_servers"),
        node_type=after.get("netbios_node_type") or None,
        tags=self.tags(inst),
    )
    self.net.default_dhcp = item
    self.add(_KIND, inst, item)


def tf_dhcp_association(self: TfResources, inst: Instance) -> None:
    associate_dhcp(self.net, self.one(_KIND, inst, "vpc_id"), self.one(_KIND, inst, "dhcp_options_id"))
