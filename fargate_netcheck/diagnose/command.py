"""The ``diagnose`` command's body: which way in (a live task, a service's last stopped task, the
error text, a saved event), checked options, the report written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fargate_netcheck.core.errors import InputError


@dataclass(frozen=True, slots=True)
class DiagnoseArgs:
    task_id: str | None
    reason: list[str]
    event: Path | None
    stop_code: str | None
    cluster: str | None
    service: str | None
    snapshot: Path | None
    subnet: list[str]
    security_group: list[str]
    assign_public_ip: bool | None
    deploy_config: Path | None
    env: str | None
    task: str | None
    offline: bool
    region: list[str]
    profile: str | None
    format: list[str]
    output: Path | None


def run_diagnose(args: DiagnoseArgs) -> int:
    from fargate_netcheck.cli.support import Aws
    from fargate_netcheck.diagnose.arn import check_region_flag, parse_task_ref
    from fargate_netcheck.diagnose.facts import Placement
    from fargate_netcheck.diagnose.saved import SavedInputs, diagnose_saved
    from fargate_netcheck.diagnose.task import diagnose_task
    from fargate_netcheck.report.output import (
        check_destination,
        check_report_paths,
        parse_formats,
        write_report,
    )

    _validate(args)
    formats = parse_formats(args.format or ["text"])
    check_destination(formats, None, folder_option=False)
    check_report_paths(formats, args.output, None)  # before the first API call
    placement = Placement(
        subnets=tuple(args.subnet),
        security_groups=tuple(args.security_group),
        assign_public_ip=args.assign_public_ip,
        deploy_config=args.deploy_config,
        env=args.env,
        task=args.task,
        service=args.service,
        cluster=args.cluster,
    )
    topology = "html" in formats
    if args.reason or args.event is not None:
        inputs = SavedInputs(tuple(args.reason), args.stop_code, args.event, args.task_id, args.offline)

        def aws(region: str | None) -> Aws:  # region: the event's
            check_region_flag(f"the event of {args.event}", region, list(args.region))
            return Aws(_first(region, args.region), args.profile)

        report = diagnose_saved(inputs, placement, args.snapshot, aws, with_topology=topology)
    else:
        ref = parse_task_ref(args.task_id, args.cluster) if args.task_id else None
        region = ref.region if ref else None
        check_region_flag("the task ARN", region, list(args.region))
        regions = _first(region, args.region)
        report = diagnose_task(
            Aws(regions, args.profile),
            ref,
            args.cluster,
            args.service,
            args.snapshot,
            placement,
            with_topology=topology,
        )
    write_report(report, formats, args.output, None)
    return 0


def _first(region: str | None, flags: list[str]) -> list[str]:
    """The regions to use, the task's first: ECS is asked in the region the task ran in."""
    return [region, *(r for r in flags if r != region)] if region else list(flags)


def _validate(args: DiagnoseArgs) -> None:
    saved = bool(args.reason) or args.event is not None
    if args.reason and args.event is not None:
        raise InputError("--reason and --event are two ways to give the error: pass one")
    if not saved:
        if args.offline:
            raise InputError("--offline needs --reason or --event (a live task is read from ECS)")
        if (args.task_id is None) == (args.service is None):
            raise InputError(
                "diagnose needs one of: a TASK ARN or id, --service (its most recent stopped task), "
                "--reason TEXT or --event FILE"
            )
        if args.deploy_config is not None or args.stop_code is not None:
            raise InputError("--deploy-config and --stop-code go with --reason or --event")
    elif args.task_id is not None and args.event is None:
        raise InputError("a TASK goes with --event (which task of the file) or alone, not with --reason")
    if (args.env or args.task) and args.deploy_config is None:
        raise InputError("--env and --task go with --deploy-config")
