"""Load a CloudFormation template (YAML with the short-form tags, or JSON such as ``cdk synth``
writes) with the file and line of every mapping key, so a finding can point at the resource.

YAML goes through ``LocatedLoader`` (its locations and input bounds) with CloudFormation's tags
added: ``!Ref x`` loads as ``{"Ref": "x"}``, ``!GetAtt a.b`` as ``{"Fn::GetAtt": ["a", "b"]}``, and
every other ``!Fn`` as ``{"Fn::Fn": ...}``. JSON is decoded by a small located decoder built on the
standard library's scanner (strings and numbers exactly as ``json`` reads them).
"""

from __future__ import annotations

import bisect
import json
import json.scanner
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import read_limited
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import SourceLocation
from fargate_netcheck.targets.yaml_lines import LocatedDict, LocatedList, LocatedLoader, load_yaml

_FUNCTIONS = (
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "Not",
    "Or",
    "Length",
    "ToJsonString",
)
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024  # far above CloudFormation's own 1 MB limit for a template in S3


@dataclass(frozen=True, slots=True)
class Template:
    """One template: its body (a LocatedDict), the stack name its ids use, and where it came from."""

    path: Path
    shown: str  # the path as given, for messages and SARIF
    stack: str
    body: LocatedDict

    def section(self, name: str) -> JsonDict:
        value = self.body.get(name)
        if value is None:
            return LocatedDict()
        if not isinstance(value, dict):
            raise InputError(f"{self.where(name)}: {name} must be a mapping")
        return value

    def where(self, key: str, within: Any = None) -> str:
        loc = self.location(key, within)
        return f"{loc.path}:{loc.line}" if loc.line else loc.path

    def location(self, key: str, within: Any = None) -> SourceLocation:
        mapping = self.body if within is None else within
        return getattr(mapping, "locations", {}).get(key) or SourceLocation(self.shown)


class CfnLoader(LocatedLoader):
    """``LocatedLoader`` with CloudFormation's short-form function tags."""


def _long_form(name: str) -> Callable[[CfnLoader, Node], Any]:
    key = "Ref" if name == "Ref" else "Condition" if name == "Condition" else f"Fn::{name}"

    def construct(loader: CfnLoader, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "GetAtt":
                value = LocatedList(str(value).split(".", 1))
        elif isinstance(node, SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        elif isinstance(node, MappingNode):
            value = loader.construct_mapping(node, deep=True)
        out = LocatedDict({key: value})
        out.locations[key] = loader.location(node)
        return out

    return construct


for _name in ("Ref", "Condition", "GetAtt", *_FUNCTIONS):
    CfnLoader.add_constructor(f"!{_name}", _long_form(_name))

_MAPPING = "tag:yaml.org,2002:map"
_located_mapping = LocatedLoader.yaml_constructors[_MAPPING]


def _unique_mapping(loader: CfnLoader, node: Node) -> Any:
    """A mapping whose keys are written once: CloudFormation refuses a template with a key twice
    (two resources ``S:``), where YAML loaders keep the last. Keys merged in by ``<<`` may be
    overridden, as YAML allows."""
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            line = key_node.start_mark.line + 1
            if key_node.value in seen:
                raise InputError(
                    f"{loader.display_path}:{line}: duplicate key {key_node.value!r} "
                    f"(first at line {seen[key_node.value]})"
                )
            seen[key_node.value] = line
    return _located_mapping(loader, node)


CfnLoader.add_constructor(_MAPPING, _unique_mapping)


def load_template(path: Path, stack: str | None = None) -> Template:
    """Read ``path`` (YAML or JSON, by content). Bad input raises a one-line ``InputError``."""
    shown = str(path)
    try:
        text = read_limited(path, "template", MAX_TEMPLATE_BYTES, shown, encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{shown}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{shown}: cannot read: {exc}") from None
    body = _load_json(text, shown) if text.lstrip().startswith("{") else _load_yaml(path, shown)
    if not isinstance(body, dict):
        raise InputError(f"{shown}: a CloudFormation template is a mapping, found {type(body).__name__}")
    if not isinstance(body.get("Resources"), dict) or not body["Resources"]:
        raise InputError(f"{shown}: no Resources: not a CloudFormation template")
    located = body if isinstance(body, LocatedDict) else LocatedDict(body)  # both loaders build these
    return Template(path, shown, stack or default_stack_name(path), located)


def _load_yaml(path: Path, shown: str) -> Any:
    try:
        return load_yaml(path, shown, CfnLoader)
    except (
        yaml.YAMLError
    ) as exc:  # raised before parsing starts (a control character), outside load_yaml's care
        raise InputError(f"{shown}: not YAML: {' '.join(str(exc).split())}") from None


def default_stack_name(path: Path) -> str:
    """The file's stem, without the ``.template`` CDK adds (``cdk.out/App.template.json`` -> App)."""
    name = path.name
    for suffix in (".json", ".yaml", ".yml", ".template"):
        name = name.removesuffix(suffix)
    return name or path.name


class _LineIndex:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


# The scanner's callback: (text, index) -> (value, index after it); StopIteration when no value starts there.
_ScanOnce = Callable[[str, int], tuple[Any, int]]
_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's insignificant whitespace (RFC 8259)


class _LocatedDecoder(json.JSONDecoder):
    """``json``'s pure-Python scanner calls back into its decoder for objects and arrays: these
    attributes (set in ``JSONDecoder.__init__``, undocumented) are replaced to build located ones."""

    parse_object: Callable[..., tuple[LocatedDict, int]]
    parse_array: Callable[[tuple[str, int], _ScanOnce], tuple[LocatedList, int]]
    scan_once: _ScanOnce


def _load_json(text: str, shown: str) -> Any:
    lines = _LineIndex(text)
    decoder = _LocatedDecoder()

    def parse_object(
        state: tuple[str, int], strict: bool, scan_once: _ScanOnce, *_: Any
    ) -> tuple[LocatedDict, int]:
        s, end = state
        out = LocatedDict()
        end = _skip(s, end)
        if s[end : end + 1] == "}":
            return out, end + 1
        while True:
            if s[end : end + 1] != '"':
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", s, end)
            key_at = end
            key, end = scan_once(s, end)  # a string, read by the decoder's own (strict) parse_string
            if key in out:  # CloudFormation refuses a template with a key twice; json keeps the last
                first = out.locations[key].line
                raise json.JSONDecodeError(f"duplicate key {key!r} (first at line {first})", s, key_at)
            end = _skip(s, end)
            if s[end : end + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", s, end)
            value, end = scan_once(s, _skip(s, end + 1))
            out[key] = value
            out.locations[key] = SourceLocation(shown, lines.line(key_at))
            end, closed = _after_item(s, end, "}")
            if closed:
                return out, end

    def parse_array(state: tuple[str, int], scan_once: _ScanOnce) -> tuple[LocatedList, int]:
        s, end = state
        out = LocatedList()
        end = _skip(s, end)
        if s[end : end + 1] == "]":
            return out, end + 1
        while True:
            out.item_locations.append(SourceLocation(shown, lines.line(end)))
            value, end = scan_once(s, end)
            out.append(value)
            end, closed = _after_item(s, end, "]")
            if closed:
                return out, end

    decoder.parse_object = parse_object
    decoder.parse_array = parse_array
    # typeshed declares only json.scanner.make_scanner; the pure-Python one (undocumented, in
    # CPython since 2.6) is the one that calls parse_object/parse_array back, the C one does not.
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        value, end = decoder.raw_decode(text, _skip(text, 0))
        if _skip(text, end) != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    except json.JSONDecodeError as exc:
        raise InputError(f"{shown}:{exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{shown}: nested too deeply") from None
    except ValueError as exc:  # a number past Python's digit limit (int_max_str_digits)
        raise InputError(f"{shown}: not valid JSON: {exc}") from None
    return value


def _after_item(s: str, end: int, closer: str) -> tuple[int, bool]:
    """Past an object's member or an array's item: the index after ``closer`` and True at the end
    of the container, else the index of the next item (after the comma) and False."""
    end = _skip(s, end)
    if s[end : end + 1] == closer:
        return end + 1, True
    if s[end : end + 1] != ",":
        raise json.JSONDecodeError("Expecting ',' delimiter", s, end)
    return _skip(s, end + 1), False


def _skip(s: str, end: int) -> int:
    found = _WHITESPACE.match(s, end)  # always matches (perhaps nothing)
    return found.end() if found else end


# Transforms whose output keeps the template's network resources as written: SAM (its own
# AWS::Serverless::* types only), the language extensions (their functions are evaluated here; a
# Fn::ForEach is reported on its own), CodeDeploy's ECS blue/green hook and Secrets Manager's
# rotation. Any other transform (a macro, a template-wide AWS::Include) rewrites the template at
# deployment, into what this code cannot see.
_KNOWN_TRANSFORMS = frozenset(
    {
        "AWS::Serverless-2016-10-31",
        "AWS::LanguageExtensions",
        "AWS::CodeDeployBlueGreen",
        "AWS::SecretsManager-2020-07-23",
        "AWS::SecretsManager-2024-09-16",
    }
)
FOREACH = "Fn::ForEach::"


def deploy_time_rewrites(t: Template) -> list[str]:
    """Why the template CloudFormation deploys differs from this one in ways only deployment
    knows: a macro (``Transform``), ``Fn::Transform`` snippets and ``Fn::ForEach`` loops among the
    resources (not expanded here). Each reason names the file and line."""
    reasons = []
    transforms = t.body.get("Transform")
    for transform in transforms if isinstance(transforms, list) else [transforms]:
        name = transform.get("Name") if isinstance(transform, dict) else transform
        if transform is not None and name not in _KNOWN_TRANSFORMS:
            reasons.append(
                f"{t.where('Transform')}: the template's transform {name!r} rewrites it at deployment "
                "(check the processed template: aws cloudformation get-template --template-stage Processed)"
            )
    for key, found in _rewriting_keys(t.section("Resources")):
        what = "Fn::ForEach loop" if key.startswith(FOREACH) else "Fn::Transform snippet"
        reasons.append(f"{t.where(key, found)}: the {what} {key} is not expanded before deployment here")
    return reasons


def _rewriting_keys(node: Any, depth: int = 0) -> list[tuple[str, Any]]:
    """``(key, the mapping holding it)`` for every ``Fn::ForEach::...`` key, and every
    ``Fn::Transform`` key that adds resources or properties (in Resources, a resource or its
    Properties: one inside a property's value is an unknown value, evaluated as such)."""
    out: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            snippet = key == "Fn::Transform" and depth <= 2
            if isinstance(key, str) and (key.startswith(FOREACH) or snippet):
                out.append((key, node))
            deeper = depth + 1 if depth != 1 or key == "Properties" else 3
            out += _rewriting_keys(value, deeper)
    elif isinstance(node, list):
        for value in node:
            out += _rewriting_keys(value, 3)
    return out
