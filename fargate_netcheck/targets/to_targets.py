"""Turn resolved task networks (a CloudReactor deployment config, an ECS service) into targets.

One target per task per subnet. Where the configuration leaves something to AWS, AWS's documented
default applies: no ``assignPublicIp`` means DISABLED; no security groups means the VPC's default
security group (ECS's behaviour for awsvpc tasks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from fargate_netcheck.core.model import Target
from fargate_netcheck.targets.subnets import make_target

if TYPE_CHECKING:  # deploy_config imports PyYAML: not needed on a plain snapshot run
    from fargate_netcheck.core.task_network import TaskNetwork


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """Something in a task configuration that keeps it from being checked as written."""

    source: str
    message: str
    path: str | None = None
    line: int | None = None
    remediation: str | None = None  # when the rule's general fix does not apply


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
        if not tn.subnets:
            from_run_environment = tn.source.startswith("deploy-config:")
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
        needs = (("logs",) if tn.uses_awslogs else ()) + tuple(tn.secrets_from)
        for subnet in tn.subnets:
            groups = tn.security_groups
            notes: tuple[str, ...] = ()
            if not groups:
                default = _default_group(g, subnet)
                groups = (default,) if default else ()
                notes = (
                    f"no security groups configured: ECS uses the VPC's default group {default or '(not found)'}",
                )
            targets.append(
                make_target(
                    g,
                    tn.source,
                    subnet,
                    groups,
                    bool(tn.assign_public_ip),
                    location=where,
                    needs=needs,
                    notes=notes,
                )
            )
    return targets, problems


def _at(tn: TaskNetwork, field: str) -> tuple[str | None, int | None]:
    loc = tn.locations.get(field)
    return (loc.path, loc.line) if loc else (None, None)


def _default_group(g: nx.DiGraph, subnet_id: str) -> str | None:
    vpc = g.nodes.get(subnet_id, {}).get("item", {}).get("VpcId")
    if vpc not in g:
        return None
    for node, attrs in g.pred[vpc].items():
        node_attrs = g.nodes[node]
        if (
            attrs.get("rel") == "in-vpc"
            and node_attrs.get("kind") == "sg"
            and node_attrs["item"].get("GroupName") == "default"
        ):
            return node
    return None
