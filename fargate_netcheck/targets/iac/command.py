"""``check --cloudformation/--terraform-plan``: the network the code describes, as a snapshot
(alone, or laid over a snapshot of the live network), and the task networks it declares.

The one entry point ``cli.check`` calls; ids given on the command line (``--subnet``,
``--security-group``) may be IaC ids or, when unambiguous, a bare logical id or resource name.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.schema import KINDS
from fargate_netcheck.snapshot.store import SNAPSHOT_VERSION, Snapshot, parse_snapshot
from fargate_netcheck.targets.deploy_config import TaskNetwork
from fargate_netcheck.targets.iac.cfn_intrinsics import Context
from fargate_netcheck.targets.iac.needs_world import default_dhcp_for_new_vpcs, gateway_endpoint_routes
from fargate_netcheck.targets.iac.network import Network
from fargate_netcheck.targets.iac.options import IacOptions

if TYPE_CHECKING:
    from fargate_netcheck.targets.iac.values import Unknown

__all__ = ["IacOptions", "IacResult", "apply_iac", "build_iac_snapshot", "resolve_ids"]


@dataclass(frozen=True, slots=True)
class IacResult:
    snapshot: Snapshot
    networks: tuple[TaskNetwork, ...]


def build_iac_snapshot(options: IacOptions, base: Callable[[], Snapshot | None]) -> IacResult:
    """The code's network over ``base()`` (None: the code alone)."""
    from fargate_netcheck.targets.iac.cfn_parameters import parse_parameters
    from fargate_netcheck.targets.iac.cfn_stacks import StackInputs, load_stacks

    if not options.templates and (options.parameters or options.parameter_files or options.stack_names):
        raise InputError("--parameter, --parameters and --stack-name go with --cloudformation")
    parameters = parse_parameters(list(options.parameters), list(options.parameter_files))
    snapshot = base()
    data, region_key = _base_data(snapshot, options)
    account, region = region_key
    body = _region_body(data, account, region)
    net = Network(items={k: {_id(k, i): i for i in v} for k, v in body.items() if k != "Errors"})
    ctx = Context(region=region, account=account or _unknown_account(), azs=_azs(body, region))
    networks: list[TaskNetwork] = []
    if options.templates:
        networks += load_stacks(StackInputs(options.templates, options.stack_names, parameters), ctx, net)
    for plan in options.plans:
        from fargate_netcheck.targets.iac.terraform_load import load_plan

        networks += load_plan(plan, net, overlay=snapshot is not None)
    if snapshot is None:
        _outside_the_code(net, networks)
    default_dhcp_for_new_vpcs(net, region)
    gateway_endpoint_routes(net)
    net.finish()
    new_body = net.snapshot_region()
    errors = dict(body.get("Errors", {}))  # the scan's gaps stay; the code's are added to them
    for kind, reason in new_body.pop("Errors", {}).items():
        errors[kind] = f"{errors[kind]}; {reason}" if kind in errors else reason
    if errors:
        new_body["Errors"] = errors
    body.clear()
    body.update(new_body)
    name = " + ".join(str(p) for p in (*options.templates, *options.plans))
    if snapshot is not None:
        name = f"{snapshot.source} + {name}"
    try:
        return IacResult(parse_snapshot(data, name), tuple(networks))
    except InputError as exc:
        # only a reference to an id nothing declares is helped by a scan of the account
        hint = (
            " (an id the code does not create: pass --snapshot, a scan of the account)"
            if snapshot is None and " is not in " in str(exc)
            else ""
        )
        raise InputError(f"{exc}{hint}") from None


def _outside_the_code(net: Network, networks: list[TaskNetwork]) -> None:
    """Without a snapshot, a task in a subnet or group the code does not create (a parameter naming
    an existing id) cannot be checked: its verdict is unknown, and the reason says what to pass."""
    for kind, field in (("Subnets", "subnets"), ("SecurityGroups", "security_groups")):
        missing = sorted({i for n in networks for i in getattr(n, field) if net.get(kind, i) is None})
        if missing:
            net.unknown(
                kind,
                f"{', '.join(missing)} not created by the code given: pass --snapshot FILE or --live to check the live network",
            )


def _id(kind: str, item: JsonDict) -> str:
    from fargate_netcheck.snapshot.schema import ID_FIELDS

    return item[ID_FIELDS[kind]]


def _base_data(snapshot: Snapshot | None, options: IacOptions) -> tuple[JsonDict, tuple[str | None, str]]:
    if snapshot is None:
        region = (
            options.region
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or "us-east-1"
        )
        # The code alone is the whole network: every kind it could declare is "seen", none beyond it.
        kinds: dict[str, list[Any]] = {
            kind: [] for kind in KINDS if not kind.startswith("VpcBlockPublicAccess")
        }
        data = {
            "snapshot_version": SNAPSHOT_VERSION,
            "collected_at": None,
            "account_id": options.account,
            "regions": {region: kinds},
        }
        return data, (options.account, region)
    data = copy.deepcopy(snapshot.raw)
    keys = [(r.account_id, r.region) for r in snapshot.regions]
    if options.region:
        keys = [k for k in keys if k[1] == options.region]
    if options.account:
        keys = [k for k in keys if k[0] == options.account]
    if len(keys) != 1:
        found = ", ".join(
            f"{a or '-'}/{r}" for a, r in sorted((r.account_id, r.region) for r in snapshot.regions)
        )
        raise InputError(
            f"{snapshot.source}: pick the account and region the code deploys to with --account/--region (snapshot holds {found or 'none'})"
        )
    return data, keys[0]


def _region_body(data: JsonDict, account: str | None, region: str) -> JsonDict:
    if "accounts" in data:
        return data["accounts"][account]["regions"][region]
    return data["regions"][region]


def _azs(body: JsonDict, region: str) -> tuple[str, ...]:
    """Fn::GetAZs: the zones the snapshot's subnets use; without a snapshot, the region's zone names
    in AWS's lettering (a, b, c, ...). Only their identity matters to the checks (same zone or not)."""
    seen = sorted(
        {s["AvailabilityZone"] for s in body.get("Subnets", []) if isinstance(s.get("AvailabilityZone"), str)}
    )
    return tuple(seen) if len(seen) >= 2 else tuple(f"{region}{c}" for c in "abcdef")


def _unknown_account() -> Unknown:
    from fargate_netcheck.targets.iac.values import Unknown

    return Unknown("the account id (pass --account)")


def resolve_ids(snapshot: Snapshot, kind: str, given: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Ids as given, or the one IaC id (``<stack>/<LogicalId>``, a Terraform address) ending in
    ``/<given>`` or ``.<given>``; an ambiguous short name is an input error."""
    from fargate_netcheck.snapshot.schema import ID_FIELDS

    ids = {item[ID_FIELDS[kind]] for r in snapshot.regions for item in r.items.get(kind, [])}
    out = []
    for value in given:
        if value in ids:
            out.append(value)
            continue
        matches = sorted(i for i in ids if i.endswith((f"/{value}", f".{value}")))
        if len(matches) > 1:
            raise InputError(f"{option} {value}: ambiguous, it could be {', '.join(matches)}")
        out.append(matches[0] if matches else value)
    return tuple(out)


def apply_iac(
    options: IacOptions, request: Any, overlay: bool, load_base: Callable[[], Snapshot], redactor: Any = None
) -> tuple[Snapshot, Any]:
    """The snapshot a ``check`` run analyses and its target request, with the code applied; with a
    ``redactor``, masked once the code is laid over the scan (the code's addresses are masked too)."""
    from dataclasses import replace

    result = build_iac_snapshot(options, load_base if overlay else lambda: None)
    snap = result.snapshot
    if redactor is not None:
        snap = parse_snapshot(redactor.redact_snapshot(snap.raw), snap.source)
    if not result.networks and not any(r.items.get("Subnets") for r in snap.regions):
        gaps = "; ".join(f"{k}: {v}" for k, v in snap.errors().items())
        raise InputError(
            f"{snap.source}: declares no subnet and no ECS task to check{f' ({gaps})' if gaps else ''}: "
            "give the templates it imports from, or --snapshot"
        )
    request = replace(
        request,
        subnets=resolve_ids(snap, "Subnets", request.subnets, "--subnet"),
        security_groups=resolve_ids(snap, "SecurityGroups", request.security_groups, "--security-group"),
        networks=result.networks,
    )
    return snap, request
