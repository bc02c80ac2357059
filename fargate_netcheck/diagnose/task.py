"""Diagnose a task ECS still returns (DescribeTasks; stopped tasks stay about an hour).

A stopped task's network interface is usually gone, so the groups and the public-IP choice come
from the first source that has them: the flags, the interface, the service, the CloudTrail RunTask
event; what none has is reported, and the verdicts that depend on it are ``unknown``.

The task itself must be read: a DescribeTasks (or, for ``--service``, ListTasks) that fails is one
line naming the action and exit 2 (nothing is known to diagnose; the line says how to diagnose it
from its error text instead). Any later ECS read that fails (the service, the task definition) is
a note, and the diagnosis goes on from what is known.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Report
from fargate_netcheck.diagnose.arn import TaskRef
from fargate_netcheck.diagnose.facts import Placement, TaskFacts, launch_needs, take_flags, take_interface

FORGOTTEN = (
    "diagnose it from its error text (--reason TEXT) or its saved task-state event (--event FILE), with "
    "--snapshot and the placement flags"
)
GONE_HINT = f"ECS keeps a stopped task about an hour; {FORGOTTEN}"
ENI_GONE = "InvalidNetworkInterfaceID.NotFound"  # the task's interface was deleted with it


def diagnose_task(
    aws: Any,
    ref: TaskRef | None,
    cluster: str | None,
    service: str | None,
    snapshot: Path | None,
    placement: Placement,
    *,
    with_topology: bool = False,
) -> Report:
    """Read the task (or the service's most recent stopped one), its facts, the network; check the
    egress of its subnet and the path to the service its error names, and explain.
    ``aws`` is a ``cli_support.Aws``."""
    from fargate_netcheck.cli.support import load_or_collect
    from fargate_netcheck.collect import ecs as ecs_api
    from fargate_netcheck.diagnose.run import report_for
    from fargate_netcheck.graph.build import build_graph

    ecs = aws.client("ecs")
    if ref is None:
        if not cluster:
            raise InputError("--service needs --cluster")
        try:
            found = ecs_api.recent_stopped_tasks(ecs, cluster, service or "", limit=1)
        except ecs_api.EcsReadError as exc:  # without the task there is nothing to diagnose
            raise InputError(f"{exc}; {FORGOTTEN}") from None
        if not found:
            raise InputError(f"service {service}: no stopped tasks in cluster {cluster} ({GONE_HINT})")
    else:
        cluster_flag, cluster = cluster, ref.cluster
        try:
            found = ecs_api.tasks(ecs, cluster, [ref.task])
        except ecs_api.EcsReadError as exc:  # denied, unreachable...: without the task, no diagnosis
            raise InputError(f"{exc}; {FORGOTTEN}") from None
        except InputError as exc:
            guessed = (
                "" if ref.cluster_from_arn or cluster_flag else " (the ARN names no cluster: pass --cluster)"
            )
            raise InputError(f"{exc}{guessed}; {FORGOTTEN}") from None
        if not found:
            raise InputError(f"task {ref.task_id}: not found in cluster {cluster} ({GONE_HINT})")
    _check_stopped(found[0])
    try:
        cloudtrail = aws.client("cloudtrail")
    except Exception:  # CloudTrail is a last resort; its absence is reported as missing facts
        cloudtrail = None
    facts = task_facts(ecs, aws.client("ec2"), cloudtrail, cluster, found[0], placement)
    snap = load_or_collect(snapshot, aws)
    return report_for(facts, snap, build_graph(snap), with_topology=with_topology)


def _check_stopped(task: JsonDict) -> None:
    """A task that has not stopped (PROVISIONING, PENDING, RUNNING), with no stop reason yet, has no
    stop to explain: saying "ECS stopped the task" of it would be false."""
    status = task.get("lastStatus")
    if status in (None, "STOPPED") or task.get("stoppedReason") or task.get("stopCode"):
        return
    arn = task.get("taskArn") or "?"
    raise InputError(
        f"task {arn}: it has not stopped (lastStatus {status}, desiredStatus {task.get('desiredStatus') or '?'}): "
        "diagnose explains a stopped task; check its network now with `fargate-netcheck check`"
    )


def task_facts(
    ecs: Any,
    ec2: Any,
    cloudtrail: Any,
    cluster: str,
    task: JsonDict,
    placement: Placement,
) -> TaskFacts:
    from fargate_netcheck.collect import ecs as ecs_api

    details = eni_details(task)
    facts = TaskFacts(
        task_arn=task.get("taskArn", "?"),
        stopped_reason=task.get("stoppedReason") or "",
        stop_code=task.get("stopCode"),
        container_reasons=[c["reason"] for c in task.get("containers", []) if c.get("reason")],
    )
    take_flags(facts, placement)
    if details.get("subnetId"):
        facts.take("the task's network attachment", subnets=(details["subnetId"],))
    eni_id = details.get("networkInterfaceId")
    eni = _interface(facts, ec2, eni_id)
    if eni is not None:
        take_interface(facts, eni, f"network interface {eni_id}")
    group = task.get("group") or ""
    if _lacking(facts) and group.startswith("service:"):
        _take_service(facts, ecs, cluster, group.removeprefix("service:"))
    if _lacking(facts) and cloudtrail is not None:
        _take_run_task_event(facts, cloudtrail)
    definition_arn = task.get("taskDefinitionArn")
    if definition_arn:
        try:
            definition = ecs_api.task_definitions(ecs, [definition_arn])[definition_arn]
        except ecs_api.EcsReadError as exc:  # what it reads at launch stays unknown; the note says why
            facts.notes.append(f"task definition {definition_arn} could not be read: {exc.reason}")
        else:
            facts.needs = launch_needs(ecs_api.service_network({"serviceArn": "task"}, definition, cluster))
    facts.finish()
    return facts


def _take_service(facts: TaskFacts, ecs: Any, cluster: str, name: str) -> None:
    """The service's groups and public-IP choice, for what is still unknown. Unreadable (denied,
    unreachable, the service gone): a note says why, and the other sources are tried."""
    from fargate_netcheck.collect import ecs as ecs_api

    try:
        networks = ecs_api.service_networks(ecs, cluster, [name])
    except InputError as exc:  # an EcsReadError, or the service gone
        facts.notes.append(f"service {name} could not be read: {exc}")
        return
    for net in networks[:1]:
        facts.take(f"service {name}", net.subnets, net.security_groups, bool(net.assign_public_ip))


def _lacking(facts: TaskFacts) -> bool:
    return facts.security_groups is None or facts.assign_public_ip is None


def eni_details(task: JsonDict) -> dict[str, str]:
    for attachment in task.get("attachments", []):
        if attachment.get("type") in ("ElasticNetworkInterface", "eni"):
            return {d["name"]: d.get("value", "") for d in attachment.get("details", []) if "name" in d}
    return {}


def _interface(facts: TaskFacts, ec2: Any, eni_id: str | None) -> JsonDict | None:
    """The task's network interface, or None: deleted with the task (the usual case), or not
    readable (denied, no network, throttled, a malformed answer: a note says why, and what it
    would have told is left to the other sources, or unknown)."""
    if not eni_id:
        return None
    from botocore.exceptions import ClientError

    from fargate_netcheck.collect._calls import (
        COLLECT_ERRORS,
        SHAPE_ERRORS,
        call,
        failure_text,
        items_of,
        objects,
    )

    operation, key = "DescribeNetworkInterfaces", "NetworkInterfaces"
    try:
        response = call(ec2, operation, NetworkInterfaceIds=[eni_id])
        found = objects(items_of(response, key, operation), operation, key)
    except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
        gone = isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") == ENI_GONE
        if not gone:
            facts.notes.append(f"network interface {eni_id} could not be read: {failure_text(exc)}")
        return None
    return found[0] if found else None


def _take_run_task_event(facts: TaskFacts, cloudtrail: Any) -> None:
    """The subnets, groups and public-IP choice of the CloudTrail RunTask event that started the
    task, for what is still unknown. Unreadable (no network, throttled, a malformed event), a note
    says why and they stay unknown."""
    from fargate_netcheck.collect import ecs as ecs_api
    from fargate_netcheck.collect._calls import COLLECT_ERRORS, SHAPE_ERRORS, UnexpectedShape, failure_text

    try:
        event = ecs_api.run_task_event(cloudtrail, facts.task_arn or "")
        awsvpc = (((event or {}).get("requestParameters") or {}).get("networkConfiguration") or {}).get(
            "awsvpcConfiguration"
        )
        if not awsvpc:
            return
        subnets, groups = awsvpc.get("subnets", []), awsvpc.get("securityGroups", [])
        if not all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in (subnets, groups)):
            raise UnexpectedShape("the RunTask event's subnets or securityGroups are not lists of ids")
    except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
        facts.notes.append(f"the CloudTrail RunTask event could not be read: {failure_text(exc)}")
        return
    facts.take(
        "the CloudTrail RunTask event",
        tuple(subnets),
        tuple(groups),
        awsvpc.get("assignPublicIp") == "ENABLED",
    )
