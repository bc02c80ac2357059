"""A Terraform plan file read (``terraform show -json PLANFILE``): its shape checked
(``terraform_shape``), each resource instance once, and applied to a ``Network``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import read_limited
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import SourceLocation
from fargate_netcheck.targets.iac.cfn_template import MAX_TEMPLATE_BYTES, _load_json
from fargate_netcheck.targets.iac.terraform_plan import Instance, Plan
from fargate_netcheck.targets.iac.terraform_shape import (
    at,
    check_configuration,
    item,
    member,
    module_resources,
)
from fargate_netcheck.targets.yaml_lines import LocatedDict


def read_plan(path: Path) -> Plan:
    """Load and check a plan's JSON; a bad file is a one-line InputError."""
    try:
        text = read_limited(path, "plan", 20 * MAX_TEMPLATE_BYTES, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    data = _load_json(text, str(path)) if text.lstrip().startswith("{") else None
    if (
        not isinstance(data, dict)
        or "format_version" not in data
        or ("resource_changes" not in data and "planned_values" not in data)
    ):
        raise InputError(
            f"{path}: not a Terraform plan in JSON (write it with `terraform show -json PLANFILE`)"
        )
    if not str(data["format_version"]).startswith("1."):
        raise InputError(f"{path}: plan format_version {data['format_version']!r} is not 1.x")
    instances: dict[str, Instance] = {}
    changes = member(path, data, "resource_changes", list, "resource_changes") or []
    for i in range(len(changes)):
        _add(
            instances,
            _instance(item(path, changes, i, dict, "resource_changes"), path, f"resource_changes[{i}]"),
        )
    planned_values = member(path, data, "planned_values", dict, "planned_values") or {}
    root = member(path, planned_values, "root_module", dict, "planned_values.root_module") or {}
    planned: set[str] = set()
    for where, resource in module_resources(path, root, "planned_values.root_module"):
        address = resource.get("address")
        if resource.get("mode") != "managed" or address in planned:
            _twice(path, resource, where, address, planned)
            continue
        planned.add(address)
        if address not in instances:
            change = {**resource, "change": {"actions": ["no-op"], "after": resource.get("values")}}
            _add(instances, _instance(_located_like(change, resource), path, where))
    prior_state = member(path, data, "prior_state", dict, "prior_state") or {}
    prior_values = member(path, prior_state, "values", dict, "prior_state.values") or {}
    prior = member(path, prior_values, "root_module", dict, "prior_state.values.root_module") or {}
    known_data = {
        r["address"]: r.get("values") or {}
        for _, r in module_resources(path, prior, "prior_state.values.root_module")
        if r.get("mode") == "data" and "address" in r
    }
    configuration = member(path, data, "configuration", dict, "configuration") or {}
    config = member(path, configuration, "root_module", dict, "configuration.root_module") or LocatedDict()
    check_configuration(path, config, "configuration.root_module")
    return Plan(path, instances, config, known_data)


def _add(instances: dict[str, Instance], inst: Instance | None) -> None:
    """Each address once: a plan listing one twice is not one ``terraform show -json`` writes."""
    if inst is None:
        return
    first = instances.get(inst.address)
    if first is not None:
        raise InputError(
            f"{_shown(inst.location)}: {inst.address} is in the plan twice (first at {_shown(first.location)})"
        )
    instances[inst.address] = inst


def _twice(path: Path, resource: JsonDict, where: str, address: Any, planned: set[str]) -> None:
    if resource.get("mode") == "managed" and address in planned:
        raise InputError(f"{at(path, resource, 'address')}: {where}: {address} is in planned_values twice")


def _located_like(change: JsonDict, resource: JsonDict) -> LocatedDict:
    out = LocatedDict(change)
    out.locations = dict(getattr(resource, "locations", {}))
    return out


def _shown(location: SourceLocation) -> str:
    return f"{location.path}:{location.line}" if location.line else location.path


def _instance(change: JsonDict, path: Path, where: str) -> Instance | None:
    mode = member(path, change, "mode", str, f"{where}.mode")
    if (mode or "managed") != "managed":
        return None
    body = member(path, change, "change", dict, f"{where}.change") or {}
    address, rtype, name = (
        member(path, change, key, str, f"{where}.{key}") for key in ("address", "type", "name")
    )
    if not (address and rtype and name):
        raise InputError(f"{at(path, change, 'address')}: {where} lacks address, type, name or change")
    label = f"{where} ({address})"
    actions = member(path, body, "actions", list, f"{label}: change.actions") or ["no-op"]
    if not all(isinstance(a, str) for a in actions):
        raise InputError(f"{at(path, body, 'actions')}: {label}: change.actions must be a list of strings")
    index = change.get("index")
    if isinstance(index, bool) or not isinstance(index, (int, str, type(None))):
        raise InputError(f"{at(path, change, 'index')}: {label}: index must be a number or a string")
    after_unknown = body.get("after_unknown")
    if not isinstance(after_unknown, (dict, list, bool, type(None))):
        raise InputError(
            f"{at(path, body, 'after_unknown')}: {label}: change.after_unknown must be an object"
        )
    location = getattr(change, "locations", {}).get("address") or SourceLocation(str(path))
    return Instance(
        address=address,
        module=member(path, change, "module_address", str, f"{label}: module_address") or "",
        type=rtype,
        name=name,
        index=index,
        actions=tuple(actions),
        before=member(path, body, "before", dict, f"{label}: change.before"),
        after=member(path, body, "after", dict, f"{label}: change.after"),
        after_unknown=after_unknown or {},
        location=location,
    )


def load_plan(path: Path, net: Any, overlay: bool) -> list[Any]:
    """Apply the plan at ``path`` to ``net`` (a ``Network``); the task networks it declares."""
    from fargate_netcheck.targets.iac.terraform_resources import ORDER, TfResources
    from fargate_netcheck.targets.iac.terraform_tasks import task_networks

    plan = read_plan(path)
    builder = TfResources(plan, net, overlay)
    rank = {t: i for i, t in enumerate(ORDER)}
    ordered = sorted(plan.instances.values(), key=lambda i: (rank.get(i.type, len(rank)), i.address))
    for step in (builder.apply, builder.apply_delete):
        for inst in ordered:
            try:
                step(inst)
            except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
                where = (
                    f"{inst.location.path}:{inst.location.line}" if inst.location.line else inst.location.path
                )
                raise InputError(f"{where}: {inst.address}: a value has the wrong shape ({exc})") from None
    return task_networks(plan)
