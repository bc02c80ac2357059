"""The path from a target to one named service: the one a stopped task's error says it could not reach.

Which way the service goes, as AWS resolves it:

- ECR (its API, its registry, the image layers on S3), and an image registry the error does not
  name: the ECR pull walk (``Tracer.ecr_pull``), which already decides between the interface
  endpoints and the internet.
- CloudWatch Logs, Secrets Manager, SSM, KMS: the service's interface endpoint when the VPC has an
  available one with private DNS and both VPC DNS attributes on (the name then resolves to it, NAT or
  not); otherwise the internet on TCP 443.
- S3 (environment files): the S3 gateway endpoint on the task subnet's route table, else the internet.
- Docker Hub or another registry: the internet on TCP 443.
- EFS: NFS (TCP 2049) to a mount target inside the VPC, which is not collected: ``unknown`` (never
  the internet, so never a NAT gateway's fix).
- A service in another region than the task's (the error's host names it: ``logs.eu-west-1…``, an
  ECR registry of another region): the VPC's endpoints and its S3 gateway endpoint serve their own
  region only, so the way is the internet on TCP 443 (to that region's ECR and S3 addresses for
  ECR); a cross-region interface endpoint of that service in the VPC (PrivateLink) is not walked:
  ``unknown``.

``VpcEndpoints`` not collected, or DNS attributes unknown where an endpoint would decide: ``unknown``.
Endpoint policies are not evaluated (the reason says so). The per-need walks of every target
("needs by name") are meant to take this module over; keep it to this one question.
"""

from __future__ import annotations

import ipaddress

from fargate_netcheck.core.model import CheckCode, PathResult, Target
from fargate_netcheck.core.service_keys import (
    DOCKER_HUB,
    ECR_API,
    ECR_LAYERS,
    ECR_REGISTRY,
    EFS,
    ENV_FILES,
    IMAGE,
    KMS,
    LOGS,
    REGISTRY,
    SECRETS,
    SSM,
)
from fargate_netcheck.graph.build import region_of
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.ecr import other_region_pull
from fargate_netcheck.trace.ecr_endpoints import EndpointWalk
from fargate_netcheck.trace.egress import INTERNET, Tracer
from fargate_netcheck.trace.endpoints import (
    cross_region_endpoints,
    dns_off,
    doubted,
    doubtful_endpoints,
    private_dns_endpoints,
    unusable_endpoints,
    vpc_dns,
)
from fargate_netcheck.trace.walk import Walk, unknown_dns_attributes

HTTPS = (443,)
_ECR = {ECR_API, ECR_REGISTRY, ECR_LAYERS, IMAGE}
INTERFACE_ENDPOINTS = {LOGS: "logs", SECRETS: "secretsmanager", SSM: "ssm", KMS: "kms"}


def path_to_service(
    tracer: Tracer,
    target: Target,
    service: str | None,
    label: str,
    region: str | None = None,
    dialled: tuple[str, int] | None = None,
) -> PathResult:
    """The verdict of the way from ``target`` to ``service`` (a ``stop_service`` key; None: the
    internet) in ``region`` (None: the task's), named ``label`` in the reasons. ``dialled``: for a
    registry that is not AWS's, the address and port the agent dialled, walked as such."""
    if service == EFS:
        return _efs(target, label)
    if service in (REGISTRY, DOCKER_HUB) and dialled is not None:
        return _dialled(tracer, target, label, *dialled)
    subnet = tracer.graph.nodes.get(target.subnet_id, {})
    if subnet.get("kind") == "subnet" and not region_of(tracer.graph, target.subnet_id).collected("Subnets"):
        walk = Walk(path=[target.subnet_id])  # listed, but the kind's collection failed: as if missing
        walk.missing(
            region_of(tracer.graph, target.subnet_id),
            "Subnets",
            target.subnet_id,
            f": the way to {label} is not known",
        )
        return walk.result("")
    if region and subnet.get("kind") == "subnet" and region != subnet.get("region") and service is not None:
        return _other_region(tracer, target, service, label, region)
    if service in _ECR:
        return tracer.ecr_pull(target)
    g = tracer.graph
    if g.nodes.get(target.subnet_id, {}).get("kind") != "subnet" or (
        service not in INTERFACE_ENDPOINTS and service != ENV_FILES
    ):
        return _internet(tracer, target, label, None)
    vpc_id = g.nodes[target.subnet_id]["item"].get("VpcId", "")
    rd = region_of(g, target.subnet_id)
    if not rd.collected("VpcEndpoints"):
        walk = Walk(path=[target.subnet_id])
        walk.unknown(
            CheckCode.DATA_MISSING,
            target.subnet_id,
            f"{rd.gap('VpcEndpoints')}: {label} may resolve to an interface endpoint, so the way to it cannot "
            "be verified",
        )
        return walk.result("")
    if service == ENV_FILES:
        return EndpointWalk(tracer, target, vpc_id, None).run_s3("S3 (the task's environment files)")
    name = INTERFACE_ENDPOINTS[service]
    endpoints = private_dns_endpoints(g, vpc_id, name)
    off = dns_off(g, vpc_id) if rd.collected("Vpcs") else []  # under Errors: its attributes are not read
    if not endpoints:
        unusable = unusable_endpoints(g, vpc_id, name)
        why = f"{vpc_id} has no available {name} interface endpoint with private DNS"
        way = _internet(tracer, target, label, why + (f" ({'; '.join(unusable)})" if unusable else ""))
        return doubted(g, way, [] if off else doubtful_endpoints(g, vpc_id, name), label)
    if off:
        why = f"the private DNS of {endpoints[0]} has no effect because {vpc_id} has {' and '.join(off)} off"
        return _internet(tracer, target, label, why)
    if None in vpc_dns(g, vpc_id) or not rd.collected("Vpcs"):
        walk = Walk(path=[target.subnet_id])
        unknown_dns_attributes(
            walk, rd, vpc_id, f"whether {label} resolves to {endpoints[0]} or to public addresses"
        )
        return walk.result("")
    return EndpointWalk(tracer, target, vpc_id, None).run_service(name, endpoints[0])


def _internet(tracer: Tracer, target: Target, label: str, why: str | None) -> PathResult:
    internet = tracer.walk(target, INTERNET, HTTPS)
    prefix = f"{label} over the internet ({why})" if why else f"{label} over the internet"
    return PathResult(
        internet.verdict,
        list(internet.path),
        internet.blocked_at,
        f"{prefix}: {internet.reason}",
        list(internet.checks),
        "internet",
    )


def _dialled(tracer: Tracer, target: Target, label: str, address: str, port: int) -> PathResult:
    """The way to the address and port a registry's error quotes (``dial tcp 10.1.2.3:5000``): a
    registry inside the network is not behind the internet on 443, and one on the internet is this
    address, not all of it."""
    ip = ipaddress.ip_address(address)
    walked = tracer.walk(target, Destination.of(f"{ip}/{ip.max_prefixlen}"), (port,))
    return PathResult(
        walked.verdict,
        list(walked.path),
        walked.blocked_at,
        f"{label} at {address}:{port}: {walked.reason}",
        list(walked.checks),
        "internet" if ip.is_global else "direct",
    )


def _efs(target: Target, label: str) -> PathResult:
    """EFS is NFS (TCP 2049) to a mount target of the file system inside the VPC: never the
    internet. Mount targets are not collected, so the way is not walked: ``unknown``, saying what
    to look at."""
    walk = Walk(path=[target.subnet_id])
    walk.unknown(
        CheckCode.DATA_MISSING,
        target.subnet_id,
        f"the way to a mount target of {label} in {target.subnet_id}'s Availability Zone (NFS, TCP 2049) "
        "is not walked: mount targets are not collected",
    )
    return walk.result("")


# The endpoint services a service's traffic could take, by the short name of their endpoint.
_ENDPOINT_NAMES = {
    **{key: (name,) for key, name in INTERFACE_ENDPOINTS.items()},
    ENV_FILES: ("s3",),
}


def _other_region(tracer: Tracer, target: Target, service: str, label: str, region: str) -> PathResult:
    """``service`` in ``region``, another region than the task's: the internet, unless the VPC has
    an endpoint of it in that region (cross-region PrivateLink), which is not walked. ECR: the pull
    walk of that region's ECR (``trace.ecr``)."""
    if service in _ECR:
        return other_region_pull(tracer, target, region)
    g = tracer.graph
    vpc_id = g.nodes[target.subnet_id]["item"].get("VpcId", "")
    names = _ENDPOINT_NAMES.get(service, ())
    rd = region_of(g, target.subnet_id)
    crossing = cross_region_endpoints(g, vpc_id, region, names)
    if crossing or (names and not rd.collected("VpcEndpoints")):
        why = (
            f"{vpc_id} has the cross-region endpoint {crossing[0]} for {region}, which netcheck does not walk"
            if crossing
            else f"{rd.gap('VpcEndpoints')}: a cross-region endpoint for {region} may serve it"
        )
        walk = Walk(path=[target.subnet_id])
        walk.unknown(CheckCode.DATA_MISSING, target.subnet_id, f"{label} is in {region}: {why}")
        return walk.result("")
    return _internet(
        tracer, target, label, f"it is in {region}, and the endpoints of {vpc_id} serve {rd.region} only"
    )
