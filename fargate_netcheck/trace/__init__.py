"""Egress tracing: hop-by-hop walks from each target to the destinations it needs."""

from __future__ import annotations

import networkx as nx

from fargate_netcheck.graph import subnet_cidr, successor
from fargate_netcheck.model import PathResult, Target, TargetResult
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.egress import INTERNET, TraceOptions, Tracer
from fargate_netcheck.trace.grouping import Grouper, Relabel
from fargate_netcheck.trace.walk import worst

__all__ = ["INTERNET", "Destination", "TraceOptions", "Tracer", "trace_targets"]


def trace_targets(
    graph: nx.DiGraph, targets: list[Target], options: TraceOptions | None = None, *, grouped: bool = True
) -> list[TargetResult]:
    """Each target's internet egress (the worst of its destinations) and its ECR pull.

    Targets whose verdicts depend on the same inputs are traced once (``grouping``); the others get
    that result re-labelled with their own subnet. ``grouped=False`` traces every target (the
    reference the grouping is tested against)."""
    tracer = Tracer(graph, options or TraceOptions())
    grouper = Grouper(graph, tracer.options.destinations) if grouped else None
    decided: dict[tuple, tuple[Relabel, PathResult, PathResult | None]] = {}
    results = []
    for target in targets:
        vpc_id = successor(graph, target.subnet_id, "in-vpc") if target.subnet_id in graph else None
        key = grouper.key(target) if grouper is not None else None
        group = decided.get(key) if key is not None else None
        if group is not None:
            relabel, egress, ecr = group
            cidr = _cidr_text(graph, target.subnet_id)
            results.append(
                TargetResult(
                    target,
                    vpc_id,
                    relabel.apply(egress, target.subnet_id, cidr),
                    relabel.apply(ecr, target.subnet_id, cidr),
                )
            )
            continue
        egress = worst(tracer.internet_egress(target))
        ecr = tracer.ecr_pull(target, egress)
        if key is not None:
            decided[key] = (Relabel(target.subnet_id, _cidr_text(graph, target.subnet_id)), egress, ecr)
        results.append(TargetResult(target, vpc_id, egress, ecr))
    return results


def _cidr_text(graph: nx.DiGraph, subnet_id: str) -> str | None:
    cidr = subnet_cidr(graph, subnet_id)
    return None if cidr is None else str(cidr)
