"""The shape of a Terraform plan's JSON, checked before anything reads it: every container the
reader walks (``resource_changes``, ``planned_values``, ``prior_state``, ``configuration`` and
their modules, resources, module calls, outputs and expressions) is the JSON type HashiCorp's
format documents, or the plan is a one-line ``InputError`` naming the file, the line (the located
decoder records it) and the member at fault."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError

_TYPE_NAMES: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}


def at(path: Path, container: Any, key: Any) -> str:
    """``path:line`` of ``key`` in ``container`` (a located object or list) when recorded, else ``path``."""
    if isinstance(key, int) and isinstance(container, list):
        lines = getattr(container, "item_locations", [])
        loc = lines[key] if key < len(lines) else None
    else:
        loc = getattr(container, "locations", {}).get(key)
    line = getattr(loc, "line", None)
    return f"{path}:{line}" if line else str(path)


def member(path: Path, container: Any, key: str, kind: type, label: str) -> Any:
    """``container[key]`` when it is a ``kind``; None when absent or null; otherwise an InputError
    ``FILE:LINE: LABEL must be a list``."""
    value = container.get(key) if isinstance(container, dict) else None
    if value is None or isinstance(value, kind):
        return value
    raise InputError(
        f"{at(path, container, key)}: {label} must be {_TYPE_NAMES[kind]}, found {_json_type(value)}"
    )


def item(path: Path, items: list[Any], i: int, kind: type, label: str) -> Any:
    value = items[i]
    if not isinstance(value, kind):
        raise InputError(
            f"{at(path, items, i)}: {label}[{i}] must be {_TYPE_NAMES[kind]}, found {_json_type(value)}"
        )
    return value


def module_resources(path: Path, module: Any, label: str) -> list[tuple[str, Any]]:
    """The resources of a ``planned_values``/``prior_state`` module and its child modules, each
    with its place in the plan (``planned_values.root_module.resources[2]``)."""
    out: list[tuple[str, Any]] = []
    resources = member(path, module, "resources", list, f"{label}.resources") or []
    for i in range(len(resources)):
        resource = item(path, resources, i, dict, f"{label}.resources")
        where = f"{label}.resources[{i}]"
        if "address" in resource:
            member(path, resource, "address", str, f"{where}.address")
        member(path, resource, "values", dict, f"{where}.values")
        out.append((where, resource))
    children = member(path, module, "child_modules", list, f"{label}.child_modules") or []
    for i in range(len(children)):
        child = item(path, children, i, dict, f"{label}.child_modules")
        out += module_resources(path, child, f"{label}.child_modules[{i}]")
    return out


def check_configuration(path: Path, module: Any, label: str) -> None:
    """``configuration.root_module`` and the modules it calls, as ``Plan`` reads them."""
    resources = member(path, module, "resources", list, f"{label}.resources") or []
    for i in range(len(resources)):
        resource = item(path, resources, i, dict, f"{label}.resources")
        member(path, resource, "address", str, f"{label}.resources[{i}].address")
        _expressions(path, resource, "expressions", f"{label}.resources[{i}].expressions")
    calls = member(path, module, "module_calls", dict, f"{label}.module_calls") or {}
    for name, call in calls.items():
        where = f"{label}.module_calls.{name}"
        member(path, calls, name, dict, where)
        _expressions(path, call, "expressions", f"{where}.expressions")
        child = member(path, call, "module", dict, f"{where}.module")
        if child is not None:
            check_configuration(path, child, f"{where}.module")
    outputs = member(path, module, "outputs", dict, f"{label}.outputs") or {}
    for name, output in outputs.items():
        member(path, outputs, name, dict, f"{label}.outputs.{name}")
        _expressions(path, output, "expression", f"{label}.outputs.{name}.expression")


def _expressions(path: Path, container: Any, key: str, label: str) -> None:
    """Expressions (an object of them, nested blocks as lists of objects): wherever ``references``
    appears, a list of strings. A ``constant_value`` is a value, whatever its keys."""
    if member(path, container, key, dict, label) is None:
        return
    stack: list[tuple[Any, Any, str]] = [(container, key, label)]
    while stack:
        parent, k, where = stack.pop()
        node = parent[k]
        if isinstance(node, dict):
            refs = member(path, node, "references", list, f"{where}.references")
            for i in range(len(refs or [])):
                item(path, refs, i, str, f"{where}.references")
            skip = ("references", "constant_value")
            stack += [(node, name, f"{where}.{name}") for name in node if name not in skip]
        elif isinstance(node, list):
            stack += [(node, i, f"{where}[{i}]") for i in range(len(node))]


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"
