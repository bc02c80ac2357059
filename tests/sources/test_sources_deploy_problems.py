"""Deploy config input problems: Jinja where an id must be, broken YAML, missing files, bad layouts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.deploy_config import resolve_deploy_config

V4_COMMON_HEAD = """\
schema_version: 4
project_task_name_to_config:
  smoke:
    aws:
      network:
"""


def v4_project(write_files: Any, network_lines: str, staging: str = "") -> Any:
    return write_files(
        {
            "deploy_config/vars/common.yml": V4_COMMON_HEAD + network_lines,
            "deploy_config/vars/staging.yml": staging,
        }
    )


def test_jinja_subnet_item_becomes_a_problem_and_is_dropped(write_files: Any) -> None:
    root = v4_project(
        write_files,
        '        subnets:\n          - subnet-real\n          - "{{ private_subnet_id }}"\n',
    )
    (network,) = resolve_deploy_config(root, "staging")
    assert network.subnets == ("subnet-real",)
    assert len(network.problems) == 1
    problem = network.problems[0]
    assert re.match(r".*/deploy_config/vars/common\.yml:8: ", problem)
    assert "{{ private_subnet_id }}" in problem
    assert "Jinja" in problem


def test_jinja_security_group_list_becomes_a_problem(write_files: Any) -> None:
    root = v4_project(write_files, '        security_groups: "{{ env_groups }}"\n')
    (network,) = resolve_deploy_config(root, "staging")
    assert network.security_groups == ()
    assert "security_groups" in network.problems[0]
    assert network.problems[0].split(": ")[0].endswith("common.yml:6")


def test_jinja_outside_id_lists_is_kept_as_is(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": V4_COMMON_HEAD
            + "        subnets: [subnet-1]\n"
            + 'project_task_config:\n  env:\n    DEPLOYMENT: "{{ env }}"\n',
            "deploy_config/vars/staging.yml": "",
        }
    )
    (network,) = resolve_deploy_config(root, "staging")
    assert network.problems == ()
    assert network.subnets == ("subnet-1",)


def test_jinja_assign_public_ip_becomes_a_problem_and_unknown(write_files: Any) -> None:
    root = v4_project(write_files, "        assign_public_ip: \"{{ env == 'dev' }}\"\n")
    (network,) = resolve_deploy_config(root, "staging")
    assert network.assign_public_ip is None
    assert "assign_public_ip" in network.problems[0]


def test_quoted_boolean_assign_public_ip_is_read(write_files: Any) -> None:
    root = v4_project(write_files, '        assign_public_ip: "True"\n')
    (network,) = resolve_deploy_config(root, "staging")
    assert network.assign_public_ip is True
    assert network.problems == ()


def test_jinja_network_mapping_becomes_a_problem(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": 'schema_version: 4\nproject_aws:\n  network: "{{ net }}"\n'
            "project_task_name_to_config:\n  smoke: {}\n",
            "deploy_config/vars/staging.yml": "",
        }
    )
    (network,) = resolve_deploy_config(root, "staging")
    assert (network.subnets, network.security_groups, network.assign_public_ip) == ((), (), None)
    assert re.match(r".*common\.yml:3: aws\.network is a Jinja expression", network.problems[0])


def test_vaulted_subnet_becomes_a_problem(write_files: Any) -> None:
    root = v4_project(
        write_files,
        "        subnets:\n          - !vault |\n            $ANSIBLE_VAULT;1.1;AES256\n            3132\n",
    )
    (network,) = resolve_deploy_config(root, "staging")
    assert network.subnets == ()
    assert "ansible-vault" in network.problems[0]


def test_broken_yaml_names_file_and_line(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": "schema_version: 4\nproject_aws:\n  network:\n    subnets: [a,\n",
            "deploy_config/vars/staging.yml": "",
        }
    )
    with pytest.raises(InputError, match=r"common\.yml:5: while parsing a flow node"):
        resolve_deploy_config(root, "staging")


def test_broken_env_yaml_names_the_env_file(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": "schema_version: 4\n",
            "deploy_config/vars/staging.yml": "env_aws:\n  network:\n    subnets: x\n   bad: 1\n",
        }
    )
    with pytest.raises(InputError, match=r"staging\.yml:4: "):
        resolve_deploy_config(root, "staging")


def test_missing_env_file_is_named_with_the_ones_found(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": "schema_version: 4\n",
            "deploy_config/vars/production.yml": "",
            "deploy_config/vars/example.yml": "",
        }
    )
    with pytest.raises(
        InputError,
        match=r"vars/staging\.yml: .*'staging' not found \(found: production; name another with "
        r"--config-filename-stem\)",
    ):
        resolve_deploy_config(root, "staging")


def test_the_env_file_is_named_as_the_deployer_resolves_config_filename_stem(write_files: Any) -> None:
    """deploy.sh reads deploy_config/vars/$CONFIG_FILENAME_STEM.yml, by default the env name with
    every character outside [a-zA-Z0-9_-] removed; the env itself still selects env_* settings."""
    root = write_files(
        {
            "deploy_config/vars/common.yml": (
                "schema_version: 4\nproject_task_name_to_config:\n  etl: {aws: {network: {subnets: [subnet-a]}}}\n"
                "env_to_task_name_to_config:\n  staging:\n    etl: {aws: {network: {subnets: [subnet-env]}}}\n"
            ),
            "deploy_config/vars/staging_crstaging.yml": (
                "env_task_name_to_config:\n  etl: {aws: {network: {security_groups: [sg-stem]}}}\n"
            ),
            "deploy_config/vars/prodeu.yml": (
                "env_task_name_to_config:\n  etl: {aws: {network: {security_groups: [sg-prod]}}}\n"
            ),
        }
    )
    (network,) = resolve_deploy_config(root, "staging", stem="staging_crstaging")
    assert network.subnets == ("subnet-env",)  # env_to_task_name_to_config[env]: the env, not the stem
    assert network.security_groups == ("sg-stem",)
    assert network.locations["security_groups"].path.endswith("staging_crstaging.yml")
    (network,) = resolve_deploy_config(root, "prod.eu")  # default stem: "prodeu"
    assert network.security_groups == ("sg-prod",)
    with pytest.raises(InputError, match=r"vars/staging\.yml: deployment environment file"):
        resolve_deploy_config(root, "staging")


def test_project_without_config_folder_is_an_input_error(tmp_path: Any) -> None:
    with pytest.raises(InputError, match=r"no deploy_config/vars/common\.yml"):
        resolve_deploy_config(tmp_path, "staging")


def test_unknown_task_lists_the_known_ones(write_files: Any) -> None:
    root = v4_project(write_files, "        subnets: [s]\n")
    with pytest.raises(InputError, match=r"no task named 'nope' in environment 'staging' \(tasks: smoke\)"):
        resolve_deploy_config(root, "staging", "nope")


def test_asking_for_a_task_that_is_not_deployed_is_an_input_error(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": "schema_version: 4\nproject_task_name_to_config:\n"
            "  web:\n    deployed: false\n",
            "deploy_config/vars/staging.yml": "",
        }
    )
    with pytest.raises(InputError, match=r"common\.yml:4: task 'web' is not deployed"):
        resolve_deploy_config(root, "staging", "web")


def test_mixing_schema_4_and_legacy_names_is_an_input_error(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": "schema_version: 4\ntask_name_to_config:\n  smoke: {}\n",
            "deploy_config/vars/staging.yml": "",
        }
    )
    with pytest.raises(InputError, match=r"common\.yml:2: task_name_to_config .*project_task_name_to_config"):
        resolve_deploy_config(root, "staging")


def test_unsupported_schema_version_is_an_input_error(write_files: Any) -> None:
    root = write_files(
        {"deploy_config/vars/common.yml": "schema_version: 3\n", "deploy_config/vars/staging.yml": ""}
    )
    with pytest.raises(InputError, match=r"common\.yml:1: schema_version 3 is not supported"):
        resolve_deploy_config(root, "staging")


def test_a_layer_that_is_not_a_mapping_is_an_input_error(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": "schema_version: 4\nproject_task_config: [1, 2]\n"
            "project_task_name_to_config:\n  smoke: {}\n",
            "deploy_config/vars/staging.yml": "",
        }
    )
    with pytest.raises(InputError, match=r"common\.yml:2: project_task_config must be a mapping"):
        resolve_deploy_config(root, "staging")


def test_vault_encrypted_env_file_is_an_input_error(write_files: Any) -> None:
    root = write_files(
        {
            "deploy_config/vars/common.yml": "schema_version: 4\n",
            "deploy_config/vars/staging.yml": "$ANSIBLE_VAULT;1.1;AES256\n6162\n",
        }
    )
    with pytest.raises(InputError, match=r"staging\.yml: encrypted with ansible-vault"):
        resolve_deploy_config(root, "staging")
