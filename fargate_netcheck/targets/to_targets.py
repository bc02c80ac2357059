"""Turn resolved task networks (a CloudReactor deployment config, an ECS service) into targets.

One target per task per subnet (a subnet named twice is one). Where the configuration leaves
something to AWS, AWS's documented default applies: no ``assignPublicIp`` means DISABLED; no security
groups means the VPC's default security group (ECS's behaviour for awsvpc tasks). A value the
configuration writes but that cannot be read (``ConfigNetwork.unresolved``) is unknown, never that
default: the walks that need it say ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from fargate_netcheck.core.model import Target
from fargate_netcheck.core.task_network import TaskNetwork
from fargate_netcheck.targets.subnets import default_group, make_target


@dataclass(frozen=True)
class ConfigNetwork(TaskNetwork):
    """A task network read from a configuration file, with the fields (``security_groups``,
    ``assign_public_ip``, ``subnets``) that it writes in a form that cannot be read: a Jinja
    expression, a vaulted value, a wrong spelling. ``problems`` says why for each."""

    unresolved: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """Something in a task configuration that keeps it from being checked as written."""

    source: str
    message: str
    path: str | None = None
    line: int | None = None
    remediation: str | None = None  # when the rule's general fix does not apply
    rule: str = "CFG001"  # CFG002: tasks not checked because they do not run on Fargate


# A CloudReactor task with no network of its own takes the Run Environment's, which lives in
# CloudReactor, not in the repository: literal ids are not the fix, naming the defaults is.
RUN_ENVIRONMENT_FIX = (
    "The deployer takes the network from the CloudReactor Run Environment when the config sets none: "
    "pass it with --run-environment FILE (the Run Environment's JSON from the CloudReactor API), or "
    "--default-subnet ID and --default-security-group ID; or set aws.network.subnets in the config."
)


def targets_from_networks(
    g: nx.DiGraph, networks: list[TaskNetwork]
) -> tuple[list[Target], list[ConfigProblem]]:
    targets: list[Target] = []
    problems: list[ConfigProblem] = []
    for tn in networks:
        where = tn.locations.get("subnets")
        problems += [ConfigProblem(tn.source, p, *(_at(tn, "subnets"))) for p in tn.problems]
        problems += [ConfigProblem(tn.source, p, rule="CFG002") for p in tn.not_checked]
        if not tn.subnets:
            from_run_environment = tn.source.startswith("deploy-config:")
            if (tn.problems or tn.not_checked) and tn.source.startswith("ecs-service:"):
                continue  # the service's problems (or why it is not checked) say why it has no subnets
            problems.append(
                ConfigProblem(
                    tn.source,
                    f"{tn.source}: no subnets are configured"
                    + (" (in the config, nor as Run Environment defaults)" if from_run_environment else ""),
                    *_at(tn, "subnets"),
                    remediation=RUN_ENVIRONMENT_FIX if from_run_environment else None,
                )
            )
            continue
        needs = (("logs",) if tn.uses_awslogs else ()) + tuple(tn.secrets_from) + tuple(tn.images)
        unresolved = tn.unresolved if isinstance(tn, ConfigNetwork) else frozenset()
        # absent: DISABLED (ECS's default); written but unreadable: unknown
        public = None if "assign_public_ip" in unresolved else bool(tn.assign_public_ip)
        for subnet in dict.fromkeys(tn.subnets):
            groups, notes = _groups(g, tn, subnet, "security_groups" in unresolved)
            targets.append(
                make_target(
                    g,
                    tn.source,
                    subnet,
                    groups,
                    public,
                    location=where,
                    needs=needs,
                    notes=notes,
                    security_groups_known="security_groups" not in unresolved,
                )
            )
    return targets, problems


def _groups(
    g: nx.DiGraph, tn: TaskNetwork, subnet: str, unresolved: bool
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The task's groups in ``subnet`` and a note on where they come from."""
    if unresolved:
        return tn.security_groups, (
            "security groups unknown: the configuration writes some in a form that cannot be read",
        )
    if tn.security_groups:
        return tn.security_groups, ()
    default = default_group(g, subnet)
    return (default,) if default else (), (
        f"no security groups configured: ECS uses the VPC's default group {default or '(not found)'}",
    )


def _at(tn: TaskNetwork, field: str) -> tuple[str | None, int | None]:
    loc = tn.locations.get(field)
    return (loc.path, loc.line) if loc else (None, None)
