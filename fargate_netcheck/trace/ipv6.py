"""Does a Fargate task get an IPv6 address? Only when its subnet has an associated IPv6 CIDR block
*and* the ECS account setting ``dualStackIPv6`` is in effect for the principal that launches it
(AWS, "Amazon ECS task networking options for Fargate": tasks in a dual-stack subnet get an IPv6
address once ``dualStackIPv6`` is turned on). Without an IPv6 address no IPv6 destination is
reachable, whatever the routes say.

The setting comes from ECS ``ListAccountSettings`` with ``effectiveSettings=true``, kept verbatim
in the snapshot's ``EcsAccountSettings`` (items ``{"name", "value", "principalArn"}``). Not
collected: ``unknown``.

A task in an IPv6-only subnet (``Ipv6Native``: no IPv4 block) gets no IPv4 address at all (AWS,
"Using a VPC in IPv6-only mode"): it reaches IPv4-only services only by name, through DNS64 and a NAT
gateway's NAT64 (``64:ff9b::/96``), which an IPv4 walk does not trace (``unknown``, never a pass).
"""

from __future__ import annotations

import networkx as nx

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.graph.build import region_of
from fargate_netcheck.trace.walk import Walk

SETTINGS_KIND = "EcsAccountSettings"
DUAL_STACK = "dualStackIPv6"


def subnet_ipv6_blocks(subnet: JsonDict) -> list[str]:
    """The subnet's associated IPv6 blocks (an association being removed gives no address)."""
    return [
        a["Ipv6CidrBlock"]
        for a in subnet.get("Ipv6CidrBlockAssociationSet") or []
        if a.get("Ipv6CidrBlock")
        and (a.get("Ipv6CidrBlockState") or {}).get("State", "associated") == "associated"
    ]


def ipv6_only(subnet: JsonDict) -> bool:
    """An IPv6-only subnet: ``Ipv6Native``, or IPv6 blocks and no IPv4 block (as grouping reads it)."""
    return bool(subnet.get("Ipv6Native")) or (
        not subnet.get("CidrBlock") and bool(subnet.get("Ipv6CidrBlockAssociationSet"))
    )


def task_ipv4(walk: Walk, subnet_id: str, subnet: JsonDict) -> bool:
    """Record that a task in an IPv6-only subnet has no IPv4 address; False stops the walk there."""
    if not ipv6_only(subnet):
        return True
    walk.unknown(
        CheckCode.UNSUPPORTED_TARGET,
        subnet_id,
        f"{subnet_id} is IPv6-only, so a task there gets no IPv4 address: it reaches IPv4 addresses only by "
        "name, through DNS64 on the subnet and a NAT gateway's NAT64 (64:ff9b::/96), which is not traced; "
        "check the IPv6 path instead (--destination ::/0 or 64:ff9b::/96)",
    )
    return False


def task_ipv6(g: nx.DiGraph, walk: Walk, subnet_id: str, subnet: JsonDict) -> bool:
    """Record whether a task in ``subnet_id`` gets an IPv6 address; False stops the walk there."""
    blocks = subnet_ipv6_blocks(subnet)
    if not blocks:
        walk.failed(
            CheckCode.TASK_NO_IPV6,
            subnet_id,
            f"{subnet_id} has no IPv6 CIDR block, so the task gets no IPv6 address: no IPv6 destination "
            "is reachable from it",
        )
        return False
    rd = region_of(g, subnet_id)
    if not walk.collected(rd, SETTINGS_KIND, subnet_id):
        return False
    setting = next((s for s in rd.items.get(SETTINGS_KIND) or () if s.get("name") == DUAL_STACK), None)
    value = (setting or {}).get("value", "disabled")
    if value != "enabled":
        walk.failed(
            CheckCode.TASK_NO_IPV6,
            subnet_id,
            f"the ECS account setting {DUAL_STACK} is {value} in {rd.region}, so a task in {subnet_id} "
            f"({', '.join(blocks)}) gets no IPv6 address: turn it on (aws ecs put-account-setting-default "
            f"--name {DUAL_STACK} --value enabled)",
        )
        return False
    walk.passed(
        CheckCode.TASK_IPV6,
        subnet_id,
        f"a task in {subnet_id} gets an IPv6 address from {', '.join(blocks)} ({DUAL_STACK} is enabled)",
    )
    return True
