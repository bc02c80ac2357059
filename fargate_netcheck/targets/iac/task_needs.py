"""What a task definition's containers read at launch, as ``Target.needs`` names: CloudWatch Logs
for the awslogs driver, Secrets Manager or SSM Parameter Store for secrets (and private registry
credentials). Shared by CloudFormation and Terraform: both describe containers in ECS's own shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
