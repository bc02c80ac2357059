"""Where a VPC meets a transit gateway: its attachment (``available``; one being modified, whose
records disagree on its state, or without a state is ``unknown``), the attachment's subnet in the
task's Availability Zone, and the TGW route table the attachment is associated with (``unknown``
while an association is changing or its records disagree); each a reason recorded on the walk when
it is missing or unreadable.
"""

from __future__ import annotations

import networkx as nx

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.graph.build import region_of, successor, successors
from fargate_netcheck.snapshot.transit_items import TgwAttachment
from fargate_netcheck.trace.hops import Position
from fargate_netcheck.trace.walk import Walk

ATTACHMENT_KINDS = ("TransitGatewayVpcAttachments", "TransitGatewayAttachments")
VPC_ATTACHMENTS = ATTACHMENT_KINDS[0]  # the one that gives an attachment's subnets
ROUTE_TABLES = "TransitGatewayRouteTables"
# A transit gateway or attachment being changed (options, subnets) is neither down nor known to
# carry the traffic during the change: unknown, not the "unreachable" of a deleted one.
MODIFYING = "modifying"
MODIFYING_WHY = (
    "whether it carries the traffic while it is being changed is not known; check again once it is available"
)
# Association states in force either way; associating / disassociating (or none given) are neither.
SETTLED_ASSOCIATION = frozenset({"associated", "disassociated"})


def attachment_doubt(att: TgwAttachment) -> str | None:
    """Why whether ``att`` carries traffic is not known (to follow ``attachment <id> ...``), else None."""
    if att.conflict is not None:
        return (
            f"is read differently by the records that describe it ({att.conflict}): it is changing, "
            f"so {MODIFYING_WHY}"
        )
    if att.state == MODIFYING:
        return f"is {att.state}: {MODIFYING_WHY}"
    if att.state == "unknown":
        return "has no State in the snapshot: whether it carries the traffic is not known"
    return None


def association_doubt(g: nx.DiGraph, attachment_id: str) -> str | None:
    """Why the route table associated with an attachment is not known from what its records say
    (the attachment's ``Association``, each TGW route table's associations), else None: an
    association that is changing, or records that disagree (two route tables, or one table both
    associated and not), as two calls made while it changed would."""
    claims = g.nodes.get(attachment_id, {}).get("association_claims") or ()
    for who, table, state in claims:
        if state not in SETTLED_ASSOCIATION:
            return (
                f"{who} gives the association of {attachment_id} with {table} as {state or 'no State'}: "
                "which route table decides its traffic is not known; check again once it is associated"
            )
    associated = {table for _, table, state in claims if state == "associated"}
    dropped = {table for _, table, state in claims if state == "disassociated"}
    if len(associated) > 1 or associated & dropped:
        said = "; ".join(f"{who}: {state} with {table}" for who, table, state in claims)
        return (
            f"the records of {attachment_id}'s association disagree ({said}): it is changing, so which "
            "route table decides its traffic is not known"
        )
    return None


def vpc_attachment(g: nx.DiGraph, walk: Walk, pos: Position, tgw: str) -> TgwAttachment | None:
    found: list[TgwAttachment] = [
        g.nodes[a]["attachment"]
        for a in successors(g, pos.vpc_id, "tgw-attachment")
        if g.nodes[a]["attachment"].tgw_id == tgw
    ]
    usable = [a for a in found if a.state == "available" and attachment_doubt(a) is None]
    if usable:
        return usable[0]
    if found:
        att = next((a for a in found if attachment_doubt(a) is not None), found[0])
        doubt = attachment_doubt(att)
        if doubt is not None:
            walk.unknown(
                CheckCode.TGW_NO_ATTACHMENT,
                att.attachment_id,
                f"attachment {att.attachment_id} of {pos.vpc_id} to {tgw} {doubt}",
            )
            return None
        walk.failed(
            CheckCode.TGW_NO_ATTACHMENT,
            att.attachment_id,
            f"attachment {att.attachment_id} of {pos.vpc_id} to {tgw} is {att.state}, not available",
        )
        return None
    rd = region_of(g, pos.subnet_id)
    missing = [k for k in ATTACHMENT_KINDS if not rd.collected(k)]
    if len(missing) == len(ATTACHMENT_KINDS):
        walk.unknown(
            CheckCode.DATA_MISSING, tgw, f"attachments of transit gateway {tgw}: {rd.gap(missing[0])}"
        )
    else:
        walk.failed(
            CheckCode.TGW_NO_ATTACHMENT,
            tgw,
            f"{pos.vpc_id} has no attachment to transit gateway {tgw}: its route to {tgw} carries nothing",
        )
    return None


def subnets_collected(g: nx.DiGraph, walk: Walk, att: TgwAttachment, what: str) -> bool:
    """Were the subnets of ``att`` collected (``TransitGatewayVpcAttachments`` of its region)? A kind
    under ``Errors`` is not read, even with its items kept: if not, the gap is recorded, naming
    ``what`` depends on them."""
    rd = region_of(g, att.attachment_id) if att.attachment_id in g else None
    if rd is None or att.subnet_ids is None or rd.collected(VPC_ATTACHMENTS):
        return True
    walk.missing(
        rd, VPC_ATTACHMENTS, att.attachment_id, f": the subnets of {att.attachment_id} are not known: {what}"
    )
    return False


def attached_in_az(g: nx.DiGraph, walk: Walk, att: TgwAttachment, subnet_id: str) -> bool:
    if not subnets_collected(
        g, walk, att, f"whether {subnet_id}'s AZ can reach the transit gateway is unknown"
    ):
        return False
    az = g.nodes[subnet_id]["item"].get("AvailabilityZone")
    if att.subnet_ids is None or az is None:
        walk.unknown(
            CheckCode.DATA_MISSING,
            att.attachment_id,
            f"the subnets of attachment {att.attachment_id} (TransitGatewayVpcAttachments) or the AZ of "
            f"{subnet_id} are not in the snapshot: whether {subnet_id}'s AZ can reach the transit gateway is unknown",
        )
        return False
    if any(subnet_az(g, s) == az for s in att.subnet_ids):
        return True
    walk.failed(
        CheckCode.TGW_AZ,
        att.attachment_id,
        f"attachment {att.attachment_id} has no subnet in {az}: traffic from {subnet_id} ({az}) never "
        "reaches the transit gateway",
    )
    return False


def associated_table(g: nx.DiGraph, walk: Walk, attachment_id: str, tgw: str | None) -> str | None:
    """The TGW route table associated with an attachment; None (with the reason recorded) if unknown."""
    doubt = association_doubt(g, attachment_id)
    if doubt is not None:
        walk.unknown(CheckCode.TGW_NOT_ASSOCIATED, attachment_id, doubt)
        return None
    att = g.nodes.get(attachment_id, {}).get("attachment")
    table = att.route_table_id if att is not None else None
    if table is None or g.nodes.get(table, {}).get("kind") != "tgw-route-table":
        table = successor(g, attachment_id, "associated") if attachment_id in g else None
    if table is not None and g.nodes.get(table, {}).get("kind") == "tgw-route-table":
        # listed, but the kind's collection failed: as if missing
        return table if walk.collected(region_of(g, table), ROUTE_TABLES, table) else None
    tgw = tgw or (att.tgw_id if att else None)
    tables = successors(g, tgw, "has-route-table") if tgw is not None and tgw in g else []
    if not tables:
        owner = g.nodes.get(tgw, {}).get("item", {}).get("OwnerId") if tgw else None
        rd = region_of(g, tgw) if tgw is not None and tgw in g and "account" in g.nodes[tgw] else None
        if rd is not None and not rd.collected(ROUTE_TABLES):
            reason = rd.gap(ROUTE_TABLES)
        else:
            reason = (
                f"no route table of transit gateway {tgw} is in the snapshot"
                + (f" (it is owned by account {owner})" if owner else "")
                + ": its routes cannot be followed; scan the account that owns it"
            )
        walk.unknown(CheckCode.TGW_UNREADABLE, tgw or attachment_id, reason)
        return None
    if table is None and all(g.nodes[t].get("associations_known") for t in tables):
        walk.failed(
            CheckCode.TGW_NOT_ASSOCIATED,
            attachment_id,
            f"attachment {attachment_id} is associated with no route table of {tgw}: the transit gateway "
            "drops its traffic",
        )
    else:
        walk.unknown(
            CheckCode.TGW_UNREADABLE,
            attachment_id,
            f"the route table associated with {attachment_id} is not in the snapshot "
            "(TransitGatewayRouteTables associations not collected or owned by another account)",
        )
    return None


def subnet_az(g: nx.DiGraph, subnet_id: str) -> str | None:
    az = g.nodes.get(subnet_id, {}).get("item", {}).get("AvailabilityZone")
    return az if isinstance(az, str) else None
