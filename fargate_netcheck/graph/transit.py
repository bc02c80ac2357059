"""Transit gateway nodes and edges (``graph.build``): attachments, linked to their VPC and to the
TGW route table they are associated with, and TGW route tables with their parsed routes. Added
once every region's resources are nodes: an attachment and its route table may sit in different
accounts, and each account may know a different part of one attachment."""

from __future__ import annotations

from dataclasses import fields, replace

import networkx as nx

from fargate_netcheck.snapshot.store import RegionData
from fargate_netcheck.snapshot.transit_items import (
    UNLISTED,
    TgwAttachment,
    parse_tgw_attachment,
    parse_tgw_route,
)


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
        seen_by = f"{rd.account_id or 'the snapshot'}/{rd.region}"  # whose scan read it
        merged = replace(merged, states=tuple((f"{w} of {seen_by}", s) for w, s in merged.states))
        if merged.association is not None:
            said_table, said_state = merged.association
            _claim(node, f"the attachment's Association in {seen_by}", said_table, said_state)
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
            if not att_id:
                continue
            if att_id not in g:
                g.add_node(att_id, kind="tgw-attachment", item={}, **where)
            _claim(g.nodes[att_id], f"the associations of {table_id}", table_id, assoc.get("State"))
            if assoc.get("State") == "associated":
                g.add_edge(att_id, table_id, rel="associated")
                if assoc.get("ResourceType") == "vpc" and "attachment" not in g.nodes[att_id]:
                    g.nodes[att_id]["attachment"] = TgwAttachment(
                        att_id, None, "vpc", assoc.get("ResourceId"), UNLISTED, None, None
                    )


def _claim(node: dict, who: str, table: str | None, state: str | None) -> None:
    """Record what one record says of the attachment's association (``tgw_attachments`` reads them
    together: records that disagree, or an association in change, leave the route table unknown)."""
    node.setdefault("association_claims", []).append((who, table, state))


def _merge_attachments(known: TgwAttachment, more: TgwAttachment) -> TgwAttachment:
    """Fill what one account's view of an attachment lacks from another account's view; every
    State either gave is kept, so that views which disagree are seen to."""
    gaps = {
        f.name: getattr(more, f.name)
        for f in fields(more)
        if f.name != "states" and getattr(known, f.name) in (None, "unknown", UNLISTED)
    }
    return replace(known, **gaps, states=known.states + more.states)
