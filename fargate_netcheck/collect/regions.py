"""Which regions to collect: the ones asked for (checked against botocore's list), or every region
an account has enabled (EC2 DescribeRegions, for ``--all-regions``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import botocore
from botocore.exceptions import BotoCoreError

from fargate_netcheck.collect._calls import UnexpectedShape, call, items_of, objects
from fargate_netcheck.core.errors import InputError

OPERATION = "DescribeRegions"
IAM_ACTIONS: tuple[str, ...] = (f"ec2:{OPERATION}",)
ENABLED_STATUSES: tuple[str, ...] = ("opt-in-not-required", "opted-in")


def resolve_regions(regions: list[str], session: boto3.Session) -> list[str]:
    """``regions`` without duplicates (order kept), or the session's region; each must be a region
    botocore knows (a typo would otherwise spend minutes retrying an endpoint that does not exist)."""
    wanted = list(dict.fromkeys(r.strip() for r in regions if r.strip()))
    if not wanted:
        wanted = [home_region(session)]
    known = {
        name
        for partition in session.get_available_partitions()
        for name in session.get_available_regions("ec2", partition_name=partition)
    }
    for region in wanted:
        if region not in known:
            raise InputError(
                f"{region}: unknown AWS region (botocore {botocore.__version__} does not list it; "
                "upgrade boto3 if the region is new)"
            )
    return wanted


def home_region(session: boto3.Session) -> str:
    """The session's region (AWS_REGION, AWS_DEFAULT_REGION or the profile's), where calls that are
    not about one region (DescribeRegions, STS, Organizations) are made."""
    if not session.region_name:
        raise InputError("no region: pass --region or set AWS_REGION")
    return session.region_name


def partition_of(session: boto3.Session) -> Callable[[str], str | None]:
    """``region -> partition`` (``aws``, ``aws-cn``, ...) by botocore's patterns, None if none fits."""

    def partition(region: str) -> str | None:
        try:
            return session.get_partition_for_region(region)
        except BotoCoreError:
            return None

    return partition


def enabled_regions(ec2_client: Any, partition: Callable[[str], str | None]) -> list[str]:
    """The account's enabled regions in the client's partition, sorted. ``AllRegions=False`` already
    leaves out regions the account has not opted in to; the status and partition are checked again
    here so that an endpoint answering with more (moto lists every partition) changes nothing.
    An answer without its list, or with no enabled region of the partition, is ``UnexpectedShape``
    (recorded for the account), never an account with nothing to read."""
    response = call(
        ec2_client,
        OPERATION,
        AllRegions=False,
        Filters=[{"Name": "opt-in-status", "Values": list(ENABLED_STATUSES)}],
    )
    own = ec2_client.meta.partition
    listed = objects(items_of(response, "Regions", OPERATION), OPERATION, "Regions", "RegionName")
    found = sorted(
        {
            region["RegionName"]
            for region in listed
            if region.get("OptInStatus", "opt-in-not-required") in ENABLED_STATUSES
            and partition(region["RegionName"]) == own
        }
    )
    if not found:  # an account always has some (its home region's partition): none is no answer
        raise UnexpectedShape(f"{OPERATION}: no enabled region of partition {own} in the answer")
    return found
