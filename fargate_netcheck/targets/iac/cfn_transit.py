"""CloudFormation transit gateways, attachments, route tables and their associations, propagations
and routes (AWS's defaults applied by ``transit.Transit``)."""

from __future__ import annotations

from collections.abc import Callable

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.targets.iac.cfn_base import CfnBase, as_bool


class CfnTransit(CfnBase):
    def transit_gateway(self, logical: str, props: JsonDict) -> None:
        g = lambda name: self.get("TransitGateways", logical, props, name, "enable")  # noqa: E731
        rid = self.rid(logical)
        self.net.transit.add_gateway(self.net, rid, f"{rid}.DefaultRouteTable",
                                     g("DefaultRouteTableAssociation") == "enable", g("DefaultRouteTablePropagation") == "enable")  # fmt: skip

    def tgw_attachment(self, logical: str, props: JsonDict) -> None:
        g = lambda name, default=None: self.get("TransitGatewayAttachments", logical, props, name, default)  # noqa: E731
        self.net.transit.add_vpc_attachment(
            self.net, self.rid(logical), g("TransitGatewayId"), g("VpcId"), g("SubnetIds", []) or []
        )

    def tgw_route_table(self, logical: str, props: JsonDict) -> None:
        self.net.transit.add_route_table(
            self.net,
            self.rid(logical),
            self.get("TransitGatewayRouteTables", logical, props, "TransitGatewayId"),
        )

    @staticmethod
    def tgw_link(propagate: bool) -> Callable[[CfnTransit, str, JsonDict], None]:
        def build(self: CfnTransit, logical: str, props: JsonDict) -> None:
            att = self.get("TransitGatewayRouteTables", logical, props, "TransitGatewayAttachmentId")
            table = self.get("TransitGatewayRouteTables", logical, props, "TransitGatewayRouteTableId")
            if isinstance(att, str) and isinstance(table, str):
                (self.net.transit.propagate if propagate else self.net.transit.associate)(att, table)

        return build

    def tgw_route(self, logical: str, props: JsonDict) -> None:
        g = lambda name, default=None: self.get("TransitGatewayRouteTables", logical, props, name, default)  # noqa: E731
        table, cidr = g("TransitGatewayRouteTableId"), g("DestinationCidrBlock")
        if isinstance(table, str) and isinstance(cidr, str):
            self.net.transit.add_route(
                table, cidr, g("TransitGatewayAttachmentId"), as_bool(g("Blackhole", False))
            )
