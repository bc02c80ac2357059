"""Which service a stopped task could not reach (or was refused by), read from its error text.

The failing host is the best witness: ``lookup api.ecr.us-east-1.amazonaws.com``, ``Post
"https://logs.eu-west-1.amazonaws.com/"``, ``pulling from host 1234.dkr.ecr…``; the last host named
in the message is the one the agent was talking to when it gave up. Messages that name no host
(``unable to retrieve secret from asm``, ``failed to download env files``) are read by their words.
Both tables are ordered; the first match wins.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

# Keys: what ``trace.service_path`` knows how to walk to.
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

LABELS: dict[str, str] = {
    ECR_API: "Amazon ECR API (registry authentication)",
    ECR_REGISTRY: "Amazon ECR registry (the image manifest)",
    ECR_LAYERS: "Amazon S3 (the ECR image layers)",
    SECRETS: "AWS Secrets Manager",
    SSM: "SSM Parameter Store",
    LOGS: "CloudWatch Logs",
    ENV_FILES: "Amazon S3 (the task's environment files)",
    KMS: "AWS KMS",
    DOCKER_HUB: "Docker Hub",
    REGISTRY: "a container registry",
    IMAGE: "the image registry (not named; walked as Amazon ECR)",
    EFS: "Amazon EFS (the task's file system)",
}


@dataclass(frozen=True, slots=True)
class Service:
    key: str
    host: str | None = None  # the host named in the message, when there is one
    # For a registry that is not AWS's: the address and port the agent dialled (``dial tcp
    # 10.1.2.3:5000``), when the message quotes one: the way to walk, rather than the internet on 443.
    dialled: tuple[str, int] | None = None

    @property
    def label(self) -> str:
        if self.key == REGISTRY and self.host:
            return f"the registry {self.host}"
        if self.key == ECR_REGISTRY and self.host:
            return f"Amazon ECR registry {self.host}"
        return LABELS[self.key]

    @property
    def region(self) -> str | None:
        """The AWS region the host names (``logs.eu-west-1.amazonaws.com``, ``prod-us-east-1-starport-
        layer-bucket``); None when it names none (the task's region is meant, or it is not AWS)."""
        if self.host is None or self.key in (DOCKER_HUB, REGISTRY):
            return None
        found = _REGION.search(self.host)
        return (found.group(1) or found.group(2)) if found else None


# The region label right before amazonaws.com (``s3-us-west-2.amazonaws.com`` too), or the layer
# bucket's own name; never a region-like word in a customer's bucket name.
_REGION_NAME = r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+"
_REGION = re.compile(
    rf"[.-]({_REGION_NAME})\.amazonaws\.com(?:\.cn)?$|^prod-({_REGION_NAME})-starport-layer-bucket\b"
)

# host (lower case) -> service
_HOSTS: tuple[tuple[str, str], ...] = (
    (r"^api\.ecr(-fips)?\.[\w-]+\.amazonaws\.com(\.cn)?$", ECR_API),
    (r"\.dkr\.ecr(-fips)?\.[\w-]+\.amazonaws\.com(\.cn)?$", ECR_REGISTRY),
    (r"starport-layer-bucket", ECR_LAYERS),
    (r"^secretsmanager(-fips)?\.", SECRETS),
    (r"^ssm(-fips)?\.", SSM),
    (r"^logs(-fips)?\.", LOGS),
    (r"^kms(-fips)?\.", KMS),
    (r"(^|\.)s3[.-]|^s3\.amazonaws\.com$|\.s3\.amazonaws\.com$", ENV_FILES),
    (r"(^|\.)docker\.io$|^(auth|index|www|production\.cloudflare)\.docker\.(io|com)$", DOCKER_HUB),
)

# words, for messages without a host; "unable to pull secrets or registry auth" names neither
_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bEFS\b|efs-utils|mount\.nfs|\bfs-[0-9a-f]+\.efs\.", EFS),
    (r"ecr registry auth|ecr:GetAuthorizationToken", ECR_API),
    (r"starport-layer-bucket|ecr:GetDownloadUrlForLayer", ECR_LAYERS),
    (r"env ?files?|environmentFiles", ENV_FILES),
    (r"secrets ?manager|secretsmanager:|from asm\b|\basm\b", SECRETS),
    (r"from ssm\b|invalid ssm parameters|\bssm:|parameter store", SSM),
    (r"logger|log stream|log group|cloudwatch ?log|\blogs:", LOGS),
    (r"\bkms:|Access to KMS", KMS),
    (r"ecr:BatchGetImage|ecr:BatchCheckLayerAvailability", ECR_REGISTRY),
)

_HOST_IN_TEXT = re.compile(
    r"(?:https?://|lookup |pulling from host |dial tcp: lookup |request to https?://)"
    r"([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,})",
    re.IGNORECASE,
)
_IMAGE_REF = re.compile(
    r"(?:failed to resolve ref|pull access denied for|repository) \"?([^\s\":,]+(?::\d+)?/[^\s\":,]+)",
    re.IGNORECASE,
)


def named_service(text: str) -> Service | None:
    """The service the message shows the task talking to, or None when it names none."""
    hosts = [h.lower().rstrip(".") for h in _HOST_IN_TEXT.findall(text)]
    for host in reversed(hosts):
        for regex, key in _HOSTS:
            if re.search(regex, host):
                return Service(key, host)
    for regex, key in _WORDS:
        if re.search(regex, text, re.IGNORECASE):
            return Service(key)
    registry = _registry_of_ref(text)
    if registry is not None:
        return registry
    if "CannotPullContainer" not in text:
        return None
    if hosts:
        return Service(REGISTRY, hosts[-1], _dialled(text))
    # A pull that names no registry: most Fargate images come from ECR, and the ECR pull walk is the
    # internet walk wherever the VPC has no ECR endpoints, so it answers for other registries too.
    return Service(IMAGE)


def _registry_of_ref(text: str) -> Service | None:
    """The registry of the image in ``failed to resolve ref <image>``: Docker Hub for a bare name."""
    found = _IMAGE_REF.search(text)
    if not found:
        return None
    first = found.group(1).split("/", 1)[0].lower()
    if "." not in first and ":" not in first and first != "localhost":
        return Service(DOCKER_HUB, "registry-1.docker.io", _dialled(text))
    for regex, key in _HOSTS:
        if re.search(regex, first):
            return Service(key, first, _dialled(text) if key == DOCKER_HUB else None)
    return Service(REGISTRY, first, _dialled(text))


_DIALLED = re.compile(r"dial tcp (?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})\b")


def _dialled(text: str) -> tuple[str, int] | None:
    """The last IP address and port the message says the agent dialled (a name is not an address)."""
    found = list(_DIALLED.finditer(text))
    if not found:
        return None
    last = found[-1]
    address, port = last.group(1) or last.group(2), int(last.group(3))
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return (address, port) if 0 < port < 65536 else None
