"""Collect the private hosted zones that can shadow a need's name: zones associated with a scanned
VPC, each with its ``VPCs`` and only the record sets for the names the needs use.

Route 53 is global: one paginated ListHostedZones per account, then GetHostedZone per private zone
(its VPC associations), then, only for a zone whose name covers a needed name, ListResourceRecordSets
from that name (and from each wildcard ``*.<parent>`` that could answer it), two records at a time.
ListHostedZones lists only the caller's own zones, so ListHostedZonesByVPC (per scanned VPC) finds
the zones another account associated with it (a hub's zones for centralised endpoints): their
records cannot be read from this account, so they are kept without ``ResourceRecordSets`` and the
names they cover are ``unknown``. Zones an AWS service owns (``OwningService``) are left out.
Each zone also gets ``CollectedRecordNames``: the record names looked up, so a later check of a name
that was not (a ``--need`` the scan was not given) knows the zone's answer for it is unknown, not
"no record".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from fargate_netcheck.collect._calls import (
    Job,
    call,
    checked_items,
    deadline_after,
    items_of,
    objects,
    paginate,
    paginate_tokens,
    run_jobs,
)
from fargate_netcheck.core.dns_names import covers, norm
from fargate_netcheck.core.json_types import JsonDict

IAM_ACTIONS: tuple[str, ...] = (
    "route53:ListHostedZones",
    "route53:ListHostedZonesByVPC",
    "route53:GetHostedZone",
    "route53:ListResourceRecordSets",
)
KEY, RECORDS_ERROR = "HostedZones", "HostedZoneRecords"
LOOKED_UP = "CollectedRecordNames"  # the record names whose sets were looked up (docs/snapshot-format.md)
Item = JsonDict


def lookups(zone_name: str, name: str) -> list[str]:
    """The record names that could answer ``name`` in a zone: itself, then ``*.<parent>`` for each
    parent down to the zone's apex."""
    out, labels = [norm(name)], norm(name).split(".")
    for i in range(1, len(labels)):
        parent = ".".join(labels[i:])
        if not covers(zone_name, parent):
            break
        out.append(f"*.{parent}")
    return out


def _records(client: Any, zone_id: str, candidates: list[str]) -> list[Item]:
    found: list[Item] = []
    operation = "ListResourceRecordSets"
    for start in candidates:
        page = call(client, operation, HostedZoneId=zone_id, StartRecordName=start, MaxItems="2")
        found += [
            r
            for r in objects(items_of(page, "ResourceRecordSets", operation), operation, "ResourceRecordSets")
            if norm(r.get("Name", "").replace("\\052", "*")) == start
        ]
    return found


def _private_zones(client: Any) -> list[Item]:
    """ListHostedZones' private zones, each checked (an object with its ``Id`` and ``Name``, fields
    of the types the snapshot takes): one that is not is ``UnexpectedShape``, not skipped."""
    operation = "ListHostedZones"
    zones = objects(paginate(client, operation, KEY), operation, KEY, "Id", "Name")
    return [
        z for z in checked_items(KEY, operation, KEY, zones) if (z.get("Config") or {}).get("PrivateZone")
    ]


def _zone_vpcs(client: Any, zone_id: str) -> list[Item]:
    """GetHostedZone's ``VPCs`` of a private zone (it always has at least one): absent or not a list
    of objects is ``UnexpectedShape``, never "no VPC"."""
    operation = "GetHostedZone"
    return objects(items_of(call(client, operation, Id=zone_id), "VPCs", operation), operation, "VPCs")


def _vpc_zones(client: Any, region: str, vpc: str) -> list[Item]:
    """ListHostedZonesByVPC's summaries for ``vpc``, each with its ``HostedZoneId`` and ``Name``."""
    operation, key = "ListHostedZonesByVPC", "HostedZoneSummaries"
    found = paginate_tokens(client, operation, key, VPCId=vpc, VPCRegion=region)
    return objects(found, operation, key, "HostedZoneId", "Name")


def collect_hosted_zones(
    client: Any,
    vpcs: dict[str, set[str]],
    names: Callable[[str], Iterable[str]],
    max_workers: int = 8,
    deadline_s: float | None = None,
) -> tuple[dict[str, list[Item]], dict[str, str]]:
    """``({region: zones}, errors)``: the private zones associated with the VPCs ``vpcs[region]``,
    with the record sets for ``names(region)``. ``errors["HostedZones"]``: the zones are not known
    (no region gets any); ``errors["HostedZoneRecords"]``: some zone lacks its records.
    ``deadline_s``: the deadline (seconds from now): what is not finished then is recorded as timed out."""
    errors: dict[str, str] = {}
    deadline = deadline_after(deadline_s)
    listed: list[Item] = []
    if run_jobs([Job(KEY, partial(_private_zones, client), listed.extend)], errors, max_workers, deadline):
        return {}, errors
    details: dict[str, list[Item]] = {}
    jobs = [
        Job(KEY, partial(_zone_vpcs, client, z["Id"]), partial(details.__setitem__, z["Id"])) for z in listed
    ]
    associated: dict[tuple[str, str], list[Item]] = {}
    jobs += [
        Job(KEY, partial(_vpc_zones, client, region, vpc), partial(associated.__setitem__, (region, vpc)))
        for region, ids in sorted(vpcs.items())
        for vpc in sorted(i for i in ids if i)
    ]
    if run_jobs(jobs, errors, max_workers, deadline):
        return {}, errors
    by_region: dict[str, list[Item]] = {region: [] for region in vpcs}
    record_jobs: list[Job] = []
    for summary in listed:
        associations = details[summary["Id"]]
        for region, ids in vpcs.items():
            if not any(a.get("VPCRegion") == region and a.get("VPCId") in ids for a in associations):
                continue
            zone = {**summary, "VPCs": associations}
            wanted = list(
                dict.fromkeys(
                    c for n in names(region) if covers(zone["Name"], n) for c in lookups(zone["Name"], n)
                )
            )
            zone[LOOKED_UP] = wanted
            if wanted:
                fetch = partial(_records, client, summary["Id"].rsplit("/", 1)[-1], wanted)
                record_jobs.append(Job(RECORDS_ERROR, fetch, partial(zone.__setitem__, "ResourceRecordSets")))
            else:
                zone["ResourceRecordSets"] = []
            by_region[region].append(zone)
    owned = {z["Id"].rsplit("/", 1)[-1] for z in listed}
    for region, zones in _foreign_zones(associated, owned).items():
        by_region[region] += zones
    run_jobs(record_jobs, errors, max_workers, deadline)
    return by_region, errors


def _foreign_zones(associated: dict[tuple[str, str], list[Item]], owned: set[str]) -> dict[str, list[Item]]:
    """``{region: zones}``: the zones of another account that ListHostedZonesByVPC found associated
    with the scanned VPCs, in the shape of ListHostedZones' items with their ``VPCs`` among them,
    without records (they cannot be read from this account)."""
    found: dict[str, dict[str, Item]] = {}
    for (region, vpc), summaries in sorted(associated.items()):
        for summary in summaries:
            zone_id, owner = summary["HostedZoneId"], summary.get("Owner") or {}
            if zone_id in owned or "OwningAccount" not in owner:
                continue
            zone = found.setdefault(region, {}).setdefault(
                zone_id,
                {
                    "Id": f"/hostedzone/{zone_id}",
                    "Name": summary["Name"],
                    "Config": {"PrivateZone": True},
                    "Owner": owner,
                    "VPCs": [],
                },
            )
            zone["VPCs"].append({"VPCRegion": region, "VPCId": vpc})
    return {region: [zones[z] for z in sorted(zones)] for region, zones in found.items()}
