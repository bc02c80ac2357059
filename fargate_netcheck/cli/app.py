"""The command line (typer). Thin: declare the commands and their options, hand the work over
(``check`` to ``cli.check``, live collection to ``cli.support``), exit 0/1/2. Options several
commands share are in ``cli.options``; the commands that print reference material in
``cli.reference``.

Exit codes (as Ruff's): 0 clean, 1 findings at or above the failing severity, 2 usage or input
error, a collection that got nothing, or an internal error (``cli.exit_codes``).
Nothing here imports boto3 unless a command really calls AWS.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fargate_netcheck import __version__
from fargate_netcheck.cli import reference
from fargate_netcheck.cli.call_options import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_READ_TIMEOUT,
    ConnectTimeoutOpt,
    MaxAttemptsOpt,
    ReadTimeoutOpt,
    RegionDeadlineOpt,
)
from fargate_netcheck.cli.options import (
    FORMAT_NAMES,
    FORMATS_HELP,
    AccountsOpt,
    AllRegionsOpt,
    ExternalIdOpt,
    OrganizationOpt,
    ProfileOpt,
    QuietOpt,
    RedactOpt,
    RegionOpt,
    ReportOutputOpt,
    RoleNameOpt,
    RulesDirOpt,
    VerboseOpt,
)

app = typer.Typer(
    name="fargate-netcheck",
    help="Read-only network linter for AWS ECS Fargate: can this task reach what it needs?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion / --show-completion: README "Shell completion"
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fargate-netcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Print the traceback of an internal error (anywhere on the line).")
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
    config_filename_stem: Annotated[
        str | None,
        typer.Option(
            envvar="CONFIG_FILENAME_STEM",
            help="The vars file of --env, without .yml, when it is not named after the env: the "
            "deployer's CONFIG_FILENAME_STEM (e.g. staging_crstaging).",
        ),
    ] = None,
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
    cloudformation: Annotated[
        list[Path],
        typer.Option(
            help="CloudFormation template (YAML or JSON, e.g. cdk.out/*.template.json; repeatable)."
        ),
    ] = [],  # noqa: B006
    parameter: Annotated[list[str], typer.Option(help="Template parameter KEY=VALUE (repeatable).")] = [],  # noqa: B006
    parameters: Annotated[
        list[Path], typer.Option(help="Template parameters file: the JSON list `aws cloudformation` takes.")
    ] = [],  # noqa: B006
    stack_name: Annotated[
        list[str],
        typer.Option(help="Stack name of each --cloudformation, in order (default: the file's stem)."),
    ] = [],  # noqa: B006
    terraform_plan: Annotated[
        list[Path], typer.Option(help="Terraform plan as JSON (`terraform show -json PLANFILE`; repeatable).")
    ] = [],  # noqa: B006
    account: Annotated[
        str | None, typer.Option(help="Account id the template or plan deploys to (AWS::AccountId).")
    ] = None,
    live: Annotated[
        bool, typer.Option("--live", help="Lay the template or plan over a live collection of the account.")
    ] = False,
    region: RegionOpt = [],  # noqa: B006
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
        list[str],
        typer.Option(
            help="Destination CIDR, or aws:SERVICE[:REGION] for AWS's published ranges of a service "
            "(e.g. aws:S3); repeatable; default: the internet."
        ),
    ] = [],  # noqa: B006
    ip_ranges: Annotated[
        Path | None,
        typer.Option(
            help="A newer download of AWS's ip-ranges.json (default: the copy shipped with this version)."
        ),
    ] = None,
    need: Annotated[
        list[str],
        typer.Option(help="A host every task needs, HOST[:PORT] (repeatable; port 443 by default)."),
    ] = [],  # noqa: B006
    format: Annotated[
        list[str],
        typer.Option("--format", "-f", help=FORMATS_HELP),
    ] = [],  # noqa: B006
    output: ReportOutputOpt = None,
    output_dir: Annotated[
        Path | None, typer.Option(help="Write every requested format into this folder.")
    ] = None,
    select: Annotated[
        list[str],
        typer.Option(help="Comma-separated rule ids or prefixes to run (repeatable; default: all)."),
    ] = [],  # noqa: B006
    extend_select: Annotated[
        list[str], typer.Option(help="Rule ids or prefixes to add to the selection (repeatable).")
    ] = [],  # noqa: B006
    ignore: Annotated[list[str], typer.Option(help="Rule ids or prefixes to skip (repeatable).")] = [],  # noqa: B006
    fail_on: Annotated[
        str | None,
        typer.Option(
            help="Lowest severity that makes the exit code 1: error, warning or info (default: error)."
        ),
    ] = None,
    rules_dir: RulesDirOpt = [],  # noqa: B006
    min_free_ips: Annotated[
        int | None,
        typer.Option(help="Warn (LB002) when a task subnet has fewer free addresses (default 8).", min=0),
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
    connect_timeout: ConnectTimeoutOpt = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: ReadTimeoutOpt = DEFAULT_READ_TIMEOUT,
    max_attempts: MaxAttemptsOpt = None,
    region_deadline: RegionDeadlineOpt = None,
) -> None:
    """Check the egress of Fargate targets: from a snapshot, or collected live."""
    parsed = dict(locals())  # a copy, taken first: exactly the options above, by name
    from fargate_netcheck.cli.check import CheckArgs, run_check

    raise typer.Exit(run_check(CheckArgs(**parsed)))


@app.command()
def diagnose(
    task_id: Annotated[
        str | None,
        typer.Argument(
            metavar="TASK", help="Task ARN (names its cluster) or id; with --event, which task of the file."
        ),
    ] = None,
    reason: Annotated[
        list[str],
        typer.Option(
            help="The stopped reason ECS printed (repeatable: then the container reasons); no task needed."
        ),
    ] = [],  # noqa: B006
    event: Annotated[
        Path | None,
        typer.Option(
            help="Saved 'ECS Task State Change' event(s): JSON, JSON lines or a CloudWatch Logs export."
        ),
    ] = None,
    stop_code: Annotated[str | None, typer.Option(help="The task's stopCode, with --reason.")] = None,
    cluster: Annotated[
        str | None, typer.Option(help="ECS cluster: for a bare task id, or with --service.")
    ] = None,
    service: Annotated[
        str | None,
        typer.Option(
            help="ECS service: alone, its most recent stopped task; with --reason/--event, where the task ran."
        ),
    ] = None,
    snapshot: Annotated[
        Path | None, typer.Option(help="Network snapshot to check against (default: collect live).")
    ] = None,
    subnet: Annotated[list[str], typer.Option(help="Subnet the task ran in (repeatable).")] = [],  # noqa: B006
    security_group: Annotated[
        list[str], typer.Option(help="The task's security groups (the most specific source: wins).")
    ] = [],  # noqa: B006
    assign_public_ip: Annotated[
        bool | None,
        typer.Option("--assign-public-ip/--no-assign-public-ip", help="The task's public-IP choice."),
    ] = None,
    deploy_config: Annotated[
        Path | None, typer.Option(help="CloudReactor deploy config: where the task ran (with --env, --task).")
    ] = None,
    env: Annotated[str | None, typer.Option(help="Deployment environment of --deploy-config.")] = None,
    task: Annotated[str | None, typer.Option(help="The task of --deploy-config that stopped.")] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never call AWS (needs --snapshot); what is missing is unknown.")
    ] = False,
    region: Annotated[
        list[str], typer.Option(help="Region (default: from the task ARN or event, else the environment).")
    ] = [],  # noqa: B006
    profile: ProfileOpt = None,
    format: Annotated[
        list[str], typer.Option("--format", "-f", help=f"{FORMAT_NAMES} (default: text).")
    ] = [],  # noqa: B006
    output: ReportOutputOpt = None,
) -> None:
    """Explain why a Fargate task stopped: the cause, the service it could not reach, the blocking hop, the fix."""
    parsed = dict(locals())  # a copy, taken first: exactly the options above, by name
    from fargate_netcheck.diagnose.command import DiagnoseArgs, run_diagnose

    raise typer.Exit(run_diagnose(DiagnoseArgs(**parsed)))


@app.command("graph")
def graph_command(
    snapshot: Annotated[Path, typer.Option(help="Snapshot file whose network graph to export.")],
    format: Annotated[str, typer.Option("--format", "-f", help="dot, graphml or json.")] = "dot",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the graph here (default, or -: stdout).")
    ] = None,
) -> None:
    """Export a snapshot's network graph: Graphviz DOT, GraphML or node-link JSON."""
    from fargate_netcheck.graph.build import build_graph
    from fargate_netcheck.graph.export import export_graph
    from fargate_netcheck.report.output import to_file
    from fargate_netcheck.report.paths import check_writable, write_text
    from fargate_netcheck.snapshot.store import load_snapshot

    output = to_file(output)  # "-": stdout
    if output is not None:
        check_writable(output, "graph")
    text = export_graph(build_graph(load_snapshot(snapshot)), format.lower())
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text(output, text, "graph")


@app.command()
def scan(
    output: Annotated[Path, typer.Option("--output", "-o", help="Snapshot file to write.")],
    region: RegionOpt = [],  # noqa: B006
    profile: ProfileOpt = None,
    accounts: AccountsOpt = [],  # noqa: B006
    organization: OrganizationOpt = False,
    role_name: RoleNameOpt = "fargate-netcheck-read",
    external_id: ExternalIdOpt = None,
    all_regions: AllRegionsOpt = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = 0,
    redact: RedactOpt = False,
    connect_timeout: ConnectTimeoutOpt = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: ReadTimeoutOpt = DEFAULT_READ_TIMEOUT,
    max_attempts: MaxAttemptsOpt = None,
    region_deadline: RegionDeadlineOpt = None,
    need: Annotated[
        list[str],
        typer.Option(
            help="A host tasks need, HOST[:PORT] (repeatable): the private hosted zone records for it are "
            "collected too, so a later check --need HOST can decide it."
        ),
    ] = [],  # noqa: B006
) -> None:
    """Collect a read-only snapshot of the account's (or accounts') network into a JSON file.
    Exit 0: complete; 1: some kinds could not be collected (see the snapshot's Errors); 2: nothing
    could be collected, or bad input."""
    from fargate_netcheck.cli.call_options import call_settings
    from fargate_netcheck.cli.support import Aws, Scope, scan_to_file, split_accounts
    from fargate_netcheck.needs.catalog import parse_need

    names = tuple(dict.fromkeys(parse_need(n).name for n in need))
    scope = Scope(
        split_accounts(accounts), organization, role_name, external_id, all_regions, quiet, verbose, names
    )
    settings = call_settings(connect_timeout, read_timeout, max_attempts, region_deadline)
    line, code = scan_to_file(output, Aws(list(region), profile, settings), scope, redact)
    typer.echo(line, err=True)
    raise typer.Exit(code)


@app.command()
def merge(
    shards: Annotated[list[Path], typer.Argument(metavar="SHARD...", help="Snapshot files, one per shard.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Merged snapshot file to write.")],
) -> None:
    """Merge per-shard snapshots (scan --accounts ... per shard) into one, to check once."""
    from fargate_netcheck.report.paths import check_writable
    from fargate_netcheck.snapshot.merge import merge_files

    if len(shards) >= 2:
        check_writable(output, "merged snapshot")  # before reading the shards
    typer.echo(merge_files(list(shards), output), err=True)


@app.command()
def demo(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the JSON report.")] = Path(
        "report.json"
    ),
    html: Annotated[Path | None, typer.Option(help="Also write the HTML report here.")] = Path("report.html"),
    markdown: Annotated[
        Path | None, typer.Option(help="Also write the Markdown report (a pull-request comment) here.")
    ] = None,
) -> None:
    """Build a sample account in an embedded moto (no AWS needed), check it, print the report."""
    from fargate_netcheck.demo.runner import run_demo
    from fargate_netcheck.report.output import check_report_files

    check_report_files({"--output": output, "--html": html, "--markdown": markdown})  # before moto starts
    raise typer.Exit(run_demo(output, html, markdown))


# Reference material: print what the tool knows, read no snapshot and call no AWS.
app.command("rules")(reference.list_rules)
app.command()(reference.explain)
app.command("iam-policy")(reference.iam_policy)
app.command()(reference.schema)


def command() -> typer.core.TyperGroup:
    """The click command ``main`` runs: the typer app, its options placed in help panels."""
    from fargate_netcheck.cli.panels import arrange

    return arrange(typer.main.get_command(app))


def main() -> None:
    """Every error is one line on stderr and exit 2 (1 stays "findings"); see ``exit_codes``."""
    from fargate_netcheck.cli.exit_codes import run_main

    run_main(command())
