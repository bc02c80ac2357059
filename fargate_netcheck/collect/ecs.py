"""Read ECS services, task definitions and tasks (and a task's RunTask event) for their network.

Every function takes its boto3 client; nothing here makes a client or holds state between calls.
Results are JSON-ready AWS items (datetimes as ISO strings). ``service_network`` turns a service and
its task definition into the ``TaskNetwork`` the deploy-config source also produces.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from fargate_netcheck.collect._calls import UnexpectedShape, call, chunks, items_of, objects, paginate
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.task_network import TaskNetwork

IAM_ACTIONS: tuple[str, ...] = (
    "cloudtrail:LookupEvents",
    "ecs:DescribeServices",
    "ecs:DescribeTaskDefinition",
    "ecs:DescribeTasks",
    "ecs:ListAccountSettings",
    "ecs:ListServices",
    "ecs:ListTasks",
)

DESCRIBE_SERVICES_BATCH = 10  # DescribeServices accepts at most 10 services per call
DESCRIBE_TASKS_BATCH = 100  # DescribeTasks accepts at most 100 tasks per call
_SECRET_SERVICES = ("secretsmanager", "ssm")


def account_settings(ecs_client: Any) -> list[JsonDict]:
    """The ECS account settings in effect for the caller (``ListAccountSettings`` with
    ``effectiveSettings=true``: the account default unless the principal overrides it), verbatim.
    ``dualStackIPv6`` among them decides whether a task gets an IPv6 address."""
    return paginate(ecs_client, "ListAccountSettings", "settings", effectiveSettings=True)


def short_name(name_or_arn: str) -> str:
    """``my-cluster`` from ``arn:aws:ecs:…:cluster/my-cluster`` (or the name itself)."""
    return name_or_arn.rsplit("/", 1)[-1]


def _cluster_call(client: Any, operation: str, cluster: str, **params: Any) -> JsonDict:
    try:
        return call(client, operation, cluster=cluster, **params)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ClusterNotFoundException":
            raise InputError(f"ecs cluster {cluster}: not found") from None
        raise


def services(ecs_client: Any, cluster: str, names: list[str] | None = None) -> list[JsonDict]:
    """The services ``names`` of ``cluster`` (all of them when ``names`` is None), as DescribeServices
    returns them. A service ECS reports as missing raises ``InputError`` naming it."""
    if names is None:
        try:
            names = paginate(ecs_client, "ListServices", "serviceArns", cluster=cluster)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ClusterNotFoundException":
                raise InputError(f"ecs cluster {cluster}: not found") from None
            raise
    found: list[JsonDict] = []
    for batch in chunks(names, DESCRIBE_SERVICES_BATCH):
        response = _cluster_call(ecs_client, "DescribeServices", cluster, services=batch)
        for failure in response.get("failures", []):
            name = short_name(failure.get("arn") or "?")
            reason = failure.get("reason") or "failed"
            raise InputError(
                f"ecs-service:{short_name(cluster)}/{name}: {reason.lower()} in cluster {cluster}"
            )
        found.extend(response.get("services", []))
    return found


def task_definitions(
    ecs_client: Any, arns: list[str], cache: dict[str, JsonDict] | None = None
) -> dict[str, JsonDict]:
    """``{arn: taskDefinition}`` for each distinct arn, one DescribeTaskDefinition per arn. Pass the same
    ``cache`` dict across calls to avoid describing a task definition twice."""
    cache = {} if cache is None else cache
    for arn in dict.fromkeys(arns):
        if arn not in cache:
            cache[arn] = call(ecs_client, "DescribeTaskDefinition", taskDefinition=arn)["taskDefinition"]
    return {arn: cache[arn] for arn in arns}


def tasks(ecs_client: Any, cluster: str, ids: list[str]) -> list[JsonDict]:
    """The tasks ``ids`` (ids or ARNs, stopped ones included while ECS still keeps them)."""
    found: list[JsonDict] = []
    for batch in chunks(ids, DESCRIBE_TASKS_BATCH):
        response = _cluster_call(ecs_client, "DescribeTasks", cluster, tasks=batch)
        for failure in response.get("failures", []):
            raise InputError(
                f"ecs task {short_name(failure.get('arn') or '?')}: {(failure.get('reason') or 'failed').lower()} "
                f"in cluster {cluster} (ECS keeps stopped tasks for about an hour)"
            )
        found.extend(response.get("tasks", []))
    return found


def recent_stopped_tasks(ecs_client: Any, cluster: str, service: str, limit: int = 5) -> list[JsonDict]:
    """Up to ``limit`` stopped tasks of ``service``, most recently stopped first."""
    response = _cluster_call(
        ecs_client, "ListTasks", cluster, serviceName=service, desiredStatus="STOPPED", maxResults=100
    )
    arns = response.get("taskArns", [])
    if not arns:
        return []
    stopped = tasks(ecs_client, cluster, arns)
    stopped.sort(key=lambda task: task.get("stoppedAt") or task.get("createdAt") or "", reverse=True)
    return stopped[:limit]


def _secret_service(value_from: str) -> str | None:
    """``secretsmanager``/``ssm`` for a secret reference; a bare name is an SSM parameter."""
    if not value_from.startswith("arn:"):
        return "ssm" if value_from else None
    parts = value_from.split(":")
    return parts[2] if len(parts) > 2 and parts[2] in _SECRET_SERVICES else None


def _references(task_def: JsonDict) -> list[str]:
    refs: list[str] = []
    for container in task_def.get("containerDefinitions", []):
        refs.extend(secret.get("valueFrom", "") for secret in container.get("secrets", []))
        log_configuration = container.get("logConfiguration") or {}
        refs.extend(option.get("valueFrom", "") for option in log_configuration.get("secretOptions", []))
        credentials = (container.get("repositoryCredentials") or {}).get("credentialsParameter")
        if credentials:
            refs.append(credentials)
    return refs


def _awsvpc(service: JsonDict) -> JsonDict | None:
    configuration = service.get("networkConfiguration")
    if not configuration:
        primary = [d for d in service.get("deployments", []) if d.get("status") == "PRIMARY"]
        configuration = primary[0].get("networkConfiguration") if primary else None
    return (configuration or {}).get("awsvpcConfiguration")


def service_network(service: JsonDict, task_def: JsonDict | None, cluster: str) -> TaskNetwork:
    """The network a service's tasks get: its awsvpc subnets, security groups and public-IP choice,
    whether its task definition logs through awslogs, and which secret stores it reads at launch."""
    source = (
        f"ecs-service:{short_name(cluster)}/{service.get('serviceName') or short_name(service['serviceArn'])}"
    )
    awsvpc = _awsvpc(service)
    problems: tuple[str, ...] = ()
    if awsvpc is None:
        problems = (f"{source}: the service has no awsvpc network configuration (Fargate needs one)",)
        awsvpc = {}
    public_ip = awsvpc.get("assignPublicIp")
    task_def = task_def or {}
    services_used = {_secret_service(ref) for ref in _references(task_def)}
    return TaskNetwork(
        source=source,
        subnets=tuple(awsvpc.get("subnets", [])),
        security_groups=tuple(awsvpc.get("securityGroups", [])),
        assign_public_ip=None if public_ip is None else public_ip == "ENABLED",
        locations={},
        problems=problems,
        uses_awslogs=any(
            (c.get("logConfiguration") or {}).get("logDriver") == "awslogs"
            for c in task_def.get("containerDefinitions", [])
        ),
        secrets_from=tuple(s for s in _SECRET_SERVICES if s in services_used),
    )


def run_task_event(cloudtrail_client: Any, task_arn: str, max_pages: int = 5) -> JsonDict | None:
    """The CloudTrail RunTask event that started ``task_arn`` (the parsed ``CloudTrailEvent``), or None
    when CloudTrail has none in its 90-day history or the caller may not read it. Any other failure
    raises (``collect._calls.COLLECT_ERRORS``; a malformed answer or event: ``UnexpectedShape`` or
    ``ValueError``): the caller says the event is unknown and why."""
    params: JsonDict = {"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": task_arn}]}
    try:
        for _ in range(max_pages):
            response = call(cloudtrail_client, "LookupEvents", **params)
            for event in objects(items_of(response, "Events", "LookupEvents"), "LookupEvents", "Events"):
                if event.get("EventName") == "RunTask":
                    return _event_record(event)
            if not response.get("NextToken"):
                return None
            params["NextToken"] = response["NextToken"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if "AccessDenied" in code or code == "UnauthorizedOperation":
            return None
        raise
    return None


def _event_record(event: JsonDict) -> JsonDict:
    """A LookupEvents event's ``CloudTrailEvent`` (JSON text), which must be an object."""
    record = json.loads(event.get("CloudTrailEvent") or "{}")
    if not isinstance(record, dict):
        raise UnexpectedShape("LookupEvents: the RunTask event's CloudTrailEvent is not a JSON object")
    return record


def service_networks(ecs_client: Any, cluster: str, names: list[str] | None = None) -> list[TaskNetwork]:
    """The network of each service of ``cluster`` (all of them when ``names`` is empty): one
    paginated ListServices, DescribeServices in batches of 10, each task definition described once."""
    found = services(ecs_client, cluster, names or None)
    definitions = task_definitions(
        ecs_client, sorted({s["taskDefinition"] for s in found if s.get("taskDefinition")})
    )
    return [service_network(s, definitions.get(s.get("taskDefinition", "")), cluster) for s in found]
