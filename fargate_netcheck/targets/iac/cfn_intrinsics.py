"""Evaluate CloudFormation's intrinsic functions the way CloudFormation does at deploy time.

Supported: Ref (parameters, resources, pseudo parameters), Fn::GetAtt, Fn::Sub, Fn::Join,
Fn::Select, Fn::Split, Fn::GetAZs, Fn::Cidr, Fn::If with Conditions (Fn::Equals, Fn::Not, Fn::And,
Fn::Or, Condition), Fn::FindInMap (with the language extension's DefaultValue), Fn::ImportValue
across the templates given together, Fn::Base64, Fn::Length, Fn::ToJsonString. What cannot be
known before deployment (an import no template exports, an SSM parameter, an attribute AWS assigns)
evaluates to ``Unknown`` with the reason; the caller decides where that matters.

A resource's Ref (and its ``...Id`` attributes) is its snapshot id, ``<stack>/<LogicalId>``; see
``cfn_resources`` for the ids of what AWS creates with a VPC.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.targets.iac.cfn_template import Template
from fargate_netcheck.targets.iac.values import Unknown, first_unknown

NO_VALUE = object()  # AWS::NoValue: the property or list item is removed
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
_DYNAMIC = re.compile(r"\{\{resolve:[^}]*\}\}")  # CloudFormation's dynamic references
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")  # eu-west-1, us-gov-west-1, ap-southeast-7


@dataclass(slots=True)
class Context:
    """What every template of a run shares: pseudo parameters and the exports between stacks."""

    region: str
    account: str | Unknown
    azs: tuple[str, ...]
    exports: dict[str, Callable[[], Any]] = field(default_factory=dict)  # export name -> its value
    evaluating: set[str] = field(default_factory=set)  # exports being evaluated (a cycle guard)

    @property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        return "aws-us-gov" if self.region.startswith("us-gov-") else "aws"

    def import_value(self, name: Any) -> Any:
        if isinstance(name, Unknown):
            return Unknown(f"Fn::ImportValue of an unknown name ({name.reason})")
        if not isinstance(name, str):
            return Unknown(f"Fn::ImportValue of {name!r}")
        if name not in self.exports:
            return Unknown(f"Fn::ImportValue {name!r}: no template given exports it")
        if name in self.evaluating:
            raise InputError(f"export {name!r} imports itself (a cycle between stacks)")
        self.evaluating.add(name)
        try:
            return self.exports[name]()
        finally:
            self.evaluating.discard(name)


class Evaluator:
    """One stack: its template, parameter values, conditions and resources' ids."""

    def __init__(
        self,
        template: Template,
        ctx: Context,
        parameters: JsonDict,
        attribute: Callable[[str, str], Any],
    ) -> None:
        self.t = template
        self.ctx = ctx
        self.parameters = parameters
        self.attribute = attribute  # (logical id, attribute) -> value, for Fn::GetAtt
        self.resources = template.section("Resources")
        self.conditions = template.section("Conditions")
        self._conditions: dict[str, bool] = {}
        self._evaluating: set[str] = set()

    def resource_id(self, logical_id: str) -> str:
        return f"{self.t.stack}/{logical_id}"

    def pseudo(self, name: str) -> Any:
        values = {
            "AWS::Region": self.ctx.region,
            "AWS::AccountId": self.ctx.account,
            "AWS::Partition": self.ctx.partition,
            "AWS::URLSuffix": "amazonaws.com.cn" if self.ctx.partition == "aws-cn" else "amazonaws.com",
            "AWS::StackName": self.t.stack,
            "AWS::StackId": Unknown("AWS::StackId is assigned at deployment"),
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }
        if name not in values:  # CloudFormation refuses the template: not a deploy-time unknown
            raise InputError(f"{self.t.shown}: Ref {name!r}: no such pseudo parameter")
        return values[name]

    def ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise InputError(f"{self.t.shown}: Ref takes a name, found {name!r}")
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            return self.resource_id(name)
        raise InputError(f"{self.t.shown}: Ref {name!r}: no such parameter or resource")

    def condition(self, name: Any) -> bool:
        if not isinstance(name, str) or name not in self.conditions:
            raise InputError(f"{self.t.shown}: condition {name!r} is not defined in Conditions")
        if name not in self._conditions:
            if name in self._evaluating:
                raise InputError(f"{self.t.where(name, self.conditions)}: condition {name} refers to itself")
            self._evaluating.add(name)
            try:
                self._conditions[name] = self.truth(self.conditions[name], name)
            finally:
                self._evaluating.discard(name)
        return self._conditions[name]

    def truth(self, node: Any, name: str) -> bool:
        value = self.value(node)
        if isinstance(value, bool):
            return value
        if isinstance(value, Unknown):
            raise InputError(
                f"{self.t.where(name, self.conditions)}: condition {name} cannot be decided before "
                f"deployment ({value.reason}); pass the parameter it depends on"
            )
        if value in ("true", "false"):
            return value == "true"
        raise InputError(f"{self.t.where(name, self.conditions)}: condition {name} is not true or false")

    def value(self, node: Any) -> Any:
        """``node`` with every intrinsic function evaluated; AWS::NoValue items removed."""
        if isinstance(node, list):
            return [v for v in (self.value(item) for item in node) if v is not NO_VALUE]
        if not isinstance(node, dict):
            return dynamic_reference(node)
        if len(node) == 1:
            ((key, arg),) = node.items()
            fn = _FUNCTIONS.get(key)
            if fn is not None:
                try:
                    return dynamic_reference(fn(self, arg))
                except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
                    shown = " ".join(repr(arg).split())[:80]
                    raise InputError(
                        f"{self.t.shown}: {key} cannot take {shown} ({type(exc).__name__})"
                    ) from None
            if key == "Condition" and isinstance(arg, str) and arg in self.conditions:
                return self.condition(arg)
        out = {k: self.value(v) for k, v in node.items()}
        return {k: v for k, v in out.items() if v is not NO_VALUE}

    # -- the functions -------------------------------------------------------------------------

    def _args(self, name: str, arg: Any, count: int | tuple[int, ...]) -> list[Any]:
        counts = (count,) if isinstance(count, int) else count
        if not isinstance(arg, list) or len(arg) not in counts:
            want = " or ".join(map(str, counts))
            raise InputError(f"{self.t.shown}: Fn::{name} takes a list of {want} arguments, found {arg!r}")
        return arg

    def get_att(self, arg: Any) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        logical, attr = (self.value(a) for a in self._args("GetAtt", arg, 2))
        if not isinstance(logical, str) or logical not in self.resources:
            raise InputError(f"{self.t.shown}: Fn::GetAtt {logical!r}: no such resource")
        if isinstance(attr, Unknown):
            return attr
        return self.attribute(logical, str(attr))

    def sub(self, arg: Any) -> Any:
        if isinstance(arg, list):
            text, variables = self._args("Sub", arg, 2)
            variables = self.value(variables)
        else:
            text, variables = arg, {}
        if not isinstance(text, str):
            raise InputError(f"{self.t.shown}: Fn::Sub needs a string, found {text!r}")
        unknown: list[Unknown] = []

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = variables[name]
            elif "." in name and not name.startswith("AWS::"):
                value = self.get_att(name.split(".", 1))
            else:
                value = self.ref(name)
            if isinstance(value, Unknown):
                unknown.append(value)
                return ""
            return _text(value)

        out = _SUB_VAR.sub(one, text)
        return unknown[0] if unknown else out

    def join(self, arg: Any) -> Any:
        delimiter, items = (self.value(a) for a in self._args("Join", arg, 2))
        return first_unknown([delimiter, items]) or str(delimiter).join(_text(i) for i in items)

    def select(self, arg: Any) -> Any:
        index, items = (self.value(a) for a in self._args("Select", arg, 2))
        if isinstance(index, Unknown) or isinstance(items, Unknown):
            return first_unknown([index, items])
        # CloudFormation: a non-negative index into a list (no counting from the end, no text).
        position = _index(index)
        if not isinstance(items, list) or position is None or position >= len(items):
            raise InputError(f"{self.t.shown}: Fn::Select index {index!r} is out of range of {items!r}")
        return items[position]

    def split(self, arg: Any) -> Any:
        delimiter, text = (self.value(a) for a in self._args("Split", arg, 2))
        return first_unknown([delimiter, text]) or str(text).split(str(delimiter))

    def get_azs(self, arg: Any) -> Any:
        region = self.value(arg)
        if isinstance(region, Unknown):
            return region
        named = isinstance(region, str) and (region == "" or _REGION.fullmatch(region) is not None)
        if region is not None and not named:  # CloudFormation refuses the template
            raise InputError(f"{self.t.shown}: Fn::GetAZs takes a region name, found {region!r}")
        if region in ("", None, self.ctx.region):
            return list(self.ctx.azs)
        return Unknown(f"the availability zones of region {region}")

    def cidr(self, arg: Any) -> Any:
        values = [self.value(a) for a in self._args("Cidr", arg, 3)]
        block, count, bits = values
        return first_unknown(values) or cidr(block, count, bits, where=self.t.shown)

    def if_(self, arg: Any) -> Any:
        name, yes, no = self._args("If", arg, 3)
        return self.value(yes if self.condition(name) else no)

    def equals(self, arg: Any) -> Any:
        a, b = (self.value(x) for x in self._args("Equals", arg, 2))
        return first_unknown([a, b]) or _text(a) == _text(b)

    def logical(self, name: str, arg: Any) -> Any:
        values = [self.value(x) for x in (arg if isinstance(arg, list) else [arg])]
        unknown = first_unknown(values)
        if unknown is not None:
            return unknown
        bools = [v if isinstance(v, bool) else v == "true" for v in values]
        if name == "Not":
            return not bools[0]
        return all(bools) if name == "And" else any(bools)

    def find_in_map(self, arg: Any) -> Any:
        default = NO_VALUE
        if isinstance(arg, list) and len(arg) == 4 and isinstance(arg[3], dict):
            default = self.value(arg[3].get("DefaultValue"))
            arg = arg[:3]
        name, top, second = (self.value(a) for a in self._args("FindInMap", arg, 3))
        unknown = first_unknown([name, top, second])
        if unknown is not None:
            return unknown
        mapping = self.t.section("Mappings").get(name) or {}  # no such map: no such entry
        try:
            return self.value(mapping[top][second])
        except (KeyError, TypeError):
            if default is not NO_VALUE:
                return default
            raise InputError(
                f"{self.t.shown}: Fn::FindInMap [{name}, {top}, {second}]: no such entry"
            ) from None


def cidr(block: Any, count: Any, bits: Any, where: str = "Fn::Cidr") -> list[str]:
    """Fn::Cidr as AWS computes it: ``count`` consecutive blocks of ``bits`` host bits each, from the
    start of ``block`` (``Fn::Cidr ["10.0.0.0/16", 3, 8]`` gives 10.0.0.0/24, 10.0.1.0/24, 10.0.2.0/24)."""
    try:
        net = ipaddress.ip_network(str(block), strict=False)
        count, bits = int(count), int(bits)
    except ValueError:
        raise InputError(
            f"{where}: Fn::Cidr [{block}, {count}, {bits}]: not a CIDR block and two numbers"
        ) from None
    prefix = net.max_prefixlen - bits
    if not 1 <= count <= 256 or bits < 1 or prefix < net.prefixlen:
        raise InputError(
            f"{where}: Fn::Cidr [{block}, {count}, {bits}]: cannot cut {count} /{prefix} from {net}"
        )
    available = 1 << (prefix - net.prefixlen)
    if count > available:
        raise InputError(
            f"{where}: Fn::Cidr [{block}, {count}, {bits}]: {net} holds only {available} /{prefix}"
        )
    size = 1 << bits
    first = int(net.network_address)
    cls = type(net)
    return [str(cls((first + i * size, prefix))) for i in range(count)]


def dynamic_reference(value: Any) -> Any:
    """A string holding a dynamic reference (``{{resolve:ssm:/net/subnet}}``, also built by
    ``Fn::Sub``): CloudFormation reads the SSM parameter or secret at deployment, so its value is
    not known here (never the reference's own text read as an id, a CIDR or a flag)."""
    found = _DYNAMIC.search(value) if isinstance(value, str) else None
    if found is not None:
        return Unknown(f"the dynamic reference {found.group(0)} is resolved at deployment")
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _base64(ev: Evaluator, arg: Any) -> Any:
    value = ev.value(arg)
    return value if isinstance(value, Unknown) else base64.b64encode(_text(value).encode()).decode()


def _length(ev: Evaluator, arg: Any) -> Any:
    value = ev.value(arg)
    return value if isinstance(value, Unknown) else len(value)


def _to_json(ev: Evaluator, arg: Any) -> Any:
    value = ev.value(arg)
    return first_unknown(value) or _text(value)


_FUNCTIONS: dict[str, Callable[[Evaluator, Any], Any]] = {
    "Ref": Evaluator.ref,
    "Fn::GetAtt": Evaluator.get_att,
    "Fn::Sub": Evaluator.sub,
    "Fn::Join": Evaluator.join,
    "Fn::Select": Evaluator.select,
    "Fn::Split": Evaluator.split,
    "Fn::GetAZs": Evaluator.get_azs,
    "Fn::Cidr": Evaluator.cidr,
    "Fn::If": Evaluator.if_,
    "Fn::Equals": Evaluator.equals,
    "Fn::Not": lambda ev, arg: ev.logical("Not", arg),
    "Fn::And": lambda ev, arg: ev.logical("And", arg),
    "Fn::Or": lambda ev, arg: ev.logical("Or", arg),
    "Fn::FindInMap": Evaluator.find_in_map,
    "Fn::ImportValue": lambda ev, arg: ev.ctx.import_value(ev.value(arg)),
    "Fn::Base64": _base64,
    "Fn::Length": _length,
    "Fn::ToJsonString": _to_json,
    "Fn::Transform": lambda ev, arg: Unknown("Fn::Transform runs a macro at deployment"),
}


def _index(value: Any) -> int | None:
    """A list index as Fn::Select takes one (an integer or its digits), else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
