"""Where a container image is pulled from, as a ``Target.needs`` name that the ECR pull walk reads
(``trace/ecr.py``): shared by the ECS collector and the infrastructure-as-code sources, which read
images from task definitions.

- ``image:ecr:<region>``: Amazon ECR of that region (any account; pull-through cache repositories
  too: ECR fetches the upstream image itself);
- ``image:internet:<host>:<port>``: a registry on the internet (Docker Hub, ECR Public, GHCR, Quay,
  any other public name), reached on that port;
- ``image:unknown:<what>``: a registry the pull's way cannot be decided for (inside the network, an
  ECR endpoint name netcheck does not walk, an image not known before deployment).
"""

from __future__ import annotations

import ipaddress
import re

IMAGE_NEED = "image:"  # the prefix of every such need
DOCKER_HUB = "registry-1.docker.io"  # the host a pull from Docker Hub talks to (its TLS name)
_ECR_HOST = re.compile(r"^\d{12}\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$")
_PRIVATE_SUFFIXES = (".internal", ".local", ".localdomain", ".lan", ".corp", ".intranet", ".home.arpa")


def image_need(image: object) -> str:
    """The ``image:`` need of one container's ``image`` (see ``IMAGE_NEED``). A name without a
    registry host (``nginx:1.25``, ``library/nginx``) is Docker Hub's, as Docker reads it."""
    if not isinstance(image, str) or not image.strip():
        return f"{IMAGE_NEED}unknown:an image that is not known"
    ref = image.strip().split("@", 1)[0]
    first, slash, _ = ref.partition("/")
    if not slash or ("." not in first and ":" not in first and first != "localhost"):
        return f"{IMAGE_NEED}internet:{DOCKER_HUB}:443"
    host, colon, port = first.lower().rpartition(":") if ":" in first else (first.lower(), "", "")
    if host in ("docker.io", "index.docker.io"):  # Docker's names for the registry it pulls from
        host = DOCKER_HUB
    found = _ECR_HOST.match(host)
    if found and not colon:
        return f"{IMAGE_NEED}ecr:{found.group(1)}"
    if colon and not (port.isdigit() and 0 < int(port) < 65536):
        return f"{IMAGE_NEED}unknown:{first} (not a registry host and port)"
    if _aws_ecr_variant(host) or not _public_host(host):
        return f"{IMAGE_NEED}unknown:{first}"
    return f"{IMAGE_NEED}internet:{host}:{port or 443}"


def _aws_ecr_variant(host: str) -> bool:
    """An ECR registry by another name than ``<account>.dkr.ecr.<region>.amazonaws.com`` (FIPS,
    dual-stack ``dkr-ecr.<region>.on.aws``): which endpoints serve it is not walked."""
    aws = host.endswith((".amazonaws.com", ".amazonaws.com.cn", ".on.aws"))
    return aws and ("dkr.ecr" in host or "dkr-ecr" in host)


def _public_host(host: str) -> bool:
    """A registry name or address the internet serves (not ``localhost``, a one-label name, a
    private-use suffix, or an address that is not global)."""
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        pass
    return "." in host and host != "localhost" and not host.endswith(_PRIVATE_SUFFIXES)


def image_needs(containers: object, key: str = "image") -> tuple[str, ...]:
    """The ``image:`` needs of a list of container definitions (``key``: ``image`` in ECS's JSON,
    ``Image`` in CloudFormation's), once each."""
    found = (
        [image_need(c.get(key)) for c in containers if isinstance(c, dict)]
        if isinstance(containers, list)
        else []
    )
    return tuple(dict.fromkeys(found))
