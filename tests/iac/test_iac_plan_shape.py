"""A Terraform plan of the wrong shape is a one-line input error naming the file, the line and the
member at fault: never an internal error, never a resource silently dropped."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from iac.helpers import FIXTURES

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.iac.command import IacOptions, build_iac_snapshot


def _load(tmp_path, plan: Any) -> None:
    path = tmp_path / "plan.json"
    path.write_text(plan if isinstance(plan, str) else json.dumps(plan, indent=1))
    build_iac_snapshot(IacOptions(plans=(path,)), lambda: None)


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"resource_changes": True}, r"plan\.json:\d+: resource_changes must be a list, found a boolean"),
        ({"resource_changes": [5]}, r"plan\.json:\d+: resource_changes\[0\] must be an object"),
        ({"planned_values": "x"}, r"plan\.json:\d+: planned_values must be an object, found a string"),
        ({"planned_values": {"root_module": []}}, r"planned_values\.root_module must be an object"),
        (
            {"planned_values": {"root_module": {"resources": 5}}},
            r"plan\.json:\d+: planned_values\.root_module\.resources must be a list, found a number",
        ),
        (
            {"planned_values": {"root_module": {"child_modules": [1]}}},
            r"planned_values\.root_module\.child_modules\[0\] must be an object",
        ),
        ({"resource_changes": [], "prior_state": []}, r"prior_state must be an object, found a list"),
        (
            {"resource_changes": [], "prior_state": {"values": {"root_module": {"resources": {}}}}},
            r"prior_state\.values\.root_module\.resources must be a list",
        ),
        ({"resource_changes": [], "configuration": "x"}, r"configuration must be an object"),
        (
            {"resource_changes": [], "configuration": {"root_module": {"module_calls": []}}},
            r"configuration\.root_module\.module_calls must be an object",
        ),
        (
            {"resource_changes": [], "configuration": {"root_module": {"outputs": {"x": 1}}}},
            r"configuration\.root_module\.outputs\.x must be an object",
        ),
        (
            {
                "resource_changes": [],
                "configuration": {
                    "root_module": {
                        "resources": [{"address": "a.b", "expressions": {"x": {"references": 7}}}]
                    }
                },
            },
            r"resources\[0\]\.expressions\.x\.references must be a list, found a number",
        ),
    ],
)
def test_a_container_of_the_wrong_type_names_itself_and_its_line(tmp_path, plan, message):
    with pytest.raises(InputError, match=message):
        _load(tmp_path, {"format_version": "1.2", **plan})


@pytest.mark.parametrize("address", [{"a": 1}, ["aws_vpc.x"]])
def test_an_address_that_is_not_a_string_is_bad_input(tmp_path, address):
    change = {"address": address, "mode": "managed", "type": "aws_vpc", "name": "x", "change": {}}
    with pytest.raises(InputError, match=r"plan\.json:\d+: resource_changes\[0\]\.address must be a string"):
        _load(tmp_path, {"format_version": "1.2", "resource_changes": [change]})
    resource = {"address": address, "mode": "managed", "type": "aws_vpc", "name": "x"}
    planned = {"root_module": {"resources": [resource]}}
    with pytest.raises(InputError, match=r"planned_values\.root_module\.resources\[0\]\.address must be"):
        _load(tmp_path, {"format_version": "1.2", "planned_values": planned})


def test_an_address_listed_twice_is_bad_input_not_the_first_dropped(tmp_path):
    plan = json.loads((FIXTURES / "vpc-module.plan.json").read_text())
    plan["resource_changes"].append(copy.deepcopy(plan["resource_changes"][0]))
    address = plan["resource_changes"][0]["address"]
    with pytest.raises(
        InputError, match=rf"plan\.json:\d+: {address} is in the plan twice \(first at .*plan\.json:\d+\)"
    ):
        _load(tmp_path, plan)


def test_a_duplicate_key_in_the_plan_json_is_bad_input(tmp_path):
    text = '{"format_version": "1.2",\n "resource_changes": [],\n "resource_changes": []}'
    with pytest.raises(
        InputError, match=r"plan\.json:3: duplicate key 'resource_changes' \(first at line 2\)"
    ):
        _load(tmp_path, text)


_VALUES: list[Any] = [True, False, 0, -1, 2.5, "", "x", None, [], {}, [1], ["x"], {"a": 1}, [{"a": 1}]]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    node = doc
    try:
        for step in path[:-1]:
            node = node[step]
        node[path[-1]]
    except (KeyError, IndexError, TypeError):
        return
    node[path[-1]] = value


@pytest.mark.parametrize("fixture", ["vpc-module.plan.json", "nat-removal.plan.json"])
def test_mutated_plans_load_or_are_input_errors(tmp_path, fixture):
    """A value anywhere in the plan replaced by another JSON type (a few hundred, deterministic):
    each plan loads or is one line of InputError, never another exception."""
    base = json.loads((FIXTURES / fixture).read_text())
    paths = _paths(base)
    rng = random.Random(20261203)
    outcomes = {"loaded": 0, "input error": 0}
    for _ in range(150):
        plan = copy.deepcopy(base)
        for _ in range(rng.choice((1, 1, 2))):
            _replace(plan, rng.choice(paths), copy.deepcopy(rng.choice(_VALUES)))
        try:
            _load(tmp_path, plan)
            outcomes["loaded"] += 1
        except InputError as exc:
            assert "\n" not in str(exc) and "plan.json" in str(exc)
            outcomes["input error"] += 1
    assert outcomes["loaded"] and outcomes["input error"]  # both kinds of outcome were exercised


@pytest.mark.parametrize(
    ("key", "value"), [("assign_public_ip", "yes"), ("assign_public_ip", 1), ("subnets", "subnet-1")]
)
def test_an_unreadable_network_configuration_value_is_never_the_default(tmp_path, key, value):
    plan = json.loads((FIXTURES / "vpc-module.plan.json").read_text())
    (service,) = [c for c in plan["resource_changes"] if c["address"] == "aws_ecs_service.app"]
    service["change"]["after"]["network_configuration"][0][key] = value
    service["change"]["after_unknown"].get("network_configuration", [{}])[0].pop(key, None)
    with pytest.raises(InputError, match=rf"plan\.json:\d+: aws_ecs_service\.app: {key} must be"):
        _load(tmp_path, plan)
