"""Template parameter values: ``--parameter KEY=VALUE``, ``--parameters FILE`` and each parameter's
Default, typed as CloudFormation types them (lists split on commas; SSM types unknown)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import SMALL_LIMIT, read_limited
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.targets.iac.cfn_template import Template
from fargate_netcheck.targets.iac.values import Unknown


def parse_parameters(pairs: list[str], files: list[Path]) -> dict[str, str]:
    """KEY=VALUE options win over the files' values (the more specific statement)."""
    values: dict[str, str] = {}
    for path in files:
        values.update(_from_file(path))
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--parameter {pair!r}: expected KEY=VALUE")
        values[key.strip()] = value
    return values


def _from_file(path: Path) -> dict[str, str]:
    """The list ``aws cloudformation create-stack --parameters file://`` and ``deploy
    --parameter-overrides file://`` take: ``[{"ParameterKey": k, "ParameterValue": v}]`` or
    ``["k=v"]``; also ``{"Parameters": {k: v}}`` (a CodePipeline template configuration)."""
    try:
        data = json.loads(read_limited(path, "parameters file", SMALL_LIMIT, encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad JSON, a too-long number
        raise InputError(f"{path}: not a readable JSON parameters file ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        return {str(k): _scalar(path, k, v) for k, v in data["Parameters"].items()}
    if not isinstance(data, list):
        raise InputError(f"{path}: parameters are a JSON list of {{ParameterKey, ParameterValue}}")
    out: dict[str, str] = {}
    for i, entry in enumerate(data):
        if isinstance(entry, str) and "=" in entry:
            key, _, value = entry.partition("=")
            out[key] = value
        elif isinstance(entry, dict) and isinstance(entry.get("ParameterKey"), str):
            if entry.get("UsePreviousValue"):
                raise InputError(
                    f"{path}: [{i}] {entry['ParameterKey']}: UsePreviousValue needs the deployed stack; pass its value"
                )
            out[entry["ParameterKey"]] = _scalar(path, entry["ParameterKey"], entry.get("ParameterValue"))
        else:
            raise InputError(
                f"{path}: [{i}] is not a {{ParameterKey, ParameterValue}} object or a KEY=VALUE string"
            )
    return out


def _scalar(path: Path, key: Any, value: Any) -> str:
    """A parameter's value: a string, as ``aws cloudformation`` takes it (it refuses a number)."""
    if isinstance(value, str):
        return value
    raise InputError(f"{path}: parameter {key}: ParameterValue must be a string, found {value!r}")


def parameter_values(t: Template, given: dict[str, str]) -> JsonDict:
    """Each declared parameter's value; one with neither a value nor a Default is an input error."""
    declared = t.section("Parameters")
    values: JsonDict = {}
    for name, spec in declared.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("Type"), str):
            raise InputError(f"{t.where(name, declared)}: parameter {name} has no Type")
        ptype = spec["Type"]
        value = given.get(name, spec.get("Default"))
        if value is None:
            raise InputError(
                f"{t.where(name, declared)}: parameter {name} ({ptype}) has no value and no Default: "
                f"pass --parameter {name}=VALUE"
            )
        if ptype.startswith("AWS::SSM::Parameter::Value<"):
            values[name] = Unknown(f"parameter {name} is read from SSM parameter {value} at deployment")
        elif (
            ptype.startswith("List<")
            or ptype == "CommaDelimitedList"
            or ptype.startswith("AWS::SSM::Parameter::Value<List")
        ):
            values[name] = (
                [_text(v) for v in value]
                if isinstance(value, list)
                else [v.strip() for v in _text(value).split(",") if v.strip()]
            )
        else:
            values[name] = _text(value)
        allowed = spec.get("AllowedValues")
        if (
            isinstance(allowed, list)
            and isinstance(values[name], str)
            and values[name] not in map(_text, allowed)
        ):
            raise InputError(
                f"{t.where(name, declared)}: parameter {name}: {values[name]!r} is not one of its AllowedValues"
            )
    return values


def _text(value: Any) -> str:
    """A parameter value as CloudFormation passes it: a string (YAML's ``true`` is ``"true"``, as
    ``Fn::Equals`` and ``AllowedValues`` compare it, not Python's ``"True"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)
