"""Several templates deployed together: parameters, exports and imports between them, resources
into one ``Network`` and the task networks they declare."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.targets.deploy_config import TaskNetwork
from fargate_netcheck.targets.iac.cfn_intrinsics import Context, Evaluator
from fargate_netcheck.targets.iac.cfn_parameters import parameter_values
from fargate_netcheck.targets.iac.cfn_resources import CfnResources, attribute
from fargate_netcheck.targets.iac.cfn_tasks import task_networks
from fargate_netcheck.targets.iac.cfn_template import Template, load_template
from fargate_netcheck.targets.iac.network import Network


@dataclass(frozen=True, slots=True)
class StackInputs:
    templates: tuple[Path, ...]
    stack_names: tuple[str, ...]  # by position; the file's stem for the rest
    parameters: dict[str, str]


def _late_attribute(holder: list[Evaluator]) -> Callable[[str, str], Any]:
    """``Fn::GetAtt`` through the evaluator built with this callback (``holder[0]``, set after)."""
    return lambda logical, attr: attribute(holder[0], logical, attr)


def load_stacks(inputs: StackInputs, ctx: Context, net: Network) -> list[TaskNetwork]:
    """Add every template's resources to ``net``; the task networks they declare."""
    if len(inputs.stack_names) > len(inputs.templates):
        raise InputError("--stack-name: more names than --cloudformation templates")
    templates = [
        load_template(path, inputs.stack_names[i] if i < len(inputs.stack_names) else None)
        for i, path in enumerate(inputs.templates)
    ]
    _unique_stacks(templates)
    declared = {name for t in templates for name in t.section("Parameters")}
    for name in sorted(set(inputs.parameters) - declared):
        raise InputError(f"--parameter {name}: no template given declares a parameter of that name")
    evaluators = []
    for t in templates:
        holder: list[Evaluator] = []
        ev = Evaluator(
            t,
            ctx,
            parameter_values(t, inputs.parameters),
            _late_attribute(holder),
        )
        holder.append(ev)
        evaluators.append(ev)
        _register_exports(ev, ctx)
    networks: list[TaskNetwork] = []
    for ev in evaluators:
        builder = CfnResources(ev, net)
        try:
            builder.build()
            networks += task_networks(ev, builder.active)
        except RecursionError:
            raise InputError(f"{ev.t.shown}: intrinsic functions nested too deeply") from None
        except (TypeError, AttributeError) as exc:  # a task's properties in a shape ECS would refuse
            raise InputError(
                f"{ev.t.shown}: an ECS resource has a property of the wrong shape ({exc})"
            ) from None
    return networks


def _unique_stacks(templates: list[Template]) -> None:
    seen: dict[str, str] = {}
    for t in templates:
        if t.stack in seen:
            raise InputError(
                f"{t.shown}: stack name {t.stack!r} is also {seen[t.stack]}'s: pass --stack-name for each"
            )
        seen[t.stack] = t.shown


def _register_exports(ev: Evaluator, ctx: Context) -> None:
    outputs = ev.t.section("Outputs")
    for name, output in outputs.items():
        if not isinstance(output, dict) or not isinstance(output.get("Export"), dict):
            continue
        condition = output.get("Condition")
        if condition is not None and not ev.condition(condition):
            continue
        export = ev.value(output["Export"].get("Name"))
        if not isinstance(export, str):
            continue  # an export whose name is unknown cannot be imported by name
        if export in ctx.exports:
            raise InputError(
                f"{ev.t.where(name, outputs)}: export {export!r} is exported twice (CloudFormation refuses)"
            )
        ctx.exports[export] = _value_of(ev, output.get("Value"))


def _value_of(ev: Evaluator, node: Any) -> Callable[[], Any]:
    return lambda: ev.value(node)
