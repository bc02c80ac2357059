"""What a task definition's containers read at launch, as ``Target.needs`` names: CloudWatch Logs
for the awslogs driver, Secrets Manager or SSM Parameter Store for secrets (and private registry
credentials), and where each container's image is pulled from (``image:`` needs, as ECS services
get them: ``core.image_registry``). Shared by CloudFormation and Terraform: both describe
containers in ECS's own shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fargate_netcheck.core.image_registry import image_need
from fargate_netcheck.core.json_types import JsonDict


def container_needs(
    containers: Any, kind_of: Callable[[str], str | None] = lambda _: None
) -> tuple[bool, tuple[str, ...]]:
    """(uses awslogs, secret services) of a list of container definitions in ECS's shape (either
    case: CloudFormation writes ``LogConfiguration``, ECS's JSON ``logConfiguration``).

    ``kind_of`` names the service of a secret given as a reference to a resource of the same
    template (its id), when the reference is not an ARN."""
    awslogs = False
    services: list[str] = []
    for container in containers if isinstance(containers, list) else []:
        if not isinstance(container, dict):
            continue
        logs = _get(container, "LogConfiguration") or {}
        awslogs = awslogs or (isinstance(logs, dict) and _get(logs, "LogDriver") == "awslogs")
        for secret in [
            *(_get(container, "Secrets") or []),
            *(_get(logs, "SecretOptions") or [] if isinstance(logs, dict) else []),
        ]:
            if isinstance(secret, dict):
                services.append(secret_service(_get(secret, "ValueFrom"), kind_of))
        credentials = _get(container, "RepositoryCredentials")
        if isinstance(credentials, dict) and _get(credentials, "CredentialsParameter"):
            services.append("secretsmanager")
    return awslogs, tuple(dict.fromkeys(s for s in services if s))


def container_images(containers: Any) -> tuple[str, ...]:
    """Where the containers' images are pulled from, as ``image:`` needs (``core.image_registry``;
    either case: ``Image`` or ``image``)."""
    found = (
        [_get(c, "Image") for c in containers if isinstance(c, dict)] if isinstance(containers, list) else []
    )
    return tuple(dict.fromkeys(image_need(image) for image in found))


def secret_service(value_from: Any, kind_of: Callable[[str], str | None]) -> str:
    """ECS takes a Secrets Manager secret's ARN, or an SSM parameter's ARN or name."""
    if not isinstance(value_from, str):
        return ""
    known = kind_of(value_from)
    if known:
        return known
    if value_from.startswith("arn:"):
        service = value_from.split(":")[2] if value_from.count(":") >= 2 else ""
        return service if service in ("secretsmanager", "ssm") else ""
    return "ssm"


def _get(obj: JsonDict, key: str) -> Any:
    return obj[key] if key in obj else obj.get(key[0].lower() + key[1:])
