"""The Fargate tasks a plan declares: ``aws_ecs_service`` and ``aws_ecs_task_set`` with a network
configuration, tasks scheduled by ``aws_cloudwatch_event_target`` (``ecs_target``) or
``aws_scheduler_schedule``, with their task definitions' needs. Each is located at its resource in the plan, named by its address."""

from __future__ import annotations

import json
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.deploy_config import TaskNetwork
from fargate_netcheck.targets.iac.task_needs import container_images, container_needs
from fargate_netcheck.targets.iac.terraform_plan import Instance, Plan
from fargate_netcheck.targets.iac.values import Unknown, first_unknown

# resource type -> (path to its awsvpc network configuration, the task definition attribute's path)
_TASKS: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {
    "aws_ecs_service": (("network_configuration", 0), ("task_definition",)),
    "aws_ecs_task_set": (("network_configuration", 0), ("task_definition",)),
    "aws_cloudwatch_event_target": (
        ("ecs_target", 0, "network_configuration", 0),
        ("ecs_target", 0, "task_definition_arn"),
    ),
    "aws_scheduler_schedule": (
        ("target", 0, "ecs_parameters", 0, "network_configuration", 0),
        ("target", 0, "ecs_parameters", 0, "task_definition_arn"),
    ),
}


def task_networks(plan: Plan) -> list[TaskNetwork]:
    out = []
    for inst in plan.instances.values():
        paths = _TASKS.get(inst.type)
        if paths is None or inst.deleted or not plan.value(inst, *paths[0]):
            continue
        out.append(_network(plan, inst, *paths))
    return out


def _network(plan: Plan, inst: Instance, config: tuple[Any, ...], task_def: tuple[Any, ...]) -> TaskNetwork:
    source = f"terraform:{inst.address}"
    subnets, groups = plan.value(inst, *config, "subnets"), plan.value(inst, *config, "security_groups")
    public = plan.value(inst, *config, "assign_public_ip")
    problems = []
    unknown = first_unknown([subnets, groups, public])
    if unknown is not None:
        problems.append(f"{source}: its network configuration is not known before apply ({unknown.reason})")
        subnets, groups, public = [], [], None
    else:
        for name, ids in (("subnets", subnets), ("security_groups", groups)):
            if not all(isinstance(i, str) and i for i in _as_list(ids)) or isinstance(
                _planned(inst, *config, name), str
            ):
                raise InputError(f"{_where(inst)}: {name} must be a list of ids, found {_shown(ids)}")
    awslogs, secrets, images = _needs(plan, plan.value(inst, *task_def))
    return TaskNetwork(
        source=source,
        subnets=tuple(_as_list(subnets)),
        security_groups=tuple(_as_list(groups)),
        assign_public_ip=_assign_public_ip(inst, public),
        locations={"subnets": inst.location},
        problems=tuple(problems),
        uses_awslogs=awslogs,
        secrets_from=secrets,
        images=images,
    )


def _assign_public_ip(inst: Instance, public: Any) -> bool:
    """A bool in the plan (absent or null: false, the provider's default); an unknown value has
    made the network configuration a problem already. Anything else is never read as false."""
    if public is None or isinstance(public, (bool, Unknown)):
        return public is True
    if isinstance(public, str) and public.lower() in ("true", "false"):
        return public.lower() == "true"
    raise InputError(f"{_where(inst)}: assign_public_ip must be true or false, found {_shown(public)}")


def _planned(inst: Instance, *path: Any) -> Any:
    """The value the plan writes at ``path`` (a reference not followed)."""
    node: Any = inst.after or {}
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return None
    return node


def _where(inst: Instance) -> str:
    loc = inst.location
    return f"{loc.path}:{loc.line}: {inst.address}" if loc.line else f"{loc.path}: {inst.address}"


def _shown(value: Any) -> str:
    return " ".join(repr(value).split())[:80]


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else value if isinstance(value, list) else [value]


def _needs(plan: Plan, task_def: Any) -> tuple[bool, tuple[str, ...], tuple[str, ...]]:
    """The needs of the task definition the service runs (by address or ARN), when the plan holds it."""
    for inst in plan.instances.values():
        if inst.type != "aws_ecs_task_definition" or task_def not in (
            inst.address,
            inst.id(),
            (inst.after or {}).get("arn"),
        ):
            continue
        text = plan.value(inst, "container_definitions")
        try:
            containers = json.loads(text) if isinstance(text, str) else None
        except (ValueError, RecursionError):
            containers = None
        if containers is None:  # not readable before apply: awslogs assumed, as when not in the plan
            return True, (), ()
        return (*container_needs(containers), container_images(containers))
    return True, (), ()  # not in the plan (an existing task definition): its containers are not known
