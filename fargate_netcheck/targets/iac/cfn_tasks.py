"""The Fargate tasks a template declares: ECS services and task sets with awsvpc networking, and
tasks scheduled by an EventBridge rule (``AWS::Events::Rule`` EcsParameters) or EventBridge
Scheduler (``AWS::Scheduler::Schedule``). Each becomes a ``TaskNetwork`` located at its
resource's line."""

from __future__ import annotations

from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.deploy_config import TaskNetwork
from fargate_netcheck.targets.iac.cfn_intrinsics import Evaluator
from fargate_netcheck.targets.iac.task_needs import container_images, container_needs
from fargate_netcheck.targets.iac.values import Unknown, first_unknown

# The awsvpc configuration's key in NetworkConfiguration (ECS spells it two ways).
_AWSVPC = {"AWS::ECS::Service": "AwsvpcConfiguration", "AWS::ECS::TaskSet": "AwsVpcConfiguration"}
_SECRET_TYPES = {"AWS::SecretsManager::Secret": "secretsmanager", "AWS::SSM::Parameter": "ssm"}


def task_networks(ev: Evaluator, active: set[str]) -> list[TaskNetwork]:
    """``active``: the logical ids whose Condition holds. A task resource whose properties have a
    shape ECS would refuse (``Subnets: 5``) is an ``InputError`` naming the resource and its line."""
    out: list[TaskNetwork] = []
    for logical, resource in ev.resources.items():
        if logical not in active:
            continue
        try:
            out += _networks_of(ev, logical, resource)
        except (TypeError, AttributeError) as exc:
            at = ev.t.location(logical, ev.resources)
            where = f"{at.path}:{at.line}" if at.line else at.path
            raise InputError(f"{where}: resource {logical}: a property has the wrong shape ({exc})") from None
    return out


def _networks_of(ev: Evaluator, logical: str, resource: Any) -> list[TaskNetwork]:
    out: list[TaskNetwork] = []
    if isinstance(resource, dict):
        rtype, props = resource.get("Type"), resource.get("Properties") or {}
        if rtype in _AWSVPC:  # NetworkConfiguration evaluated first: it may be an Fn::If
            config = ev.value(props.get("NetworkConfiguration"))
            key = _AWSVPC[rtype]
            if config is not None and not isinstance(config, (dict, Unknown)):
                raise InputError(f"{_where(ev, logical)}: NetworkConfiguration must be a mapping")
            if isinstance(config, Unknown) or (isinstance(config, dict) and key in config):
                raw = config if isinstance(config, Unknown) else config[key]
                out.append(_network(ev, logical, raw, props.get("TaskDefinition")))
        elif rtype == "AWS::Events::Rule":
            for i, target in enumerate(ev.value(props.get("Targets")) or []):
                ecs = target.get("EcsParameters") if isinstance(target, dict) else None
                if not ecs:
                    continue
                vpc = (ecs.get("NetworkConfiguration") or {}).get("AwsVpcConfiguration")
                if vpc is not None:
                    out.append(
                        _network(ev, logical, vpc, ecs.get("TaskDefinitionArn"), f"#{target.get('Id', i)}")
                    )
        elif rtype == "AWS::Scheduler::Schedule":
            ecs = (ev.value(props.get("Target")) or {}).get("EcsParameters") or {}
            vpc = (ecs.get("NetworkConfiguration") or {}).get("AwsvpcConfiguration")
            if vpc is not None:
                out.append(_network(ev, logical, vpc, ecs.get("TaskDefinitionArn")))
    return out


def _network(ev: Evaluator, logical: str, raw: Any, task_def: Any, suffix: str = "") -> TaskNetwork:
    source = f"cloudformation:{ev.resource_id(logical)}{suffix}"
    location = ev.t.location(logical, ev.resources)
    value = ev.value(raw)
    where = _where(ev, logical)
    if not isinstance(value, (dict, Unknown)):
        raise InputError(f"{where}: the awsvpc configuration must be a mapping, found {_shown(value)}")
    config = value if isinstance(value, dict) else {}
    subnets, groups = config.get("Subnets", []), config.get("SecurityGroups", [])
    problems = []
    unknown = value if isinstance(value, Unknown) else first_unknown([subnets, groups])
    if unknown is not None:
        problems.append(
            f"{source}: its subnets or security groups are not known before deployment ({unknown.reason})"
        )
        subnets, groups = [], []
    for name, ids in (("Subnets", subnets), ("SecurityGroups", groups)):
        if not isinstance(ids, list):  # a string is one id where a list belongs: never its characters
            raise InputError(f"{where}: {name} must be a list, found {_shown(ids)}")
        if not all(isinstance(i, str) and i for i in ids):
            raise InputError(f"{where}: {name} must be a list of ids, found {_shown(ids)}")
    public = config.get("AssignPublicIp", "DISABLED")
    public_unknown = first_unknown(public)
    if public_unknown is not None:
        problems.append(f"{source}: AssignPublicIp is not known before deployment ({public_unknown.reason})")
        subnets = []
    elif not isinstance(public, str) or public.upper() not in ("ENABLED", "DISABLED"):
        raise InputError(f"{where}: AssignPublicIp must be ENABLED or DISABLED, found {_shown(public)}")
    awslogs, secrets, images = _needs(ev, ev.value(task_def))
    return TaskNetwork(
        source=source,
        subnets=tuple(str(s) for s in subnets),
        security_groups=tuple(str(g) for g in groups),
        assign_public_ip=str(public).upper() == "ENABLED",
        locations={"subnets": location},
        problems=tuple(problems),
        uses_awslogs=awslogs,
        secrets_from=secrets,
        images=images,
    )


def _where(ev: Evaluator, logical: str) -> str:
    return f"{ev.resource_id(logical)} ({ev.t.where(logical, ev.resources)})"


def _shown(value: Any) -> str:
    return " ".join(repr(value).split())[:80]


def _needs(ev: Evaluator, task_def: Any) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """(uses awslogs, secret services, image needs) of the task definition, when this stack holds it."""
    prefix = f"{ev.t.stack}/"
    if not isinstance(task_def, str) or not task_def.startswith(prefix):
        # a task definition of another stack: its containers are not known here (awslogs assumed,
        # as for an ECS service whose task definition is not known; the image: ECR, said so)
        return True, (), ()
    resource = ev.resources.get(task_def.removeprefix(prefix)) or {}
    containers = ev.value((resource.get("Properties") or {}).get("ContainerDefinitions") or [])

    def kind_of(value: str) -> str | None:
        other = ev.resources.get(value.removeprefix(prefix)) if value.startswith(prefix) else None
        rtype = other.get("Type") if isinstance(other, dict) else None
        return _SECRET_TYPES.get(rtype) if isinstance(rtype, str) else None

    return (*container_needs(containers, kind_of), container_images(containers))
