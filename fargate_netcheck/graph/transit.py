"""Transit gateway nodes and edges (``graph.build``): attachments, linked to their VPC and to the
TGW route table they are associated with, and TGW route tables with their parsed routes. Added
once every region's resources are nodes: an attachment and its route table may sit in different
accounts, and each account may know a different part of one attachment."""

from __future__ import annotations

from dataclasses import fields, replace

import networkx as nx

from fargate_netcheck.snapshot.parse import TgwAttachment, parse_tgw_attachment, parse_tgw_route
from fargate_netcheck.snapshot.store import RegionData


def add_transit(g: nx.DiGraph, rd: RegionData) -> None:
    where = {"account": rd.account_id, "region": rd.region}
    vpc_items = {a["TransitGatewayAttachmentId"]: a for a in rd.items.get("TransitGatewayVpcAttachments", [])}
    generic = {a["TransitGatewayAttachmentId"]: a for a in rd.items.get("TransitGatewayAttachments", [])}
    for att_id in sorted(vpc_items.keys() | generic.keys()):
        node = g.nodes.get(att_id)
        if node is None or node.get("kind") != "tgw-attachment":
            g.add_node(att_id, kind="tgw-attachment", item=vpc_items.get(att_id) or generic[att_id], **where)
            node = g.nodes[att_id]
        previous = node.get("attachment")
        merged = parse_tgw_attachment(att_id, generic.get(att_id), vpc_items.get(att_id))
        if previous is not None:  # seen from another account: keep what each side knows
            merged = _merge_attachments(previous, merged)
        node["attachment"] = merged
        if merged.resource_type == "vpc" and merged.resource_id in g:
            g.add_edge(merged.resource_id, att_id, rel="tgw-attachment")
        if merged.route_table_id in g:
            g.add_edge(att_id, merged.route_table_id, rel="associated")
    for table in rd.items.get("TransitGatewayRouteTables", []):
        table_id = table["TransitGatewayRouteTableId"]
        node = g.nodes[table_id]
        raw_routes = table.get("Routes")
        node["tgw_routes"] = (
            None
            if raw_routes is None
            else tuple(r for r in map(parse_tgw_route, raw_routes) if r is not None)
        )
        node["associations_known"] = table.get("Associations") is not None
        if table.get("TransitGatewayId"):
            if table["TransitGatewayId"] not in g:
                g.add_node(table["TransitGatewayId"], kind="missing", item={}, **where)
            g.add_edge(table["TransitGatewayId"], table_id, rel="has-route-table")
        for assoc in table.get("Associations") or []:
            att_id = assoc.get("TransitGatewayAttachmentId")
            if att_id and (assoc.get("State") or "associated") == "associated":  # null, as absent
                if att_id not in g:
                    g.add_node(att_id, kind="tgw-attachment", item={}, **where)
                g.add_edge(att_id, table_id, rel="associated")
                if assoc.get("ResourceType") == "vpc" and "attachment" not in g.nodes[att_id]:
                    g.nodes[att_id]["attachment"] = parse_tgw_attachment(
                        att_id, {"ResourceType": "vpc", "ResourceId": assoc.get("ResourceId")}, None
                    )


def _merge_attachments(known: TgwAttachment, more: TgwAttachment) -> TgwAttachment:
    """Fill what one account's view of an attachment lacks from another account's view."""
    gaps = {
        f.name: getattr(more, f.name) for f in fields(more) if getattr(known, f.name) in (None, "unknown")
    }
    return replace(known, **gaps)
