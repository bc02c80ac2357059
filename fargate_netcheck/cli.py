"""The command line (typer). Thin: parse options, run the pipeline, write the report, exit 0/1/2.

Exit codes: 0 clean, 1 findings at or above the failing severity, 2 usage or input error.
Nothing here imports boto3 unless a command really calls AWS.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from fargate_netcheck import __version__
from fargate_netcheck.errors import InputError
from fargate_netcheck.model import Severity

app = typer.Typer(
    name="fargate-netcheck",
    help="Read-only network linter for AWS ECS Fargate: can this task reach what it needs?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

Repeated = Annotated[list[str], typer.Option()]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fargate-netcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """fargate-netcheck: audit the egress path of ECS Fargate tasks, hop by hop."""


@app.command()
def check(
    snapshot: Annotated[
        Path | None, typer.Option(help="Read this snapshot instead of collecting live (never calls AWS).")
    ] = None,
    subnet: Annotated[list[str], typer.Option(help="Subnet a task may run in (repeatable).")] = [],  # noqa: B006
    security_group: Annotated[list[str], typer.Option(help="Task security group (repeatable).")] = [],  # noqa: B006
    assign_public_ip: Annotated[
        bool,
        typer.Option("--assign-public-ip/--no-assign-public-ip", help="The task's assignPublicIp choice."),
    ] = False,
    region: Annotated[
        list[str], typer.Option(help="Region to collect (repeatable; default from the environment).")
    ] = [],  # noqa: B006
    profile: Annotated[str | None, typer.Option(help="AWS profile for live collection.")] = None,
    port: Annotated[
        list[int], typer.Option(help="Destination TCP port that must be reachable (repeatable; default 443).")
    ] = [],  # noqa: B006
    destination: Annotated[
        list[str], typer.Option(help="Destination CIDR (repeatable; default 0.0.0.0/0).")
    ] = [],  # noqa: B006
    format: Annotated[
        list[str],
        typer.Option(
            "--format", "-f", help="text, json, html, sarif, junit, markdown (repeatable or comma-separated)."
        ),
    ] = [],  # noqa: B006
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here (default: stdout).")
    ] = None,
    output_dir: Annotated[
        Path | None, typer.Option(help="Write every requested format into this folder.")
    ] = None,
    select: Annotated[
        str | None, typer.Option(help="Comma-separated rule ids or prefixes to run (default: all).")
    ] = None,
    extend_select: Annotated[
        str | None, typer.Option(help="Rule ids or prefixes to add to the selection.")
    ] = None,
    ignore: Annotated[str | None, typer.Option(help="Rule ids or prefixes to skip.")] = None,
    fail_on: Annotated[
        str, typer.Option(help="Lowest severity that makes the exit code 1: error, warning or info.")
    ] = "error",
    rules_dir: Annotated[list[Path], typer.Option(help="Folder of extra rule modules (repeatable).")] = [],  # noqa: B006
) -> None:
    """Check the egress of Fargate targets: from a snapshot, or collected live."""
    from fargate_netcheck.graph import build_graph
    from fargate_netcheck.output import parse_formats, write_report
    from fargate_netcheck.pipeline import AnalysisOptions, analyze, exit_code
    from fargate_netcheck.registry import Selection
    from fargate_netcheck.targets import audit_targets, cli_targets
    from fargate_netcheck.trace import TraceOptions

    formats = parse_formats(format or ["text"])
    severity = _severity(fail_on, "--fail-on")
    options = AnalysisOptions(
        trace=TraceOptions(
            destinations=tuple(_cidr(d) for d in destination) or TraceOptions().destinations,
            ports=tuple(_port(p) for p in port) or TraceOptions().ports,
        ),
        selection=Selection(
            select=_codes(select), extend_select=_codes(extend_select), ignore=_codes(ignore)
        ),
        rules_dirs=tuple(rules_dir),
    )
    if security_group and not subnet:
        raise InputError(
            "--security-group needs --subnet (an account audit evaluates subnets without groups)"
        )
    snap = _load_or_collect(snapshot, region, profile)
    graph = build_graph(snap)
    targets = cli_targets(graph, subnet, security_group, assign_public_ip) if subnet else audit_targets(graph)
    report = analyze(snap, graph, targets, options)
    write_report(report, formats, output, output_dir)
    raise typer.Exit(exit_code(report, severity))


@app.command()
def scan(
    output: Annotated[Path, typer.Option("--output", "-o", help="Snapshot file to write.")],
    region: Annotated[
        list[str], typer.Option(help="Region to collect (repeatable; default from the environment).")
    ] = [],  # noqa: B006
    profile: Annotated[str | None, typer.Option(help="AWS profile.")] = None,
) -> None:
    """Collect a read-only snapshot of the account's network into a JSON file."""
    from fargate_netcheck.collect import collect
    from fargate_netcheck.snapshot import write_snapshot

    data, calls = collect(region, profile)
    write_snapshot(data, output)
    errors = sum(len(r.get("Errors", {})) for r in data["regions"].values())
    typer.echo(
        f"wrote {output}: {len(data['regions'])} region(s), {calls.total} API call(s), {errors} collection error(s)",
        err=True,
    )


@app.command()
def demo(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the JSON report.")] = Path(
        "report.json"
    ),
) -> None:
    """Build a sample account in an embedded moto (no AWS needed), check it, print the report."""
    from fargate_netcheck.demo.runner import run_demo

    raise typer.Exit(run_demo(output))


@app.command("rules")
def list_rules(
    rules_dir: Annotated[list[Path], typer.Option(help="Folder of extra rule modules (repeatable).")] = [],  # noqa: B006
) -> None:
    """List every rule: id, default severity, title."""
    from fargate_netcheck.registry import load_rules

    for rule in load_rules(rules_dir).values():
        typer.echo(f"{rule.id:<8} {rule.severity.value:<8} {rule.title}")


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. GW002.")],
    rules_dir: Annotated[list[Path], typer.Option(help="Folder of extra rule modules (repeatable).")] = [],  # noqa: B006
) -> None:
    """Print a rule's documentation: what it checks, why it matters, an example, the fix."""
    from fargate_netcheck.registry import load_rules

    rules = load_rules(rules_dir)
    rule = rules.get(rule_id.upper())
    if rule is None:
        raise InputError(f"unknown rule {rule_id!r} (see `fargate-netcheck rules`)")
    typer.echo(
        f"{rule.id} {rule.name}: {rule.title} (default severity: {rule.severity.value})\n\n{rule.docs}"
    )


@app.command("iam-policy")
def iam_policy() -> None:
    """Print the least-privilege IAM policy for collection (generated from what collectors declare)."""
    from fargate_netcheck.collect.iam import render_policy

    typer.echo(render_policy(), nl=False)


def _load_or_collect(snapshot: Path | None, regions: list[str], profile: str | None):
    from fargate_netcheck.snapshot import load_snapshot, parse_snapshot

    if snapshot is not None:
        if regions or profile:
            raise InputError("--snapshot reads a file: --region and --profile apply to live collection only")
        return load_snapshot(snapshot)
    from fargate_netcheck.collect import collect

    data, _ = collect(regions, profile)
    return parse_snapshot(data, "live collection")


def _codes(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in value.split(",") if c.strip()) if value else ()


def _severity(value: str, option: str) -> Severity:
    try:
        return Severity(value.lower())
    except ValueError:
        raise InputError(f"{option}: {value!r} is not one of error, warning, info") from None


def _cidr(value: str):
    from fargate_netcheck.trace import Destination

    try:
        return Destination.of(value)
    except ValueError:
        raise InputError(f"--destination: {value!r} is not a CIDR block") from None


def _port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise InputError(f"--port: {value} is not a TCP port")
    return value


def main() -> None:
    try:
        app()
    except InputError as exc:
        print(f"fargate-netcheck: error: {exc}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(1)
