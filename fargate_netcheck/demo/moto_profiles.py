"""Teach moto Route 53 Profiles' ``ListProfileAssociations``, answered as an account whose VPCs use
no Profile.

moto (5.2.5, the latest at the time of writing) has no ``route53profiles`` service at all: in-process
(``mock_aws``) the call fails with ``404: Not yet implemented``, and ``moto.server`` finds no backend
for it. The collector lists Profile associations in every region, and an unanswered list leaves every
name need ``unknown`` (a VPC may use a Profile), so wherever fargate-netcheck runs against an embedded
moto ``install()`` is called first, as for ``moto_dns_firewall``.

moto routes a request by its host (``backend_index.backend_url_patterns``) to a service, then by the
service's URL table (``<service>.urls``: ``url_bases`` x ``url_paths``) to a handler. There being no
Profiles service to route to, its host and its one read path (``GET /profileassociations``) are added
to Route 53 Resolver's tables, the closest service, in both modes. A moto that implements
``route53profiles`` keeps its own.
"""

from __future__ import annotations

import json
import re
from typing import Any

_HOST = r"https?://route53profiles\.(.+)\.amazonaws\.com"
_PATH = "{0}/profileassociations$"


def list_profile_associations(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    """moto URL handler: no Profile is associated with any VPC (one page, no ``NextToken``)."""
    return 200, {"Content-Type": "application/json"}, json.dumps({"ProfileAssociations": []})


def install() -> list[str]:
    """Route ``route53profiles`` requests to the handler above. Idempotent; returns the operations
    added by this call (none when moto already has the service). Needs moto installed."""
    from moto import backend_index
    from moto.route53resolver import urls

    if any(service == "route53profiles" for service, _ in backend_index.backend_url_patterns):
        return []  # a moto with its own Route 53 Profiles
    if _HOST not in urls.url_bases:
        urls.url_bases.append(_HOST)
    urls.url_paths.setdefault(_PATH, list_profile_associations)
    if not any(pattern.pattern == _HOST for _, pattern in backend_index.backend_url_patterns):
        backend_index.backend_url_patterns.append(("route53resolver", re.compile(_HOST)))
        return ["ListProfileAssociations"]
    return []
