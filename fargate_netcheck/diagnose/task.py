"""Diagnose a task ECS still returns (DescribeTasks; stopped tasks stay about an hour).

A stopped task's network interface is usually gone, so the groups and the public-IP choice come
from the first source that has them: the flags, the interface, the service, the CloudTrail RunTask
event; what none has is reported, and the verdicts that depend on it are ``unknown``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Report
from fargate_netcheck.diagnose.arn import TaskRef
from fargate_netcheck.diagnose.facts import Placement, TaskFacts, take_flags, take_interface

FORGOTTEN = (
    "diagnose it from its error text (--reason TEXT) or its saved task-state event (--event FILE), with "
    "--snapshot and the placement flags"
)
GONE_HINT = f"ECS keeps a stopped task about an hour; {FORGOTTEN}"


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
        found = ecs_api.recent_stopped_tasks(ecs, cluster, service or "", limit=1)
        if not found:
            raise InputError(f"service {service}: no stopped tasks in cluster {cluster} ({GONE_HINT})")
    else:
        cluster_flag, cluster = cluster, ref.cluster
        try:
            found = ecs_api.tasks(ecs, cluster, [ref.task])
        except InputError as exc:
            guessed = (
                "" if ref.cluster_from_arn or cluster_flag else " (the ARN names no cluster: pass --cluster)"
            )
            raise InputError(f"{exc}{guessed}; {FORGOTTEN}") from None
        if not found:
            raise InputError(f"task {ref.task_id}: not found in cluster {cluster} ({GONE_HINT})")
    try:
        cloudtrail = aws.client("cloudtrail")
    except Exception:  # CloudTrail is a last resort; its absence is reported as missing facts
        cloudtrail = None
    facts = task_facts(ecs, aws.client("ec2"), cloudtrail, cluster, found[0], placement)
    snap = load_or_collect(snapshot, aws)
    return report_for(facts, snap, build_graph(snap), with_topology=with_topology)


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
    eni = _interface(ec2, details.get("networkInterfaceId"))
    if eni is not None:
        take_interface(facts, eni, f"network interface {eni['NetworkInterfaceId']}")
    group = task.get("group") or ""
    if _lacking(facts) and group.startswith("service:"):
        name = group.removeprefix("service:")
        for net in ecs_api.service_networks(ecs, cluster, [name])[:1]:
            facts.take(f"service {name}", net.subnets, net.security_groups, bool(net.assign_public_ip))
    if _lacking(facts) and cloudtrail is not None:
        event = ecs_api.run_task_event(cloudtrail, facts.task_arn or "")
        awsvpc = (((event or {}).get("requestParameters") or {}).get("networkConfiguration") or {}).get(
            "awsvpcConfiguration"
        )
        if awsvpc:
            facts.take(
                "the CloudTrail RunTask event",
                tuple(awsvpc.get("subnets", [])),
                tuple(awsvpc.get("securityGroups", [])),
                awsvpc.get("assignPublicIp") == "ENABLED",
            )
    definition_arn = task.get("taskDefinitionArn")
    if definition_arn:
        definition = ecs_api.task_definitions(ecs, [definition_arn])[definition_arn]
        declared = ecs_api.service_network({"serviceArn": "task"}, definition, cluster)
        facts.needs = (("logs",) if declared.uses_awslogs else ()) + declared.secrets_from
    facts.finish()
    return facts


def _lacking(facts: TaskFacts) -> bool:
    return facts.security_groups is None or facts.assign_public_ip is None


def eni_details(task: JsonDict) -> dict[str, str]:
    for attachment in task.get("attachments", []):
        if attachment.get("type") in ("ElasticNetworkInterface", "eni"):
            return {d["name"]: d.get("value", "") for d in attachment.get("details", []) if "name" in d}
    return {}


def _interface(ec2: Any, eni_id: str | None) -> JsonDict | None:
    if not eni_id:
        return None
    from botocore.exceptions import ClientError

    try:
        found = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id]).get("NetworkInterfaces", [])
    except ClientError:
        return None  # deleted with the task (the usual case), or not readable
    return found[0] if found else None
