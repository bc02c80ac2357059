"""Transit gateways in code, as DescribeTransitGateways and its companions show them.

AWS's defaults are followed: a transit gateway with default route table association or
propagation enabled (the default) gets a default route table; a VPC attachment is associated with
it and propagates its VPC's CIDRs to it unless told otherwise. Associations and propagations are
settled at the end, once every VPC's CIDRs are known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fargate_netcheck.core.json_types import JsonDict

if TYPE_CHECKING:
    from fargate_netcheck.targets.iac.network import Network


@dataclass(slots=True)
class Transit:
    defaults: dict[str, tuple[str | None, bool, bool]] = field(
        default_factory=dict
    )  # tgw -> (table, assoc, prop)
    attachments: dict[str, tuple[bool, bool]] = field(
        default_factory=dict
    )  # attachment -> (default assoc, prop)
    associations: dict[str, str] = field(default_factory=dict)  # attachment -> table
    propagations: list[tuple[str, str]] = field(default_factory=list)  # (attachment, table)
    routes: list[tuple[str, JsonDict]] = field(default_factory=list)  # (table, static route)

    def add_gateway(
        self, net: Network, tgw_id: str, table_id: str, association: bool, propagation: bool
    ) -> None:
        default = table_id if association or propagation else None
        net.add("TransitGateways", {
            "TransitGatewayId": tgw_id, "State": "available",
            "Options": {"DefaultRouteTableAssociation": "enable" if association else "disable",
                        "DefaultRouteTablePropagation": "enable" if propagation else "disable",
                        **({"AssociationDefaultRouteTableId": default, "PropagationDefaultRouteTableId": default} if default else {})},
        })  # fmt: skip
        if default:
            self.add_route_table(net, default, tgw_id, is_default=True)
        self.defaults[tgw_id] = (default, association, propagation)

    def add_route_table(self, net: Network, table_id: str, tgw_id: Any, is_default: bool = False) -> None:
        net.add("TransitGatewayRouteTables", {
            "TransitGatewayRouteTableId": table_id, "TransitGatewayId": tgw_id, "State": "available",
            "DefaultAssociationRouteTable": is_default, "DefaultPropagationRouteTable": is_default,
            "Associations": [], "Routes": [],
        })  # fmt: skip

    def add_vpc_attachment(
        self,
        net: Network,
        att_id: str,
        tgw_id: Any,
        vpc_id: Any,
        subnets: list[Any],
        defaults: tuple[bool, bool] = (True, True),
    ) -> None:
        net.add("TransitGatewayAttachments", {"TransitGatewayAttachmentId": att_id, "TransitGatewayId": tgw_id,
                                              "ResourceType": "vpc", "ResourceId": vpc_id, "State": "available"})  # fmt: skip
        net.add("TransitGatewayVpcAttachments", {"TransitGatewayAttachmentId": att_id, "TransitGatewayId": tgw_id,
                                                 "VpcId": vpc_id, "SubnetIds": list(subnets), "State": "available"})  # fmt: skip
        self.attachments[att_id] = defaults

    def associate(self, att_id: str, table_id: str) -> None:
        self.associations[att_id] = table_id

    def propagate(self, att_id: str, table_id: str) -> None:
        self.propagations.append((att_id, table_id))

    def add_route(self, table_id: str, cidr: str, att_id: str | None, blackhole: bool) -> None:
        self.routes.append((table_id, {"DestinationCidrBlock": cidr, "Type": "static", "State": "blackhole" if blackhole else "active",
                                       "_attachment": None if blackhole else att_id}))  # fmt: skip

    def _defaults_of(self, net: Network, tgw_id: Any) -> tuple[str | None, bool, bool]:
        """A gateway's default table and switches: from the code, or from a scanned gateway's Options."""
        if tgw_id in self.defaults:
            return self.defaults[tgw_id]
        options = (net.get("TransitGateways", tgw_id) or {}).get("Options") or {}
        assoc, prop = (
            options.get("DefaultRouteTableAssociation") == "enable",
            options.get("DefaultRouteTablePropagation") == "enable",
        )
        return (
            (
                options.get("AssociationDefaultRouteTableId")
                if assoc
                else options.get("PropagationDefaultRouteTableId")
            ),
            assoc,
            prop,
        )

    def finish(self, net: Network) -> None:
        from fargate_netcheck.targets.iac.network import vpc_cidrs

        generic = net.items.get("TransitGatewayAttachments", {})
        tables = net.items.get("TransitGatewayRouteTables", {})
        propagations = list(self.propagations)
        for att_id, (assoc, prop) in self.attachments.items():
            default, tgw_assoc, tgw_prop = self._defaults_of(net, generic[att_id].get("TransitGatewayId"))
            if default and assoc and tgw_assoc and att_id not in self.associations:
                self.associations[att_id] = default
            if default and prop and tgw_prop:
                propagations.append((att_id, default))
        for att_id, table_id in self.associations.items():
            att, table = generic.get(att_id), tables.get(table_id)
            if att is None or table is None:
                continue
            att["Association"] = {"TransitGatewayRouteTableId": table_id, "State": "associated"}
            table["Associations"].append({"TransitGatewayAttachmentId": att_id, "ResourceId": att.get("ResourceId"),
                                          "ResourceType": "vpc", "State": "associated"})  # fmt: skip
        for att_id, table_id in propagations:
            att, table = generic.get(att_id), tables.get(table_id)
            vpc = net.get("Vpcs", att.get("ResourceId")) if att else None
            if att is None or table is None or vpc is None:
                continue
            hop = [
                {"TransitGatewayAttachmentId": att_id, "ResourceId": att["ResourceId"], "ResourceType": "vpc"}
            ]
            table["Routes"] += [{"DestinationCidrBlock": c, "Type": "propagated", "State": "active", "TransitGatewayAttachments": hop}
                                for c in vpc_cidrs(vpc)]  # fmt: skip
        for table_id, route in self.routes:
            table = tables.get(table_id)
            if table is None:
                continue
            att_id = route.pop("_attachment")
            att = generic.get(att_id) if att_id else None
            if att_id:
                route["TransitGatewayAttachments"] = [{"TransitGatewayAttachmentId": att_id, "ResourceId": (att or {}).get("ResourceId", ""),
                                                       "ResourceType": (att or {}).get("ResourceType", "vpc")}]  # fmt: skip
            table["Routes"].append(route)
