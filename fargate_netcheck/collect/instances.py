"""The instances that routes lead to (NAT instances), for their state: DescribeInstances.

A route names an instance (``InstanceId``) or one of its network interfaces (``NetworkInterfaceId``,
whose ``Attachment.InstanceId`` names it). A stopped or stopping instance keeps its interface
``in-use``, so only the instance's ``State`` says whether anything forwards. The ids go in an
``instance-id`` filter (which, unlike ``InstanceIds``, does not fail on an instance that no longer
exists): one paginated call per region, at most 200 ids per call, never one per route or subnet.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fargate_netcheck.collect._calls import Job, UnexpectedShape, checked_items, chunks, paginate
from fargate_netcheck.core.json_types import JsonDict

OPERATION = "DescribeInstances"
FILTER_VALUES_MAX = 200  # EC2 accepts at most 200 values per filter


def instance_jobs(
    client: Any,
    error_key: str,
    route_tables: list[JsonDict],
    interfaces: list[JsonDict],
    into: list[JsonDict],
) -> list[Job]:
    """The DescribeInstances jobs (none when no route leads to an instance); instances go ``into``."""
    ids = {
        route["InstanceId"]
        for table in route_tables
        for route in table.get("Routes", [])
        if route.get("InstanceId")
    }
    ids |= {instance for eni in interfaces if (instance := (eni.get("Attachment") or {}).get("InstanceId"))}
    jobs = []
    for chunk in chunks(sorted(ids), FILTER_VALUES_MAX):
        jobs.append(Job(error_key, partial(_instances, client, chunk), into.extend))
    return jobs


def _instances(client: Any, ids: list[str]) -> list[JsonDict]:
    """The instances of DescribeInstances' reservations for ``ids`` (the snapshot keeps instances,
    verbatim), each checked as the snapshot checks it: one without its id is ``UnexpectedShape``."""
    found: list[Any] = []
    for reservation in paginate(
        client, OPERATION, "Reservations", Filters=[{"Name": "instance-id", "Values": ids}]
    ):
        instances = reservation.get("Instances") if isinstance(reservation, dict) else None
        if not isinstance(instances, list):
            raise UnexpectedShape(f"{OPERATION}: a reservation without an Instances list")
        found.extend(instances)
    return checked_items("Instances", OPERATION, "Instances", found)
