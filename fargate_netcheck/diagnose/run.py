"""From the facts of a stopped task to a report: classify, trace its subnets, walk the path to the
service its error names, explain."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from fargate_netcheck.core.image_registry import IMAGE_NEED
from fargate_netcheck.core.model import PathResult, Report, Target
from fargate_netcheck.diagnose.explain import explain
from fargate_netcheck.diagnose.facts import TaskFacts
from fargate_netcheck.diagnose.scope import check_placement
from fargate_netcheck.targets.stop_reason import StopClass, classify
from fargate_netcheck.targets.stop_service import ECR_API, ECR_LAYERS, ECR_REGISTRY, SECRETS, SSM, Service

if TYPE_CHECKING:
    import networkx as nx

    from fargate_netcheck.snapshot.store import Snapshot


# Services a message names as Amazon ECR's (the image service, unnamed, walks every image's registry).
_NAMED_ECR = frozenset({ECR_API, ECR_REGISTRY, ECR_LAYERS})


@dataclass(frozen=True, slots=True)
class ServicePath:
    """The walk from one target to one service."""

    target_id: str
    service: Service | None
    label: str
    result: PathResult


def report_for(facts: TaskFacts, snap: Snapshot, graph: nx.DiGraph, *, with_topology: bool = False) -> Report:
    from fargate_netcheck.pipeline import AnalysisOptions, analyze
    from fargate_netcheck.targets.subnets import make_target

    facts.finish()
    check_placement(facts, snap, graph)
    found = classify(facts.stopped_reason, facts.stop_code, facts.container_reasons)
    task_id = (facts.task_arn or "").rsplit("/", 1)[-1]
    source = f"task:{task_id}" if task_id else "stopped-task"
    notes = tuple(f"{what}: from {where}" for what, where in sorted(facts.sources.items()))
    targets = [
        make_target(
            graph,
            source,
            subnet,
            facts.security_groups or (),
            facts.assign_public_ip,
            security_groups_known=facts.security_groups is not None,
            needs=facts.needs,
            notes=notes,
        )
        for subnet in facts.subnets
    ]
    report = analyze(snap, graph, targets, AnalysisOptions(), with_topology=with_topology)
    report.notes.extend(facts.notes)
    if facts.sources:
        report.notes.append("where the facts came from: " + "; ".join(notes))
    report.diagnosis = explain(facts, found, report, service_paths(graph, report, found, facts.needs))
    return report


def services_to_walk(found: StopClass, needs: tuple[str, ...]) -> list[Service | None]:
    """The services whose path decides the diagnosis: the one the message names (None: the internet);
    for a killed pull, registry authentication and the secret stores the task reads, any of which
    it may have been waiting for."""
    if not found.confirm_by_path:
        return [found.service]
    walked: list[Service | None] = [found.service or Service(ECR_API)]
    for key in (SECRETS, SSM):
        if key in needs and all(s is None or s.key != key for s in walked):
            walked.append(Service(key))
    return walked


def _pulling_from_ecr(target: Target) -> Target:
    """``target`` with only its ECR images: a message that names ECR shows the pull that failed was
    ECR's, and a sidecar from Docker Hub the task also pulls is not the way to judge. None left: the
    walk assumes this region's ECR, as the message says."""
    needs = tuple(
        n for n in target.needs if not n.startswith(IMAGE_NEED) or n.startswith(f"{IMAGE_NEED}ecr:")
    )
    return replace(target, needs=needs) if needs != target.needs else target


def service_paths(
    graph: nx.DiGraph, report: Report, found: StopClass, needs: tuple[str, ...]
) -> list[ServicePath]:
    from fargate_netcheck.trace import Tracer
    from fargate_netcheck.trace.service_path import path_to_service

    tracer = Tracer(graph)
    paths = []
    for result in report.targets:
        for service in services_to_walk(found, needs):
            label = service.label if service else "the internet"
            key, region = (service.key, service.region) if service else (None, None)
            dialled = service.dialled if service else None
            target = (
                _pulling_from_ecr(result.target) if service and service.key in _NAMED_ECR else result.target
            )
            walked = path_to_service(tracer, target, key, label, region, dialled)
            paths.append(ServicePath(result.target.target_id, service, label, walked))
    return paths
