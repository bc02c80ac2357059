"""Deploy config sources: a network the config replaces with something unreadable is unknown, never the
Run Environment's it replaced."""

from __future__ import annotations

from typing import Any

from fargate_netcheck.targets.deploy_config import resolve_deploy_config
from fargate_netcheck.targets.run_environment import NetworkDefaults
from fargate_netcheck.targets.to_targets import ConfigNetwork

RUN_ENVIRONMENT = NetworkDefaults(subnets=("subnet-re",), security_groups=("sg-re",), assign_public_ip=True)


def _one_task(write_files: Any, common: str) -> ConfigNetwork:
    """The one task of a config whose ``common.yml`` is ``common``, over ``RUN_ENVIRONMENT``."""
    root = write_files({"deploy_config/vars/common.yml": common, "deploy_config/vars/staging.yml": ""})
    (network,) = resolve_deploy_config(root, "staging", defaults=RUN_ENVIRONMENT)
    assert isinstance(network, ConfigNetwork)
    return network


def test_a_jinja_network_mapping_does_not_fall_back_to_the_run_environment(write_files: Any) -> None:
    network = _one_task(
        write_files,
        'schema_version: 4\nproject_aws:\n  network: "{{ net }}"\nproject_task_name_to_config:\n  smoke: {}\n',
    )
    assert (network.subnets, network.security_groups) == ((), ())
    assert network.unresolved == {"subnets", "security_groups", "assign_public_ip"}
    assert "aws.network is a Jinja expression" in network.problems[0]


def test_a_readable_network_is_fully_resolved(write_files: Any) -> None:
    network = _one_task(
        write_files,
        "schema_version: 4\nproject_task_name_to_config:\n  smoke: {aws: {network: {security_groups: [sg-a]}}}\n",
    )
    assert (network.subnets, network.security_groups, network.assign_public_ip) == (
        ("subnet-re",),
        ("sg-a",),
        True,
    )
    assert network.unresolved == frozenset()


def test_deployed_written_as_the_string_true_is_deployed_as_the_deployer_reads_it(write_files: Any) -> None:
    # the deployer keeps a task when to_string(value.deployed) == to_string(`true`): "true" passes,
    # "True" and "false" do not
    root = write_files(
        {
            "deploy_config/vars/common.yml": "schema_version: 4\nproject_task_name_to_config:\n"
            '  quoted: {deployed: "true", aws: {network: {subnets: [subnet-a]}}}\n'
            '  capital: {deployed: "True", aws: {network: {subnets: [subnet-a]}}}\n'
            '  disabled: {deployed: "false", aws: {network: {subnets: [subnet-a]}}}\n',
            "deploy_config/vars/staging.yml": "",
        }
    )
    assert [n.source for n in resolve_deploy_config(root, "staging")] == ["deploy-config:staging/quoted"]
