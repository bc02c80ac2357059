"""Egress tracing: hop-by-hop walks from each target to the destinations it needs."""

from __future__ import annotations

from dataclasses import replace

import networkx as nx

from fargate_netcheck.core.model import NeedResult, PathResult, Target, TargetResult
from fargate_netcheck.graph.build import subnet_cidr, successor
from fargate_netcheck.needs.catalog import Need, target_needs
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.dns_inputs import assumed_name_resolution
from fargate_netcheck.trace.egress import INTERNET, TraceOptions, Tracer
from fargate_netcheck.trace.grouping import Grouper, Relabel
from fargate_netcheck.trace.needs import NeedWalker, summarise_ecr
from fargate_netcheck.trace.walk import worst

__all__ = ["INTERNET", "Destination", "TraceOptions", "Tracer", "trace_targets"]

_Decided = tuple[Relabel, PathResult, PathResult | None, list[NeedResult]]


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
    once (``grouping``); the others get that result re-labelled with their own subnet.
    ``grouped=False`` traces every target (the reference the grouping is tested against)."""
    tracer = Tracer(graph, options or TraceOptions())
    walker = NeedWalker(tracer)
    grouper = Grouper(graph, tracer.options.destinations) if grouped else None
    decided: dict[tuple, _Decided] = {}
    results = []
    for target in targets:
        vpc_id = successor(graph, target.subnet_id, "in-vpc") if target.subnet_id in graph else None
        wanted = target_needs(target, needs)
        key = grouper.key(target) if grouper is not None else None
        if key is not None:
            key = (key, tuple(wanted))
        group = decided.get(key) if key is not None else None
        if group is not None:
            relabel, egress, ecr, need_results = group
            cidr = _cidr_text(graph, target.subnet_id)
            result = TargetResult(
                target,
                vpc_id,
                relabel.apply(egress, target.subnet_id, cidr),
                relabel.apply(ecr, target.subnet_id, cidr),
            )
            result.needs = [
                replace(n, result=relabel.apply(n.result, target.subnet_id, cidr)) for n in need_results
            ]
        else:
            egress = worst(tracer.internet_egress(target))
            ecr = tracer.ecr_pull(target, egress)
            result = TargetResult(target, vpc_id, egress, ecr)
            result.needs = walker.needs(target, result, wanted)
            if key is not None:
                relabel = Relabel(target.subnet_id, _cidr_text(graph, target.subnet_id))
                decided[key] = (relabel, egress, ecr, result.needs)
        result.ecr_pull = summarise_ecr(result.ecr_pull, result.needs)
        results.append(result)
    if notes is not None and tracer.ranges_used is not None:
        notes.append(
            f"AWS service addresses (ECR, S3, aws:SERVICE destinations) from {tracer.ranges_used.describe()}"
        )
    if notes is not None and any(r.needs for r in results):
        notes.extend(assumed_name_resolution(graph))
    return results


def _cidr_text(graph: nx.DiGraph, subnet_id: str) -> str | None:
    cidr = subnet_cidr(graph, subnet_id)
    return None if cidr is None else str(cidr)
