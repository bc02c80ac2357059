"""Diagnose a task ECS has forgotten: from its error text (``--reason``) or its saved task-state
event (``--event``), with the placement from the flags, the event, the snapshot, a deployment config
or the ECS service.

With ``--offline`` (or when nothing is missing) no AWS call is made: the network comes from
``--snapshot``. Otherwise the ECS API is asked only for what the inputs lack (the service named by
the event's group); a failure to read it is reported and leaves the hops that needed it unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Report
from fargate_netcheck.diagnose.arn import cluster_of
from fargate_netcheck.diagnose.event import read_task_event
from fargate_netcheck.diagnose.facts import (
    Placement,
    TaskFacts,
    interface_in_snapshot,
    take_definition,
    take_deploy_config,
    take_flags,
    take_interface,
    take_service,
)

MAX_REASON_CHARS = 8192
MAX_REASONS = 100


@dataclass(frozen=True, slots=True)
class SavedInputs:
    reasons: tuple[str, ...] = ()  # the stopped reason, then container reasons
    stop_code: str | None = None
    event: Path | None = None
    task: str | None = None  # which task of the event file
    offline: bool = False


@dataclass(slots=True)
class _Read:
    facts: TaskFacts
    eni: tuple[str | None, str | None] | None = None  # the event's interface: (id, private address)
    service: str | None = None
    cluster: str | None = None
    region: str | None = None
    definition: str | None = None  # the event's task definition ARN


def diagnose_saved(
    inputs: SavedInputs,
    placement: Placement,
    snapshot: Path | None,
    aws: Callable[[str | None], Any],
    *,
    with_topology: bool = False,
) -> Report:
    """``aws(region)`` returns a ``cli_support.Aws`` for the region the inputs name (None: the
    default); no AWS call is made unless the network or a service must be read live."""
    from fargate_netcheck.cli.support import load_or_collect
    from fargate_netcheck.diagnose.run import report_for
    from fargate_netcheck.graph.build import build_graph

    if inputs.offline and snapshot is None:
        raise InputError("--offline reads the network from --snapshot: pass one")
    read = _read(inputs, placement)
    facts = read.facts
    snap = load_or_collect(snapshot, aws(read.region))
    graph = build_graph(snap)
    if read.eni is not None:
        eni_id, private_ip = read.eni
        subnet = facts.subnets[0] if facts.subnets else None
        interface = interface_in_snapshot(graph, eni_id, private_ip, subnet)
        if interface is not None:
            where = f"network interface {interface.get('NetworkInterfaceId')} in the snapshot"
            take_interface(facts, interface, where)
    take_deploy_config(facts, placement)
    lacking = facts.security_groups is None or facts.assign_public_ip is None or not facts.subnets
    live = aws(read.region)  # no call is made until a client is used

    def ecs() -> Any:
        return live.client("ecs")

    readable = True
    if read.service and lacking:
        if inputs.offline:
            flags = [
                flag
                for flag, known in (
                    ("--subnet", facts.subnets),
                    ("--security-group", facts.security_groups is not None),
                    ("--assign-public-ip/--no-assign-public-ip", facts.assign_public_ip is not None),
                )
                if not known
            ]
            facts.notes.append(f"service {read.service} not read (--offline): pass {' and '.join(flags)}")
        else:
            readable = take_service(facts, ecs, read.cluster, read.service)
    if read.definition and not facts.needs and not inputs.offline and readable:
        take_definition(facts, ecs, read.definition)
    return report_for(facts, snap, graph, with_topology=with_topology)


def _read(inputs: SavedInputs, placement: Placement) -> _Read:
    """The facts of the text or the event (the flags first: they are the most specific statement)."""
    if inputs.event is None:
        reasons = [r for r in inputs.reasons if r.strip()]
        if not reasons:
            raise InputError("--reason is empty: pass the stopped reason ECS printed")
        _bounded(reasons, "--reason")
        facts = TaskFacts(None, reasons[0], inputs.stop_code, reasons[1:])
        take_flags(facts, placement)
        return _Read(facts, service=placement.service, cluster=placement.cluster)
    event = read_task_event(inputs.event, inputs.task)
    _bounded([event.stopped_reason, *event.container_reasons], event.where)
    _bounded(list(inputs.reasons), "--reason")
    facts = TaskFacts(
        event.task_arn,
        event.stopped_reason,
        event.stop_code or inputs.stop_code,
        [*event.container_reasons, *inputs.reasons],
    )
    take_flags(facts, placement)
    facts.notes.append(f"stopped reason: from {event.where}")
    if event.other_tasks:
        facts.notes.append(
            f"{event.other_tasks} other stopped task(s) in {inputs.event}: this is the latest; name another as TASK"
        )
    if event.subnet_id:
        facts.take(f"the event's network attachment ({event.where})", subnets=(event.subnet_id,))
    group = event.group or ""
    service = placement.service or (group.removeprefix("service:") if group.startswith("service:") else None)
    cluster = placement.cluster or cluster_of(event.cluster_arn) or cluster_of(event.task_arn)
    eni = (event.eni_id, event.private_ip)
    return _Read(facts, eni, service, cluster, event.region, event.task_definition_arn)


def _bounded(reasons: list[str], where: str) -> None:
    """ECS writes a reason of at most 1,024 characters (a container's; StopTask's 255), for at most
    ten containers: far past that the text is not ECS's, and is refused before any pattern reads it."""
    if len(reasons) > MAX_REASONS:
        raise InputError(f"{where}: {len(reasons)} reasons, more than {MAX_REASONS} (one per container)")
    for text in reasons:
        if len(text) > MAX_REASON_CHARS:
            raise InputError(
                f"{where}: a reason of {len(text)} characters, more than {MAX_REASON_CHARS} (ECS writes at "
                "most 1,024): not a stopped reason"
            )
