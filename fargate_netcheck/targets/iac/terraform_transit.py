"""Terraform's transit gateway resources: ``aws_ec2_transit_gateway`` (with its default route
table, associated and propagated to unless turned off), its VPC attachments, route tables, their
associations, propagations and static routes (blackholes included), laid into ``Network.transit``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fargate_netcheck.targets.iac.terraform_plan import Instance

if TYPE_CHECKING:
    from fargate_netcheck.targets.iac.terraform_resources import TfResources


def tf_transit_gateway(self: TfResources, inst: Instance) -> None:
    g = lambda name: self.v("TransitGateways", inst, name, default="enable")  # noqa: E731
    table = (inst.after or {}).get("association_default_route_table_id") or f"{inst.id()}/default_route_table"
    self.net.transit.add_gateway(self.net, inst.id(), table, g("default_route_table_association") == "enable",
                                 g("default_route_table_propagation") == "enable")  # fmt: skip


def tf_tgw_attachment(self: TfResources, inst: Instance) -> None:
    g = lambda name, default=None: self.v("TransitGatewayAttachments", inst, name, default=default)  # noqa: E731
    self.net.transit.add_vpc_attachment(
        self.net, inst.id(), self.one("TransitGatewayAttachments", inst, "transit_gateway_id"),
        self.one("TransitGatewayAttachments", inst, "vpc_id"), self.many("TransitGatewayAttachments", inst, "subnet_ids"),
        (g("transit_gateway_default_route_table_association", True) is not False,
         g("transit_gateway_default_route_table_propagation", True) is not False),
    )  # fmt: skip


def tf_tgw_route_table(self: TfResources, inst: Instance) -> None:
    self.net.transit.add_route_table(
        self.net, inst.id(), self.one("TransitGatewayRouteTables", inst, "transit_gateway_id")
    )


def tf_tgw_link(propagate: bool) -> Callable[[TfResources, Instance], None]:
    def build(self: TfResources, inst: Instance) -> None:
        att = self.one("TransitGatewayRouteTables", inst, "transit_gateway_attachment_id")
        table = self.one("TransitGatewayRouteTables", inst, "transit_gateway_route_table_id")
        if isinstance(att, str) and isinstance(table, str):
            (self.net.transit.propagate if propagate else self.net.transit.associate)(att, table)

    return build


def tf_tgw_route(self: TfResources, inst: Instance) -> None:
    table = self.one("TransitGatewayRouteTables", inst, "transit_gateway_route_table_id")
    cidr = self.one("TransitGatewayRouteTables", inst, "destination_cidr_block")
    if isinstance(table, str) and isinstance(cidr, str):
        att = self.one("TransitGatewayRouteTables", inst, "transit_gateway_attachment_id")
        self.net.transit.add_route(
            table,
            cidr,
            att or None,
            bool(self.v("TransitGatewayRouteTables", inst, "blackhole", default=False)),
        )
