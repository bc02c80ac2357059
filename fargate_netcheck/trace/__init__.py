"""Egress tracing: hop-by-hop walks from each target to the destinations it needs."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from fargate_netcheck.core.model import NeedResult, PathResult, Target, TargetResult
from fargate_netcheck.graph.build import subnet_cidr, successor
from fargate_netcheck.needs import catalog
from fargate_netcheck.needs.catalog import Need
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.dns_inputs import assumed_name_resolution
from fargate_netcheck.trace.ecr import image_sources
from fargate_netcheck.trace.egress import INTERNET, TraceOptions, Tracer
from fargate_netcheck.trace.grouping import Grouper, Relabel
from fargate_netcheck.trace.members import MemberResult
from fargate_netcheck.trace.needs import NeedWalker, summarise_ecr
from fargate_netcheck.trace.walk import worst

__all__ = ["INTERNET", "Destination", "TraceOptions", "Tracer", "trace_targets"]


@dataclass(frozen=True, slots=True)
class GroupWalks:
    """What a group's traced member found, and how to re-label it for any other member. A member's
    ``TargetResult.shared`` is ``(walks, labels)``, its labels being its subnet id, range and route
    table id: writers may render a group's evidence once, from ``relabelled`` with placeholders,
    and substitute each member's labels."""

    relabel: Relabel
    egress: PathResult
    ecr: PathResult | None  # before summarise_ecr
    needs: list[NeedResult]
    first: TargetResult  # the traced member's result: every member's verdict and way out are its

    def relabelled(self, *labels: str | None) -> tuple[PathResult, PathResult | None, list[NeedResult]]:
        """(internet egress, ECR pull, needs) of the member with these labels (subnet id, range,
        route table id): what ``trace_targets`` gives it, ``ecr_pull`` summarised as for every target."""
        relabel = self.relabel
        needs = [relabel.need(n, *labels) for n in self.needs]
        ecr = summarise_ecr(relabel.apply(self.ecr, *labels), needs)
        egress = relabel.apply(self.egress, *labels)
        assert egress is not None
        return egress, ecr, needs


def trace_targets(
    graph: nx.DiGraph,
    targets: list[Target],
    options: TraceOptions | None = None,
    needs: tuple[Need, ...] = (),
    notes: list[str] | None = None,
    *,
    grouped: bool = True,
) -> list[TargetResult]:
    """Each target's internet egress (the worst of its destinations), its ECR pull, and each of its
    needs by name (``needs`` adds the user's own); ``ecr_pull`` summarises the ECR needs. ``notes``
    gets what the report must say about the run (which copy of AWS's ranges a verdict used).

    Targets whose verdicts depend on the same inputs (and that need the same names) are traced
    once (``grouping``); the others get a ``MemberResult``: that result, re-labelled with their own
    subnet when read. ``grouped=False`` traces every target (the reference the grouping is tested
    against). A group of one keeps no ``shared``: rendering it from a template would cost more
    than encoding it."""
    tracer = Tracer(graph, options or TraceOptions())
    walker = NeedWalker(tracer)
    grouper = Grouper(graph, tracer.options.destinations) if grouped else None
    decided: dict[tuple, GroupWalks] = {}
    known_needs: dict[tuple, list[Need]] = {}
    results: list[TargetResult] = []
    for target in targets:
        vpc_id = successor(graph, target.subnet_id, "in-vpc") if target.subnet_id in graph else None
        needs_key = catalog.needs_key(target)
        wanted = known_needs.get(needs_key)
        if wanted is None:  # an audit's targets need the same few lists: each made once
            wanted = known_needs[needs_key] = catalog.needs_of(*needs_key, needs)
        key = grouper.key(target) if grouper is not None else None
        if key is not None:
            key = (key, tuple(wanted), image_sources(target))  # the pull walk depends on the images
        walks = decided.get(key) if key is not None else None
        result: TargetResult
        if walks is not None:
            if walks.first.shared is None:  # its walks are the group's, re-labelled as itself
                walks.first.shared = (walks, walks.relabel.labels)
            result = MemberResult(target, vpc_id, walks, _labels(graph, target.subnet_id, grouper))
        else:
            egress = worst(tracer.internet_egress(target))
            ecr = tracer.ecr_pull(target, egress)
            result = TargetResult(target, vpc_id, egress, ecr)
            result.needs = walker.needs(target, result, wanted)
            result.ecr_pull = summarise_ecr(ecr, result.needs)
            if key is not None:
                relabel = Relabel(*_labels(graph, target.subnet_id, grouper))
                decided[key] = GroupWalks(relabel, egress, ecr, result.needs, result)
        results.append(result)
    if notes is not None and tracer.ranges_used is not None:
        notes.append(
            f"AWS service addresses (ECR, S3, aws:SERVICE destinations) from {tracer.ranges_used.describe()}"
        )
    # a member needs what its group's traced member needs (it is in ``results`` too)
    if notes is not None and any(r.needs for r in results if not isinstance(r, MemberResult)):
        notes.extend(assumed_name_resolution(graph))
    return results


def _labels(graph: nx.DiGraph, subnet_id: str, grouper: Grouper | None) -> tuple[str, str | None, str | None]:
    """What re-labelling substitutes: the subnet's id, its range and its route table's id (when
    the group may span tables; else every member's table is the traced one's)."""
    cidr = subnet_cidr(graph, subnet_id)
    rtb = successor(graph, subnet_id, "uses-route-table")
    shared = grouper is not None and grouper.shared_table(rtb)
    return subnet_id, None if cidr is None else str(cidr), rtb if shared else None
