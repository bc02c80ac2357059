"""Security-group rules (SG): the task's groups must let the traffic out."""

import ipaddress
from collections.abc import Iterator

import networkx as nx

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.rules_api import Hit, RuleContext, from_checks, rule
from fargate_netcheck.snapshot.parse import TCP, Network, SgRule

SG001 = from_checks(
    id="SG001",
    name="egress-denied",
    title="Security groups do not allow the egress",
    severity="error",
    codes=[CheckCode.SG_EGRESS_DENIED],
    docs="""
    What it checks: the union of the task's security groups has an outbound rule allowing TCP on
    the required port (443 by default) to the destination, by CIDR or prefix list. A rule that
    names another security group covers only the private addresses of that group's network
    interfaces: never internet addresses; for a private destination it may, and as the snapshot
    does not list the group's members the verdict is then unknown, not this error.
    Why it matters: security groups deny all egress that no rule allows; the image pull times out.
    Example: a group whose default "all traffic to 0.0.0.0/0" egress rule was removed.
    Fix: add an outbound rule: TCP 443 to 0.0.0.0/0 (or the prefix lists you need).
    """,
    remediation="Add an outbound rule allowing TCP 443 to 0.0.0.0/0 to one of the task's security groups.",
    fix="Add an outbound rule allowing {protocol} {port} to {cidr} ({destination}, {family}) to one of the task's security groups.",
)

SG002 = from_checks(
    id="SG002",
    name="group-in-other-vpc",
    title="Security group from another VPC",
    severity="error",
    codes=[CheckCode.SG_WRONG_VPC],
    docs="""
    What it checks: every security group of the task belongs to the task subnet's VPC.
    Why it matters: ECS refuses to launch a task whose groups and subnets are in different VPCs.
    Example: a CloudReactor Run Environment whose default groups are from the old VPC.
    Fix: use security groups of the subnet's VPC.
    """,
    remediation="Use security groups that belong to the subnet's VPC.",
)

SG003 = from_checks(
    id="SG003",
    name="group-missing",
    title="Security group does not exist",
    severity="error",
    codes=[CheckCode.SG_MISSING, CheckCode.SUBNET_MISSING],
    docs="""
    What it checks: the security groups and subnets a task configuration names exist.
    Why it matters: ECS fails the launch (or the service deployment) at once.
    Example: a deployment config still naming a deleted `sg-0old`.
    Fix: update the configuration to existing ids.
    """,
    remediation="Update the task configuration to existing security group and subnet ids.",
)

_ALL_V4 = ipaddress.IPv4Network("0.0.0.0/0")


@rule(
    id="SG100",
    name="not-all-outbound-tcp",
    title="Security groups do not allow all outbound TCP to 0.0.0.0/0",
    severity="warning",
    docs="""
    What it checks: the CloudReactor guide's recommendation that a task's security groups allow
    all outbound TCP (ports 0-65535) to 0.0.0.0/0.
    Why it matters: tasks often need more than 443 (Snowflake, databases, APIs on other ports);
    a narrower rule works today and breaks with the next integration.
    Example: a group allowing only TCP 443 out.
    Fix: add an outbound rule: all TCP to 0.0.0.0/0, or suppress this rule with a reason if the
    narrow egress is deliberate.
    """,
    remediation="Allow all outbound TCP to 0.0.0.0/0, or suppress SG100 with the reason egress is narrow.",
)
def all_outbound_tcp(ctx: RuleContext) -> Iterator[Hit]:
    seen: set[tuple[str, ...]] = set()
    for result in ctx.results:
        groups = result.target.security_group_ids
        if not groups or not result.target.evaluate_security_groups or groups in seen:
            continue
        seen.add(groups)
        nodes = [
            ctx.graph.nodes[g] for g in groups if g in ctx.graph and ctx.graph.nodes[g].get("kind") == "sg"
        ]
        if len(nodes) != len(groups):
            continue  # missing groups are SG003's business
        if any("IpPermissionsEgress" not in node["item"] for node in nodes):
            continue  # outbound rules not in the snapshot: the walk reports them unknown (DATA001)
        rules = [r for node in nodes for r in node.get("sg_egress", ())]
        if not _all_tcp_to_everywhere(rules, ctx.graph):
            yield Hit(
                groups[0] if len(groups) == 1 else ",".join(groups),
                f"security groups {', '.join(groups)} do not allow all outbound TCP to 0.0.0.0/0",
                result.target.target_id,
            )


def _all_tcp_to_everywhere(rules: list[SgRule], g: nx.DiGraph) -> bool:
    """Do the rules, together, allow every TCP port to all of 0.0.0.0/0 (by CIDR or by the entries of
    a prefix list in the snapshot)? Coverage changes only where a rule's range starts or ends, so
    each such port stands for the ports up to the next one."""
    tcp = [r for r in rules if r.protocol in ("-1", TCP) and r.ports is not None]
    starts = {0} | {r.ports[0] for r in tcp if r.ports} | {r.ports[1] + 1 for r in tcp if r.ports}
    for port in sorted(starts - {65536}):
        nets = [
            net
            for r in tcp
            if r.covers(TCP, port)
            for net in (*r.networks, *(n for pl in r.prefix_list_ids for n in _entries(g, pl)))
            if isinstance(net, ipaddress.IPv4Network)
        ]
        if _ALL_V4 not in ipaddress.collapse_addresses(nets):
            return False
    return True


def _entries(g: nx.DiGraph, prefix_list: str) -> tuple[Network, ...]:
    return (g.nodes[prefix_list].get("prefixes") or ()) if prefix_list in g else ()
