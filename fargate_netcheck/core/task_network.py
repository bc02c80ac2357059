"""What a task's network is, wherever it was read from: a deployment config (``targets/``) or an
ECS service (``collect/ecs``). Shared vocabulary of both, so the collector never imports a target
source."""

from __future__ import annotations

from dataclasses import dataclass, field

from fargate_netcheck.core.model import SourceLocation


@dataclass(frozen=True)
class TaskNetwork:
    """One task's network settings, from a deployment config or an ECS service."""

    source: str  # "deploy-config:<env>/<task>" or "ecs-service:<cluster>/<service>"
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]
    assign_public_ip: bool | None  # None: not set anywhere
    locations: dict[str, SourceLocation] = field(default_factory=dict)  # field -> where it was set
    problems: tuple[str, ...] = ()  # e.g. a Jinja expression where an id must be
    uses_awslogs: bool = False
    secrets_from: tuple[str, ...] = ()  # "secretsmanager", "ssm"
    # Where each container's image is pulled from, as ``image:`` needs (``core.image_registry``);
    # empty when no task definition is known (the pull then assumes ECR of the task's region).
    images: tuple[str, ...] = ()
    # Tasks of it this tool does not check (they do not run on Fargate), and why: a warning, not a
    # problem of the configuration.
    not_checked: tuple[str, ...] = ()
