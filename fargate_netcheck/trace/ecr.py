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
- An S3 interface endpoint with private DNS (for the VPC's own queries) takes the layers: the
  endpoint walk, even without ECR endpoints. An ECR endpoint with private DNS that is pending,
  deleting or in no recorded state (``endpoints.in_transition``): a reachable internet way is ``unknown``.

Endpoint policies are not evaluated (the reason says so). Endpoints reached through another VPC
(a shared-services VPC over a transit gateway) are not considered.

Which registry: the target's ``image:`` needs (``core.image_registry``, from its task
definition) name each image's. ECR of the task's region (any account; pull-through cache
repositories too) is the walk above. ECR of another region never uses this VPC's endpoints (they
serve their own region): the internet on TCP 443 to that region's ECR and S3 addresses, or
``unknown`` when the VPC has a cross-region endpoint for it (not walked) or its endpoints were not
collected. A registry on the internet (Docker Hub, ECR Public, GHCR, Quay, ...): the internet on its
port, whatever ECR endpoints the VPC has. A registry that cannot be placed: ``unknown``. Several
registries: the worst of their walks. No ``image:`` need (no task definition is known): the image
is assumed to be in ECR of the task's region, and the reason says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from fargate_netcheck.core.image_registry import IMAGE_NEED
from fargate_netcheck.core.model import Check, CheckCode, PathResult, Status, Target, Verdict
from fargate_netcheck.graph.build import region_of
from fargate_netcheck.trace.aws_ranges import ECR_AND_S3
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.ecr_endpoints import EndpointWalk
from fargate_netcheck.trace.endpoints import (
    ECR_SERVICES,
    cross_region_endpoints,
    dns_off,
    doubted,
    doubtful_endpoints,
    private_dns_endpoints,
    unusable_endpoints,
    vpc_dns,
)
from fargate_netcheck.trace.walk import Walk, unknown_dns_attributes

if TYPE_CHECKING:
    from fargate_netcheck.trace.egress import Tracer

HTTPS = (443,)
ECR_ENDPOINTS = ("ecr.api", "ecr.dkr", "s3")  # the endpoint services an image pull may take
_ORDER = {Verdict.UNREACHABLE: 0, Verdict.UNKNOWN: 1, Verdict.REACHABLE: 2}


def image_sources(target: Target) -> tuple[str, ...]:
    """The target's ``image:`` needs, in a fixed order (a key of the walk's cache and grouping)."""
    return tuple(sorted({n for n in target.needs if n.startswith(IMAGE_NEED)}))


def ecr_pull(tracer: Tracer, target: Target, internet_egress: PathResult | None = None) -> PathResult:
    """How the task pulls its images: the walk to each image's registry, the worst of them."""
    sources = image_sources(target)
    node = tracer.graph.nodes.get(target.subnet_id, {})
    if node.get("kind") != "subnet":
        return _own_region(tracer, target, internet_egress)
    region = str(node.get("region") or target.region or "")
    rd = region_of(tracer.graph, target.subnet_id)
    if not rd.collected("Subnets"):  # listed, but the kind's collection failed: as if missing
        walk = Walk(path=[target.subnet_id])
        walk.missing(rd, "Subnets", target.subnet_id, ": where the task pulls its image from is not known")
        return walk.result("")
    if not sources:
        return _assumed(_own_region(tracer, target, internet_egress), region)
    walks = [_registry(tracer, target, internet_egress, source, region) for source in sources]
    return walks[0] if len(walks) == 1 else _worst(walks)


def _own_region(tracer: Tracer, target: Target, internet_egress: PathResult | None) -> PathResult:
    g = tracer.graph
    subnet_id = target.subnet_id
    if g.nodes.get(subnet_id, {}).get("kind") != "subnet" or not g.nodes[subnet_id]["item"].get("VpcId"):
        base = internet_egress or tracer.internet_for_ecr(target)  # as unknown as the subnet is
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
    # An S3 interface endpoint with private DNS takes the layer bucket's name too (AWS PrivateLink
    # for S3): the pull then goes by the endpoint walk, whatever ECR's way is.
    s3_interface = private_dns_endpoints(g, vpc_id, "s3")
    off = dns_off(g, vpc_id) if rd.collected("Vpcs") else []  # under Errors: its attributes are not read
    doubt = (
        [] if off else [e for s in ECR_SERVICES if not endpoints[s] for e in doubtful_endpoints(g, vpc_id, s)]
    )
    if not any(endpoints.values()) and not s3_interface:
        unusable = [u for s in ECR_SERVICES for u in unusable_endpoints(g, vpc_id, s)]
        why = f"{vpc_id} has no available ecr.api or ecr.dkr interface endpoint with private DNS"
        return _via_internet(
            tracer, target, internet_egress, why + (f" ({'; '.join(unusable)})" if unusable else ""), doubt
        )
    names = ", ".join([*(e for s in ECR_SERVICES for e in endpoints[s]), *s3_interface])
    if off:
        why = f"the private DNS of {names} has no effect because {vpc_id} has {' and '.join(off)} off"
        return _via_internet(tracer, target, internet_egress, why)
    if None in vpc_dns(g, vpc_id) or not rd.collected("Vpcs"):
        walk = Walk(path=[subnet_id])
        unknown_dns_attributes(
            walk, region_of(g, subnet_id), vpc_id, f"whether ECR resolves to {names} or to public addresses"
        )
        return walk.result("")
    return EndpointWalk(tracer, target, vpc_id, internet_egress).run(endpoints)


def _via_internet(
    tracer: Tracer,
    target: Target,
    internet_egress: PathResult | None,
    why: str,
    doubt: list[str] | None = None,
) -> PathResult:
    """ECR and S3 over the internet; ``doubt``: ECR endpoints with private DNS in transition, which
    make a reachable way ``unknown`` (``endpoints.doubted``)."""
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
    way = PathResult(internet.verdict, list(internet.path), internet.blocked_at, reason, checks, "internet")
    return doubted(tracer.graph, way, doubt or [], "ECR")


def _registry(
    tracer: Tracer, target: Target, internet_egress: PathResult | None, source: str, region: str
) -> PathResult:
    """The pull from one registry (one ``image:`` need)."""
    kind, _, rest = source.removeprefix(IMAGE_NEED).partition(":")
    if kind == "ecr" and rest == region:
        return _own_region(tracer, target, internet_egress)
    if kind == "ecr" and rest:
        return other_region_pull(tracer, target, rest)
    host, _, port = rest.rpartition(":")
    if kind == "internet" and host and port.isdigit():
        return _internet_registry(tracer, target, internet_egress, host, int(port))
    walk = Walk(path=[target.subnet_id])
    walk.unknown(
        CheckCode.DATA_MISSING,
        target.subnet_id,
        f"where the task pulls an image from cannot be placed ({rest or source}): neither Amazon ECR nor a "
        "registry on the internet (a registry inside the network, or an ECR endpoint netcheck does not walk); "
        "the pull is not verified",
    )
    return walk.result("")


def other_region_pull(tracer: Tracer, target: Target, other: str) -> PathResult:
    """ECR of ``other``, another region than the task's: this VPC's ECR and S3 endpoints serve their
    own region only, so the internet on TCP 443 to that region's ECR and S3 addresses; ``unknown``
    when the VPC has a cross-region endpoint for it (not walked) or its endpoints are unknown."""
    g, subnet_id = tracer.graph, target.subnet_id
    vpc_id = g.nodes[subnet_id]["item"].get("VpcId", "")
    rd = region_of(g, subnet_id)
    label = f"the image in Amazon ECR of {other}"
    walk = Walk(path=[subnet_id])
    if not rd.collected("VpcEndpoints"):
        walk.missing(rd, "VpcEndpoints", subnet_id, f": a cross-region endpoint may serve {label}")
        return walk.result("")
    crossing = cross_region_endpoints(g, vpc_id, other, ECR_ENDPOINTS)
    if crossing:
        walk.unknown(
            CheckCode.DATA_MISSING,
            crossing[0],
            f"{label}: {vpc_id} has the cross-region endpoint {crossing[0]} for {other}, which netcheck does not walk",
        )
        return walk.result("")
    why = f"{label}: the endpoints of {vpc_id} serve {rd.region} only"
    walked = tracer.walk(target, Destination.aws(ECR_AND_S3, other), HTTPS)
    decision = Check(
        CheckCode.ECR_VIA_INTERNET,
        Status.PASS,
        subnet_id,
        f"{why}: ECR of {other} and its image layers (S3) are reached over the internet",
    )
    reason = f"ECR of {other} over the internet ({why}): {walked.reason}"
    return replace(
        walked, path=list(walked.path), reason=reason, checks=[decision, *walked.checks], via="internet"
    )


def _internet_registry(
    tracer: Tracer, target: Target, internet_egress: PathResult | None, host: str, port: int
) -> PathResult:
    """A registry on the internet (Docker Hub, ECR Public, GHCR, ...): the internet on its port, whatever
    ECR endpoints the VPC has. The target's own internet walk stands for it when it is that walk."""
    from fargate_netcheck.trace.egress import INTERNET

    options = tracer.options
    reused = internet_egress is not None and options.destinations == (INTERNET,) and options.ports == (port,)
    walked = (
        internet_egress if reused and internet_egress is not None else tracer.walk(target, INTERNET, (port,))
    )
    why = f"the image from {host} is not in Amazon ECR"
    decision = Check(
        CheckCode.ECR_VIA_INTERNET,
        Status.PASS,
        target.subnet_id,
        f"{why}: it is pulled over the internet on TCP {port}, whatever VPC endpoints the VPC has",
    )
    # The target's own internet walk is already reported: repeat its verdict, not its checks.
    checks = [decision] if reused else [decision, *walked.checks]
    reason = f"{host} over the internet on TCP {port} ({why}): {walked.reason}"
    return replace(walked, path=list(walked.path), reason=reason, checks=checks, via="internet")


def _worst(walks: list[PathResult]) -> PathResult:
    """Several registries: the worst walk decides (its path, blocker and way); every check is kept."""
    worst = min(walks, key=lambda w: _ORDER[w.verdict])
    checks = list(dict.fromkeys(c for w in walks for c in w.checks))
    if worst.verdict is Verdict.REACHABLE:
        reason = "; ".join(dict.fromkeys(w.reason for w in walks))
    else:
        reason = worst.reason
    return replace(worst, path=list(worst.path), reason=reason, checks=checks)


def _assumed(result: PathResult, region: str) -> PathResult:
    """No task definition names the image: say that it is assumed to be in ECR of the task's region."""
    where = f"Amazon ECR of {region}" if region else "Amazon ECR of the task's region"
    note = f"the image is assumed to be in {where} (no task definition names it)"
    return replace(result, reason=f"{result.reason}; {note}" if result.reason else note)
