"""A Terraform plan (``terraform show -json PLANFILE``, HashiCorp's documented JSON output format):
its resource instances, what apply does to each, and their values, with the values known only
after apply linked through the plan's ``configuration`` references.

A value unknown until apply (``after_unknown``) is followed through its expression's references:
another resource (``aws_vpc.this[0].id``, ``aws_route_table.private[count.index]``, a splat
``aws_subnet.private[*].id``), a module input (``var.x``, from the calling module's expression) or
a module output (``module.vpc.private_subnets``). A resource created by the plan is named by its
address (``module.vpc.aws_subnet.private[0]``); an existing one by its AWS id. What cannot be
followed (a ``local``, a function of several values) stays ``Unknown`` with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import SourceLocation
from fargate_netcheck.targets.iac.values import Unknown

_INDEX = re.compile(r"\[([^\]]*)\]")
_MODULE = re.compile(r"module\.([A-Za-z0-9_-]+)(\[[^\]]*\])?")
_IGNORED_REFS = ("count.", "each.", "path.", "terraform.", "self.")
# References that choose between values rather than give one (a condition on the workspace, ...).
_CHOOSERS = ("terraform.", "path.")


@dataclass(slots=True)
class Instance:
    """One resource instance of the plan."""

    address: str  # module.vpc.aws_subnet.private[0]
    module: str  # module.vpc ("" at the root)
    type: str
    name: str
    index: Any  # the count index or for_each key, None without either
    actions: tuple[str, ...]
    before: JsonDict | None
    after: JsonDict | None
    after_unknown: Any
    location: SourceLocation

    @property
    def config_address(self) -> str:
        """The address in the configuration: module instance keys and the index dropped."""
        return _MODULE.sub(
            lambda m: f"module.{m.group(1)}", f"{self.module}.{self.type}.{self.name}".lstrip(".")
        )

    @property
    def deleted(self) -> bool:
        return "delete" in self.actions and "create" not in self.actions

    @property
    def replaced(self) -> bool:
        return "delete" in self.actions and "create" in self.actions

    def id(self) -> str:
        """The AWS id when known after apply (an existing resource), else the address."""
        value = (self.after or {}).get("id")
        if isinstance(value, str) and value and not self.replaced:
            return value
        return self.address


@dataclass(slots=True)
class Plan:
    path: Path
    instances: dict[str, Instance]
    config: JsonDict  # configuration.root_module
    data: dict[str, JsonDict] = field(default_factory=dict)  # data source address -> values

    # -- values ----------------------------------------------------------------------------------
    def value(self, inst: Instance, *path: Any) -> Any:
        """The planned value at ``path`` (attribute names and list indexes); Unknown if only apply knows."""
        values, unknown = inst.after or {}, inst.after_unknown
        for step in path:
            unknown = _step(unknown, step)
            values = _step(values, step)
        if unknown is True or (_has_unknown(unknown) and (values is None or isinstance(values, list))):
            followed = self.follow(inst, path)
            if isinstance(values, list) and not isinstance(followed, Unknown):
                return _with_known(values, unknown, followed)
            return followed
        return values

    def follow(self, inst: Instance, path: tuple[Any, ...]) -> Any:
        expression = self.expression(inst, *path)
        refs = _references(expression)
        if not refs:
            return Unknown(f"{inst.address}.{_dotted(path)} is known only after apply")
        # aws_route_table.private[count.index]: Terraform lists the resource and count.index apart
        indexed = isinstance(expression, dict) and any(
            r == "count.index" or str(r).startswith("each.") for r in expression.get("references") or []
        )
        return self._gather(
            expression, refs, inst.module, inst.index if indexed else None, f"{inst.address}.{_dotted(path)}"
        )

    def _gather(self, expression: Any, refs: list[str], module: str, index: Any, what: str) -> Any:
        """The values ``refs`` resolve to, together. That union is the expression's value when the
        expression lists them (``[a.id, b.id]``), not when it chooses among them (``terraform.workspace
        == "prod" ? [a.id] : [b.id]``, ``var.strict ? ...``): a choice the plan does not record
        between several values is Unknown, never all of them (two groups' union allows more than
        either)."""
        values: list[Any] = []
        selectors = [r for r in _all_references(expression) if r.startswith(_CHOOSERS)]
        for ref in refs:
            resolved = self.resolve(ref, module, index)
            if isinstance(resolved, Unknown):
                return resolved
            for value in resolved if isinstance(resolved, list) else [resolved]:
                if value is None or isinstance(value, (bool, int, float)):
                    selectors.append(ref)  # a condition's operand (a flag, a count), not an id
                else:
                    values.append(value)
        distinct = list(dict.fromkeys(v for v in values if isinstance(v, str)))
        if selectors and len(distinct) > 1:
            return Unknown(
                f"{what} is chosen by {selectors[0]} among {', '.join(distinct)}: "
                "which one the plan does not record"
            )
        if selectors and not values:
            return Unknown(f"{what} depends on {selectors[0]}, which the plan does not record")
        return values[0] if len(values) == 1 else values

    def resolve(self, ref: str, module: str, index: Any) -> Any:
        """A reference as written in module ``module``, for the instance with count/each ``index``."""
        if ref.startswith("var."):
            return self._variable(ref[4:].split(".")[0].split("[")[0], module, index)
        if ref.startswith("local."):
            return Unknown(f"{ref} in {module or 'the root module'}: the plan does not record local values")
        if ref.startswith("module."):
            return self._output(ref, module)
        if ref.startswith("data."):
            return self._data(ref, module)
        parts = ref.split(".")
        if len(parts) < 2:
            return Unknown(f"reference {ref}")
        rtype, rest = parts[0], ".".join(parts[1:])
        name, key, attr = _split_resource(rest)
        prefix = f"{module}." if module else ""
        base = f"{prefix}{rtype}.{name}"
        matches = [i for i in self.instances.values() if f"{i.module}.{i.type}.{i.name}".lstrip(".") == base]
        if key is None and len(matches) > 1 and index is not None:
            key = index  # the instance's own count.index / each.key
        if key is not None:
            matches = [i for i in matches if i.index == key]
        if not matches:
            return Unknown(f"{base}{'' if key is None else f'[{key!r}]'} is not in the plan")
        out = [self._attribute(i, attr) for i in sorted(matches, key=lambda i: str(i.index))]
        return out if len(out) > 1 or (key is None and matches[0].index is not None) else out[0]

    def _attribute(self, inst: Instance, attr: str) -> Any:
        if attr in ("", "id"):
            return inst.id()
        from fargate_netcheck.targets.iac.terraform_resources import computed_attribute

        computed = computed_attribute(inst, attr)
        if computed is not None:
            return computed
        return self.value(inst, attr)

    def _variable(self, name: str, module: str, index: Any) -> Any:
        if not module:
            return Unknown(f"var.{name}: a root variable's value is in the plan's variables only when set")
        parent, _, call = module.rpartition(".module.") if ".module." in module else ("", "", module)
        call_name = _MODULE.fullmatch(call.removeprefix(".")) if call else None
        config = self._module_config(parent)
        if call_name is None or config is None:
            return Unknown(f"var.{name} of {module}")
        expression = (
            config.get("module_calls", {}).get(call_name.group(1), {}).get("expressions") or {}
        ).get(name)
        if isinstance(expression, dict) and "constant_value" in expression:
            return expression["constant_value"]
        refs = _references(expression)
        if not refs:
            return Unknown(f"var.{name} of {module} has no value the plan records")
        return self._gather(expression, refs, parent, None, f"var.{name} of {module}")

    def _output(self, ref: str, module: str) -> Any:
        m = _MODULE.match(ref)
        child = f"{module}.module.{m.group(1)}".lstrip(".") if m else ""
        output = ref[m.end() :].lstrip(".").split(".")[0].split("[")[0] if m else ""
        config = self._module_config(child)
        expression = ((config or {}).get("outputs", {}).get(output) or {}).get("expression")
        if isinstance(expression, dict) and "constant_value" in expression:
            return expression["constant_value"]
        refs = _references(expression)
        if not refs:
            return Unknown(f"{ref}: the plan records no expression for this output")
        return self._gather(expression, refs, child, None, ref)

    def _data(self, ref: str, module: str) -> Any:
        parts = ref.split(".")
        name, key, attr = _split_resource(".".join(parts[2:]))
        address = f"{module + '.' if module else ''}data.{parts[1]}.{name}" + (
            "" if key is None else f"[{key!r}]".replace("'", '"')
        )
        values = self.data.get(address)
        if values is None or (attr or "id") not in values:
            return Unknown(f"{ref}: a data source read at apply")
        return values[attr or "id"]

    def expression(self, inst: Instance, *path: Any) -> Any:
        """The configuration's expression for ``path`` of ``inst`` (None: not written in the code)."""
        module, _, local = _split_module(inst.config_address)
        config = self._module_config(module)
        resource = next((r for r in (config or {}).get("resources", []) if r.get("address") == local), None)
        node: Any = (resource or {}).get("expressions")
        for step in path:
            if isinstance(node, list):
                node = (
                    node[step] if isinstance(step, int) and step < len(node) else (node[0] if node else None)
                )
            elif isinstance(node, dict):
                node = node.get(step) if not isinstance(step, int) else node
            else:
                return None
        return node

    def _module_config(self, module: str) -> JsonDict | None:
        config: Any = self.config
        for m in _MODULE.finditer(module):
            config = ((config.get("module_calls") or {}).get(m.group(1)) or {}).get("module")
            if not isinstance(config, dict):
                return None
        return config


def _split_module(config_address: str) -> tuple[str, str, str]:
    """("module.a.module.b", "", "aws_x.y") of "module.a.module.b.aws_x.y"."""
    parts = config_address.split(".")
    i = 0
    while i + 1 < len(parts) and parts[i] == "module":
        i += 2
    return ".".join(parts[:i]), "", ".".join(parts[i:])


def _split_resource(rest: str) -> tuple[str, Any, str]:
    """name, index key (int, str or None) and attribute of "name[0].attr"."""
    m = re.match(r"([A-Za-z0-9_-]+)(\[([^\]]*)\])?\.?(.*)", rest)
    if m is None:
        return rest, None, ""
    key: Any = m.group(3)
    if key is not None:
        key = None if key == "*" else int(key) if key.isdigit() else key.strip('"')
    return m.group(1), key, m.group(4).split(".")[0].split("[")[0]


def _references(expression: Any) -> list[str]:
    """The most specific references of an expression (Terraform lists ``a.b.id`` and ``a.b`` both)."""
    refs: list[str] = []
    if isinstance(expression, dict):
        refs = [r for r in expression.get("references") or [] if isinstance(r, str)]
    elif isinstance(expression, list):
        refs = [r for e in expression for r in _references(e)]
    refs = [r for r in refs if not r.startswith(_IGNORED_REFS)]
    return [
        r for r in dict.fromkeys(refs) if not any(o != r and o.startswith((f"{r}.", f"{r}[")) for o in refs)
    ]


def _all_references(expression: Any) -> list[str]:
    """Every reference an expression (or a list of them) names, as the plan lists them."""
    if isinstance(expression, dict):
        return [r for r in expression.get("references") or [] if isinstance(r, str)]
    if isinstance(expression, list):
        return [r for e in expression for r in _all_references(e)]
    return []


def _step(node: Any, step: Any) -> Any:
    if isinstance(node, dict):
        return node.get(step) if isinstance(step, str) else None
    if isinstance(node, list) and isinstance(step, int):
        return node[step] if step < len(node) else None
    return node if node is True else None


def _with_known(values: list[Any], unknown: Any, followed: Any) -> Any:
    """A list of ids some of which only apply knows (``[aws_subnet.new.id, "subnet-0abc"]``): the
    references followed, and the elements the plan already knows (the references do not name them)."""
    if not all(v is None or isinstance(v, (str, int, float)) for v in values):
        return followed  # a list of blocks: each element is read on its own
    known = [v for i, v in enumerate(values) if v is not None and not _has_unknown(_step(unknown, i))]
    if not known:
        return followed
    resolved = followed if isinstance(followed, list) else [followed]
    return list(dict.fromkeys([*resolved, *known]))


def _has_unknown(node: Any) -> bool:
    if node is True:
        return True
    if isinstance(node, dict):
        return any(_has_unknown(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_unknown(v) for v in node)
    return False


def _dotted(path: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
