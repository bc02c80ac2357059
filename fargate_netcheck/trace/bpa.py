"""VPC Block Public Access (BPA) at an internet gateway or egress-only internet gateway.

AWS (VPC User Guide, "Block public access to VPCs and subnets"; EC2 API VpcBlockPublicAccessOptions
and VpcBlockPublicAccessExclusion):

- ``off``: nothing is blocked.
- ``block-bidirectional``: all traffic to and from internet gateways and egress-only internet
  gateways in the region is blocked, except for excluded VPCs and subnets.
- ``block-ingress``: all internet traffic to the VPCs is blocked, except for excluded VPCs and
  subnets; only traffic to and from NAT gateways and egress-only internet gateways is let through.
  A task with its own public IP never gets its replies back, nor does a NAT instance's traffic.
- An exclusion covers a VPC or a subnet: ``allow-bidirectional`` lets everything through;
  ``allow-egress`` lets outbound traffic (and its replies) through and applies only in
  ``block-bidirectional`` mode. With ``ExclusionsAllowed: not-allowed`` (BPA set by the
  Organization) exclusions do not apply; without ``ExclusionsAllowed`` (a botocore older than the
  field drops it) whether they apply is not known, unless ``ManagedBy`` is ``account``. One being
  modified (``update-in-progress``) or whose
  modification failed (``update-failed``) is in force in the mode it shows or the one it had
  before, which the API does not say; one whose mode is missing or undocumented may let anything
  through: either leaves the verdict ``unknown`` unless another exclusion in force decides it. So
  does one without a ``ResourceArn``: it may be any subnet's or VPC's.

The subnet an exclusion must cover is the one whose address leaves through the gateway: the NAT
gateway's (or NAT instance's) subnet when the traffic was translated, else the task's own. A
regional NAT gateway sits in no subnet: its VPC's exclusion covers it (the egress VPC's when spokes
reach it through a transit gateway, never a spoke's), and one of the subnet the traffic reached it
from alone leaves the verdict ``unknown``. AWS documents that excluding the subnet of a Network Firewall or Gateway Load Balancer endpoint on the
way does not let traffic through, so those subnets are not the ones looked at.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import networkx as nx

from fargate_netcheck.core.model import CheckCode, Status
from fargate_netcheck.graph.build import block_public_access_of, successor
from fargate_netcheck.snapshot.parse import (
    BPA_EXCLUSION_GONE,
    BPA_EXCLUSION_IN_FORCE,
    BlockPublicAccess,
    BpaExclusion,
)
from fargate_netcheck.trace.walk import Walk

if TYPE_CHECKING:
    from fargate_netcheck.trace.hops import Position

_CODES = {
    Status.PASS: CheckCode.BPA,
    Status.FAIL: CheckCode.BPA_BLOCKED,
    Status.UNKNOWN: CheckCode.BPA_UNKNOWN,
}
_MODES = ("off", "block-bidirectional", "block-ingress")
_EXCLUSIONS = "VpcBlockPublicAccessExclusions"
_EXCLUSION_MODES = ("allow-bidirectional", "allow-egress")
# An exclusion in these states is in force in some mode, the one it shows or the one it had before.
_MODE_CHANGING = frozenset({"update-in-progress", "update-failed"})


def check_block_public_access(g: nx.DiGraph, walk: Walk, pos: Position, gateway: str) -> bool:
    """Record whether BPA lets the traffic through ``gateway``; False when it stops the walk."""
    nat = _nat_gateway(g, pos)
    if nat is not None and g.nodes[nat].get("item", {}).get("AvailabilityMode") == "regional":
        # It sits in no subnet: its VPC is the one the gateway is attached to (``pos.vpc_id``), and
        # the subnet the traffic reached it from is in that VPC (the task's, or a transit gateway
        # attachment's in a central egress VPC): never the task's VPC behind a transit gateway.
        entered = pos.subnet_id
        bpa, gap = _setting(g, entered if entered in g else gateway, entered)
        status, reason = _regional_nat(bpa, gateway, entered, pos.vpc_id, nat, gap)
    else:
        subnet = _source_subnet(g, walk, pos)
        vpc = successor(g, subnet, "in-vpc") if subnet in g else None
        bpa, gap = _setting(g, subnet if subnet in g else gateway, subnet)
        status, reason = evaluate(bpa, gateway, subnet, vpc or pos.vpc_id, nat, gap)
    walk.add(_code(bpa, status), status, gateway, reason)
    return status is Status.PASS


def _code(bpa: BlockPublicAccess, status: Status) -> CheckCode:
    """An unknown that comes from a failed BPA call is a failed collection (DATA002's code). In
    ``evaluate``'s order: unreadable options come first, the exclusions' gap last."""
    if status is Status.UNKNOWN:
        if bpa.unreadable is not None:
            return CheckCode.DATA_FAILED if bpa.options_failed else CheckCode.BPA_UNKNOWN
        decided_before_exclusions = bpa.mode not in _MODES or bpa.state == "update-in-progress"
        if bpa.exclusions is None and bpa.exclusions_failed and not decided_before_exclusions:
            return CheckCode.DATA_FAILED
    return _CODES[status]


def evaluate(
    bpa: BlockPublicAccess,
    gateway: str,
    subnet: str | None,
    vpc: str,
    nat_gateway: str | None,
    allowed_gap: str | None = None,
) -> tuple[Status, str]:
    """BPA's verdict on traffic from ``subnet`` (in ``vpc``; None: from no subnet, a regional NAT
    gateway's) through ``gateway``; ``nat_gateway``: the NAT gateway that translated it, if one did.
    ``allowed_gap``: why whether exclusions are allowed is not known (``_allowed_gap``), if it is not:
    an exclusion then decides nothing."""
    covered = f"{subnet} or {vpc}" if subnet else vpc
    name = f"VPC Block Public Access ({bpa.mode}) in {bpa.region}"
    if bpa.unreadable is not None:
        return Status.UNKNOWN, (
            f"VPC Block Public Access in {bpa.region} could not be read ({bpa.unreadable}): it may block "
            f"{gateway}"
        )
    if bpa.unsupported is not None:
        return Status.PASS, (
            f"the endpoint does not implement VPC Block Public Access ({bpa.unsupported}): read as off in "
            f"{bpa.region}, as for a snapshot without it"
        )
    if bpa.mode is None:
        return Status.PASS, (
            f"VPC Block Public Access is not in the snapshot (written by hand, or before fargate-netcheck "
            f"collected it): assumed off in {bpa.region}"
        )
    if bpa.mode not in _MODES:
        return Status.UNKNOWN, f"VPC Block Public Access in {bpa.region} has an unknown mode {bpa.mode!r}"
    if bpa.state == "update-in-progress":
        return (
            Status.UNKNOWN,
            f"VPC Block Public Access in {bpa.region} is being changed (update-in-progress)",
        )
    if bpa.mode == "off":
        return Status.PASS, f"VPC Block Public Access is off in {bpa.region}"
    if bpa.mode == "block-ingress" and gateway.startswith("eigw-"):
        return Status.PASS, f"{name} lets traffic out through egress-only internet gateway {gateway}"
    if bpa.mode == "block-ingress" and nat_gateway:
        return Status.PASS, f"{name} lets traffic out through NAT gateway {nat_gateway}"
    # Only an exclusion can let the traffic through now.
    needed = (
        ("allow-bidirectional", "allow-egress")
        if bpa.mode == "block-bidirectional"
        else ("allow-bidirectional",)
    )
    if not bpa.exclusions_allowed:
        return (
            Status.FAIL,
            f"{name} blocks {gateway}, and exclusions are not allowed (BPA is managed by the organization)",
        )
    if bpa.exclusions is None:
        return Status.UNKNOWN, (
            f"{name} blocks {gateway} unless {covered} is excluded, and {bpa.exclusions_gap}"
        )
    covering = [e for rid in (subnet, vpc) if rid for e in bpa.exclusions.get(rid, ())]
    in_force = next((e for e in covering if e.mode in needed and e.state in BPA_EXCLUSION_IN_FORCE), None)
    if in_force is not None:
        other = _disagreeing(covering, in_force, needed)
        if other is not None:
            return Status.UNKNOWN, (
                f"{name} blocks {gateway} unless exclusion {in_force.exclusion_id} of {in_force.resource_id} "
                f"({in_force.mode}) applies, and exclusion {other.exclusion_id} of {other.resource_id} "
                f"({other.mode or None!r}, {other.state}), which may be in force in a mode that does not let "
                "this traffic through, covers it too: AWS does not document which of a subnet's and its "
                "VPC's exclusions applies"
            )
        if allowed_gap is not None:
            return Status.UNKNOWN, (
                f"{name} blocks {gateway} unless exclusion {in_force.exclusion_id} of {in_force.resource_id} "
                f"({in_force.mode}) applies, and {allowed_gap}"
            )
        return Status.PASS, (
            f"{name} exempts {in_force.resource_id} (exclusion {in_force.exclusion_id}, {in_force.mode})"
        )
    unnamed = next((e for e in bpa.exclusions.get("", ()) if _may_apply(e, needed)), None)
    if unnamed is not None:
        return Status.UNKNOWN, (
            f"{name} blocks {gateway} unless exclusion {unnamed.exclusion_id} applies, and it names no "
            f"resource (no ResourceArn in the snapshot): it may be {covered}'s"
        )
    pending = next((e for e in covering if _may_apply(e, needed)), None)
    if pending is not None:
        return Status.UNKNOWN, (
            f"{name} blocks {gateway} unless exclusion {pending.exclusion_id} of {pending.resource_id} "
            f"applies, and {_open_because(pending, needed)}"
        )
    return Status.FAIL, f"{name} blocks {gateway}: {_why_not(bpa, covering, covered)}"


def _regional_nat(
    bpa: BlockPublicAccess, gateway: str, entered: str, vpc: str, nat: str, allowed_gap: str | None
) -> tuple[Status, str]:
    """A regional NAT gateway sits in no subnet, so only its VPC's exclusion is known to cover the
    traffic it translates. An exclusion of the subnet the traffic reached it from (``entered``, in
    ``vpc``) that would let it through leaves the verdict unknown: AWS does not document whether it
    applies."""
    status, reason = evaluate(bpa, gateway, None, vpc, nat, allowed_gap)
    if status is not Status.FAIL or evaluate(bpa, gateway, entered, vpc, nat, allowed_gap)[0] is Status.FAIL:
        return status, reason
    return Status.UNKNOWN, (
        f"{reason}; an exclusion of {entered} may let it through, but regional NAT gateway {nat} sits in "
        "no subnet, and AWS does not document whether a subnet's exclusion covers the traffic it translates"
    )


def _disagreeing(
    covering: list[BpaExclusion], opening: BpaExclusion, needed: tuple[str, ...]
) -> BpaExclusion | None:
    """An exclusion of the other resource (the VPC of the subnet ``opening`` exempts, or the
    reverse) that may be in force in a mode that does not let the traffic through: in
    ``block-ingress`` mode an ``allow-egress`` one beside an ``allow-bidirectional`` one, or one
    whose mode is changing or not documented. AWS documents exclusions of VPCs and of subnets, not
    which one applies to a subnet that has both, so such a pair decides nothing."""
    return next(
        (
            e
            for e in covering
            if e.resource_id != opening.resource_id
            and e.state not in BPA_EXCLUSION_GONE
            and (e.mode not in needed or e.state in _MODE_CHANGING)
        ),
        None,
    )


def _may_apply(exclusion: BpaExclusion, needed: tuple[str, ...]) -> bool:
    """Whether ``exclusion`` (not in force in a mode ``needed``) may still let the traffic through:
    it is not gone, and it is on its way, or its mode in force is not known."""
    if exclusion.state in BPA_EXCLUSION_GONE:
        return False
    return (
        exclusion.mode in needed
        or exclusion.mode not in _EXCLUSION_MODES
        or exclusion.state in _MODE_CHANGING
    )


def _open_because(exclusion: BpaExclusion, needed: tuple[str, ...]) -> str:
    if exclusion.mode not in _EXCLUSION_MODES:
        return f"its mode {exclusion.mode or None!r} is not one VPC Block Public Access documents"
    if exclusion.mode in needed:
        return f"it is {exclusion.state}" if exclusion.state else "its State is not in the snapshot"
    return (
        f"it is {exclusion.state}: the mode it shows ({exclusion.mode}) may not be in force, "
        "and the one it had before is not known"
    )


def _why_not(bpa: BlockPublicAccess, covering: list[BpaExclusion], covered: str) -> str:
    if bpa.mode == "block-ingress":
        head = (
            "only NAT gateway and egress-only internet gateway traffic is let through, and no "
            f"allow-bidirectional exclusion covers {covered}"
        )
        egress_only = next((e for e in covering if e.mode == "allow-egress"), None)
        if egress_only is not None:
            head += f" (exclusion {egress_only.exclusion_id} allows egress, which applies only in block-bidirectional mode)"
        return head
    return f"no exclusion covers {covered}"


def _setting(g: nx.DiGraph, node: str, subnet: str) -> tuple[BlockPublicAccess, str | None]:
    """The BPA that governs ``node``: its owner's, and why whether its exclusions are allowed is not
    known (``_allowed_gap``), if so. A subnet shared through RAM appears in the participant's
    snapshot with the owner's ``OwnerId``, and the owner's BPA applies to it: unknown when the owner
    was not scanned, unless the snapshot describes no BPA at all (then, like every other subnet of
    it, assumed off)."""
    attrs = g.nodes[node]
    owner = (attrs.get("item") or {}).get("OwnerId")
    key = (attrs["account"], attrs["region"])
    own = _described(g, key, block_public_access_of(g, node))
    if not owner or not attrs["account"] or owner == attrs["account"]:
        return own, _allowed_gap(g, key)
    found: BlockPublicAccess | None = g.graph["block_public_access"].get((owner, attrs["region"]))
    if found is None and own.mode is None and own.unreadable is None:
        return own, None  # a snapshot that describes no BPA at all: the owner's is not described either
    if found is None:
        return BlockPublicAccess(
            attrs["region"],
            None,
            unreadable=f"{subnet} is shared from account {owner}, whose VPC Block Public Access is not in "
            "the snapshot; scan that account too",
        ), None
    return _described(g, (owner, attrs["region"]), found), _allowed_gap(g, (owner, attrs["region"]))


def _allowed_gap(g: nx.DiGraph, key: tuple[str | None, str]) -> str | None:
    """Why whether the exclusions of ``key`` (account, region) are allowed is not known: the options
    lack ``ExclusionsAllowed`` (AWS, VpcBlockPublicAccessOptions: "If you have enabled VPC BPA at the
    Organization level, exclusions may be not-allowed. Otherwise, they are allowed"; a botocore older
    than the field drops it), and ``ManagedBy`` does not say the account, not the organization,
    manages BPA. None when it is known."""
    rd = g.graph["regions"].get(key)
    options = rd.items.get("VpcBlockPublicAccessOptions") if rd is not None else None
    option = options[0] if isinstance(options, list) and len(options) == 1 else None
    if not isinstance(option, dict) or isinstance(option.get("ExclusionsAllowed"), str):
        return None
    if option.get("ManagedBy") == "account":
        return None
    return (
        "the options in the snapshot have no ExclusionsAllowed: whether the organization allows exclusions "
        "is not known (collect with a newer botocore)"
    )


def _described(g: nx.DiGraph, key: tuple[str | None, str], bpa: BlockPublicAccess) -> BlockPublicAccess:
    """``bpa`` of ``key`` (account, region), unreadable when the region lacks the options but holds
    (or failed to collect) the exclusions: only a region with neither is read as BPA off
    (docs/snapshot-format.md); otherwise the missing options were not collected."""
    if bpa.mode is not None or bpa.unreadable is not None or bpa.unsupported is not None:
        return bpa
    rd = g.graph["regions"].get(key)
    if rd is None or (_EXCLUSIONS not in rd.items and _EXCLUSIONS not in rd.errors):
        return bpa
    where = "under Errors" if _EXCLUSIONS in rd.errors else "is"
    return replace(
        bpa,
        unreadable=f"VpcBlockPublicAccessOptions is not in the snapshot, though {_EXCLUSIONS} {where}: "
        "not collected",
    )


def _source_subnet(g: nx.DiGraph, walk: Walk, pos: Position) -> str:
    """The subnet whose address the traffic carries at the gateway."""
    nat = pos.translated_by
    if nat and nat in g:
        item = g.nodes[nat].get("item") or {}
        found = item.get("SubnetId") or successor(g, nat, "in-subnet")
        if found:
            return found
    return walk.path[0]


def _nat_gateway(g: nx.DiGraph, pos: Position) -> str | None:
    nat = pos.translated_by
    return nat if nat and g.nodes.get(nat, {}).get("kind") == "nat" else None
