"""Deploy config resolution: which layer wins, how layers merge, which tasks count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fargate_netcheck.core.model import SourceLocation
from fargate_netcheck.targets.deploy_config import TaskNetwork, resolve_deploy_config
from fargate_netcheck.targets.run_environment import NetworkDefaults


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


RUN_ENV = NetworkDefaults(
    subnets=("subnet-runenv",),
    security_groups=("sg-runenv",),
    assign_public_ip=False,
    location=SourceLocation("run_env.json", 7),
)


def net(**fields: Any) -> dict[str, Any]:
    return {"network": fields}


# Schema 4, lowest to highest precedence: (name, file, variables that set the network there).
V4_LEVELS: list[tuple[str, str, dict[str, Any]]] = [
    ("project-aws", "common", {"project_aws": net(subnets=["subnet-project-aws"])}),
    ("env-aws", "staging", {"env_aws": net(subnets=["subnet-env-aws"])}),
    ("project-task", "common", {"project_task_config": {"aws": net(subnets=["subnet-project-task"])}}),
    (
        "env-to-task",
        "common",
        {"env_to_task_config": {"staging": {"aws": net(subnets=["subnet-env-to-task"])}}},
    ),
    ("env-task", "staging", {"env_task_config": {"aws": net(subnets=["subnet-env-task"])}}),
    (
        "per-task",
        "common",
        {"project_task_name_to_config": {"smoke": {"aws": net(subnets=["subnet-per-task"])}}},
    ),
    (
        "env-to-per-task",
        "common",
        {
            "env_to_task_name_to_config": {
                "staging": {"smoke": {"aws": net(subnets=["subnet-env-to-per-task"])}}
            }
        },
    ),
    (
        "env-per-task",
        "staging",
        {"env_task_name_to_config": {"smoke": {"aws": net(subnets=["subnet-env-per-task"])}}},
    ),
]

# Legacy layout (deploy/vars), lowest to highest, as the deployer 3 README orders them.
LEGACY_LEVELS: list[tuple[str, str, dict[str, Any]]] = [
    ("project-aws", "staging", {"project_aws": {"ecs": {"task": net(subnets=["subnet-project-aws"])}}}),
    (
        "default-task",
        "common",
        {"default_task_config": {"ecs": {"task": net(subnets=["subnet-default-task"])}}},
    ),
    (
        "env-to-default",
        "common",
        {
            "env_to_default_task_config": {
                "staging": {"ecs": {"task": net(subnets=["subnet-env-to-default"])}}
            }
        },
    ),
    (
        "per-task",
        "common",
        {"task_name_to_config": {"smoke": {"ecs": {"task": net(subnets=["subnet-per-task"])}}}},
    ),
    (
        "env-to-per-task",
        "common",
        {
            "env_to_task_name_to_config": {
                "staging": {"smoke": {"ecs": {"task": net(subnets=["subnet-env-to-per-task"])}}}
            }
        },
    ),
    (
        "default-env-task",
        "staging",
        {"default_env_task_config": {"ecs": {"task": net(subnets=["subnet-default-env-task"])}}},
    ),
    (
        "env-per-task",
        "staging",
        {"task_name_to_env_config": {"smoke": {"ecs": {"task": net(subnets=["subnet-env-per-task"])}}}},
    ),
]


def build(write_files: Any, folder: str, base: dict[str, dict[str, Any]], levels: list[tuple]) -> Path:
    files = {name: dict(content) for name, content in base.items()}
    for _, file_name, variables in levels:
        files[file_name] = deep_merge(files[file_name], variables)
    return write_files({f"{folder}/vars/{name}.yml": content for name, content in files.items()})


def only(networks: list[TaskNetwork]) -> TaskNetwork:
    assert len(networks) == 1, networks
    return networks[0]


def assert_set_at(network: TaskNetwork, field: str, file_name: str) -> None:
    location = network.locations[field]
    assert location.path.endswith(f"/vars/{file_name}.yml")
    line = Path(location.path).read_text().splitlines()[location.line - 1]
    assert line.strip().startswith(f"{field}:")


@pytest.mark.parametrize("top", range(len(V4_LEVELS)), ids=[level[0] for level in V4_LEVELS])
def test_v4_each_level_overrides_every_level_below(write_files: Any, top: int) -> None:
    base = {"common": {"schema_version": 4, "project_task_name_to_config": {"smoke": {}}}, "staging": {}}
    root = build(write_files, "deploy_config", base, V4_LEVELS[: top + 1])
    name, file_name, _ = V4_LEVELS[top]
    network = only(resolve_deploy_config(root, "staging", None, RUN_ENV))
    assert network.subnets == (f"subnet-{name}",)
    assert_set_at(network, "subnets", file_name)
    assert network.security_groups == ("sg-runenv",)  # nothing above the Run Environment set them
    assert network.locations["security_groups"] == RUN_ENV.location


@pytest.mark.parametrize("top", range(len(LEGACY_LEVELS)), ids=[level[0] for level in LEGACY_LEVELS])
def test_legacy_each_level_overrides_every_level_below(write_files: Any, top: int) -> None:
    base = {"common": {"task_name_to_config": {"smoke": {"command": "echo"}}}, "staging": {}}
    root = build(write_files, "deploy", base, LEGACY_LEVELS[: top + 1])
    name, file_name, _ = LEGACY_LEVELS[top]
    network = only(resolve_deploy_config(root, "staging", None, RUN_ENV))
    assert network.subnets == (f"subnet-{name}",)
    assert_set_at(network, "subnets", file_name)


def test_run_environment_is_the_lowest_layer(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": {
                "schema_version": 4,
                "project_task_name_to_config": {"smoke": {}},
            },
            "deploy_config/vars/staging.yml": {},
        }
    )
    network = only(resolve_deploy_config(root, "staging", None, RUN_ENV))
    assert (network.subnets, network.security_groups, network.assign_public_ip) == (
        ("subnet-runenv",),
        ("sg-runenv",),
        False,
    )
    assert set(network.locations.values()) == {RUN_ENV.location}


def test_legacy_env_wide_secret_settings_beat_common_per_task_settings(write_files: Any) -> None:
    # deployer 3 README: default_env_task_config (env file) ranks above task_name_to_config (common)
    levels = [LEGACY_LEVELS[3], LEGACY_LEVELS[5]]
    root = build(write_files, "deploy", {"common": {}, "staging": {}}, levels)
    assert only(resolve_deploy_config(root, "staging")).subnets == ("subnet-default-env-task",)


def test_dicts_merge_field_by_field_across_levels(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": {
                "schema_version": 4,
                "project_aws": net(security_groups=["sg-project"], assign_public_ip=True),
                "project_task_name_to_config": {"smoke": {"aws": net(subnets=["subnet-task"])}},
            },
            "deploy_config/vars/staging.yml": {"env_task_config": {"aws": net(assign_public_ip=False)}},
        }
    )
    network = only(resolve_deploy_config(root, "staging"))
    assert network.subnets == ("subnet-task",)
    assert network.security_groups == ("sg-project",)
    assert network.assign_public_ip is False
    assert_set_at(network, "security_groups", "common")
    assert_set_at(network, "assign_public_ip", "staging")


def test_lists_replace_rather_than_extend(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": {
                "schema_version": 4,
                "project_aws": net(subnets=["subnet-a", "subnet-b"]),
                "project_task_name_to_config": {"smoke": {}},
            },
            "deploy_config/vars/staging.yml": {
                "env_task_name_to_config": {"smoke": {"aws": net(subnets=["subnet-c"])}}
            },
        }
    )
    assert only(resolve_deploy_config(root, "staging")).subnets == ("subnet-c",)


def test_env_file_variable_replaces_common_variable_of_the_same_name(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": {
                "schema_version": 4,
                "project_aws": net(subnets=["subnet-common"], security_groups=["sg-common"]),
                "project_task_name_to_config": {"smoke": {}},
            },
            "deploy_config/vars/staging.yml": {"project_aws": net(subnets=["subnet-staging"])},
        }
    )
    network = only(resolve_deploy_config(root, "staging"))
    assert network.subnets == ("subnet-staging",)
    assert network.security_groups == ()  # Ansible vars: the later file's variable wins whole
    assert "security_groups" not in network.locations


def test_null_falls_back_to_the_run_environment(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": {
                "schema_version": 4,
                "project_aws": net(subnets=["subnet-project"]),
                "project_task_name_to_config": {"smoke": {"aws": net(subnets=None)}},
            },
            "deploy_config/vars/staging.yml": {},
        }
    )
    network = only(resolve_deploy_config(root, "staging", None, RUN_ENV))
    assert network.subnets == ("subnet-runenv",)
    assert network.locations["subnets"] == RUN_ENV.location


def test_not_deployed_tasks_are_skipped_and_env_can_deploy_them(write_files: Any) -> None:
    common = {
        "schema_version": 4,
        "project_aws": net(subnets=["subnet-1"]),
        "project_task_name_to_config": {
            "smoke": {},
            "web": {"deployed": False},
            "old": {"removed_from_task_manager": True},
        },
        "env_to_task_name_to_config": {"production": {"web": {"deployed": True}}, "staging": {"extra": {}}},
    }
    root = write_files(
        {
            "deploy_config/vars/common.yml": common,
            "deploy_config/vars/staging.yml": {"env_task_name_to_config": {"late": {}}},
            "deploy_config/vars/production.yml": {},
        }
    )
    staging = [n.source for n in resolve_deploy_config(root, "staging")]
    production = [n.source for n in resolve_deploy_config(root, "production")]
    assert staging == [
        "deploy-config:staging/smoke",
        "deploy-config:staging/extra",
        "deploy-config:staging/late",
    ]
    assert production == ["deploy-config:production/smoke", "deploy-config:production/web"]


def test_task_filter_returns_only_that_task(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": {
                "schema_version": 4,
                "project_task_name_to_config": {"a": {}, "b": {}},
            },
            "deploy_config/vars/staging.yml": {},
        }
    )
    assert [n.source for n in resolve_deploy_config(root, "staging", "b")] == ["deploy-config:staging/b"]


@pytest.mark.parametrize("given", ["root", "config folder", "vars folder", "common.yml"])
def test_path_may_be_root_config_folder_vars_folder_or_common_file(write_files: Any, given: str) -> None:
    root = write_files(
        {
            "deploy/vars/common.yml": {
                "task_name_to_config": {"smoke": {"ecs": {"task": net(subnets=["s-1"])}}}
            },
            "deploy/vars/staging.yml": {},
        }
    )
    path = {
        "root": root,
        "config folder": root / "deploy",
        "vars folder": root / "deploy" / "vars",
        "common.yml": root / "deploy" / "vars" / "common.yml",
    }[given]
    assert only(resolve_deploy_config(path, "staging")).subnets == ("s-1",)


def test_yaml_anchors_and_merge_keys_resolve_with_the_anchor_line(write_files: Any) -> None:
    root = write_files(
        {
            "deploy/vars/common.yml": """\
                default_task_config:
                  ecs: &default_ecs
                    task:
                      network:
                        security_groups: [sg-anchor]
                task_name_to_config:
                  file_io:
                    ecs:
                      <<: *default_ecs
                      cpu_units: 512
                """,
            "deploy/vars/staging.yml": "",
        }
    )
    network = only(resolve_deploy_config(root, "staging"))
    assert network.security_groups == ("sg-anchor",)
    assert network.locations["security_groups"].line == 5


def test_awslogs_and_secret_stores_are_reported(write_files: Any) -> None:
    secrets = [
        {"name": "A", "valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:a"},
        {"name": "B", "valueFrom": "my-parameter"},
    ]
    root = write_files(
        {
            "deploy_config/vars/common.yml": {
                "schema_version": 4,
                "project_task_name_to_config": {
                    "smoke": {"ecs": {"extra_main_container_properties": {"secrets": secrets}}},
                    "plain": {"aws": {"log_configuration": {"logDriver": "awsfirelens"}}},
                },
            },
            "deploy_config/vars/staging.yml": {},
        }
    )
    smoke, plain = resolve_deploy_config(root, "staging")
    assert (smoke.uses_awslogs, smoke.secrets_from) == (True, ("secretsmanager", "ssm"))
    assert (plain.uses_awslogs, plain.secrets_from) == (False, ())
