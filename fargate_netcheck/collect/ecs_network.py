"""The network an ECS service's tasks get, from its DescribeServices item and task definitions.

A service does not run one configuration: mid-deployment it runs tasks of its ``PRIMARY``
deployment and of each ``ACTIVE`` one (a rolling update keeps the old tasks until the new ones are
healthy, and a circuit-breaker rollback makes the old deployment launch tasks again), and a service
with the ``EXTERNAL`` or ``CODE_DEPLOY`` deployment controller runs its ``PRIMARY`` and ``ACTIVE``
task sets. Each of those carries its own ``networkConfiguration``, task definition and launch type
or capacity provider strategy (ECS API Reference: ``Deployment``, ``TaskSet``). So each distinct
network among them is its own ``TaskNetwork``: the service's own configuration first (source
``ecs-service:<cluster>/<service>``), then any other (source ``…@<deployment or task set id>``);
the needs of the task definitions sharing one network are added up.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from fargate_netcheck.collect.ecs_errors import short_name
from fargate_netcheck.core.image_registry import image_needs
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.task_network import TaskNetwork

_SECRET_SERVICES = ("secretsmanager", "ssm")
_FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
_GONE = ("DRAINING", "INACTIVE")  # a service being deleted, or deleted: it launches no more tasks
_LIVE = ("PRIMARY", "ACTIVE")  # deployments and task sets that run tasks (INACTIVE, DRAINING: none)
_LAUNCH = ("launchType", "capacityProviderStrategy")


def _secret_service(value_from: str) -> str | None:
    """``secretsmanager``/``ssm`` for a secret reference; a bare name is an SSM parameter."""
    if not value_from.startswith("arn:"):
        return "ssm" if value_from else None
    parts = value_from.split(":")
    return parts[2] if len(parts) > 2 and parts[2] in _SECRET_SERVICES else None


def _references(containers: list[JsonDict]) -> list[str]:
    refs: list[str] = []
    for container in containers:
        refs.extend(_text(secret.get("valueFrom")) for secret in _dicts(container.get("secrets")))
        options = _object(container.get("logConfiguration")).get("secretOptions")
        refs.extend(_text(option.get("valueFrom")) for option in _dicts(options))
        credentials = _object(container.get("repositoryCredentials")).get("credentialsParameter")
        if credentials:
            refs.append(_text(credentials))
    return refs


def _containers(task_def: JsonDict) -> list[JsonDict]:
    return _dicts(task_def.get("containerDefinitions"))


def _object(value: object) -> JsonDict:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _awsvpc(service: JsonDict) -> object:
    """The service's ``awsvpcConfiguration`` (its PRIMARY deployment's when it has none), as
    answered: None when there is none, and not necessarily an object (``_malformed``)."""
    configuration = service.get("networkConfiguration")
    if not configuration:
        primary = [d for d in _dicts(service.get("deployments")) if d.get("status") == "PRIMARY"]
        configuration = primary[0].get("networkConfiguration") if primary else None
    return _configured(configuration)


def _configured(configuration: object) -> object:
    return configuration.get("awsvpcConfiguration") if isinstance(configuration, dict) else None


def _malformed(awsvpc: object) -> str | None:
    """What is wrong with an ``awsvpcConfiguration`` as answered (None: nothing). Subnets and
    groups are lists of ids; ``assignPublicIp`` is ``ENABLED`` or ``DISABLED`` (or absent)."""
    if not isinstance(awsvpc, dict):
        return f"it is a {type(awsvpc).__name__}, not an object"
    for key in ("subnets", "securityGroups"):
        value = awsvpc.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return f"{key} is not a list of ids"
    public_ip = awsvpc.get("assignPublicIp")
    if public_ip is not None and public_ip not in ("ENABLED", "DISABLED"):
        return f"assignPublicIp is {str(public_ip)[:40]!r}, not ENABLED or DISABLED"
    return None


def _dicts(value: object) -> list[JsonDict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _placed_providers(service: JsonDict) -> list[str]:
    """The capacity providers of the service's strategy that place tasks (a weight or a base above 0;
    all of them when none has either)."""
    strategy = _dicts(service.get("capacityProviderStrategy"))
    placing = [item for item in strategy if (item.get("weight") or 0) > 0 or (item.get("base") or 0) > 0]
    return [str(item.get("capacityProvider")) for item in placing or strategy]


def not_fargate(service: JsonDict) -> tuple[str | None, bool]:
    """Why some of the service's tasks do not run on Fargate (None: they all do, or the cluster's
    default strategy decides), and whether that holds for all of them. Such tasks pull their image
    and reach their logs and secrets through the container instance, which is not checked."""
    status = service.get("status")
    if status in _GONE:
        return f"the service is {status} (being deleted, or deleted): it launches no tasks", True
    launch_type = service.get("launchType")
    if launch_type and launch_type != "FARGATE":
        return f"the service runs on launch type {launch_type}, not FARGATE", True
    providers = _placed_providers(service)
    others = [p for p in providers if p not in _FARGATE_PROVIDERS]
    if not others:
        return None, False
    where = f"capacity provider {', '.join(others)} (not FARGATE or FARGATE_SPOT)"
    if len(others) == len(providers):
        return f"the service runs on {where}", True
    return f"some of the service's tasks run on {where}: those are not checked", False


def service_source(service: JsonDict, cluster: str) -> str:
    name = service.get("serviceName") or short_name(str(service.get("serviceArn") or "?"))
    return f"ecs-service:{short_name(cluster)}/{name}"


def not_checked_network(service: JsonDict, cluster: str, why: str | None) -> TaskNetwork:
    """A service none of whose tasks runs on Fargate, as a network with no subnets and the reason."""
    source = service_source(service, cluster)
    skipped = f"{source}: {why}; fargate-netcheck checks Fargate tasks only, so it was not checked"
    return TaskNetwork(
        source=source, subnets=(), security_groups=(), assign_public_ip=None, not_checked=(skipped,)
    )


def _definition_problem(arn: object, unread: str | None) -> str:
    why = (
        f"task definition {arn} could not be read ({unread})"
        if arn
        else "the service names no task definition"
    )
    return f"{why}: CloudWatch Logs is assumed to be needed, and secrets it reads are not checked"


def service_network(
    service: JsonDict, task_def: JsonDict | None, cluster: str, unread: str | None = None
) -> TaskNetwork:
    """The network of the service's own configuration (its awsvpc subnets, security groups and
    public-IP choice, whether its task definition logs through awslogs, which secret stores it reads
    at launch, its images). Without its task definition (``unread``: why it could not be read),
    awslogs is assumed; tasks that do not run on Fargate are a problem."""
    why, _ = not_fargate(service)
    return _network(
        service_source(service, cluster),
        _awsvpc(service),
        [(service.get("taskDefinition"), task_def, unread)],
        (why,) if why else (),
    )


def _network(
    source: str,
    configured: object,
    definitions: list[tuple[object, JsonDict | None, str | None]],
    why: Iterable[str],
) -> TaskNetwork:
    """One network's ``TaskNetwork``: ``definitions`` are the (arn, task definition or None, why it
    is unread) of the tasks that run in it, whose needs add up. A configuration that is malformed
    gives no subnets, and a problem: never ids guessed from it."""
    problems: list[str] = []
    awsvpc: JsonDict = {}
    if configured is None:
        problems.append(f"{source}: the service has no awsvpc network configuration (Fargate needs one)")
    elif wrong := _malformed(configured):
        problems.append(
            f"{source}: the awsvpc network configuration ECS answered is malformed ({wrong}), "
            "so its network is not known"
        )
    elif isinstance(configured, dict):
        awsvpc = configured
    read = [definition for _, definition, _ in definitions if definition is not None]
    problems += [
        f"{source}: {_definition_problem(arn, unread)}"
        for arn, definition, unread in definitions
        if definition is None
    ]
    containers = [c for definition in read for c in _containers(definition)]
    services_used = {_secret_service(ref) for ref in _references(containers)}
    public_ip = awsvpc.get("assignPublicIp")
    return TaskNetwork(
        source=source,
        subnets=tuple(awsvpc.get("subnets") or ()),
        security_groups=tuple(awsvpc.get("securityGroups") or ()),
        assign_public_ip=None if public_ip is None else public_ip == "ENABLED",
        locations={},
        problems=tuple(problems),
        uses_awslogs=len(read) < len(definitions)
        or any(_object(c.get("logConfiguration")).get("logDriver") == "awslogs" for c in containers),
        secrets_from=tuple(s for s in _SECRET_SERVICES if s in services_used),
        images=image_needs(containers),
        not_checked=tuple(f"{source}: {w}" for w in why),
    )


@dataclass(frozen=True, slots=True)
class _Unit:
    """One configuration the service runs tasks of: its own (``label`` None), a deployment's or a
    task set's, with the service's launch type or strategy where it names neither."""

    label: str | None  # "deployment ecs-svc/…", "task set ecs-svc/…"
    ident: str | None
    fields: JsonDict  # launchType, capacityProviderStrategy, status, taskDefinition
    awsvpc: object  # as answered (``_malformed`` says whether it can be read)


def _units(service: JsonDict) -> list[_Unit]:
    own = _Unit(None, None, service, _awsvpc(service))
    task_sets = [t for t in _dicts(service.get("taskSets")) if t.get("status") in _LIVE]
    deployments = [d for d in _dicts(service.get("deployments")) if d.get("status") in _LIVE]
    units = [] if task_sets else [own]  # a task-set service runs its task sets' tasks alone
    for kind, items in (("deployment", deployments), ("task set", task_sets)):
        for position, item in enumerate(items, 1):
            launch = item if any(item.get(k) for k in _LAUNCH) else service
            fields = {k: launch.get(k) for k in _LAUNCH}
            fields["status"] = service.get("status")
            fields["taskDefinition"] = item.get("taskDefinition") or service.get("taskDefinition")
            configuration = _configured(item.get("networkConfiguration"))
            ident = str(item.get("id") or f"{kind.replace(' ', '-')}-{position}")  # ids are unique
            units.append(_Unit(f"{kind} {ident}", ident, fields, configuration or own.awsvpc))
    return units


def _network_key(awsvpc: object) -> tuple[object, ...]:
    """Equal for two configurations that give the same targets (subnets and groups in any order)."""
    if awsvpc is None or _malformed(awsvpc) or not isinstance(awsvpc, dict):
        return (json.dumps(awsvpc, sort_keys=True, default=str),)
    return (
        tuple(sorted(set(awsvpc.get("subnets") or ()))),
        tuple(sorted(set(awsvpc.get("securityGroups") or ()))),
        awsvpc.get("assignPublicIp"),
    )


def _plan(service: JsonDict, fargate_only: bool) -> tuple[list[list[_Unit]], list[str], list[str]]:
    """The checked units grouped by network (the service's own group first), what is said of each
    unit not checked, and the distinct reasons those are not."""
    groups: dict[tuple[object, ...], list[_Unit]] = {}
    skipped: list[str] = []
    whys: dict[str, None] = {}
    for unit in _units(service):
        why, skip = not_fargate(unit.fields) if fargate_only else (None, False)
        if skip:
            whys[str(why)] = None
            skipped.append(f"{unit.label}: {why}" if unit.label else str(why))
            continue
        groups.setdefault(_network_key(unit.awsvpc), []).append(unit)
    return list(groups.values()), skipped, list(whys)


def definitions_needed(service: JsonDict, fargate_only: bool) -> list[str]:
    """The task definitions of the service's checked tasks (its own and its live deployments')."""
    groups, _, _ = _plan(service, fargate_only)
    arns = (unit.fields.get("taskDefinition") for group in groups for unit in group)
    return [str(arn) for arn in dict.fromkeys(arns) if arn]


def service_networks_of(
    service: JsonDict,
    cluster: str,
    definitions: dict[str, JsonDict],
    why_unread: dict[str, str],
    fargate_only: bool = False,
) -> list[TaskNetwork]:
    """Each distinct network the service's tasks run in (see the module's docstring); with
    ``fargate_only``, tasks that do not run on Fargate are only said not to be checked, and a
    service none of whose tasks does is one network with no subnets and the reason."""
    gone, _ = not_fargate({"status": service.get("status")})
    if fargate_only and gone:
        return [not_checked_network(service, cluster, gone)]
    groups, skipped, whys_skipped = _plan(service, fargate_only)
    if not groups:
        why = whys_skipped[0] if len(whys_skipped) == 1 else "; ".join(skipped)
        return [not_checked_network(service, cluster, why)]
    base = service_source(service, cluster)
    networks = []
    for index, group in enumerate(groups):
        first = group[0]
        source = base if index == 0 or first.ident is None else f"{base}@{first.ident}"
        whys = dict.fromkeys(w for unit in group if (w := not_fargate(unit.fields)[0]))
        if index == 0:
            whys.update(dict.fromkeys(f"{s}; its tasks are not checked" for s in skipped))
        arns = dict.fromkeys(unit.fields.get("taskDefinition") for unit in group)
        used = [
            (arn, definitions.get(str(arn)) if arn else None, why_unread.get(str(arn)) if arn else None)
            for arn in arns
        ]
        networks.append(_network(source, first.awsvpc, used, whys))
    return networks
