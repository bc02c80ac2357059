"""Egress tracing: hop-by-hop walks from each target to the destinations it needs."""

from __future__ import annotations

import networkx as nx

from fargate_netcheck.graph import successor
from fargate_netcheck.model import Target, TargetResult
from fargate_netcheck.needs.catalog import Need, target_needs
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.egress import INTERNET, TraceOptions, Tracer
from fargate_netcheck.trace.needs import NeedWalker, summarise_ecr
from fargate_netcheck.trace.walk import worst

__all__ = ["INTERNET", "Destination", "TraceOptions", "Tracer", "trace_targets"]


def trace_targets(
    graph: nx.DiGraph,
    targets: list[Target],
    options: TraceOptions | None = None,
    needs: tuple[Need, ...] = (),
    notes: list[str] | None = None,
) -> list[TargetResult]:
    """Each target's internet egress (the worst of its destinations), its ECR pull, and each of its
    needs by name (``needs`` adds the user's own); ``ecr_pull`` summarises the ECR needs. ``notes``
    gets what the report must say about the run (which copy of AWS's ranges a verdict used)."""
    tracer = Tracer(graph, options or TraceOptions())
    walker = NeedWalker(tracer)
    results = []
    for target in targets:
        vpc_id = successor(graph, target.subnet_id, "in-vpc") if target.subnet_id in graph else None
        egress = worst(tracer.internet_egress(target))
        result = TargetResult(target, vpc_id, egress, tracer.ecr_pull(target, egress))
        result.needs = walker.needs(target, result, target_needs(target, needs))
        result.ecr_pull = summarise_ecr(result.ecr_pull, result.needs)
        results.append(result)
    if notes is not None and tracer.ranges_used is not None:
        notes.append(
            f"AWS service addresses (ECR, S3, aws:SERVICE destinations) from {tracer.ranges_used.describe()}"
        )
    return results
