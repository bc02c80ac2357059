"""The command line (typer). Thin: parse options, run the pipeline, write the report, exit 0/1/2.

Exit codes: 0 clean, 1 findings at or above the failing severity, 2 usage or input error.
Nothing here imports boto3 unless a command really calls AWS.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from fargate_netcheck import __version__, cli_support
from fargate_netcheck.errors import InputError

app = typer.Typer(
    name="fargate-netcheck",
    help="Read-only network linter for AWS ECS Fargate: can this task reach what it needs?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Live-collection scope, shared by `scan` and `check`.
AccountsOpt = Annotated[
    list[str],
    typer.Option(
        "--accounts", help="Account ids (comma-separated or repeated); --role-name is assumed in each."
    ),
]
OrganizationOpt = Annotated[
    bool, typer.Option("--organization", help="Every ACTIVE account of the AWS Organization.")
]
RoleNameOpt = Annotated[str, typer.Option(help="Role assumed in each account of --accounts/--organization.")]
ExternalIdOpt = Annotated[str | None, typer.Option(help="ExternalId for AssumeRole.")]
AllRegionsOpt = Annotated[bool, typer.Option("--all-regions", help="Every region each account has enabled.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
RedactOpt = Annotated[
    bool,
    typer.Option(
        "--redact", help="Mask account ids, IP addresses and tag values (consistently), for sharing."
    ),
]
VerboseOpt = Annotated[
    int, typer.Option("--verbose", "-v", count=True, help="Log each API call and retry (-vv: debug).")
]


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
    cluster: Annotated[
        str | None, typer.Option(help="ECS cluster: check its services' network configuration.")
    ] = None,
    service: Annotated[
        list[str], typer.Option(help="ECS service of --cluster (repeatable; default: all).")
    ] = [],  # noqa: B006
    deploy_config: Annotated[
        Path | None, typer.Option(help="CloudReactor project root or deploy config folder.")
    ] = None,
    env: Annotated[
        str | None, typer.Option(help="Deployment environment of --deploy-config (e.g. staging).")
    ] = None,
    task: Annotated[str | None, typer.Option(help="Only this task of --deploy-config.")] = None,
    run_environment: Annotated[
        Path | None, typer.Option(help="CloudReactor Run Environment JSON: network defaults.")
    ] = None,
    default_subnet: Annotated[
        list[str], typer.Option(help="Run Environment default subnet (repeatable).")
    ] = [],  # noqa: B006
    default_security_group: Annotated[
        list[str], typer.Option(help="Run Environment default security group (repeatable).")
    ] = [],  # noqa: B006
    default_assign_public_ip: Annotated[
        bool | None,
        typer.Option(
            "--default-assign-public-ip/--no-default-assign-public-ip",
            help="Run Environment default public-IP choice.",
        ),
    ] = None,
    audit: Annotated[
        bool, typer.Option(help="Also audit every subnet in scope (the default when no target is named).")
    ] = False,
    region: Annotated[
        list[str], typer.Option(help="Region to collect (repeatable; default from the environment).")
    ] = [],  # noqa: B006
    profile: Annotated[str | None, typer.Option(help="AWS profile for live collection.")] = None,
    accounts: AccountsOpt = [],  # noqa: B006
    organization: OrganizationOpt = False,
    role_name: RoleNameOpt = "fargate-netcheck-read",
    external_id: ExternalIdOpt = None,
    all_regions: AllRegionsOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
    redact: RedactOpt = False,
    port: Annotated[
        list[int], typer.Option(help="Destination TCP port that must be reachable (repeatable; default 443).")
    ] = [],  # noqa: B006
    destination: Annotated[
        list[str], typer.Option(help="Destination CIDR (repeatable; default: the internet).")
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
        str | None,
        typer.Option(
            help="Lowest severity that makes the exit code 1: error, warning or info (default: error)."
        ),
    ] = None,
    rules_dir: Annotated[list[Path], typer.Option(help="Folder of extra rule modules (repeatable).")] = [],  # noqa: B006
    min_free_ips: Annotated[
        int | None, typer.Option(help="Warn (LB002) when a task subnet has fewer free addresses (default 8).")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Configuration file (default: .fargate-netcheck.toml or [tool.fargate-netcheck] in "
            "pyproject.toml, searched from the current folder up to the repository root).",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(help="A previous JSON report: mark findings new or unchanged and list resolved ones."),
    ] = None,
    fail_on_new: Annotated[
        bool,
        typer.Option(
            "--fail-on-new", help="Exit 1 only for new findings at or above --fail-on (needs --baseline)."
        ),
    ] = False,
) -> None:
    """Check the egress of Fargate targets: from a snapshot, or collected live."""
    from fargate_netcheck.baseline import apply_baseline, load_baseline
    from fargate_netcheck.baseline import fail_on_new as has_failing_new
    from fargate_netcheck.cli_support import Aws, codes, load_or_collect
    from fargate_netcheck.config import load_config, to_selection
    from fargate_netcheck.gc_quiet import gc_quiet
    from fargate_netcheck.graph import build_graph
    from fargate_netcheck.model import Finding, Severity
    from fargate_netcheck.output import parse_formats, write_report
    from fargate_netcheck.pipeline import AnalysisOptions, analyze, exit_code
    from fargate_netcheck.suppressions import apply_suppressions, suppression_rules
    from fargate_netcheck.target_sources import TargetRequest, resolve_targets
    from fargate_netcheck.trace import TraceOptions

    formats = parse_formats(format or ["text"])
    cfg = load_config(Path.cwd(), config).merged_with_cli(
        fail_on=cli_support.severity(fail_on, "--fail-on") if fail_on is not None else None,
        ports=[cli_support.port(p) for p in port],
        destinations=destination,
        rules_dir=rules_dir,
        min_free_ips=min_free_ips,
    )
    failing = cfg.fail_on or Severity.ERROR
    if fail_on_new and baseline is None:
        raise InputError("--fail-on-new needs --baseline FILE")
    baseline_report = load_baseline(baseline) if baseline is not None else None
    options = AnalysisOptions(
        trace=TraceOptions(
            destinations=tuple(cli_support.destination(d) for d in cfg.destinations or ())
            or TraceOptions().destinations,
            ports=cfg.ports or TraceOptions().ports,
        ),
        selection=to_selection(cfg, codes(select), codes(ignore), codes(extend_select)),
        rules_dirs=cfg.rules_dir or (),
    )
    if cfg.min_free_ips is not None:
        options.params["min_free_ips"] = cfg.min_free_ips
    request = TargetRequest(
        subnets=tuple(subnet),
        security_groups=tuple(security_group),
        assign_public_ip=assign_public_ip,
        cluster=cluster,
        services=tuple(service),
        deploy_config=deploy_config,
        env=env,
        task=task,
        run_environment=run_environment,
        default_subnets=tuple(default_subnet),
        default_security_groups=tuple(default_security_group),
        default_assign_public_ip=default_assign_public_ip,
        audit=audit,
    )
    request.validate()
    if snapshot is not None and (region or profile) and not cluster:
        raise InputError("--snapshot reads a file: --region and --profile apply to live AWS calls only")
    scope = cli_support.Scope(
        cli_support.split_accounts(accounts),
        organization,
        role_name,
        external_id,
        all_regions,
        quiet,
        verbose,
    )
    if cluster and scope.many_accounts:
        raise InputError(
            "--cluster reads ECS in the caller's account: it does not combine with --accounts/--organization"
        )
    aws = Aws(list(region), profile)
    redactor = None
    if redact:
        from fargate_netcheck.redact import Redactor

        redactor = Redactor()
        if cfg.destinations:
            # the user's destinations name real addresses: mask them the same way
            masked = tuple(cli_support.destination(redactor.address(d)) for d in cfg.destinations)
            options.trace = replace(options.trace, destinations=masked)
    snap = load_or_collect(snapshot, aws, scope, redactor)
    with gc_quiet():
        graph = build_graph(snap)
        targets, problems = resolve_targets(graph, request, lambda: aws.client("ecs"))
        options.params["config_problems"] = problems
        report = analyze(snap, graph, targets, options, with_topology="html" in formats)
        findings, extras = apply_suppressions(report.findings, cfg.suppress, date.today())
        report.findings = sorted([*findings, *extras], key=Finding.sort_key)
        report.rules.update(
            {i: r for i, r in suppression_rules().items() if any(f.rule_id == i for f in extras)}
        )
        if baseline_report is not None:
            report.findings, report.resolved = apply_baseline(report.findings, baseline_report)
        write_report(report, formats, output, output_dir)
    if fail_on_new:
        raise typer.Exit(1 if has_failing_new(report.findings, failing) else 0)
    raise typer.Exit(exit_code(report, failing))


@app.command()
def diagnose(
    task_id: Annotated[
        str | None, typer.Argument(metavar="TASK", help="Task id or ARN (stopped tasks included).")
    ] = None,
    cluster: Annotated[str, typer.Option(help="ECS cluster of the task.")] = ...,  # type: ignore[assignment]
    service: Annotated[
        str | None, typer.Option(help="Diagnose this service's most recent stopped task.")
    ] = None,
    snapshot: Annotated[
        Path | None, typer.Option(help="Network snapshot to check against (default: collect live).")
    ] = None,
    security_group: Annotated[
        list[str], typer.Option(help="The task's security groups, if AWS no longer knows them.")
    ] = [],  # noqa: B006
    assign_public_ip: Annotated[
        bool | None,
        typer.Option(
            "--assign-public-ip/--no-assign-public-ip",
            help="The task's public-IP choice, if AWS no longer knows it.",
        ),
    ] = None,
    region: Annotated[
        list[str], typer.Option(help="Region (default: from the task ARN, else the environment).")
    ] = [],  # noqa: B006
    profile: Annotated[str | None, typer.Option(help="AWS profile.")] = None,
    format: Annotated[list[str], typer.Option("--format", "-f", help="Report format(s).")] = [],  # noqa: B006
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report here (default: stdout).")
    ] = None,
) -> None:
    """Explain why a Fargate task stopped: the cause, the blocking hop, the fix."""
    from fargate_netcheck.cli_support import Aws
    from fargate_netcheck.diagnose import diagnose_task
    from fargate_netcheck.output import parse_formats, write_report

    if (task_id is None) == (service is None):
        raise InputError(
            "diagnose takes a TASK id or ARN, or --service (its most recent stopped task), not both"
        )
    formats = parse_formats(format or ["text"])
    task_region = task_id.split(":")[3] if task_id and task_id.startswith("arn:") else None
    aws = Aws(list(region) or ([task_region] if task_region else []), profile)
    report = diagnose_task(
        aws,
        cluster,
        task_id,
        service,
        snapshot,
        tuple(security_group),
        assign_public_ip,
        with_topology="html" in formats,
    )
    write_report(report, formats, output, None)


@app.command("graph")
def graph_command(
    snapshot: Annotated[Path, typer.Option(help="Snapshot file whose network graph to export.")],
    format: Annotated[str, typer.Option("--format", "-f", help="dot, graphml or json.")] = "dot",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the graph here (default: stdout).")
    ] = None,
) -> None:
    """Export a snapshot's network graph: Graphviz DOT, GraphML or node-link JSON."""
    from fargate_netcheck.graph import build_graph
    from fargate_netcheck.graph_export import export_graph
    from fargate_netcheck.snapshot import load_snapshot

    text = export_graph(build_graph(load_snapshot(snapshot)), format.lower())
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@app.command()
def scan(
    output: Annotated[Path, typer.Option("--output", "-o", help="Snapshot file to write.")],
    region: Annotated[
        list[str], typer.Option(help="Region to collect (repeatable; default from the environment).")
    ] = [],  # noqa: B006
    profile: Annotated[str | None, typer.Option(help="AWS profile.")] = None,
    accounts: AccountsOpt = [],  # noqa: B006
    organization: OrganizationOpt = False,
    role_name: RoleNameOpt = "fargate-netcheck-read",
    external_id: ExternalIdOpt = None,
    all_regions: AllRegionsOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
    redact: RedactOpt = False,
) -> None:
    """Collect a read-only snapshot of the account's (or accounts') network into a JSON file."""
    from fargate_netcheck.cli_support import Aws, Scope, collect_live, split_accounts
    from fargate_netcheck.snapshot import write_snapshot

    scope = Scope(split_accounts(accounts), organization, role_name, external_id, all_regions, quiet, verbose)
    data, calls = collect_live(Aws(list(region), profile), scope)
    if redact:
        from fargate_netcheck.redact import Redactor

        data = Redactor().redact_snapshot(data)
    write_snapshot(data, output)
    by_account = data.get("accounts") or {data.get("account_id") or "-": data}
    bodies = [body for account in by_account.values() for body in account["regions"].values()]
    errors = sum(len(b.get("Errors", {})) for b in bodies) + sum(
        len(a.get("Errors", {})) for a in by_account.values()
    )
    typer.echo(
        f"wrote {output}: {len(by_account)} account(s), {len(bodies)} region(s), {calls.total} API call(s), "
        f"{calls.total_retries} retries, {errors} collection error(s)",
        err=True,
    )


@app.command()
def demo(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the JSON report.")] = Path(
        "report.json"
    ),
    html: Annotated[Path | None, typer.Option(help="Also write the HTML report here.")] = Path("report.html"),
) -> None:
    """Build a sample account in an embedded moto (no AWS needed), check it, print the report."""
    from fargate_netcheck.demo.runner import run_demo

    raise typer.Exit(run_demo(output, html))


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


def main() -> None:
    try:
        app()
    except InputError as exc:
        # One line, and no control characters from the snapshot (a region name, a key) reach the terminal.
        message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(exc))
        print(f"fargate-netcheck: error: {message}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(1)
