"""VPC endpoint lookups shared by the ECR pull walk and the endpoint rules.

They read the per-VPC index ``graph.build`` builds once (vpc node ``endpoints``: service short name ->
endpoint ids), never all endpoints of the snapshot.
"""

from __future__ import annotations

from dataclasses import replace

import networkx as nx

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import Check, CheckCode, PathResult, Status, Verdict

ECR_SERVICES = ("ecr.api", "ecr.dkr")


def endpoint_ids(g: nx.DiGraph, vpc_id: str | None, service: str) -> tuple[str, ...]:
    if vpc_id is None or vpc_id not in g:
        return ()
    found: tuple[str, ...] = g.nodes[vpc_id].get("endpoints", {}).get(service, ())
    return found


def cross_region_endpoints(
    g: nx.DiGraph, vpc_id: str | None, region: str, names: tuple[str, ...]
) -> list[str]:
    """The VPC's endpoints of services ``names`` (``ecr.dkr``, ``logs``...) of ``region``, another
    region than the VPC's (cross-region PrivateLink), which netcheck does not walk."""
    return [
        e
        for name in names
        for prefix in ("com.amazonaws.", "cn.com.amazonaws.")
        for e in endpoint_ids(g, vpc_id, f"{prefix}{region}.{name}")
    ]


def item(g: nx.DiGraph, vpce: str) -> JsonDict:
    found: JsonDict = g.nodes[vpce].get("item", {})
    return found


def is_available(endpoint: JsonDict) -> bool:
    return str(endpoint.get("State", "")).lower() == "available"


# States in which an endpoint has no network interfaces and its private DNS is not in force: it never
# was (pendingAcceptance, rejected, failed) or no longer is (deleted, expired). Any other state but
# available (pending, deleting, partial, one not documented, or none in the snapshot) may or may not
# have the endpoint's private DNS answering the service's name.
_NEVER_SERVES = frozenset({"pendingacceptance", "rejected", "failed", "deleted", "expired"})


def in_transition(endpoint: JsonDict) -> bool:
    """Not available, but not settled out of service either (see ``_NEVER_SERVES``)."""
    state = str(endpoint.get("State") or "").lower()
    return state != "available" and state not in _NEVER_SERVES


def inbound_resolvers_only(endpoint: JsonDict) -> bool:
    """Private DNS "only for inbound Resolver endpoints" (S3 beside its gateway endpoint): AWS answers
    on-premises queries with the endpoint and the VPC's own with the public addresses, so traffic
    from the VPC goes to the gateway endpoint (EC2 API, DnsOptionsSpecification)."""
    return (endpoint.get("DnsOptions") or {}).get("PrivateDnsOnlyForInboundResolverEndpoint") is True


def private_dns_endpoints(g: nx.DiGraph, vpc_id: str | None, service: str) -> list[str]:
    """Available interface endpoints of ``service`` with private DNS on for the VPC's own queries:
    where the service's public name resolves inside the VPC, provided the VPC's DNS attributes are
    both on."""
    return [
        e
        for e in endpoint_ids(g, vpc_id, service)
        if item(g, e).get("VpcEndpointType", "Interface") == "Interface"
        and is_available(item(g, e))
        and item(g, e).get("PrivateDnsEnabled") is True
        and not inbound_resolvers_only(item(g, e))
    ]


def unusable_endpoints(g: nx.DiGraph, vpc_id: str | None, service: str) -> list[str]:
    """Interface endpoints of ``service`` that do not take its traffic, with why."""
    out = []
    for e in endpoint_ids(g, vpc_id, service):
        found = item(g, e)
        if found.get("VpcEndpointType", "Interface") != "Interface":
            continue
        if not is_available(found):
            out.append(f"{e} is {found.get('State', 'unknown')}")
        elif found.get("PrivateDnsEnabled") is not True:
            out.append(f"{e} has private DNS off")
        elif inbound_resolvers_only(found):
            out.append(f"{e} has private DNS for inbound Resolver endpoints only")
    return out


def doubtful_endpoints(g: nx.DiGraph, vpc_id: str | None, service: str) -> list[str]:
    """Interface endpoints of ``service`` with private DNS asked for (not only for inbound Resolver
    endpoints) whose state is in transition or not known (``in_transition``): while no available one
    has the name, whether it resolves to them or to the service's public addresses is unknown, and
    they cannot take the traffic."""
    return [
        e
        for e in endpoint_ids(g, vpc_id, service)
        if item(g, e).get("VpcEndpointType", "Interface") == "Interface"
        and item(g, e).get("PrivateDnsEnabled") is True
        and not inbound_resolvers_only(item(g, e))
        and in_transition(item(g, e))
    ]


def doubted(g: nx.DiGraph, result: PathResult, doubt: list[str], what: str) -> PathResult:
    """``result``, the way to ``what`` that does not take endpoints ``doubt`` (``doubtful_endpoints``,
    in a VPC whose DNS attributes are not known to be off): a reachable way becomes ``unknown``, since
    the name may resolve to an endpoint that carries nothing yet (or any more); a way that is blocked or
    unknown stays so (the endpoint, not available, would not carry it either)."""
    if not doubt or result.verdict is not Verdict.REACHABLE:
        return result
    states = ", ".join(
        f"{e} is {item(g, e).get('State') or 'in no state the snapshot records'}" for e in doubt
    )
    reason = (
        f"{states} (private DNS on, not available): whether {what} resolves to it, which carries no traffic, or "
        f"to public addresses, the way that is reachable ({result.reason}), is unknown until it settles; scan again"
    )
    check = Check(CheckCode.VPCE_NOT_AVAILABLE, Status.UNKNOWN, doubt[0], reason)
    return replace(
        result,
        verdict=Verdict.UNKNOWN,
        blocked_at=None,
        path=list(result.path),
        reason=reason,
        checks=[*result.checks, check],
        pieces=None,
    )


def gateway_endpoints(g: nx.DiGraph, vpc_id: str | None, service: str) -> list[str]:
    return [e for e in endpoint_ids(g, vpc_id, service) if item(g, e).get("VpcEndpointType") == "Gateway"]


def vpc_dns(g: nx.DiGraph, vpc_id: str | None) -> tuple[bool | None, bool | None]:
    """(EnableDnsSupport, EnableDnsHostnames); None where not collected."""
    vpc = g.nodes[vpc_id].get("item", {}) if vpc_id in g else {}
    support, hostnames = vpc.get("EnableDnsSupport"), vpc.get("EnableDnsHostnames")
    return (
        support if isinstance(support, bool) else None,
        hostnames if isinstance(hostnames, bool) else None,
    )


def dns_off(g: nx.DiGraph, vpc_id: str | None) -> list[str]:
    """The DNS attributes of a VPC that are known to be off (private DNS needs both on)."""
    support, hostnames = vpc_dns(g, vpc_id)
    return [
        name
        for name, value in (("EnableDnsSupport", support), ("EnableDnsHostnames", hostnames))
        if value is False
    ]
