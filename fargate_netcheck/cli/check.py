"""``check``, once its options are parsed: configuration, targets, snapshot, analysis, report, exit code.

``cli.check`` declares the options and imports this module only when it runs, so importing the CLI
stays light (this module pulls networkx through the graph and the pipeline). Nothing here imports
boto3 unless the run really calls AWS.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import fargate_netcheck.cli.support as cli_support
from fargate_netcheck.checks.registry import load_rules
from fargate_netcheck.checks.suppressions import apply_suppressions, selected_warnings, unknown_rule
from fargate_netcheck.cli.call_options import call_settings
from fargate_netcheck.cli.config import Config, load_config, to_selection
from fargate_netcheck.cli.support import Aws, Scope, codes, load_or_collect
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.gc_quiet import gc_quiet
from fargate_netcheck.core.model import Finding, Report, Severity
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.pipeline import AnalysisOptions, analyze, exit_code
from fargate_netcheck.report.output import check_destination, check_report_paths, parse_formats, write_report
from fargate_netcheck.snapshot.collection import summarize
from fargate_netcheck.targets.select import TargetRequest, read_deploy_config, resolve_targets
from fargate_netcheck.trace import TraceOptions
from fargate_netcheck.trace.aws_ranges import load as load_ip_ranges
from fargate_netcheck.trace.aws_ranges import shipped as shipped_ip_ranges

if TYPE_CHECKING:
    from fargate_netcheck.cli.redact import Redactor
    from fargate_netcheck.collect.ecs_errors import EcsReadError
    from fargate_netcheck.snapshot.store import Snapshot
    from fargate_netcheck.targets.iac.options import IacOptions


@dataclass(frozen=True, slots=True)
class CheckArgs:
    """The options of ``check`` as typer parsed them: one field per option, named like its parameter."""

    snapshot: Path | None
    subnet: list[str]
    security_group: list[str]
    assign_public_ip: bool
    cluster: str | None
    service: list[str]
    deploy_config: Path | None
    env: str | None
    task: str | None
    config_filename_stem: str | None
    run_environment: Path | None
    default_subnet: list[str]
    default_security_group: list[str]
    default_assign_public_ip: bool | None
    audit: bool
    cloudformation: list[Path]
    parameter: list[str]
    parameters: list[Path]
    stack_name: list[str]
    terraform_plan: list[Path]
    account: str | None
    live: bool
    region: list[str]
    profile: str | None
    accounts: list[str]
    organization: bool
    role_name: str
    external_id: str | None
    all_regions: bool
    quiet: bool
    verbose: int
    redact: bool
    port: list[int]
    destination: list[str]
    ip_ranges: Path | None
    need: list[str]
    format: list[str]
    output: Path | None
    output_dir: Path | None
    select: list[str]  # each value comma-separated: --select GW --select SG,RT selects all three
    extend_select: list[str]
    ignore: list[str]
    fail_on: str | None
    rules_dir: list[Path]
    min_free_ips: int | None
    config: Path | None
    baseline: Path | None
    fail_on_new: bool
    connect_timeout: float
    read_timeout: float
    max_attempts: int | None
    region_deadline: float | None


class NothingChecked(InputError):
    """Not one target was checked: a run that saw nothing never passes (exit 2)."""


def nothing_checked(report: Report, unread: Sequence[str] = ()) -> str:
    """Why a run checked nothing, in one line: ECS could not be read (``unread``: each failed read,
    naming its action: the first is said), no subnet to audit, or named targets that resolved to
    none (the report's findings name each)."""
    if unread:
        return f"nothing was checked: {_first(unread)}; see the report"
    failed = sorted(k for k in report.errors if k.endswith("/Subnets"))
    if failed:
        return (
            f"nothing was checked: the subnets could not be collected ({', '.join(failed)}); see the report"
        )
    if findings := report.active_findings():
        return f"nothing was checked: no target resolved ({len(findings)} finding(s) say why); see the report"
    return "nothing was checked: no subnet was found to audit (0 targets)"


def run_check(args: CheckArgs) -> int:
    """Run ``check`` and return its exit code: 0 clean, 1 findings at or above the failing severity
    (with ``--fail-on-new``: new ones only). Usage and input errors raise ``InputError``; so does a
    run that checked no target (``NothingChecked``: exit 2, after writing the report)."""
    formats = parse_formats(args.format or ["text"])
    check_destination(formats, args.output_dir)
    cfg = load_config(Path.cwd(), args.config).merged_with_cli(
        fail_on=cli_support.severity(args.fail_on, "--fail-on") if args.fail_on is not None else None,
        ports=[cli_support.port(p) for p in args.port],
        destinations=args.destination,
        rules_dir=args.rules_dir,
        needs=args.need,
        min_free_ips=args.min_free_ips,
    )
    failing = cfg.fail_on or Severity.ERROR
    if args.fail_on_new and args.baseline is None:
        raise InputError("--fail-on-new needs --baseline FILE")
    baseline_report = None
    if args.baseline is not None:  # (the baseline's reader is imported only by a run that has one)
        from fargate_netcheck.report.baseline import load_baseline

        baseline_report = load_baseline(args.baseline)
    options = _analysis_options(args, cfg)
    _check_rule_codes(options, cfg)  # a code that names no rule, a rule file that fails: before any AWS call
    request = _target_request(args)
    scope = _scope(args, tuple(n.name for n in cfg.needs))
    check_report_paths(formats, args.output, args.output_dir)  # before the first API call
    deploy_networks = read_deploy_config(request)  # so is every input file
    settings = call_settings(args.connect_timeout, args.read_timeout, args.max_attempts, args.region_deadline)
    aws = Aws(list(args.region), args.profile, settings)
    redactor = None
    if args.redact:
        from fargate_netcheck.cli.redact import Redactor

        redactor = Redactor(ranges=options.trace.ip_ranges)  # the ranges this run reads stay fixed
        if cfg.destinations:
            # the user's destinations name real addresses: mask them the same way
            masked = tuple(
                cli_support.destination(d if d.startswith("aws:") else redactor.address(d))
                for d in cfg.destinations
            )
            options.trace = replace(options.trace, destinations=masked)
    iac = _iac_options(args)
    if iac.requested:
        from fargate_netcheck.targets.iac.command import apply_iac

        overlay = args.snapshot is not None or args.live
        snap, request = apply_iac(
            iac, request, overlay, lambda: load_or_collect(args.snapshot, aws, scope), redactor
        )
    else:
        snap = load_or_collect(args.snapshot, aws, scope, redactor)
    with gc_quiet(), _ecs_failures(request) as unread:
        graph = build_graph(snap)
        targets, problems = resolve_targets(graph, request, lambda: aws.client("ecs"), deploy_networks)
        _record_unread(snap, unread, aws, redactor)
        options.params["config_problems"] = problems
        options.params["audit"] = request.audit or not request.named
        collection = summarize(snap, aws.calls, redactor.account if redactor is not None else None)
        options.params["collection"] = collection
        report = analyze(snap, graph, targets, options, with_topology="html" in formats)
        report.collection = collection
        findings, extras = apply_suppressions(report.findings, cfg.suppress, date.today())
        extras, warnings = selected_warnings(extras, options.selection)
        report.findings = sorted([*findings, *extras], key=Finding.sort_key)
        report.rules.update(warnings)
        if baseline_report is not None:
            from fargate_netcheck.report.baseline import apply_baseline

            report.findings, report.resolved = apply_baseline(report.findings, baseline_report)
            report.compared = True
        write_report(report, formats, args.output, args.output_dir)
    if not report.targets:  # the report is written (its findings say why), but nothing was verified
        raise NothingChecked(nothing_checked(report, [_masked(str(u), redactor) for u in unread]))
    if args.fail_on_new:  # (only with --baseline: its module is imported)
        from fargate_netcheck.report.baseline import fail_on_new

        return 1 if fail_on_new(report.findings, failing) else 0
    return exit_code(report, failing)


def _check_rule_codes(options: AnalysisOptions, cfg: Config) -> None:
    """Every code the selection and the suppressions name is a rule's (or a prefix of one)."""
    rules = load_rules(options.rules_dirs, plugins=options.plugins)
    options.selection.pick(rules)
    typo = unknown_rule(cfg.suppress, rules)
    if typo is not None:
        where = f"{cfg.path.parent / typo.source}: " if cfg.path is not None and typo.source else ""
        raise InputError(
            f"{where}suppress: unknown rule id or prefix {typo.rule!r} (see `fargate-netcheck rules`)"
        )


def _ecs_failures(request: TargetRequest) -> AbstractContextManager[list[EcsReadError]]:
    """Where resolving ``--cluster`` records each ECS read that failed, instead of stopping the run
    (``collect.ecs_errors``; imported, with boto3, only by a run that reads ECS)."""
    if not request.cluster:
        return nullcontext([])
    from fargate_netcheck.collect.ecs_errors import unread_recorded

    return unread_recorded()


def _masked(text: str, redactor: Redactor | None) -> str:
    return redactor.redact_text(text) if redactor is not None else text


def _first(messages: Sequence[str]) -> str:
    more = f" (and {len(messages) - 1} more failed ECS read(s))" if len(messages) > 1 else ""
    return f"{messages[0]}{more}"


def _record_unread(
    snap: Snapshot, unread: Sequence[EcsReadError], aws: Aws, redactor: Redactor | None
) -> None:
    """Each ECS read that failed, under ``Errors`` like any collection failure (kinds
    ``EcsServices``, ``EcsTaskDefinitions``) of the region the ECS client read: the report's
    ``collection`` section and ``collection_errors`` list it, and DATA002 reports the services it
    leaves unchecked. A snapshot file without that region gets it, holding the failures alone."""
    if not unread:
        return
    from fargate_netcheck.snapshot.store import RegionData

    by_kind: dict[str, list[str]] = {}
    for failure in unread:
        by_kind.setdefault(failure.kind, []).append(_masked(str(failure), redactor))
    region, account = aws.region(), aws.account_id
    if account is not None and redactor is not None:
        account = redactor.account(account)
    here = next(
        (
            rd
            for rd in snap.regions
            if rd.region == region and (account is None or rd.account_id in (account, None))
        ),
        None,
    )
    if here is None:
        here = RegionData(account_id=account, region=region, items={})
        snap.regions.append(here)
    for kind, messages in by_kind.items():
        here.errors.setdefault(kind, _first(messages))


def _analysis_options(args: CheckArgs, cfg: Config) -> AnalysisOptions:
    """What to trace and which rules run: the configuration with the command line applied."""
    options = AnalysisOptions(
        trace=TraceOptions(
            destinations=tuple(cli_support.destination(d) for d in cfg.destinations or ())
            or TraceOptions().destinations,
            ports=cfg.ports or TraceOptions().ports,
            ip_ranges=load_ip_ranges(args.ip_ranges) if args.ip_ranges is not None else None,
        ),
        selection=to_selection(
            cfg,
            codes(",".join(args.select)),
            codes(",".join(args.ignore)),
            codes(",".join(args.extend_select)),
        ),
        rules_dirs=cfg.rules_dir or (),
        needs=cfg.needs,
    )
    if cfg.min_free_ips is not None:
        options.params["min_free_ips"] = cfg.min_free_ips
    _check_services(options.trace)
    return options


def _check_services(trace: TraceOptions) -> None:
    """``aws:SERVICE[:REGION]`` destinations name what the ranges list (a typo is exit 2 before any
    AWS call, not an ``unknown`` on every target)."""
    named = [d for d in trace.destinations if d.service]
    if named:
        ranges = trace.ip_ranges or shipped_ip_ranges()
        for d in named:
            ranges.check_named((d.service or "").split(":")[1], d.service_region)


def _target_request(args: CheckArgs) -> TargetRequest:
    """The targets the command line names (validated); none named means an audit of every subnet."""
    request = TargetRequest(
        subnets=tuple(args.subnet),
        security_groups=tuple(args.security_group),
        assign_public_ip=args.assign_public_ip,
        cluster=args.cluster,
        services=tuple(args.service),
        deploy_config=args.deploy_config,
        env=args.env,
        task=args.task,
        config_filename_stem=args.config_filename_stem,
        run_environment=args.run_environment,
        default_subnets=tuple(args.default_subnet),
        default_security_groups=tuple(args.default_security_group),
        default_assign_public_ip=args.default_assign_public_ip,
        audit=args.audit,
    )
    request.validate()
    return request


def _iac_options(args: CheckArgs) -> IacOptions:
    from fargate_netcheck.targets.iac.options import IacOptions

    options = IacOptions(
        tuple(args.cloudformation),
        tuple(args.stack_name),
        tuple(args.parameter),
        tuple(args.parameters),
        tuple(args.terraform_plan),
        args.region[0] if args.region else None,
        args.account,
    )
    if not options.requested and (
        args.parameter or args.parameters or args.stack_name or args.account or args.live
    ):
        raise InputError(
            "--parameter(s), --stack-name, --account and --live go with --cloudformation/--terraform-plan"
        )
    return options


def _scope(args: CheckArgs, names: tuple[str, ...] = ()) -> Scope:
    """The live-collection scope, refused where it cannot apply (a snapshot file, a --cluster read);
    ``names``: the needed names (--need, the configuration) whose private zone records to collect."""
    iac = bool(args.cloudformation or args.terraform_plan)  # --region: where the code deploys
    if args.snapshot is not None and (args.profile or (args.region and not iac)) and not args.cluster:
        raise InputError("--snapshot reads a file: --region and --profile apply to live AWS calls only")
    scope = Scope(
        cli_support.split_accounts(args.accounts),
        args.organization,
        args.role_name,
        args.external_id,
        args.all_regions,
        args.quiet,
        args.verbose,
        names,
    )
    if args.cluster and scope.many_accounts:
        raise InputError(
            "--cluster reads ECS in the caller's account: it does not combine with --accounts/--organization"
        )
    return scope
