"""The AWS Network Firewall behind a firewall endpoint on a need's path, evaluated for the need's
flow (``nfw.policy``): the endpoint's firewall (``NetworkFirewalls``, by the endpoint ids in its
``FirewallStatus.SyncStates``), its policy and rule groups. ``HOME_NET`` defaults to the CIDRs of the
firewall's VPC. The flow's source is the task subnet's range, or the range of the NAT that
translated it before the firewall.

The same policy is evaluated for every walk through the endpoint (``inspect``: the internet egress,
the ECR pull, each port), without a host name: what it drops whatever the host (a stateless default
``aws:drop``, a rule on the port or the addresses) makes the walk unreachable; what only the host
name decides (a domain list) is left to the needs by name.

The endpoint must be READY (or SCALING) in its Availability Zone's ``SyncStates`` entry (AWS:
the firewall is ready only when every attachment is READY and the configuration IN_SYNC), and the
policy and rule groups there IN_SYNC: otherwise the rules in effect may not be the snapshot's.
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
from fargate_netcheck.trace.walk import Walk

# Attachment states in which the endpoint forwards traffic (SCALING: it is adding capacity).
_FORWARDING = ("READY", "SCALING")

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
        if _sync_state(firewall, vpce) is not None:
            return firewall, None
    return None, None


def _sync_state(firewall: JsonDict, vpce: str) -> JsonDict | None:
    states = (firewall.get("FirewallStatus") or {}).get("SyncStates") or {}
    return next(
        (
            s
            for s in states.values()
            if isinstance(s, dict) and (s.get("Attachment") or {}).get("EndpointId") == vpce
        ),
        None,
    )


def endpoint_doubt(firewall: JsonDict, vpce: str) -> str | None:
    """Why firewall endpoint ``vpce`` may not forward traffic: its attachment is not READY."""
    name = firewall.get("FirewallName") or firewall.get("FirewallArn", "?")
    attachment = (_sync_state(firewall, vpce) or {}).get("Attachment") or {}
    status = attachment.get("Status")
    if status in _FORWARDING:
        return None
    detail = f" ({attachment['StatusMessage']})" if attachment.get("StatusMessage") else ""
    return (
        f"the attachment of Network Firewall {name} for endpoint {vpce} is {status or 'of unknown status'}"
        f"{detail}, not READY: whether the endpoint forwards traffic is unknown"
    )


def _config_doubt(firewall: JsonDict, vpce: str) -> str | None:
    """Why the rules in effect at ``vpce`` may not be the snapshot's: not IN_SYNC there."""
    state = _sync_state(firewall, vpce) or {}
    config = state.get("Config")
    if isinstance(config, dict) and config:
        pending = sorted(
            f"{arn.rsplit('/', 1)[-1]} {(c or {}).get('SyncStatus') or 'of unknown sync status'}"
            for arn, c in config.items()
            if not isinstance(c, dict) or c.get("SyncStatus") != "IN_SYNC"
        )
    else:
        summary = (firewall.get("FirewallStatus") or {}).get("ConfigurationSyncStateSummary")
        pending = [f"the configuration {summary}"] if summary not in (None, "IN_SYNC") else []
    if not pending:
        return None
    return (
        f"its policy and rule groups are not in sync at endpoint {vpce} ({', '.join(pending)}): the rules "
        "in effect there may not be the ones in the snapshot"
    )


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
            if gap is None and network_firewall_endpoint(g.nodes[hop]["item"]):
                gap = f"no Network Firewall in the snapshot has endpoint {hop}, which AWS Network Firewall manages"
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


def network_firewall_endpoint(item: JsonDict) -> bool:
    """Is this Gateway Load Balancer endpoint one AWS Network Firewall created (its tag or service)?"""
    tags = {t.get("Key") for t in item.get("Tags") or [] if isinstance(t, dict)}
    return "AWSNetworkFirewallManaged" in tags or "network-firewall" in (item.get("ServiceName") or "")


def inspect(
    g: nx.DiGraph, walk: Walk, vpce: str, source: str | None, destinations: Sequence[str], port: int
) -> None:
    """The policy of the Network Firewall behind ``vpce`` (if the snapshot has it) for a walk's flow,
    host name unknown, recorded on ``walk``: dropped whatever the host, unknown for another reason
    than the host, or passed. Undecided for want of a host name only: nothing (the needs decide)."""
    firewall, _ = firewall_of(g, vpce)
    if firewall is None:
        return
    walk.checks.extend(_evaluate(g, vpce, firewall, source, destinations, port, None, deferring=True))


def _evaluate(
    g: nx.DiGraph,
    vpce: str,
    firewall: JsonDict,
    source: str | None,
    destinations: Sequence[str],
    port: int,
    host: str | None,
    *,
    deferring: bool = False,
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
    doubt = _config_doubt(firewall, vpce)
    if doubt is not None:
        return [
            Check(
                CheckCode.NFW_UNKNOWN,
                Status.UNKNOWN,
                name,
                f"firewall {name} ({vpce}): {doubt}; by the snapshot's rules: {decision.reason}",
            )
        ]
    if deferring and decision.host_dependent:
        return []
    code, status = _CODES[decision.verdict]
    resource = decision.group or name
    checks = [Check(code, status, resource, f"firewall {name} ({vpce}): {decision.reason}")]
    for note in () if deferring else decision.notes:
        group = re.search(r"domain list rule group (.+?), so its", note)
        if group:
            checks.append(
                Check(CheckCode.NFW_HOME_NET, Status.PASS, group.group(1), f"firewall {name}: {note}")
            )
    return checks
