"""Collect Route 53 Profiles' VPC associations (service ``route53profiles``): which VPCs of the
region take a Profile's private hosted zones, Resolver rules and DNS Firewall rule groups.

Those resources belong to the Profile (often another account's, shared through RAM) and do not show
in the VPC's own Resolver, DNS Firewall or hosted-zone listings, so a VPC with a Profile resolves
names in ways the other need kinds cannot see. One paginated ``ListProfileAssociations`` call per
region (never one per VPC), its ``ProfileAssociations`` items stored verbatim under
``Route53ProfileAssociations``; a failure is recorded under that kind in the region's ``Errors``.

An endpoint that does not implement the API (an emulator, a region or partition without the service)
is recorded like any other unsupported call (``unsupported-action:``) and is *not* read as "no
Profile": the names of that region's VPCs are then ``unknown`` (docs/snapshot-format.md).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fargate_netcheck.collect._calls import Job, deadline_after, run_jobs
from fargate_netcheck.collect.ec2 import Kind, fetch_kind
from fargate_netcheck.core.json_types import JsonDict

SERVICE = "route53profiles"
KIND = Kind(
    "Route53ProfileAssociations",
    "ListProfileAssociations",
    "ProfileAssociations",
    "route53profiles:ListProfileAssociations",
)
IAM_ACTIONS: tuple[str, ...] = (KIND.iam_action,)


def collect_profiles(
    client: Any, max_workers: int = 8, deadline_s: float | None = None
) -> tuple[dict[str, list[JsonDict]], dict[str, str]]:
    """``({"Route53ProfileAssociations": items}, errors)`` for one region's route53profiles client.
    ``deadline_s``: the region's deadline (seconds from now): unfinished, the call is recorded as
    timed out."""
    errors: dict[str, str] = {}
    found: dict[str, list[JsonDict]] = {}
    job = Job(KIND.key, partial(fetch_kind, client, KIND), partial(found.__setitem__, KIND.key))
    run_jobs([job], errors, max_workers, deadline_after(deadline_s))
    return found, errors
