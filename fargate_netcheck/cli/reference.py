"""The commands that print reference material: the rules, one rule's documentation, the IAM
policy, the JSON Schemas. They read no snapshot and call no AWS; ``cli.app`` registers them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from fargate_netcheck.cli.options import RulesDirOpt
from fargate_netcheck.core.errors import InputError

if TYPE_CHECKING:
    from fargate_netcheck.core.model import RuleInfo
    from fargate_netcheck.rules_api import Rule


def list_rules(rules_dir: RulesDirOpt = []) -> None:  # noqa: B006
    """List every rule, then the suppression warnings: id, default severity, title."""
    from fargate_netcheck.checks.registry import load_rules
    from fargate_netcheck.checks.suppressions import suppression_rules

    listed: list[Rule | RuleInfo] = [*load_rules(rules_dir).values(), *suppression_rules().values()]
    for rule in listed:
        typer.echo(f"{rule.id:<8} {rule.severity.value:<8} {rule.title}")


def explain(
    rule_id: Annotated[str, typer.Argument(metavar="RULE", help="A rule id or name, e.g. GW002.")],
    rules_dir: RulesDirOpt = [],  # noqa: B006
) -> None:
    """Print a rule's documentation: what it checks, why it matters, an example, the fix."""
    from fargate_netcheck.checks.registry import load_rules
    from fargate_netcheck.checks.suppressions import suppression_rules

    rules: dict[str, Rule | RuleInfo] = {**load_rules(rules_dir), **suppression_rules()}
    by_name = {r.name.lower(): r for r in rules.values()}
    rule = rules.get(rule_id.upper()) or by_name.get(rule_id.lower())
    if rule is None:
        raise InputError(f"unknown rule {rule_id!r} (see `fargate-netcheck rules`)")
    typer.echo(
        f"{rule.id} {rule.name}: {rule.title} (default severity: {rule.severity.value})\n\n{rule.docs}"
    )


def iam_policy(
    management: Annotated[
        bool,
        typer.Option(
            "--management",
            help="The caller's policy for --accounts/--organization (AssumeRole, Organizations) instead.",
        ),
    ] = False,
) -> None:
    """Print the least-privilege IAM policy for collection (generated from what collectors declare)."""
    from fargate_netcheck.core.resources import policy_dir

    name = "iam-policy-management.json" if management else "iam-policy.json"
    typer.echo((policy_dir() / name).read_text(encoding="utf-8"), nl=False)


def schema(
    which: Annotated[
        str, typer.Argument(metavar="report|snapshot", help="Which format: report or snapshot.")
    ],
) -> None:
    """Print the JSON Schema (draft 2020-12) of the JSON report or of the snapshot format."""
    if which == "report":
        from fargate_netcheck.report.schema import report_schema_text

        typer.echo(report_schema_text(), nl=False)
    elif which == "snapshot":
        import json

        from fargate_netcheck.snapshot.json_schema import snapshot_schema

        typer.echo(json.dumps(snapshot_schema(), indent=2))
    else:
        raise InputError(f"schema: {which!r} is not report or snapshot")
