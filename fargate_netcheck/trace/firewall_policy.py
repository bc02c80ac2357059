"""The AWS Network Firewall behind a firewall endpoint on a need's path, evaluated for the need's
flow (``nfw.policy``): the endpoint's firewall (``NetworkFirewalls``, by the endpoint ids in its
``FirewallStatus.SyncStates``), its policy and rule groups. ``HOME_NET`` defaults to the CIDRs of the
firewall's VPC. The flow's source is the task subnet's range, or the range of the NAT that
translated it before the firewall.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import networkx as nx

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Check, CheckCode, Status, Verdict
from fargate_netcheck.graph.build import region_of, subnet_cidr, vpc_cidrs
from fargate_netcheck.trace.nfw.flow import need_flow
from fargate_netcheck.trace.nfw.policy import evaluate_firewall
from fargate_netcheck.trace.nfw.sets import AddressSet

_CODES = {
    Verdict.REACHABLE: (CheckCode.NFW, Status.PASS),
    Verdict.UNREACHABLE: (CheckCode.NFW_DROPPED, Status.FAIL),
    Verdict.UNKNOWN: (CheckCode.NFW_UNKNOWN, Status.UNKNOWN),
}


def firewall_of(g: nx.DiGraph, vpce: str) -> tuple[JsonDict | None, str | None]:
    """(the Network Firewall whose endpoint ``vpce`` is, None) or (None, why it is not known)."""
    rd = region_of(g, vpce)
    if not rd.collected("NetworkFirewalls"):
        return None, rd.gap("NetworkFirewalls")
    for firewall in rd.items["NetworkFirewalls"]:
        states = (firewall.get("FirewallStatus") or {}).get("SyncStates") or {}
        if any(((s or {}).get("Attachment") or {}).get("EndpointId") == vpce for s in states.values()):
            return firewall, None
    return None, None


def source_before(g: nx.DiGraph, path: list[str], index: int, task_subnet: str) -> str | None:
    """The source range at ``path[index]``: a NAT's subnet after translation, else the task's."""
    for hop in reversed(path[:index]):
        if g.nodes.get(hop, {}).get("kind") in ("nat", "eni"):
            subnet = g.nodes[hop].get("item", {}).get("SubnetId")
            cidr = subnet_cidr(g, subnet) if subnet in g else None
            return str(cidr) if cidr else None
    cidr = subnet_cidr(g, task_subnet)
    return str(cidr) if cidr else None


def firewall_checks(
    g: nx.DiGraph, path: list[str], task_subnet: str, destinations: Sequence[str], port: int, host: str | None
) -> list[Check]:
    """A check per Network Firewall endpoint on ``path`` (none for other appliances)."""
    checks: list[Check] = []
    for index, hop in enumerate(path):
        if (
            g.nodes.get(hop, {}).get("kind") != "vpce"
            or g.nodes[hop]["item"].get("VpcEndpointType") != "GatewayLoadBalancer"
        ):
            continue
        firewall, gap = firewall_of(g, hop)
        if firewall is None:
            if gap:
                checks.append(
                    Check(
                        CheckCode.NFW_UNKNOWN,
                        Status.UNKNOWN,
                        hop,
                        f"{gap}: the firewall behind {hop} cannot be evaluated",
                    )
                )
            continue
        checks += _evaluate(
            g, hop, firewall, source_before(g, path, index, task_subnet), destinations, port, host
        )
    return checks


def _evaluate(
    g: nx.DiGraph,
    vpce: str,
    firewall: JsonDict,
    source: str | None,
    destinations: Sequence[str],
    port: int,
    host: str | None,
) -> list[Check]:
    name = firewall.get("FirewallName") or firewall.get("FirewallArn", vpce)
    rd = region_of(g, vpce)
    for kind in ("NetworkFirewallPolicies", "NetworkFirewallRuleGroups"):
        if not rd.collected(kind):
            return [
                Check(
                    CheckCode.NFW_UNKNOWN,
                    Status.UNKNOWN,
                    name,
                    f"{rd.gap(kind)}: firewall {name} cannot be evaluated",
                )
            ]
    policy = next(
        (
            p
            for p in rd.items["NetworkFirewallPolicies"]
            if p.get("FirewallPolicyArn") == firewall.get("FirewallPolicyArn")
        ),
        None,
    )
    vpc = g.nodes.get(firewall.get("VpcId", ""), {}).get("item")
    if policy is None or vpc is None or source is None:
        missing = (
            "its policy" if policy is None else ("its VPC" if vpc is None else "the traffic's source range")
        )
        return [
            Check(
                CheckCode.NFW_UNKNOWN,
                Status.UNKNOWN,
                name,
                f"firewall {name}: {missing} is not in the snapshot",
            )
        ]
    groups = {r.get("RuleGroupArn", ""): r for r in rd.items["NetworkFirewallRuleGroups"]}
    flow = need_flow(AddressSet.of([source]), AddressSet.of(destinations), port, host)
    decision = evaluate_firewall(policy, groups, flow, [c for c in vpc_cidrs(vpc) if ":" not in c])
    code, status = _CODES[decision.verdict]
    resource = decision.group or name
    checks = [Check(code, status, resource, f"firewall {name} ({vpce}): {decision.reason}")]
    for note in decision.notes:
        group = re.search(r"domain list rule group (.+?), so its", note)
        if group:
            checks.append(
                Check(CheckCode.NFW_HOME_NET, Status.PASS, group.group(1), f"firewall {name}: {note}")
            )
    return checks
