"""Collect, for each region already read from EC2, what needs by name depend on: Network Firewall
(``network_firewall``), Route 53 Resolver and DNS Firewall (``resolver``), Route 53 Profile
associations (``profiles``) and private hosted zones (``route53``, global, once per account). Each
region's body gains the kinds and their ``Errors``.

Clients are made on the calling thread (boto3 sessions are not thread-safe); regions are collected
one after the other, each with up to ``max_workers`` calls at once.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from fargate_netcheck.collect._calls import deadline_after
from fargate_netcheck.collect.network_firewall import (
    FIREWALLS,
    POLICIES,
    RULE_GROUPS,
    collect_network_firewall,
)
from fargate_netcheck.collect.profiles import KIND as PROFILE_KIND
from fargate_netcheck.collect.profiles import SERVICE as PROFILES_SERVICE
from fargate_netcheck.collect.profiles import collect_profiles
from fargate_netcheck.collect.resolver import KINDS as RESOLVER_KINDS
from fargate_netcheck.collect.resolver import collect_resolver
from fargate_netcheck.collect.route53 import collect_hosted_zones
from fargate_netcheck.collect.session import CallLog, CallSettings, client
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.needs.catalog import needed_names

# The keys these collectors add to a region, in the order they come after EC2's ``REGION_KEYS``.
NEED_KEYS: tuple[str, ...] = (
    FIREWALLS,
    POLICIES,
    RULE_GROUPS,
    *(k.key for k in RESOLVER_KINDS),
    PROFILE_KIND.key,
    "HostedZones",
)


def collect_need_kinds(
    session: Any,
    bodies: dict[str, JsonDict],
    *,
    account_id: str | None,
    calls: CallLog | None = None,
    label: str = "",
    max_workers: int = 8,
    extra_names: tuple[str, ...] = (),
    lock: threading.Lock | None = None,
    settings: CallSettings | None = None,
) -> None:
    """Add the kinds to each region body of ``bodies`` (in place)."""
    if not bodies:
        return
    regions = sorted(bodies)
    with lock or contextlib.nullcontext():
        nfw = {
            r: client(session, "network-firewall", r, pool_size=max_workers, settings=settings)
            for r in regions
        }
        resolver = {
            r: client(session, "route53resolver", r, pool_size=max_workers, settings=settings)
            for r in regions
        }
        profiles = {
            r: client(session, PROFILES_SERVICE, r, pool_size=max_workers, settings=settings) for r in regions
        }
        route53 = client(session, "route53", regions[0], pool_size=max_workers, settings=settings)
    if calls is not None:
        for r in regions:
            calls.attach(nfw[r], f"{label}{r}")
            calls.attach(resolver[r], f"{label}{r}")
            calls.attach(profiles[r], f"{label}{r}")
        calls.attach(route53, f"{label}global")
    deadline = settings.region_deadline if settings is not None else None  # each region's, as EC2's
    for region in regions:
        # One deadline for the region's need kinds together (--region-deadline is how long a region
        # may take in all), not the whole of it again for each collector.
        end = deadline_after(deadline)
        for collect, made in (
            (collect_network_firewall, nfw[region]),
            (collect_resolver, resolver[region]),
            (collect_profiles, profiles[region]),
        ):
            left = None if end is None else max(0.0, end - time.monotonic())
            items, errors = collect(made, max_workers, deadline_s=left)
            _merge(bodies[region], items, errors)
    # Zones are kept per region for the region's VPCs: where the VPCs are unknown, so are they.
    vpcs = {r: {v.get("VpcId") for v in bodies[r]["Vpcs"]} for r in regions if "Vpcs" in bodies[r]}
    zones, errors = collect_hosted_zones(
        route53, vpcs, lambda r: needed_names(r, account_id, extra_names), max_workers, deadline
    )
    for region in vpcs:
        _merge(bodies[region], {"HostedZones": zones[region]} if region in zones else {}, errors)


def _merge(body: JsonDict, items: dict[str, list[Any]], errors: dict[str, str]) -> None:
    found = body.pop("Errors", {})
    body.update(items)
    body["Errors"] = dict(sorted({**found, **errors}.items()))
