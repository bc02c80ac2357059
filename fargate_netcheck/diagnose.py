"""``diagnose``: why did this Fargate task stop, and is the network to blame?

Reads the task (stopped tasks included), finds where it ran and with which security groups and
public-IP choice, classifies its stop reason, checks the egress of its subnet, and explains the
answer in plain language. A stopped task's network interface is usually gone, so the groups and
the public-IP choice come from the first source that has them: the interface, the service, the
CloudTrail RunTask event, or the command-line flags; what none has is reported, and the verdicts
that depend on it are ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fargate_netcheck.errors import InputError
from fargate_netcheck.model import Diagnosis, Report, TargetResult, Verdict


@dataclass(slots=True)
class TaskFacts:
    task_arn: str
    stopped_reason: str
    stop_code: str | None
    container_reasons: list[str]
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...] | None
    assign_public_ip: bool | None
    needs: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)  # what -> where it was found
    missing: list[str] = field(default_factory=list)


def diagnose_task(
    aws: Any,
    cluster: str,
    task_id: str | None,
    service: str | None,
    snapshot: Path | None,
    flag_groups: tuple[str, ...],
    flag_public_ip: bool | None,
    *,
    with_topology: bool = False,
) -> Report:
    """Read the task (or the service's most recent stopped one), its facts, the network; check the
    egress of its subnet and explain. ``aws`` is a ``cli_support.Aws``."""
    from fargate_netcheck.cli_support import load_or_collect
    from fargate_netcheck.collect import ecs as ecs_api
    from fargate_netcheck.graph import build_graph
    from fargate_netcheck.pipeline import AnalysisOptions, analyze
    from fargate_netcheck.targets import make_target

    ecs = aws.client("ecs")
    if service is not None:
        found = ecs_api.recent_stopped_tasks(ecs, cluster, service, limit=1)
        missing = f"service {service}: no stopped tasks in cluster {cluster}"
    else:
        found = ecs_api.tasks(ecs, cluster, [task_id or ""])
        missing = f"task {task_id}: not found in cluster {cluster}"
    if not found:
        raise InputError(f"{missing} (ECS keeps stopped tasks about an hour)")
    task = found[0]
    try:
        cloudtrail = aws.client("cloudtrail")
    except Exception:  # CloudTrail is a last resort; its absence is reported as missing facts
        cloudtrail = None
    facts = task_facts(ecs, aws.client("ec2"), cloudtrail, cluster, task, flag_groups, flag_public_ip)
    snap = load_or_collect(snapshot, aws)
    graph = build_graph(snap)
    source = f"task:{task.get('taskArn', '?').rsplit('/', 1)[-1]}"
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
    report.diagnosis = explain(facts, report)
    return report


def task_facts(
    ecs: Any,
    ec2: Any,
    cloudtrail: Any,
    cluster: str,
    task: dict[str, Any],
    flag_groups: tuple[str, ...],
    flag_public_ip: bool | None,
) -> TaskFacts:
    from fargate_netcheck.collect import ecs as ecs_api

    details = _eni_details(task)
    facts = TaskFacts(
        task_arn=task.get("taskArn", "?"),
        stopped_reason=task.get("stoppedReason") or "",
        stop_code=task.get("stopCode"),
        container_reasons=[c["reason"] for c in task.get("containers", []) if c.get("reason")],
        subnets=(details["subnetId"],) if details.get("subnetId") else (),
        security_groups=None,
        assign_public_ip=None,
    )
    if facts.subnets:
        facts.sources["subnet"] = "the task's network attachment"
    eni = _interface(ec2, details.get("networkInterfaceId"))
    if eni is not None:
        facts.security_groups = tuple(g["GroupId"] for g in eni.get("Groups", []))
        facts.assign_public_ip = bool((eni.get("Association") or {}).get("PublicIp"))
        facts.sources["security groups and public IP"] = f"network interface {eni['NetworkInterfaceId']}"
    group = task.get("group") or ""
    if facts.security_groups is None and group.startswith("service:"):
        networks = ecs_api.service_networks(ecs, cluster, [group.removeprefix("service:")])
        if networks:
            net = networks[0]
            facts.security_groups = net.security_groups
            facts.assign_public_ip = bool(net.assign_public_ip)
            facts.subnets = facts.subnets or net.subnets
            facts.sources["security groups and public IP"] = f"service {group.removeprefix('service:')}"
    if facts.security_groups is None:
        event = ecs_api.run_task_event(cloudtrail, facts.task_arn) if cloudtrail is not None else None
        awsvpc = (((event or {}).get("requestParameters") or {}).get("networkConfiguration") or {}).get(
            "awsvpcConfiguration"
        )
        if awsvpc:
            facts.security_groups = tuple(awsvpc.get("securityGroups", []))
            facts.assign_public_ip = awsvpc.get("assignPublicIp") == "ENABLED"
            facts.subnets = facts.subnets or tuple(awsvpc.get("subnets", []))
            facts.sources["security groups and public IP"] = "the CloudTrail RunTask event"
    if facts.security_groups is None and flag_groups:
        facts.security_groups = flag_groups
        facts.sources["security groups"] = "--security-group"
    if facts.assign_public_ip is None and flag_public_ip is not None:
        facts.assign_public_ip = flag_public_ip
        facts.sources["public IP"] = "--assign-public-ip"
    if facts.security_groups is None:
        facts.missing.append("security groups")
    if facts.assign_public_ip is None:
        facts.missing.append("public IP choice")
    if not facts.subnets:
        facts.missing.append("subnet")
    definition_arn = task.get("taskDefinitionArn")
    if definition_arn:
        definition = ecs_api.task_definitions(ecs, [definition_arn])[definition_arn]
        declared = ecs_api.service_network({"serviceArn": "task"}, definition, cluster)
        facts.needs = (("logs",) if declared.uses_awslogs else ()) + declared.secrets_from
    return facts


def _eni_details(task: dict[str, Any]) -> dict[str, str]:
    for attachment in task.get("attachments", []):
        if attachment.get("type") == "ElasticNetworkInterface":
            return {d["name"]: d.get("value", "") for d in attachment.get("details", []) if "name" in d}
    return {}


def _interface(ec2: Any, eni_id: str | None) -> dict[str, Any] | None:
    if not eni_id:
        return None
    from botocore.exceptions import ClientError

    try:
        found = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id]).get("NetworkInterfaces", [])
    except ClientError:
        return None  # deleted with the task (the usual case), or not readable
    return found[0] if found else None


def explain(facts: TaskFacts, report: Report) -> Diagnosis:
    from fargate_netcheck.sources.stop_reason import classify_stop

    cause, explanation = classify_stop(facts.stopped_reason, facts.stop_code, facts.container_reasons)
    parts = [explanation]
    blocked = [t for t in report.targets if t.internet_egress.verdict is Verdict.UNREACHABLE]
    unknown = [t for t in report.targets if t.internet_egress.verdict is Verdict.UNKNOWN]
    if blocked:
        parts.append(_blocked_sentence(blocked[0], report))
    elif unknown:
        parts.append(f"The network could not be fully verified: {unknown[0].internet_egress.reason}.")
    elif report.targets:
        parts.append("The network path as it is now lets the task reach the internet.")
        if cause == "network":
            parts.append(
                "It may have been fixed since the task stopped, or the failure was transient or DNS."
            )
    if cause == "permissions" and "not a network problem" not in explanation:
        parts.append("This is a permissions problem, not a network problem: fix the IAM role first.")
    if facts.missing:
        parts.append(
            f"Not found anywhere: {', '.join(facts.missing)} (pass them as flags to decide the verdict)."
        )
    return Diagnosis(facts.task_arn, facts.stopped_reason, cause, " ".join(parts))


def _blocked_sentence(result: TargetResult, report: Report) -> str:
    egress = result.internet_egress
    fix = next(
        (
            f.remediation
            for f in report.findings
            if f.target_id == result.target.target_id and f.resource_id == egress.blocked_at
        ),
        None,
    )
    sentence = f"The network is broken at {egress.blocked_at}: {egress.reason}."
    return f"{sentence} Fix: {fix}" if fix else sentence
