"""What is known about a stopped task, and where each fact came from.

The reason comes from ECS (DescribeTasks), a saved task-state event, or ``--reason``; the placement
(subnet, security groups, public-IP choice) from the most specific source that has it, in this
order: the command-line flags; the task's own network interface (in the snapshot, or from
DescribeNetworkInterfaces); the event's network attachment (subnet); a deployment config or an
ECS service. What no source has stays None, is listed in ``missing``, and the hop that needs it is
``unknown``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.task_network import TaskNetwork


@dataclass(slots=True)
class TaskFacts:
    task_arn: str | None
    stopped_reason: str
    stop_code: str | None
    container_reasons: list[str]
    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] | None = None
    assign_public_ip: bool | None = None
    needs: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)  # what -> where it was found
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def take(
        self,
        where: str,
        subnets: tuple[str, ...] = (),
        groups: tuple[str, ...] | None = None,
        public_ip: bool | None = None,
    ) -> None:
        """Fill what is still unknown from ``where``; what is known already stays."""
        if subnets and not self.subnets:
            self.subnets = subnets
            self.sources["subnet"] = where
        if groups is not None and self.security_groups is None:
            self.security_groups = groups
            self.sources["security groups"] = where
        if public_ip is not None and self.assign_public_ip is None:
            self.assign_public_ip = public_ip
            self.sources["public IP"] = where

    def finish(self) -> None:
        """List what no source had (the verdicts that need it are unknown)."""
        self.missing = [
            name
            for name, value in (
                ("security groups", self.security_groups),
                ("public IP choice", self.assign_public_ip),
            )
            if value is None
        ] + ([] if self.subnets else ["subnet"])


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the user says the task ran (flags) and which configuration describes it."""

    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    assign_public_ip: bool | None = None
    deploy_config: Path | None = None
    env: str | None = None
    task: str | None = None  # a task of the deployment config
    service: str | None = None
    cluster: str | None = None


def take_flags(facts: TaskFacts, placement: Placement) -> None:
    """The flags. A task placed with ``--subnet`` and no public-IP flag gets ECS's default,
    assignPublicIp=DISABLED (as ``check`` does); a subnet from an event does not."""
    facts.take("--subnet", subnets=placement.subnets)
    if placement.security_groups:
        facts.take("--security-group", groups=placement.security_groups)
    if placement.assign_public_ip is not None:
        facts.take("--assign-public-ip", public_ip=placement.assign_public_ip)
    elif placement.subnets:
        facts.take("ECS's default for --subnet without --assign-public-ip (DISABLED)", public_ip=False)


def take_interface(facts: TaskFacts, interface: JsonDict | None, where: str) -> None:
    """Groups and public IP from the task's network interface (a DescribeNetworkInterfaces item)."""
    if not interface:
        return
    groups = tuple(
        g["GroupId"] for g in interface.get("Groups", []) if isinstance(g, dict) and "GroupId" in g
    )
    subnet = interface.get("SubnetId")
    facts.take(
        where,
        subnets=(subnet,) if isinstance(subnet, str) and subnet else (),
        groups=groups,
        public_ip=bool((interface.get("Association") or {}).get("PublicIp")),
    )


def interface_in_snapshot(
    graph: nx.DiGraph, eni_id: str | None, private_ip: str | None, subnet_id: str | None
) -> JsonDict | None:
    """The task's interface as the snapshot holds it (collected while the task still had it): by its
    id, else by its private address in its subnet."""
    if eni_id and graph.nodes.get(eni_id, {}).get("kind") == "eni":
        return graph.nodes[eni_id].get("item")
    if not private_ip:
        return None
    for node, kind in graph.nodes(data="kind"):
        if kind != "eni":
            continue
        item = graph.nodes[node].get("item") or {}
        if item.get("PrivateIpAddress") == private_ip and (
            subnet_id is None or item.get("SubnetId") == subnet_id
        ):
            return item
    return None


def take_deploy_config(facts: TaskFacts, placement: Placement) -> None:
    if placement.deploy_config is None:
        return
    from fargate_netcheck.targets.deploy_config import resolve_deploy_config
    from fargate_netcheck.targets.run_environment import NetworkDefaults

    if not placement.env:
        raise InputError("--deploy-config needs --env")
    networks = resolve_deploy_config(
        placement.deploy_config, placement.env, placement.task, NetworkDefaults()
    )
    if len(networks) != 1:
        names = ", ".join(n.source.rsplit("/", 1)[-1] for n in networks) or "none"
        raise InputError(
            f"{placement.deploy_config}: {len(networks)} tasks in env {placement.env}; name the one that "
            f"stopped with --task (one of: {names})"
        )
    _take_network(facts, networks[0])


def take_service(facts: TaskFacts, ecs: Callable[[], Any], cluster: str | None, service: str) -> bool:
    """The service's awsvpc configuration and task definition needs, read with DescribeServices. AWS
    not being reachable or readable, or the service gone, is a missing fact, not an error: the hop
    that needs it is unknown. False when AWS could not be asked."""
    from fargate_netcheck.collect import ecs as ecs_api

    if not cluster:
        facts.notes.append(f"service {service}: its cluster is not known (pass --cluster) so it was not read")
        return True
    try:
        networks = ecs_api.service_networks(ecs(), cluster, [service])
    except ecs_api.EcsReadError as exc:  # denied, unreachable, throttled: say so and go on
        facts.notes.append(f"service {service} could not be read: {exc}")
        return False
    except InputError as exc:  # the service or its cluster is gone
        facts.notes.append(f"service {service} could not be read: {exc}")
        return True
    except Exception as exc:  # no credentials, no region: say so and go on
        facts.notes.append(f"service {service} of cluster {cluster} could not be read: {_one_line(exc)}")
        return False
    if networks:
        _take_network(facts, networks[0])
    return True


def take_definition(facts: TaskFacts, ecs: Callable[[], Any], arn: str) -> None:
    """What the task reads at launch (awslogs, secrets from Secrets Manager or SSM), from its task
    definition; unreadable is a note, and the needs stay unknown."""
    from fargate_netcheck.collect import ecs as ecs_api

    try:
        definition = ecs_api.task_definitions(ecs(), [arn])[arn]
    except Exception as exc:  # no credentials, no network, AccessDenied, deregistered
        facts.notes.append(f"task definition {arn} could not be read: {_one_line(exc)}")
        return
    facts.needs = launch_needs(ecs_api.service_network({"serviceArn": "task"}, definition, ""))


def _take_network(facts: TaskFacts, network: TaskNetwork) -> None:
    facts.take(
        network.source,
        subnets=network.subnets,
        groups=network.security_groups or None,
        public_ip=bool(network.assign_public_ip),
    )
    if not facts.needs:
        facts.needs = launch_needs(network)


def launch_needs(network: TaskNetwork) -> tuple[str, ...]:
    """What a task of ``network`` reads at launch: its log driver's CloudWatch Logs, the secret
    stores it reads, and the registry of each container's image (so the pull is walked to where
    the images are, not to this region's ECR)."""
    return (("logs",) if network.uses_awslogs else ()) + tuple(network.secrets_from) + tuple(network.images)


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
