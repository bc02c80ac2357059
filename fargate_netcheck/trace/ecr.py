"""The ECR pull walk: can the task pull its image, and which way (``via``) does the pull go?

A Fargate task pulls from three services: ``ecr.api`` (auth token), ``ecr.dkr`` (the registry) and
S3 (the image layers). Which way each goes:

- When the VPC has an available ``ecr.api`` or ``ecr.dkr`` interface endpoint with private DNS, and
  the VPC's ``EnableDnsSupport`` and ``EnableDnsHostnames`` are both on, the service's name resolves
  to the endpoint (even when a NAT gateway exists): ``via`` is ``vpc-endpoints``. Each endpoint's
  groups must let TCP 443 in from the task subnet (CIDR, or a group reference to a task group), the
  task's groups must let 443 out to the endpoint's subnets (CIDR, or its groups), and the network
  ACLs must pass both ways between the task subnet and each endpoint subnet.
  A service without such an endpoint, and S3 without a gateway endpoint on the task subnet's route
  table, use the internet path: it must then be reachable.
- S3 through a gateway endpoint: the subnet's route table routes the S3 prefix list to it; the task's
  groups and the subnet's ACL must let TCP 443 to the prefix list's ranges.
- Otherwise (no such endpoint, or VPC DNS off) the pull is the internet walk on TCP 443: ``via`` is
  ``internet``.
- ``VpcEndpoints`` not collected, or VPC DNS attributes unknown when it matters: ``unknown``.

Endpoint policies are not evaluated (the reason says so). Endpoints reached through another VPC
(a shared-services VPC over a transit gateway) are not considered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fargate_netcheck.core.model import Check, CheckCode, PathResult, Status, Target
from fargate_netcheck.graph.build import region_of
from fargate_netcheck.trace.ecr_endpoints import EndpointWalk
from fargate_netcheck.trace.endpoints import (
    ECR_SERVICES,
    dns_off,
    private_dns_endpoints,
    unusable_endpoints,
    vpc_dns,
)
from fargate_netcheck.trace.walk import Walk

if TYPE_CHECKING:
    from fargate_netcheck.trace.egress import Tracer


def ecr_pull(tracer: Tracer, target: Target, internet_egress: PathResult | None = None) -> PathResult:
    g = tracer.graph
    subnet_id = target.subnet_id
    if g.nodes.get(subnet_id, {}).get("kind") != "subnet":
        base = internet_egress or tracer.internet_for_ecr(target)
        return PathResult(base.verdict, list(base.path), base.blocked_at, base.reason, [], None)
    vpc_id = g.nodes[subnet_id]["item"].get("VpcId", "")
    rd = region_of(g, subnet_id)
    if not rd.collected("VpcEndpoints"):
        walk = Walk(path=[subnet_id])
        walk.missing(
            rd,
            "VpcEndpoints",
            subnet_id,
            ": ECR may resolve to interface endpoints, so the pull cannot be verified",
        )
        return walk.result("")
    endpoints = {s: private_dns_endpoints(g, vpc_id, s) for s in ECR_SERVICES}
    if not any(endpoints.values()):
        unusable = [u for s in ECR_SERVICES for u in unusable_endpoints(g, vpc_id, s)]
        why = f"{vpc_id} has no available ecr.api or ecr.dkr interface endpoint with private DNS"
        return _via_internet(
            tracer, target, internet_egress, why + (f" ({'; '.join(unusable)})" if unusable else "")
        )
    names = ", ".join(e for s in ECR_SERVICES for e in endpoints[s])
    off = dns_off(g, vpc_id)
    if off:
        why = f"the private DNS of {names} has no effect because {vpc_id} has {' and '.join(off)} off"
        return _via_internet(tracer, target, internet_egress, why)
    if None in vpc_dns(g, vpc_id):
        walk = Walk(path=[subnet_id])
        walk.unknown(
            CheckCode.DATA_MISSING,
            vpc_id,
            f"the DNS attributes of {vpc_id} were not collected: whether ECR resolves to {names} or to "
            "public addresses is unknown",
        )
        return walk.result("")
    return EndpointWalk(tracer, target, vpc_id, internet_egress).run(endpoints)


def _via_internet(tracer: Tracer, target: Target, internet_egress: PathResult | None, why: str) -> PathResult:
    internet = tracer.internet_for_ecr(target, internet_egress)
    decision = Check(
        CheckCode.ECR_VIA_INTERNET,
        Status.PASS,
        target.subnet_id,
        f"{why}: ECR (ecr.api, ecr.dkr) and the image layers (S3) are reached over the internet",
    )
    # The target's own internet walk is already reported: repeat its verdict, not its checks.
    checks = [decision] if internet is internet_egress else [decision, *internet.checks]
    reason = f"ECR over the internet ({why}): {internet.reason}"
    return PathResult(internet.verdict, list(internet.path), internet.blocked_at, reason, checks, "internet")
