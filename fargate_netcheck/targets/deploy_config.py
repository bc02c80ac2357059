"""Resolve each task's network from a CloudReactor deployment config, as the deployer would.

Two layouts exist; both keep Ansible vars in ``vars/common.yml`` and ``vars/<env>.yml`` (under
``deploy_config/`` or, in older projects, ``deploy/``), and the env file's top-level variables replace
common's of the same name (Ansible vars precedence: the later file wins).

Schema 4 (the current deployer; followed: CloudReactor/aws-ecs-cloudreactor-deployer,
ansible/deploy.yml and deploy_config/vars/common.yml, example.yml). The network is ``aws.network``:

    run environment aws  < project_aws < env_aws             (task-independent AWS settings)
    < project_task_config < env_to_task_config[env] < env_task_config
    < project_task_name_to_config[task] < env_to_task_name_to_config[env][task]
    < env_task_name_to_config[task]

Legacy (deployer 3 and cloudreactor-python-ecs-quickstart's deploy/; followed: the deployer 3
README "Configuration hierarchy", the quickstart's deploy/deploy.yml and the deployer's older
ansible/templates/ecs_task_definition.json.j2). The network is ``ecs.task.network``:

    run environment < project_aws (its ``ecs``)
    < default_task_config < env_to_default_task_config[env] < task_name_to_config[task]
    < env_to_task_name_to_config[env][task] < default_env_task_config < task_name_to_env_config[task]

Merging is Ansible's ``combine(recursive=True)``: mappings merge key by key, anything else (lists,
strings, null) replaces. A null network value means "use the Run Environment's", as the deployer's
config comments say. Tasks are the union of the per-task maps' keys; one whose ``deployed`` is set
to anything but true (or that is ``removed_from_task_manager``) is skipped, as the deployer does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import SourceLocation
from fargate_netcheck.core.task_network import TaskNetwork
from fargate_netcheck.targets.run_environment import NetworkDefaults
from fargate_netcheck.targets.to_targets import ConfigNetwork
from fargate_netcheck.targets.yaml_lines import LocatedDict, VaultValue, combine, load_yaml, located

NETWORK_FIELDS = ("subnets", "security_groups", "assign_public_ip")
V4_ONLY_KEYS = (
    "project_task_config",
    "project_task_name_to_config",
    "env_to_task_config",
    "env_task_config",
    "env_task_name_to_config",
)
# Legacy key -> its schema 4 name (the deployer's "Check legacy <4.0 properties" task).
LEGACY_KEYS = {
    "default_task_config": "project_task_config",
    "task_name_to_config": "project_task_name_to_config",
    "env_to_default_task_config": "env_to_task_config",
    "default_env_task_config": "env_task_config",
    "task_name_to_env_config": "env_task_name_to_config",
}
_V4_NETWORK = ("aws", "network")
_LEGACY_NETWORK = ("ecs", "task", "network")
_ID_KIND = {"subnets": "subnet", "security_groups": "security group"}


def is_jinja(value: object) -> bool:
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def _where(location: SourceLocation | None, fallback: str) -> str:
    if location is None:
        return fallback
    return f"{location.path}:{location.line}" if location.line else location.path


def _plain(value: object) -> Any:
    """A Run Environment tuple as the list a YAML config would hold."""
    return list(value) if isinstance(value, tuple) else value


def _mapping(variables: LocatedDict, name: str, *keys: str) -> LocatedDict:
    """``variables[name][keys...]``, where a missing or null level counts as ``{}``."""
    value: Any = variables
    location: SourceLocation | None = None
    path = (name, *keys)
    for depth, key in enumerate(path):
        if not isinstance(value, dict):
            return LocatedDict()
        location = getattr(value, "locations", {}).get(key, location)
        value = value.get(key)
        if value is None:
            return LocatedDict()
        if not isinstance(value, dict):
            dotted = ".".join(path[: depth + 1])
            raise InputError(
                f"{_where(location, name)}: {dotted} must be a mapping, not {type(value).__name__}"
            )
    return value


def find_vars_dir(path: Path) -> Path:
    """The folder holding ``common.yml``: PATH may be a project root, its config folder or ``vars``."""
    if path.is_file() and path.name == "common.yml":
        return path.parent
    if not path.exists():
        raise InputError(f"{path}: not found")
    for candidate in (path / "deploy_config" / "vars", path / "deploy" / "vars", path / "vars", path):
        if (candidate / "common.yml").is_file():
            return candidate
    raise InputError(f"{path}: no deploy_config/vars/common.yml or deploy/vars/common.yml found")


def _load_vars(path: Path) -> LocatedDict:
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}:1: expected a mapping of Ansible variables at the top level")
    return cast(LocatedDict, data)  # the located loader makes every mapping a LocatedDict


def config_filename_stem(env: str, stem: str | None = None) -> str:
    """The name of the environment's vars file, as the deployer's deploy.sh resolves it: its
    ``CONFIG_FILENAME_STEM`` when set, else the environment name with every character outside
    ``[a-zA-Z0-9_-]`` removed (``staging_crstaging.yml`` can hold env ``staging``'s settings)."""
    return stem or re.sub(r"[^a-zA-Z0-9_-]", "", env)


def load_variables(vars_dir: Path, env: str, stem: str | None = None) -> LocatedDict:
    """common.yml's variables, then ``<stem>.yml``'s replacing those of the same name."""
    env_file = vars_dir / f"{config_filename_stem(env, stem)}.yml"
    if not env_file.is_file():
        known = sorted(p.stem for p in vars_dir.glob("*.yml") if p.stem not in ("common", "example"))
        hint = f" (found: {', '.join(known)}; name another with --config-filename-stem)" if known else ""
        raise InputError(f"{env_file}: deployment environment file for '{env}' not found{hint}")
    variables = _load_vars(vars_dir / "common.yml")
    env_vars = _load_vars(env_file)
    merged = LocatedDict({**variables, **env_vars})
    merged.locations = {**variables.locations, **env_vars.locations}
    return merged


def _is_v4(variables: LocatedDict, vars_dir: Path) -> bool:
    schema = variables.get("schema_version")
    legacy = [key for key in LEGACY_KEYS if key in variables]
    v4 = schema is not None or any(key in variables for key in V4_ONLY_KEYS)
    if schema is not None and schema != 4:
        where = _where(variables.locations.get("schema_version"), "schema_version")
        raise InputError(f"{where}: schema_version {schema!r} is not supported (the deployer accepts 4)")
    if v4 and legacy:
        key = legacy[0]
        where = _where(variables.locations.get(key), key)
        raise InputError(f"{where}: {key} is a pre-4.0 name; schema 4 calls it {LEGACY_KEYS[key]}")
    if not v4 and not legacy and "env_to_task_name_to_config" not in variables:
        raise InputError(
            f"{vars_dir / 'common.yml'}: no CloudReactor task configuration "
            "(expected project_task_name_to_config or task_name_to_config)"
        )
    return v4


def _task_maps(variables: LocatedDict, env: str, v4: bool) -> list[LocatedDict]:
    if v4:
        return [
            _mapping(variables, "project_task_name_to_config"),
            _mapping(variables, "env_to_task_name_to_config", env),
            _mapping(variables, "env_task_name_to_config"),
        ]
    return [
        _mapping(variables, "task_name_to_config"),
        _mapping(variables, "env_to_task_name_to_config", env),
        _mapping(variables, "task_name_to_env_config"),
    ]


def _task_layer(task_map: LocatedDict, task: str) -> Any:
    value = task_map.get(task)
    if value is not None and not isinstance(value, dict):
        raise InputError(f"{_where(task_map.locations.get(task), task)}: task {task} must be a mapping")
    return value or LocatedDict()


def _resolve_task(
    variables: LocatedDict, env: str, task: str, v4: bool, defaults: NetworkDefaults
) -> LocatedDict:
    """The task's merged configuration, with the network at ``aws.network`` (schema 4) or
    ``ecs.task.network`` (legacy)."""
    network = {name: _plain(getattr(defaults, name)) for name in NETWORK_FIELDS}
    network = {name: value for name, value in network.items() if value is not None}
    per_task = [_task_layer(m, task) for m in _task_maps(variables, env, v4)]
    if v4:
        run_env_aws = located({"network": network}, defaults.location)
        aws = combine(
            run_env_aws, combine(_mapping(variables, "project_aws"), _mapping(variables, "env_aws"))
        )
        layers = [
            LocatedDict(aws=aws),
            _mapping(variables, "project_task_config"),
            _mapping(variables, "env_to_task_config", env),
            _mapping(variables, "env_task_config"),
            *per_task,
        ]
    else:
        run_env_aws = located({"ecs": {"task": {"network": network}}}, defaults.location)
        aws = combine(run_env_aws, _mapping(variables, "project_aws"))
        layers = [
            LocatedDict(ecs=aws.get("ecs") or LocatedDict()),
            _mapping(variables, "default_task_config"),
            _mapping(variables, "env_to_default_task_config", env),
            per_task[0],
            per_task[1],
            _mapping(variables, "default_env_task_config"),
            per_task[2],
        ]
    resolved = LocatedDict()
    for layer in layers:
        resolved = combine(resolved, layer)
    return resolved


def _id_list(
    value: object, name: str, location: SourceLocation | None, problems: list[str]
) -> tuple[tuple[str, ...], bool]:
    """The ids ``value`` holds, and whether that is all of it (each reason why not is in ``problems``)."""
    kind = _ID_KIND[name]
    where = _where(location, name)
    if is_jinja(value) or isinstance(value, VaultValue) or not isinstance(value, list):
        why = "is a Jinja expression" if is_jinja(value) else "is not a list of ids"
        if isinstance(value, VaultValue):
            why = "is encrypted with ansible-vault"
        problems.append(
            f"{where}: {name} {why}; fargate-netcheck does not render templates or decrypt values, so "
            f"it was left out (write the {kind} ids, or pass them on the command line)"
        )
        return (), False
    item_locations = getattr(value, "item_locations", [])
    ids: list[str] = []
    for index, item in enumerate(value):
        item_where = _where(item_locations[index] if index < len(item_locations) else location, name)
        if isinstance(item, VaultValue):
            problems.append(f"{item_where}: a {kind} in {name} is encrypted with ansible-vault; left out")
        elif is_jinja(item):
            problems.append(
                f"{item_where}: {name} holds the Jinja expression {item!r} where a {kind} id must be; "
                f"fargate-netcheck does not render templates, so it was left out (write the {kind} id)"
            )
        elif not isinstance(item, str) or not item.strip():
            problems.append(f"{item_where}: {name} holds {item!r}, not a {kind} id; left out")
        else:
            ids.append(item.strip())
    return tuple(ids), len(ids) == len(value)


def _public_ip(value: object, location: SourceLocation | None, problems: list[str]) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
        return value.strip().lower() in ("true", "yes")
    what = "a Jinja expression" if is_jinja(value) else repr(value)
    problems.append(f"{_where(location, 'assign_public_ip')}: assign_public_ip is {what}, not true/false")
    return None


def _network_container(resolved: object, path: tuple[str, ...], problems: list[str]) -> dict[str, Any] | None:
    """The mapping at ``path`` (``{}`` when absent or null); None when something else is written there."""
    container: Any = resolved
    for depth, key in enumerate(path):
        location = getattr(container, "locations", {}).get(key)
        value = container.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            what = "a Jinja expression" if is_jinja(value) else f"a {type(value).__name__}"
            dotted = ".".join(path[: depth + 1])
            problems.append(f"{_where(location, dotted)}: {dotted} is {what}, not a mapping; network unknown")
            return None
        container = value
    return container


def _network(resolved: object, v4: bool, defaults: NetworkDefaults, problems: list[str]) -> dict[str, Any]:
    """The ``ConfigNetwork`` fields of the task's network. A field written but not readable (a Jinja
    expression, a vaulted value, a wrong spelling) is ``unresolved``: unknown to the check, never the
    default that applies when the field is absent."""
    network = _network_container(resolved, _V4_NETWORK if v4 else _LEGACY_NETWORK, problems)
    locations: dict[str, SourceLocation] = {}
    values: dict[str, Any] = {"subnets": (), "security_groups": (), "assign_public_ip": None}
    if network is None:  # the config replaces the whole network (and the Run Environment's) unreadably
        return {**values, "locations": locations, "unresolved": frozenset(NETWORK_FIELDS)}
    unresolved: set[str] = set()
    for name in NETWORK_FIELDS:
        value, location = network.get(name), getattr(network, "locations", {}).get(name)
        if value is None and getattr(defaults, name) is not None:  # null: use the Run Environment's
            value, location = _plain(getattr(defaults, name)), defaults.location
        if value is None:
            continue
        if name == "assign_public_ip":
            values[name] = _public_ip(value, location, problems)
            complete = values[name] is not None
        else:
            values[name], complete = _id_list(value, name, location, problems)
        if not complete:
            unresolved.add(name)
        if location is not None:
            locations[name] = location
    values["locations"] = locations
    values["unresolved"] = frozenset(unresolved)
    return values


def _secret_kind(value: str, value_from: bool) -> str | None:
    if value.startswith("arn:"):
        service = value.split(":")[2] if value.count(":") >= 2 else ""
        return service if service in ("secretsmanager", "ssm") else None
    if value_from and value and not is_jinja(value):
        return "ssm"  # a bare valueFrom is an SSM parameter name in the task's region
    return None


def _secret_kinds(value: object, key: object = None) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_secret_kinds(v, k) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(_secret_kinds(v, key) for v in value))
    if isinstance(value, str) and not isinstance(value, VaultValue):
        kind = _secret_kind(value, key in ("valueFrom", "credentialsParameter"))
        return {kind} if kind else set()
    return set()


def _secrets_from(resolved: object, variables: LocatedDict) -> tuple[str, ...]:
    kinds = _secret_kinds(resolved)
    deployment = combine(_mapping(variables, "project_deployment"), _mapping(variables, "env_deployment"))
    for key in ("task_runtime_env_secret_path", "container_registry_credentials_secret_path"):
        if isinstance(deployment.get(key), str) and deployment[key] not in ("", "__unset__"):
            kinds.add("secretsmanager")
    return tuple(k for k in ("secretsmanager", "ssm") if k in kinds)


def _uses_awslogs(resolved: LocatedDict, v4: bool) -> bool:
    """The deployer's task definition logs with awslogs unless ``aws.log_configuration`` says otherwise
    (schema 4); the legacy template always used awslogs."""
    aws = resolved.get("aws") if v4 else None
    log_configuration = aws.get("log_configuration") if isinstance(aws, dict) else None
    if isinstance(log_configuration, dict):
        return log_configuration.get("logDriver") == "awslogs"
    return True


def _deployed(resolved: LocatedDict, label: str, problems: list[str]) -> bool:
    """As the deployer's task filter: ``deployed`` absent, or ``to_string(deployed) == 'true'`` (JMESPath),
    which the boolean true and the string ``"true"`` both pass."""
    deployed = resolved.get("deployed")
    if is_jinja(deployed):
        where = _where(getattr(resolved, "locations", {}).get("deployed"), "deployed")
        problems.append(f"{where}: deployed is a Jinja expression; {label} was checked as if deployed")
        return True
    return deployed in (None, True, "true") and resolved.get("removed_from_task_manager") is not True


def resolve_deploy_config(
    path: Path,
    env: str,
    task: str | None = None,
    defaults: NetworkDefaults | None = None,
    stem: str | None = None,
) -> list[TaskNetwork]:
    """The network of every deployed task of ``env`` (or only ``task``), in config order; ``stem``
    names the env's vars file when it is not the env's own name (the deployer's CONFIG_FILENAME_STEM)."""
    defaults = defaults or NetworkDefaults()
    vars_dir = find_vars_dir(path)
    variables = load_variables(vars_dir, env, stem)
    v4 = _is_v4(variables, vars_dir)
    names = list(dict.fromkeys(name for m in _task_maps(variables, env, v4) for name in m))
    if task is not None and task not in names:
        known = ", ".join(str(n) for n in names) or "none"
        raise InputError(f"{vars_dir}: no task named '{task}' in environment '{env}' (tasks: {known})")
    networks: list[TaskNetwork] = []
    for name in [task] if task is not None else names:
        label = f"deploy-config:{env}/{name}"
        resolved = _resolve_task(variables, env, str(name), v4, defaults)
        problems: list[str] = []
        if not _deployed(resolved, label, problems):
            if task is not None:
                where = _where(resolved.locations.get("deployed"), str(vars_dir))
                raise InputError(f"{where}: task '{task}' is not deployed in environment '{env}'")
            continue
        values = _network(resolved, v4, defaults, problems)
        networks.append(
            ConfigNetwork(
                source=label,
                problems=tuple(problems),
                uses_awslogs=_uses_awslogs(resolved, v4),
                secrets_from=_secrets_from(resolved, variables),
                **values,
            )
        )
    return networks
