"""Network defaults from a CloudReactor Run Environment, as its API returns it.

A Run Environment holds the AWS settings every Task deployed to it starts from. The deployer reads it
from ``GET /api/v1/run_environments/?name=<name>`` and takes ``results[0]`` after checking
``count == 1`` (CloudReactor/aws-ecs-cloudreactor-deployer, ansible/deploy.yml), then the AWS
settings under ``infrastructure_settings.AWS.__default__.settings`` (its ``network`` holds
``subnets``, ``security_groups`` and ``assign_public_ip``). The server also still returns the
deprecated ``execution_method_capabilities`` list, whose ``"AWS ECS"`` entry has ``default_subnets``,
``default_security_groups`` and ``default_assign_public_ip`` (CloudReactor/task_manager,
server/processes/serializers/run_environment_serializer.py and
base_aws_ecs_execution_method_serializer.py); the older deployer read those
(CloudReactor/cloudreactor-python-ecs-quickstart, deploy/deploy.yml). Each setting is taken from the
current shape when present there, else from the deprecated one, else from the server's flat
model fields (``aws_default_subnets``, ``aws_ecs_default_security_groups``,
``aws_ecs_default_assign_public_ip``) in case an export holds those.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import SMALL_LIMIT
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.jsonfile import read_json
from fargate_netcheck.core.model import SourceLocation

_SETTINGS_PATH = ("infrastructure_settings", "AWS", "__default__", "settings", "network")
_SETTINGS_TEXT = ".".join(_SETTINGS_PATH)
_ECS_CAPABILITY = "AWS ECS"


@dataclass(frozen=True)
class NetworkDefaults:
    """The lowest layer of a task's network settings. ``None`` means the Run Environment sets nothing."""

    subnets: tuple[str, ...] | None = None
    security_groups: tuple[str, ...] | None = None
    assign_public_ip: bool | None = None
    location: SourceLocation | None = None

    def is_empty(self) -> bool:
        return self.subnets is None and self.security_groups is None and self.assign_public_ip is None


def _line_of(text: str, key: str) -> int | None:
    """1-based line of the first ``"key"`` in ``text`` (JSON keeps no positions; this is close enough)."""
    index = text.find(f'"{key}"')
    return None if index < 0 else text.count("\n", 0, index) + 1


def _dig(value: object, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _ids(value: object, what: str, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InputError(f"{where}: {what} must be a list of ids, got {json.dumps(value)[:80]}")
    return tuple(value)


def _flag(value: object, what: str, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InputError(f"{where}: {what} must be true or false, got {json.dumps(value)[:80]}")


def _ecs_capability(run_environment: JsonDict, where: str) -> JsonDict:
    capabilities = run_environment.get("execution_method_capabilities") or []
    if not isinstance(capabilities, list):
        raise InputError(
            f"{where}: execution_method_capabilities must be a list, got {json.dumps(capabilities)[:80]}"
        )
    for capability in capabilities:
        if isinstance(capability, dict) and capability.get("type") == _ECS_CAPABILITY:
            return capability
    return {}


def _single_run_environment(data: object, shown: str) -> JsonDict:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        results = data["results"]
        if len(results) != 1:
            raise InputError(
                f"{shown}: the Run Environment list holds {len(results)} results, expected exactly 1 "
                "(fetch it with ?name=<run environment name>)"
            )
        data = results[0]
    if not isinstance(data, dict):
        raise InputError(f"{shown}: expected a CloudReactor Run Environment JSON object")
    return data


def parse_run_environment(data: object, text: str, shown: str) -> NetworkDefaults:
    """``NetworkDefaults`` from the decoded JSON ``data`` (``text`` is used only to find line numbers)."""
    run_environment = _single_run_environment(data, shown)
    network = _dig(run_environment, _SETTINGS_PATH)
    if network is not None and not isinstance(network, dict):
        raise InputError(f"{shown}:{_line_of(text, 'network')}: {_SETTINGS_TEXT} must be an object")
    network = network or {}
    capability = _ecs_capability(
        run_environment, f"{shown}:{_line_of(text, 'execution_method_capabilities')}"
    )

    def pick(current: str, deprecated: str, flat: str) -> tuple[Any, str]:
        for source, key in ((network, current), (capability, deprecated), (run_environment, flat)):
            if source.get(key) is not None:
                return source[key], key
        return None, current

    subnets, subnets_key = pick("subnets", "default_subnets", "aws_default_subnets")
    groups, groups_key = pick("security_groups", "default_security_groups", "aws_ecs_default_security_groups")
    public_ip, public_ip_key = pick(
        "assign_public_ip", "default_assign_public_ip", "aws_ecs_default_assign_public_ip"
    )

    def where(key: str) -> str:
        line = _line_of(text, key)
        return f"{shown}:{line}" if line else shown

    first_key = next((k for k, v in ((subnets_key, subnets), (groups_key, groups)) if v is not None), None)
    anchor = "network" if network else first_key or public_ip_key
    line = _line_of(text, anchor)
    return NetworkDefaults(
        subnets=_ids(subnets, subnets_key, where(subnets_key)),
        security_groups=_ids(groups, groups_key, where(groups_key)),
        assign_public_ip=_flag(public_ip, public_ip_key, where(public_ip_key)),
        location=SourceLocation(shown, line),
    )


def load_run_environment(path: Path) -> NetworkDefaults:
    """The network defaults of the Run Environment saved in ``path`` (a single object, or the list
    response ``{"count": 1, "results": [...]}``). Raises ``InputError`` naming the file (and line)."""
    shown = str(path)
    data, text = read_json(path, "Run Environment file", SMALL_LIMIT)
    return parse_run_environment(data, text, shown)
