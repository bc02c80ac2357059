"""Read ECS services, task definitions and tasks (and a task's RunTask event) for their network.

Every function takes its boto3 client; nothing here makes a client or holds state between calls.
Results are JSON-ready AWS items (datetimes as ISO strings). ``service_network`` turns a service and
its task definition into the ``TaskNetwork`` the deploy-config source also produces.

An ECS call that fails (denied, throttled past the retries, unreachable, a malformed answer) raises
``EcsReadError``, one line naming the action: never a bare botocore error. Inside
``unread_recorded()`` (``check --cluster``), ``service_networks`` records such a failure instead and
resolves what it could read: the caller reports it as a collection failure.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from fargate_netcheck.collect._calls import (
    COLLECT_ERRORS,
    SHAPE_ERRORS,
    UnexpectedShape,
    call,
    chunks,
    failure_text,
    items_of,
    objects,
    paginate,
)
from fargate_netcheck.collect.ecs_errors import (
    SERVICES_KIND,
    TASK_DEFINITIONS_KIND,
    EcsReadError,
    recording,
    short_name,
    unread_recorded,
)
from fargate_netcheck.collect.ecs_network import (
    definitions_needed,
    not_fargate,
    service_network,
    service_networks_of,
)
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.task_network import TaskNetwork

__all__ = [
    "SERVICES_KIND",
    "TASK_DEFINITIONS_KIND",
    "EcsReadError",
    "not_fargate",
    "service_network",
    "service_networks",
    "short_name",
    "unread_recorded",
]

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


def account_settings(ecs_client: Any) -> list[JsonDict]:
    """The ECS account settings in effect for the caller (``ListAccountSettings`` with
    ``effectiveSettings=true``: the account default unless the principal overrides it), verbatim.
    ``dualStackIPv6`` among them decides whether a task gets an IPv6 address."""
    return paginate(ecs_client, "ListAccountSettings", "settings", effectiveSettings=True)


def _failed(operation: str, cluster: str, exc: BaseException, services: Sequence[str] = ()) -> InputError:
    """What a failed cluster call raises: a cluster that does not exist is bad input; anything else
    is an ``EcsReadError`` naming the action."""
    if (
        isinstance(exc, ClientError)
        and exc.response.get("Error", {}).get("Code") == "ClusterNotFoundException"
    ):
        return InputError(f"ecs cluster {cluster}: not found")
    return EcsReadError(operation, failure_text(exc), cluster=cluster, services=services)


def _cluster_call(
    client: Any, operation: str, cluster: str, result_key: str, names: Sequence[str] = (), **params: Any
) -> JsonDict:
    """One call on ``cluster`` whose answer must hold the list ``result_key`` (of objects)."""
    try:
        response = call(client, operation, cluster=cluster, **params)
        objects(items_of(response, result_key, operation), operation, result_key)
        return response
    except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
        raise _failed(operation, cluster, exc, names) from None


def _failures(response: JsonDict) -> list[JsonDict]:
    """The ``failures`` of a Describe answer (the items ECS could not find); only objects count."""
    failures = response.get("failures")
    return [f for f in failures if isinstance(f, dict)] if isinstance(failures, list) else []


def services(
    ecs_client: Any, cluster: str, names: list[str] | None = None, unread: list[EcsReadError] | None = None
) -> list[JsonDict]:
    """The services ``names`` of ``cluster`` (all of them when ``names`` is None), as DescribeServices
    returns them, each once. A named service ECS reports as missing raises ``InputError`` naming it;
    a call that fails raises ``EcsReadError``, or, given ``unread``, is recorded there and the other
    batches are read. So is a service ListServices listed that DescribeServices then names among its
    failures: nobody named it, and one service's odd answer never stops the others (nor passes)."""
    listed = names is None
    if names is None:
        try:
            names = [str(arn) for arn in paginate(ecs_client, "ListServices", "serviceArns", cluster=cluster)]
        except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
            error = _failed("ListServices", cluster, exc)
            if unread is None or not isinstance(error, EcsReadError):
                raise error from None
            unread.append(error)
            return []
    found: dict[object, JsonDict] = {}  # by ARN: a service named twice (by name and ARN) is one
    for batch in chunks(list(dict.fromkeys(names)), DESCRIBE_SERVICES_BATCH):
        try:
            response = _cluster_call(
                ecs_client, "DescribeServices", cluster, "services", batch, services=batch
            )
        except EcsReadError as error:
            if unread is None:
                raise
            unread.append(error)
            continue
        for failure in _failures(response):
            name = short_name(failure.get("arn") or "?")
            reason = failure.get("reason") or "failed"
            if listed and unread is not None:
                described = failure.get("detail") or "DescribeServices names it among its failures"
                unread.append(
                    EcsReadError(
                        "DescribeServices", f"{reason}: {described}", cluster=cluster, services=[name]
                    )
                )
                continue
            raise InputError(
                f"ecs-service:{short_name(cluster)}/{name}: {reason.lower()} in cluster {cluster}"
            )
        for service in response.get("services", []):
            found.setdefault(service.get("serviceArn") or len(found), service)
    return list(found.values())


def task_definitions(
    ecs_client: Any, arns: list[str], cache: dict[str, JsonDict] | None = None
) -> dict[str, JsonDict]:
    """``{arn: taskDefinition}`` for each distinct arn, one DescribeTaskDefinition per arn. Pass the same
    ``cache`` dict across calls to avoid describing a task definition twice. A call that fails
    raises ``EcsReadError``."""
    cache = {} if cache is None else cache
    for arn in dict.fromkeys(arns):
        if arn not in cache:
            cache[arn] = _task_definition(ecs_client, arn)
    return {arn: cache[arn] for arn in arns}


def _task_definition(ecs_client: Any, arn: str) -> JsonDict:
    operation = "DescribeTaskDefinition"
    try:
        definition = call(ecs_client, operation, taskDefinition=arn).get("taskDefinition")
        if not isinstance(definition, dict):
            raise UnexpectedShape(f"{operation}: the response has no taskDefinition object")
        return definition
    except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
        raise EcsReadError(operation, failure_text(exc), definition=arn) from None


def tasks(ecs_client: Any, cluster: str, ids: list[str]) -> list[JsonDict]:
    """The tasks ``ids`` (ids or ARNs, stopped ones included while ECS still keeps them). A call
    that fails raises ``EcsReadError``."""
    found: list[JsonDict] = []
    for batch in chunks(ids, DESCRIBE_TASKS_BATCH):
        response = _cluster_call(ecs_client, "DescribeTasks", cluster, "tasks", tasks=batch)
        for failure in _failures(response):
            raise InputError(
                f"ecs task {short_name(failure.get('arn') or '?')}: {(failure.get('reason') or 'failed').lower()} "
                f"in cluster {cluster} (ECS keeps stopped tasks for about an hour)"
            )
        found.extend(response.get("tasks", []))
    return found


def recent_stopped_tasks(ecs_client: Any, cluster: str, service: str, limit: int = 5) -> list[JsonDict]:
    """Up to ``limit`` stopped tasks of ``service``, most recently stopped first."""
    operation = "ListTasks"
    try:
        response = call(
            ecs_client,
            operation,
            cluster=cluster,
            serviceName=service,
            desiredStatus="STOPPED",
            maxResults=100,
        )
        arns = [str(arn) for arn in items_of(response, "taskArns", operation)]
    except (*COLLECT_ERRORS, *SHAPE_ERRORS) as exc:
        raise _failed(operation, cluster, exc) from None
    if not arns:
        return []
    stopped = tasks(ecs_client, cluster, arns)
    stopped.sort(key=lambda task: task.get("stoppedAt") or task.get("createdAt") or "", reverse=True)
    return stopped[:limit]


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


def service_networks(
    ecs_client: Any, cluster: str, names: list[str] | None = None, fargate_only: bool = False
) -> list[TaskNetwork]:
    """The networks of each service of ``cluster`` (all of them when ``names`` is empty): one
    paginated ListServices, DescribeServices in batches of 10, each task definition described once
    (one that cannot be read is a problem of its services, not a failed run). A service gives one
    network per distinct network its tasks run in: its own configuration first, then those of its
    live deployments and task sets (``collect.ecs_network``). ``fargate_only``: a service none of
    whose tasks runs on Fargate (``not_fargate``) has no subnets, only the reason.
    A ListServices or DescribeServices that fails raises ``EcsReadError``; within
    ``unread_recorded()`` it is recorded there (with each unread task definition) instead."""
    unread = recording()
    found = services(ecs_client, cluster, names or None, unread)
    arns = sorted({arn for s in found for arn in definitions_needed(s, fargate_only)})
    definitions, why_unread = _read_definitions(ecs_client, arns, unread)
    return [
        network
        for service in found
        for network in service_networks_of(service, cluster, definitions, why_unread, fargate_only)
    ]


def _read_definitions(
    ecs_client: Any, arns: list[str], unread: list[EcsReadError] | None = None
) -> tuple[dict[str, JsonDict], dict[str, str]]:
    """``task_definitions`` of ``arns``, and why each one that could not be read was not (each such
    failure also added to ``unread``, when given)."""
    definitions: dict[str, JsonDict] = {}
    why_unread: dict[str, str] = {}
    for arn in arns:
        try:
            definitions.update(task_definitions(ecs_client, [arn]))
        except EcsReadError as exc:
            why_unread[arn] = exc.reason
            if unread is not None:
                unread.append(exc)
    return definitions, why_unread
