"""Resilience rules (RS): configurations that work today and fail with one Availability Zone."""

from collections.abc import Iterator
from typing import Any

import networkx as nx

from fargate_netcheck.rules_api import Hit, RuleContext, rule


def _subnet(g: nx.DiGraph, subnet_id: str | None) -> dict[str, Any]:
    node = g.nodes.get(subnet_id, {}) if subnet_id else {}
    return node.get("item", {}) if node.get("kind") == "subnet" else {}


def _same_az(g: nx.DiGraph, a: str, b: str) -> bool | None:
    """Compare by AZ id when both subnets have one (AZ names differ between accounts), else by name
    within one account; None when it cannot be told."""
    sa, sb = _subnet(g, a), _subnet(g, b)
    if sa.get("AvailabilityZoneId") and sb.get("AvailabilityZoneId"):
        return sa["AvailabilityZoneId"] == sb["AvailabilityZoneId"]
    if (
        sa.get("AvailabilityZone")
        and sb.get("AvailabilityZone")
        and g.nodes[a].get("account") == g.nodes[b].get("account")
    ):
        return sa["AvailabilityZone"] == sb["AvailabilityZone"]
    return None


@rule(
    id="RS001",
    name="nat-in-other-az",
    title="The subnet's NAT gateway is in another Availability Zone",
    severity="warning",
    docs="""
    What it checks: the NAT gateway on a task subnet's internet path sits in the same Availability
    Zone as the subnet (AZ ids are compared when known, since AZ names differ between accounts).
    Why it matters: when that AZ fails, tasks in every other AZ lose their internet path too; and
    traffic crossing AZs pays data-transfer charges on top of NAT processing.
    Example: one NAT gateway in us-east-1a serving private subnets in 1a, 1b and 1c.
    Fix: one NAT gateway per AZ, each private subnet's route table pointing at its own AZ's.
    """,
    remediation="Create a NAT gateway in this subnet's AZ and point the subnet's route table at it.",
    per_target=True,  # the target's own walk, its subnet's AZ and its NAT gateway's (its group shares both)
)
def nat_in_other_az(ctx: RuleContext) -> Iterator[Hit]:
    g = ctx.graph
    for result in ctx.results:
        nat = next((h for h in result.internet_egress.path if g.nodes.get(h, {}).get("kind") == "nat"), None)
        if nat is None:
            continue
        nat_subnet = g.nodes[nat].get("item", {}).get("SubnetId")
        subnet = result.target.subnet_id
        if nat_subnet and _same_az(g, subnet, nat_subnet) is False:
            yield Hit(
                subnet,
                f"{subnet} ({_subnet(g, subnet).get('AvailabilityZone')}) reaches the internet through {nat} "
                f"in {_subnet(g, nat_subnet).get('AvailabilityZone')}: a cross-AZ dependency with "
                "data-transfer charges",
                result.target.target_id,
            )


@rule(
    id="RS002",
    name="single-az-configuration",
    title="All of a task configuration's subnets are in one Availability Zone",
    severity="warning",
    docs="""
    What it checks: the subnets of one task configuration (the targets of one source: an ECS
    service, a deployment config) span more than one Availability Zone. Sources listed in the
    parameter `single_az_skip_sources` are not checked (default: `audit`, which is not a task
    configuration; `cli`, the subnets named on the command line; `task`, one diagnosed task).
    Why it matters: ECS spreads tasks over the subnets it is given; if they all sit in one AZ, an AZ
    outage stops the whole service.
    Example: a service with `subnets: [subnet-a1, subnet-a2]`, both in us-east-1a.
    Fix: add a subnet in another AZ (with the same egress) to the configuration.
    """,
    remediation="Add subnets in at least one other Availability Zone to the task configuration.",
)
def single_az_configuration(ctx: RuleContext) -> Iterator[Hit]:
    skip = set(ctx.params.get("single_az_skip_sources", ("audit", "cli", "task")))
    by_source: dict[str, set[str]] = {}
    for result in ctx.results:
        # a source is skipped by its kind ("audit", "cli", "demo") or by its full name
        if result.target.source not in skip and result.target.source.split(":", 1)[0] not in skip:
            by_source.setdefault(result.target.source, set()).add(result.target.subnet_id)
    for source, subnet_ids in sorted(by_source.items()):
        zones = {
            _subnet(ctx.graph, s).get("AvailabilityZoneId") or _subnet(ctx.graph, s).get("AvailabilityZone")
            for s in subnet_ids
        }
        if len(zones) == 1 and None not in zones:
            yield Hit(
                source,
                f"{source}: every subnet ({', '.join(sorted(subnet_ids))}) is in {zones.pop()}: "
                "one AZ outage stops every task",
            )
