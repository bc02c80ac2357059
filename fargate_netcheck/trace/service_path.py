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

``VpcEndpoints`` not collected, or DNS attributes unknown where an endpoint would decide: ``unknown``.
Endpoint policies are not evaluated (the reason says so). The per-need walks of every target
("needs by name") are meant to take this module over; keep it to this one question.
"""

from __future__ import annotations

from fargate_netcheck.core.model import CheckCode, PathResult, Target
from fargate_netcheck.core.service_keys import (
    ECR_API,
    ECR_LAYERS,
    ECR_REGISTRY,
    ENV_FILES,
    IMAGE,
    KMS,
    LOGS,
    SECRETS,
    SSM,
)
from fargate_netcheck.graph.build import region_of
from fargate_netcheck.trace.ecr_endpoints import EndpointWalk
from fargate_netcheck.trace.egress import INTERNET, Tracer
from fargate_netcheck.trace.endpoints import dns_off, private_dns_endpoints, unusable_endpoints, vpc_dns
from fargate_netcheck.trace.walk import Walk

HTTPS = (443,)
_ECR = {ECR_API, ECR_REGISTRY, ECR_LAYERS, IMAGE}
INTERFACE_ENDPOINTS = {LOGS: "logs", SECRETS: "secretsmanager", SSM: "ssm", KMS: "kms"}


def path_to_service(tracer: Tracer, target: Target, service: str | None, label: str) -> PathResult:
    """The verdict of the way from ``target`` to ``service`` (a ``stop_service`` key; None: the
    internet), named ``label`` in the reasons."""
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
    if not endpoints:
        unusable = unusable_endpoints(g, vpc_id, name)
        why = f"{vpc_id} has no available {name} interface endpoint with private DNS"
        return _internet(tracer, target, label, why + (f" ({'; '.join(unusable)})" if unusable else ""))
    off = dns_off(g, vpc_id)
    if off:
        why = f"the private DNS of {endpoints[0]} has no effect because {vpc_id} has {' and '.join(off)} off"
        return _internet(tracer, target, label, why)
    if None in vpc_dns(g, vpc_id):
        walk = Walk(path=[target.subnet_id])
        walk.unknown(
            CheckCode.DATA_MISSING,
            vpc_id,
            f"the DNS attributes of {vpc_id} were not collected: whether {label} resolves to {endpoints[0]} or "
            "to public addresses is unknown",
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
