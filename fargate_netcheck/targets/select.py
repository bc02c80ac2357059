"""Which targets a ``check`` run evaluates: subnets named on the command line, ECS services, a
CloudReactor deployment config, and (when nothing is named, or with ``--audit``) every subnet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Target
from fargate_netcheck.targets.subnets import audit_targets, cli_targets
from fargate_netcheck.targets.to_targets import ConfigProblem, targets_from_networks

if TYPE_CHECKING:
    from fargate_netcheck.targets.run_environment import NetworkDefaults


@dataclass(frozen=True, slots=True)
class TargetRequest:
    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    assign_public_ip: bool = False
    cluster: str | None = None
    services: tuple[str, ...] = ()
    deploy_config: Path | None = None
    env: str | None = None
    task: str | None = None
    config_filename_stem: str | None = None
    run_environment: Path | None = None
    default_subnets: tuple[str, ...] = ()
    default_security_groups: tuple[str, ...] = ()
    default_assign_public_ip: bool | None = None
    audit: bool = False
    networks: tuple = ()  # task networks declared by infrastructure code (fargate_netcheck.targets.iac)

    def validate(self) -> None:
        if self.security_groups and not self.subnets:
            raise InputError(
                "--security-group needs --subnet (an account audit evaluates subnets without groups)"
            )
        if self.services and not self.cluster:
            raise InputError("--service needs --cluster")
        if self.deploy_config is not None and not self.env:
            raise InputError("--deploy-config needs --env")
        if (
            self.env
            or self.task
            or self.run_environment
            or self.config_filename_stem
            or self.default_subnets
            or self.default_security_groups
            or self.default_assign_public_ip is not None
        ) and not self.deploy_config:
            raise InputError(
                "--env, --task, --run-environment, --config-filename-stem and the --default-* options "
                "go with --deploy-config"
            )
        if self.assign_public_ip and not self.subnets:
            raise InputError(
                "--assign-public-ip needs --subnet (services, deploy configs and templates carry their own choice)"
            )

    @property
    def named(self) -> bool:
        return bool(self.subnets or self.cluster or self.deploy_config or self.networks)


EcsClient = Callable[[], Any]


def read_deploy_config(req: TargetRequest) -> Any:
    """The task networks of ``req``'s deploy config (None without one). Read before any AWS call,
    so a broken or hostile file fails at once rather than after a collection."""
    if req.deploy_config is None:
        return None
    from fargate_netcheck.targets.deploy_config import resolve_deploy_config

    return resolve_deploy_config(
        req.deploy_config, req.env or "", req.task, _defaults(req), req.config_filename_stem
    )


def resolve_targets(
    g: nx.DiGraph, req: TargetRequest, ecs_client: EcsClient | None = None, deploy_networks: Any = None
) -> tuple[list[Target], list[ConfigProblem]]:
    """``deploy_networks``: what ``read_deploy_config(req)`` returned, if it was read already."""
    req.validate()
    targets: list[Target] = []
    problems: list[ConfigProblem] = []
    if req.subnets:
        targets += cli_targets(g, list(req.subnets), list(req.security_groups), req.assign_public_ip)
    if req.cluster:
        from fargate_netcheck.collect.ecs import service_networks

        if ecs_client is None:
            raise InputError("--cluster reads ECS services and needs AWS access")
        found, found_problems = targets_from_networks(
            g, service_networks(ecs_client(), req.cluster, list(req.services), fargate_only=True)
        )
        targets += found
        problems += found_problems
    if req.deploy_config is not None:
        networks = deploy_networks if deploy_networks is not None else read_deploy_config(req)
        found, found_problems = targets_from_networks(g, networks)
        targets += found
        problems += found_problems
    if req.networks:
        found, found_problems = targets_from_networks(g, list(req.networks))
        targets += found
        problems += found_problems
    if req.audit or not req.named:
        targets += audit_targets(g)
    return targets, problems


def _defaults(req: TargetRequest) -> NetworkDefaults:
    from fargate_netcheck.targets.run_environment import NetworkDefaults, load_run_environment

    defaults = load_run_environment(req.run_environment) if req.run_environment else NetworkDefaults()
    # Flags win over the Run Environment file: they are the more specific statement.
    return NetworkDefaults(
        subnets=req.default_subnets or defaults.subnets,
        security_groups=req.default_security_groups or defaults.security_groups,
        assign_public_ip=defaults.assign_public_ip
        if req.default_assign_public_ip is None
        else req.default_assign_public_ip,
        location=defaults.location,
    )
