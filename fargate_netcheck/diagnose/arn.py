"""Which task, in which cluster and region: read from a task ARN or a bare id.

ECS task ARNs come in two formats: the long one names the cluster
(``arn:aws:ecs:us-east-1:123456789012:task/my-cluster/0123…``), the old one does not
(``arn:aws:ecs:us-east-1:123456789012:task/0123…``). The cluster comes from the ARN; ``--cluster``
is needed only for a bare id (or an old-format ARN outside the ``default`` cluster, which is where
ECS looks when no cluster is named).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fargate_netcheck.core.errors import InputError

_ARN = re.compile(
    r"^arn:(aws[\w-]*):ecs:([a-z0-9-]+):(\d{12}):task/(?:([A-Za-z0-9_-]{1,255})/)?([A-Za-z0-9-]{1,64})$"
)
_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
DEFAULT_CLUSTER = "default"
REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")  # us-east-1, us-gov-west-1, cn-north-1
# The region-name prefixes of each partition but ``aws`` (which has every other region).
_PARTITION_PREFIXES = {
    "aws-cn": ("cn-",),
    "aws-us-gov": ("us-gov-",),
    "aws-iso": ("us-iso-",),
    "aws-iso-b": ("us-isob-",),
    "aws-iso-e": ("eu-isoe-",),
    "aws-iso-f": ("us-isof-",),
    "aws-eusc": ("eusc-",),
}


@dataclass(frozen=True, slots=True)
class TaskRef:
    task: str  # what DescribeTasks takes: the ARN, or the bare id
    task_id: str
    cluster: str
    region: str | None
    cluster_from_arn: bool


def parse_task_ref(value: str, cluster: str | None) -> TaskRef:
    """The task and its cluster; a malformed reference, a bare id without ``--cluster``, or a
    ``--cluster`` that contradicts the ARN is an ``InputError``."""
    value = value.strip()
    if value.startswith("arn:"):
        found = _ARN.match(value)
        if found is None:
            raise InputError(f"{value!r} is not an ECS task ARN (arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID)")
        partition, region, _, arn_cluster, task_id = found.groups()
        _check_region(value, partition, region)
        if arn_cluster and cluster and cluster.rsplit("/", 1)[-1] != arn_cluster:
            raise InputError(f"the task ARN names cluster {arn_cluster}, but --cluster says {cluster}")
        return TaskRef(value, task_id, arn_cluster or cluster or DEFAULT_CLUSTER, region, bool(arn_cluster))
    if not _ID.match(value):
        raise InputError(f"{value!r} is neither an ECS task ARN nor a task id")
    if not cluster:
        raise InputError(
            f"task {value}: a bare task id needs --cluster (or pass the task ARN, which names it)"
        )
    return TaskRef(value, value, cluster, None, False)


def cluster_of(arn: str | None) -> str | None:
    """The cluster name in a task or cluster ARN, or None."""
    if not arn:
        return None
    if ":cluster/" in arn:
        return arn.rsplit("/", 1)[-1]
    found = _ARN.match(arn)
    return found.group(4) if found else None


def arn_home(arn: str | None) -> tuple[str, str] | None:
    """(account, region) of a task ARN, or None."""
    found = _ARN.match(arn) if arn else None
    return (found.group(3), found.group(2)) if found else None


def _check_region(value: str, partition: str, region: str) -> None:
    """The ARN's region must be a region name of the ARN's partition."""
    if not REGION.match(region):
        raise InputError(f"{value!r}: {region!r} is not an AWS region name")
    if partition == "aws":
        elsewhere = tuple(prefix for prefixes in _PARTITION_PREFIXES.values() for prefix in prefixes)
        in_partition = not region.startswith(elsewhere)
    elif partition in _PARTITION_PREFIXES:
        in_partition = region.startswith(_PARTITION_PREFIXES[partition])
    else:
        raise InputError(f"{value!r}: {partition!r} is not an AWS partition")
    if not in_partition:
        raise InputError(f"{value!r}: region {region} is not in partition {partition}")


def check_region_flag(where: str, region: str | None, flags: list[str]) -> None:
    """``--region`` must name the region the task ran in (``where``: the task ARN, the event)."""
    if region and flags and region not in flags:
        raise InputError(f"{where} names region {region}, but --region says {', '.join(flags)}")
