"""Run Environment JSON: the current shape, the list response, the deprecated shape, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.run_environment import load_run_environment

RUN_ENVIRONMENT: dict[str, Any] = {
    "uuid": "5f3b4c1e-0000-0000-0000-000000000000",
    "name": "staging",
    "infrastructure_settings": {
        "AWS": {
            "__default__": {
                "settings": {
                    "account_id": "123456789012",
                    "region": "us-east-1",
                    "network": {
                        "subnets": ["subnet-aaa", "subnet-bbb"],
                        "security_groups": ["sg-111"],
                        "assign_public_ip": False,
                    },
                }
            }
        }
    },
    "execution_method_capabilities": [
        {"type": "AWS ECS", "default_subnets": ["subnet-old"], "default_assign_public_ip": True}
    ],
}


def save(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "run_environment.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def test_single_object_gives_the_network_defaults(tmp_path: Path) -> None:
    path = save(tmp_path, RUN_ENVIRONMENT)
    defaults = load_run_environment(path)
    assert defaults.subnets == ("subnet-aaa", "subnet-bbb")
    assert defaults.security_groups == ("sg-111",)
    assert defaults.assign_public_ip is False  # the current shape wins over the deprecated one
    assert defaults.location is not None
    assert defaults.location.path == str(path)
    assert '"network"' in path.read_text().splitlines()[defaults.location.line - 1]


def test_list_response_with_one_result(tmp_path: Path) -> None:
    path = save(tmp_path, {"count": 1, "next": None, "previous": None, "results": [RUN_ENVIRONMENT]})
    assert load_run_environment(path).subnets == ("subnet-aaa", "subnet-bbb")


@pytest.mark.parametrize("count", [0, 2])
def test_list_response_without_exactly_one_result_is_an_input_error(tmp_path: Path, count: int) -> None:
    path = save(tmp_path, {"count": count, "results": [RUN_ENVIRONMENT] * count})
    with pytest.raises(InputError, match=rf"run_environment\.json: .* holds {count} results"):
        load_run_environment(path)


def test_deprecated_execution_method_capabilities_fill_missing_settings(tmp_path: Path) -> None:
    data = {
        "name": "old",
        "execution_method_capabilities": [
            {"type": "AWS Lambda"},
            {
                "type": "AWS ECS",
                "default_subnets": ["subnet-old"],
                "default_security_groups": ["sg-old"],
                "default_assign_public_ip": True,
            },
        ],
    }
    path = save(tmp_path, data)
    defaults = load_run_environment(path)
    assert (defaults.subnets, defaults.security_groups, defaults.assign_public_ip) == (
        ("subnet-old",),
        ("sg-old",),
        True,
    )
    assert '"default_subnets"' in path.read_text().splitlines()[defaults.location.line - 1]


def test_flat_model_fields_are_accepted(tmp_path: Path) -> None:
    data = {
        "aws_default_subnets": ["subnet-flat"],
        "aws_ecs_default_security_groups": ["sg-flat"],
        "aws_ecs_default_assign_public_ip": False,
    }
    defaults = load_run_environment(save(tmp_path, data))
    assert (defaults.subnets, defaults.security_groups, defaults.assign_public_ip) == (
        ("subnet-flat",),
        ("sg-flat",),
        False,
    )


def test_run_environment_without_network_sets_nothing(tmp_path: Path) -> None:
    defaults = load_run_environment(save(tmp_path, {"name": "bare", "infrastructure_settings": {}}))
    assert defaults.is_empty()


def test_bad_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "run_environment.json"
    path.write_text('{\n  "name": "staging",\n  "infrastructure_settings": {,\n}\n')
    with pytest.raises(InputError, match=r"run_environment\.json:3:\d+: not valid JSON"):
        load_run_environment(path)


def test_subnets_that_are_not_a_list_are_an_input_error(tmp_path: Path) -> None:
    data = {
        "infrastructure_settings": {
            "AWS": {"__default__": {"settings": {"network": {"subnets": "subnet-a"}}}}
        }
    }
    with pytest.raises(InputError, match=r"run_environment\.json:\d+: subnets must be a list of ids"):
        load_run_environment(save(tmp_path, data))


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.json: no such Run Environment file"):
        load_run_environment(tmp_path / "nope.json")


def test_not_an_object_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="expected a CloudReactor Run Environment JSON object"):
        load_run_environment(save(tmp_path, [1, 2]))
