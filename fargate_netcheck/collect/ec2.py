"""Collect one region's VPC network from EC2: verbatim Describe* items in the snapshot's region form.

``KINDS`` is the whole list of what is collected: one paginated call per kind per region, so the
number of calls does not grow with the number of subnets, route tables or groups. Two kinds are
account-and-region settings rather than resources: VPC Block Public Access, whose options object
(one per region, stored as a one-item list) and exclusions (paged on ``NextToken`` by hand: botocore
has no paginator for it) say whether internet gateway traffic is blocked. The additions
docs/snapshot-format.md allows (``ec2_additions``) then decorate those items in place: the two DNS attributes on each VPC, ``Entries``
on the prefix lists that a route (VPC or transit gateway) or security group rule names,
``Associations`` and ``Routes`` on transit gateway route tables, and ``NetworkInterfaces`` for the
ENIs and instances routes point at; then ``Instances`` (DescribeInstances' instances, one filtered call per region) for the instances
those routes and ENIs lead to, whose state says whether a NAT instance forwards anything.

A failed call is recorded in ``Errors`` (``"<Code>: <message>"``) and collection goes on: a kind
that failed is absent from the region (absent means "not collected"), and an addition that failed
leaves its field absent on the item it would have decorated.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any

from fargate_netcheck.collect._calls import (
    Job,
    UnexpectedShape,
    call,
    checked_items,
    deadline_after,
    paginate,
    paginate_tokens,
    require_operation,
    run_jobs,
)
from fargate_netcheck.collect.ec2_additions import (
    ADDITIONS,
    INSTANCES,
    NETWORK_INTERFACES,
    network_interface_jobs,
    prefix_list_jobs,
    store_field,
    tgw_route_table_jobs,
    unique,
    vpc_attribute_jobs,
)
from fargate_netcheck.collect.ecs import account_settings
from fargate_netcheck.collect.instances import instance_jobs
from fargate_netcheck.core.json_types import JsonDict

if TYPE_CHECKING:
    from fargate_netcheck.core.progress import ProgressSink

Item = JsonDict


class Paging(Enum):
    """How a kind's call is paged (``Kind.pages``)."""

    PAGINATOR = "paginator"  # botocore's paginator for the operation
    TOKEN = "token"  # NextToken by hand: botocore has no paginator for the operation
    SINGLE = "single"  # one object per region under ``result_key``, stored as a one-item list


@dataclass(frozen=True, slots=True)
class Kind:
    """One snapshot list: filled by every page of ``operation``'s ``result_key`` (see ``pages``;
    ``max_results`` is sent as ``MaxResults`` on each ``TOKEN`` page)."""

    key: str
    operation: str
    result_key: str
    iam_action: str
    pages: Paging = Paging.PAGINATOR
    max_results: int | None = None


KINDS: tuple[Kind, ...] = (
    Kind("Vpcs", "DescribeVpcs", "Vpcs", "ec2:DescribeVpcs"),
    Kind("Subnets", "DescribeSubnets", "Subnets", "ec2:DescribeSubnets"),
    Kind("RouteTables", "DescribeRouteTables", "RouteTables", "ec2:DescribeRouteTables"),
    Kind("InternetGateways", "DescribeInternetGateways", "InternetGateways", "ec2:DescribeInternetGateways"),
    Kind("NatGateways", "DescribeNatGateways", "NatGateways", "ec2:DescribeNatGateways"),
    Kind(
        "EgressOnlyInternetGateways",
        "DescribeEgressOnlyInternetGateways",
        "EgressOnlyInternetGateways",
        "ec2:DescribeEgressOnlyInternetGateways",
    ),
    Kind("SecurityGroups", "DescribeSecurityGroups", "SecurityGroups", "ec2:DescribeSecurityGroups"),
    Kind("NetworkAcls", "DescribeNetworkAcls", "NetworkAcls", "ec2:DescribeNetworkAcls"),
    Kind("VpcEndpoints", "DescribeVpcEndpoints", "VpcEndpoints", "ec2:DescribeVpcEndpoints"),
    Kind("DhcpOptions", "DescribeDhcpOptions", "DhcpOptions", "ec2:DescribeDhcpOptions"),
    Kind("ManagedPrefixLists", "DescribeManagedPrefixLists", "PrefixLists", "ec2:DescribeManagedPrefixLists"),
    Kind(
        "VpcPeeringConnections",
        "DescribeVpcPeeringConnections",
        "VpcPeeringConnections",
        "ec2:DescribeVpcPeeringConnections",
    ),
    Kind("TransitGateways", "DescribeTransitGateways", "TransitGateways", "ec2:DescribeTransitGateways"),
    Kind(
        "TransitGatewayAttachments",
        "DescribeTransitGatewayAttachments",
        "TransitGatewayAttachments",
        "ec2:DescribeTransitGatewayAttachments",
    ),
    Kind(
        "TransitGatewayVpcAttachments",
        "DescribeTransitGatewayVpcAttachments",
        "TransitGatewayVpcAttachments",
        "ec2:DescribeTransitGatewayVpcAttachments",
    ),
    Kind(
        "TransitGatewayRouteTables",
        "DescribeTransitGatewayRouteTables",
        "TransitGatewayRouteTables",
        "ec2:DescribeTransitGatewayRouteTables",
    ),
    Kind(
        "VpcBlockPublicAccessOptions",
        "DescribeVpcBlockPublicAccessOptions",
        "VpcBlockPublicAccessOptions",
        "ec2:DescribeVpcBlockPublicAccessOptions",
        pages=Paging.SINGLE,
    ),
    Kind(
        "VpcBlockPublicAccessExclusions",
        "DescribeVpcBlockPublicAccessExclusions",
        "VpcBlockPublicAccessExclusions",
        "ec2:DescribeVpcBlockPublicAccessExclusions",
        pages=Paging.TOKEN,
        max_results=1000,  # the largest page the API allows (5..1000)
    ),
)

IAM_ACTIONS: tuple[str, ...] = tuple(k.iam_action for k in KINDS) + tuple(a.iam_action for a in ADDITIONS)
# (ecs:ListAccountSettings, for EcsAccountSettings, is declared by collect.ecs)

# The region's keys in the order docs/snapshot-format.md lists them.
REGION_KEYS: tuple[str, ...] = (
    "Vpcs",
    "Subnets",
    "RouteTables",
    "InternetGateways",
    "NatGateways",
    "EgressOnlyInternetGateways",
    "SecurityGroups",
    "NetworkAcls",
    "VpcEndpoints",
    "DhcpOptions",
    "ManagedPrefixLists",
    "VpcPeeringConnections",
    "NetworkInterfaces",
    "Instances",
    "TransitGateways",
    "TransitGatewayAttachments",
    "TransitGatewayVpcAttachments",
    "TransitGatewayRouteTables",
    "VpcBlockPublicAccessOptions",
    "VpcBlockPublicAccessExclusions",
    "EcsAccountSettings",
)
ECS_ACCOUNT_SETTINGS = "EcsAccountSettings"  # from ECS, not EC2: ecs.account_settings
# What a region holds when only its EC2 client was given (no ECS client: the settings not collected).
EC2_REGION_KEYS: tuple[str, ...] = tuple(k for k in REGION_KEYS if k != ECS_ACCOUNT_SETTINGS)


# Progress steps of one region: one per kind, one for the dependent calls that decorate them.
REGION_STEPS = len(KINDS) + 1


def collect_region(
    client: Any,
    *,
    max_workers: int = 8,
    progress: ProgressSink | None = None,
    deadline_s: float | None = None,
    ecs_client: Any = None,
) -> JsonDict:
    """One region's snapshot body (kinds in docs/snapshot-format.md order, then ``Errors``) from an EC2 client.
    With ``max_workers`` 1 every call is made in a fixed order on this thread (for Stubber).
    ``progress`` advances by one as each kind finishes and once when the dependent calls have
    (``REGION_STEPS`` in all). After ``deadline_s`` seconds, what is not finished is recorded as
    timed out and the region is returned as it stands."""
    errors: dict[str, str] = {}
    found: dict[str, list[Item]] = {}
    deadline = deadline_after(deadline_s)
    run_jobs(_kind_jobs(client, found, progress), errors, max_workers, deadline)
    interfaces: list[Item] = []
    jobs = [
        *vpc_attribute_jobs(client, found.get("Vpcs", [])),
        *tgw_route_table_jobs(client, found.get("TransitGatewayRouteTables", [])),
        *network_interface_jobs(client, found.get("RouteTables", []), interfaces),
    ]
    if ecs_client is not None:
        jobs.append(
            Job(
                ECS_ACCOUNT_SETTINGS,
                partial(account_settings, ecs_client),
                partial(store_field, found, ECS_ACCOUNT_SETTINGS),
            )
        )
    failed = run_jobs(jobs, errors, max_workers, deadline)
    # After the TGW routes (a prefix-list route there names a list too) and the ENIs (an ENI
    # route's instance is on its attachment).
    instances: list[Item] = []
    jobs = prefix_list_jobs(client, found)
    if "RouteTables" in found:
        jobs += instance_jobs(client, INSTANCES.error_key, found["RouteTables"], interfaces, instances)
    failed |= run_jobs(jobs, errors, max_workers, deadline)
    if progress is not None:
        progress.advance(1)
    if "RouteTables" in found and NETWORK_INTERFACES.error_key not in failed:
        found["NetworkInterfaces"] = unique(interfaces, "NetworkInterfaceId")
    if "RouteTables" in found and not failed & {NETWORK_INTERFACES.error_key, INSTANCES.error_key}:
        found["Instances"] = unique(instances, "InstanceId")
    region: JsonDict = {key: found[key] for key in REGION_KEYS if key in found}
    region["Errors"] = dict(sorted(errors.items()))
    return region


def collect_regions(
    clients: JsonDict,
    *,
    max_workers: int = 8,
    progress: ProgressSink | None = None,
    deadline_s: float | None = None,
    ecs_clients: JsonDict | None = None,
) -> dict[str, JsonDict]:
    """``{region: body}`` from one EC2 client per region (and an ECS client per region, when given,
    for the account settings). At most ``max_workers`` calls at once:
    regions in parallel, the calls within a region sharing what is left (make each client with a
    connection pool of ``worker_split(max_workers, len(clients))[1]``). ``deadline_s``: each
    region's own deadline (``collect_region``)."""
    region_workers, per_region = worker_split(max_workers, len(clients))
    collect = partial(collect_region, max_workers=per_region, progress=progress, deadline_s=deadline_s)
    ecs = ecs_clients or {}
    if region_workers == 1:
        return {region: collect(c, ecs_client=ecs.get(region)) for region, c in clients.items()}
    with ThreadPoolExecutor(max_workers=region_workers) as pool:
        futures = {
            region: pool.submit(collect, c, ecs_client=ecs.get(region)) for region, c in clients.items()
        }
        return {region: future.result() for region, future in futures.items()}


def worker_split(max_workers: int, regions: int) -> tuple[int, int]:
    """``(regions collected at once, calls at once within each)`` for ``max_workers`` calls in all."""
    region_workers = max(1, min(max_workers, regions))
    return region_workers, max(1, max_workers // region_workers)


def _kind_jobs(client: Any, into: dict[str, list[Item]], progress: ProgressSink | None) -> list[Job]:
    return [
        Job(
            kind.key,
            _ticking(partial(fetch_kind, client, kind), progress),
            partial(store_field, into, kind.key),
        )
        for kind in KINDS
    ]


def fetch_kind(client: Any, kind: Kind) -> list[Item]:
    """Every item of ``kind`` in the client's region: one call, plus its pages. Items the snapshot
    would refuse (no id, a field of the wrong type) make the kind ``UnexpectedShape``: recorded in
    ``Errors`` like any failed call, rather than failing the load of the whole collection."""
    return checked_items(kind.key, kind.operation, kind.result_key, _fetch(client, kind))


def _fetch(client: Any, kind: Kind) -> list[Item]:
    if kind.pages is Paging.PAGINATOR:
        return paginate(client, kind.operation, kind.result_key)
    # These operations are recent (botocore 1.35.65, which pyproject requires); an environment that
    # still carries an older botocore records "Unsupported" for them rather than crashing.
    require_operation(client, kind.operation)
    if kind.pages is Paging.TOKEN:
        params = {} if kind.max_results is None else {"MaxResults": kind.max_results}
        return paginate_tokens(client, kind.operation, kind.result_key, **params)
    response = call(client, kind.operation)
    if kind.result_key not in response:  # AWS always sends the region's object: absent is not "none"
        raise UnexpectedShape(f"{kind.operation}: the response has no {kind.result_key}")
    found = response[kind.result_key]
    if not isinstance(found, dict):
        raise UnexpectedShape(f"{kind.operation}: {kind.result_key} is not an object")
    return [found]


def _ticking(fetch: Callable[[], Any], progress: ProgressSink | None) -> Callable[[], Any]:
    """``fetch``, advancing ``progress`` by one when it is done (on the worker thread, failed or not)."""
    if progress is None:
        return fetch

    def run() -> Any:
        try:
            return fetch()
        finally:
            progress.advance(1)

    return run
