"""The state of one walk: the hops it went through and every check it made, in order.

The verdict follows from the checks alone: any failed check means unreachable (the first one, in
walk order, is where the path is blocked); otherwise any check that could not be decided means
unknown; only a walk whose every check passed is reachable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import networkx as nx

from fargate_netcheck.core.model import Check, CheckCode, PathResult, Status, Verdict
from fargate_netcheck.graph.build import region_of
from fargate_netcheck.snapshot.parse import Network

if TYPE_CHECKING:
    from fargate_netcheck.snapshot.store import RegionData
    from fargate_netcheck.trace.destination import Destination
    from fargate_netcheck.trace.nat_instance_groups import NatInstanceGroups


class ReturnLeg(Protocol):
    """A check of the way back that a hop leaves for the end of a walk (a transit gateway's or a
    firewall's return route): it can only be verified once the rest of the path is known."""

    def verify(self, g: nx.DiGraph, walk: Walk) -> None: ...


@dataclass(slots=True)
class Crossing:
    """A subnet boundary the traffic crosses, where that subnet's network ACL applies.

    ``source`` is None for the task's own subnet (the request starts there); for a subnet the
    traffic passes through (a NAT gateway's), it is the address range the traffic arrives from.

    Which legs apply: ``toward_destination``, the request out to the destination and its replies
    in; ``toward_source``, the request in from ``source`` and the replies out to it. A subnet the
    traffic passes through gets both. A transit gateway attachment's subnet gets only the side it
    faces (AWS, "How network ACLs work with transit gateways": its inbound rules see traffic from
    the VPC to the transit gateway, its outbound rules traffic from the transit gateway into the
    VPC): toward the source in the task's VPC, toward the destination in the egress VPC.
    """

    subnet_id: str
    source: Network | None
    origin: bool = False
    toward_destination: bool = True
    toward_source: bool = True


@dataclass(slots=True)
class Walk:
    path: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    crossings: list[Crossing] = field(default_factory=list)
    reached: bool = False
    notes: list[str] = field(default_factory=list)
    returns: list[ReturnLeg] = field(default_factory=list)
    destination: Destination | None = None  # the piece of a split this walk carries; None: the whole
    nat_instances: list[NatInstanceGroups] = field(default_factory=list)  # their groups: checked per port

    def fork(self, destination: Destination) -> Walk:
        """A copy of this walk so far that goes on with ``destination`` (a piece of a split)."""
        return Walk(
            list(self.path),
            list(self.checks),
            list(self.crossings),
            self.reached,
            list(self.notes),
            list(self.returns),
            destination,
            list(self.nat_instances),
        )

    def carried(self, whole: Destination) -> Destination:
        """The destination this walk carries: its piece, or ``whole`` when it was not split."""
        return whole if self.destination is None else self.destination

    def hop(self, resource_id: str) -> None:
        self.path.append(resource_id)

    def passed(self, code: CheckCode, resource_id: str, reason: str) -> None:
        self.checks.append(Check(code, Status.PASS, resource_id, reason))

    def failed(self, code: CheckCode, resource_id: str, reason: str) -> None:
        self.checks.append(Check(code, Status.FAIL, resource_id, reason))

    def unknown(self, code: CheckCode, resource_id: str, reason: str) -> None:
        self.checks.append(Check(code, Status.UNKNOWN, resource_id, reason))

    def collected(self, region: RegionData, kind: str, resource_id: str) -> bool:
        """Was ``kind`` collected in ``region``? If not, why is recorded as unknown at ``resource_id``."""
        if region.collected(kind):
            return True
        self.missing(region, kind, resource_id)
        return False

    def missing(self, region: RegionData, kind: str, resource_id: str, why: str = "") -> None:
        """Record that ``kind`` is not in ``region`` (failed to collect, or never collected), as
        unknown at ``resource_id``; ``why`` follows the gap in the reason."""
        self.checks.append(missing_check(region, kind, resource_id, why))

    def add(self, code: CheckCode, status: Status, resource_id: str, reason: str) -> None:
        self.checks.append(Check(code, status, resource_id, reason))

    def result(self, success_reason: str, via: str | None = None) -> PathResult:
        for check in self.checks:
            if check.status is Status.FAIL:
                return PathResult(
                    Verdict.UNREACHABLE, self.path, check.resource_id, check.reason, self.checks, via
                )
        for check in self.checks:
            if check.status is Status.UNKNOWN:
                return PathResult(Verdict.UNKNOWN, self.path, None, check.reason, self.checks, via)
        if not self.reached:  # defensive: a walk that stopped without saying why is not a pass
            return PathResult(Verdict.UNKNOWN, self.path, None, "the walk stopped early", self.checks, via)
        reason = "; ".join([success_reason, *self.notes])
        return PathResult(Verdict.REACHABLE, self.path, None, reason, self.checks, via)


def worst(results: list[PathResult]) -> PathResult:
    """Of several walks (one per destination), the one a user must see first."""
    order = {Verdict.UNREACHABLE: 0, Verdict.UNKNOWN: 1, Verdict.REACHABLE: 2}
    return min(results, key=lambda r: order[r.verdict])


def missing_check(region: RegionData, kind: str, resource_id: str, why: str = "") -> Check:
    """The unknown check of ``kind`` not in ``region``: a failed collection (DATA002 reports it), or
    data never collected; ``why`` follows the gap in the reason."""
    code = CheckCode.DATA_FAILED if region.failed(kind) else CheckCode.DATA_MISSING
    return Check(code, Status.UNKNOWN, resource_id, region.gap(kind) + why)


def unknown_dns_attributes(walk: Walk, region: RegionData, vpc_id: str, what: str) -> None:
    """Record that ``vpc_id``'s DNS attributes (enableDnsSupport, enableDnsHostnames) are not known,
    so ``what`` (whether a name resolves to an endpoint) is unknown: as a failed collection when
    DescribeVpcAttribute failed (``Errors["VpcAttributes"]``) or DescribeVpcs did (``Errors["Vpcs"]``,
    even with the VPCs' items kept: a kind under ``Errors`` is not read), else as data the snapshot
    lacks."""
    for kind in (VPC_ATTRIBUTES, "Vpcs"):
        if region.failed(kind):
            walk.missing(
                region, kind, vpc_id, f": the DNS attributes of {vpc_id} are not known: {what} is unknown"
            )
            return
    walk.unknown(
        CheckCode.DATA_MISSING,
        vpc_id,
        f"the DNS attributes of {vpc_id} were not collected: {what} is unknown",
    )


VPC_ATTRIBUTES = "VpcAttributes"  # the Errors key of the DescribeVpcAttribute calls (collect/ec2_additions)


PREFIX_LISTS = "ManagedPrefixLists"


def _listed(g: nx.DiGraph, pl_id: str) -> bool:
    """Is ``pl_id`` an item of its region's ``ManagedPrefixLists``, and that kind collected (a kind
    under ``Errors`` is not read, even with its items kept)?"""
    node = g.nodes.get(pl_id) if pl_id in g else None
    return (
        node is not None and node.get("kind") == "prefix-list" and region_of(g, pl_id).collected(PREFIX_LISTS)
    )


def prefix_entries(g: nx.DiGraph, pl_id: str) -> tuple[Network, ...] | None:
    """The address ranges of prefix list ``pl_id``; None when they are not known: the list is not in
    the snapshot, its entries were not collected, or its region's ``ManagedPrefixLists`` is under
    ``Errors`` (the graph then holds no ``prefixes`` for it, its items kept or not)."""
    found: tuple[Network, ...] | None = g.nodes[pl_id].get("prefixes") if pl_id in g else None
    return found


def failed_prefix_list(g: nx.DiGraph, walk: Walk, pl_id: str, near: str) -> None:
    """Record ``pl_id``'s entries, not known, as a failed collection where collecting them failed
    (DATA002 names it): the list's own region's ``ManagedPrefixListEntries``, or, for a list the
    snapshot lacks (or holds under a failed ``ManagedPrefixLists``), ``ManagedPrefixLists`` of its
    region, else of the region of ``near`` (a subnet or route table)."""
    kind = "ManagedPrefixListEntries" if _listed(g, pl_id) else PREFIX_LISTS
    region = region_of(g, pl_id if pl_id in g and "account" in g.nodes[pl_id] else near)
    if region.failed(kind):
        walk.missing(region, kind, pl_id, f": the entries of {pl_id} are not known")
