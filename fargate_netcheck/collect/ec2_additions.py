"""The dependent calls that decorate one region's collected EC2 items (the additions
docs/snapshot-format.md allows): the two DNS attributes on each VPC, ``Entries`` on the prefix lists
that a route or security group rule names, ``Associations`` and ``Routes`` on transit gateway route
tables, and the ``NetworkInterfaces`` that routes point at. Each is a list of ``Job``s for
``collect.ec2`` to run; a failure goes under ``Errors[addition.error_key]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from fargate_netcheck.collect._calls import (
    Job,
    Truncated,
    UnexpectedShape,
    call,
    checked_items,
    chunks,
    items_of,
    jsonable,
    pages_of,
    paginate,
)
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.schema import ID_FIELDS

Item = JsonDict


@dataclass(frozen=True, slots=True)
class Addition:
    """A dependent call that decorates collected items; failures go under ``Errors[error_key]``."""

    error_key: str
    operation: str
    iam_action: str


VPC_ATTRIBUTES = Addition("VpcAttributes", "DescribeVpcAttribute", "ec2:DescribeVpcAttribute")
PREFIX_LIST_ENTRIES = Addition(
    "ManagedPrefixListEntries", "GetManagedPrefixListEntries", "ec2:GetManagedPrefixListEntries"
)
TGW_ASSOCIATIONS = Addition(
    "TransitGatewayRouteTableAssociations",
    "GetTransitGatewayRouteTableAssociations",
    "ec2:GetTransitGatewayRouteTableAssociations",
)
TGW_ROUTES = Addition("TransitGatewayRoutes", "SearchTransitGatewayRoutes", "ec2:SearchTransitGatewayRoutes")
NETWORK_INTERFACES = Addition(
    "NetworkInterfaces", "DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfaces"
)
INSTANCES = Addition("Instances", "DescribeInstances", "ec2:DescribeInstances")
ADDITIONS: tuple[Addition, ...] = (
    VPC_ATTRIBUTES,
    PREFIX_LIST_ENTRIES,
    TGW_ASSOCIATIONS,
    TGW_ROUTES,
    NETWORK_INTERFACES,
    INSTANCES,
)

DNS_ATTRIBUTES = (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames"))
TGW_ROUTE_STATES = ["active", "blackhole"]
KIND_TGW_TABLES = "TransitGatewayRouteTables"
FILTER_VALUES_MAX = 200  # EC2 accepts at most 200 values per filter


def vpc_attribute_jobs(client: Any, vpcs: list[Item]) -> list[Job]:
    """DescribeVpcAttribute has no bulk form: one call per VPC per attribute."""
    jobs = []
    for vpc in vpcs:
        for attribute, field in DNS_ATTRIBUTES:
            fetch = partial(call, client, VPC_ATTRIBUTES.operation, VpcId=vpc["VpcId"], Attribute=attribute)
            jobs.append(Job(VPC_ATTRIBUTES.error_key, fetch, partial(_store_attribute, vpc, field)))
    return jobs


def _store_attribute(vpc: Item, field: str, response: Item) -> None:
    """``vpc[field]`` from DescribeVpcAttribute's ``{field: {"Value": bool}}``: an answer without it
    is ``UnexpectedShape`` (recorded), never read as a value."""
    value = (response.get(field) or {}).get("Value")
    if not isinstance(value, bool):
        raise UnexpectedShape(f"{VPC_ATTRIBUTES.operation}: {vpc['VpcId']}: no {field} Value")
    vpc[field] = value


def referenced_prefix_lists(
    route_tables: Sequence[Item], security_groups: Sequence[Item], tgw_route_tables: Sequence[Item] = ()
) -> set[str]:
    """Prefix list ids named by a route's destination, a security group rule (either direction)
    or a transit gateway route (its ``PrefixListId``: a prefix list reference of the TGW table)."""
    ids = _route_values(route_tables, "DestinationPrefixListId")
    ids |= _route_values(tgw_route_tables, "PrefixListId")
    for group in security_groups:  # null is absent, as the snapshot load reads it
        for rule in [*(group.get("IpPermissions") or []), *(group.get("IpPermissionsEgress") or [])]:
            ids.update(
                ref["PrefixListId"] for ref in rule.get("PrefixListIds") or [] if ref.get("PrefixListId")
            )
    return ids


def _route_values(route_tables: Sequence[Item], field: str) -> set[str]:
    return {route[field] for table in route_tables for route in table.get("Routes") or [] if route.get(field)}


def prefix_list_jobs(client: Any, found: dict[str, list[Item]]) -> list[Job]:
    """GetManagedPrefixListEntries for each listed prefix list that something names: run after the
    transit gateway routes are stored (``tgw_route_table_jobs``), whose prefix-list routes count."""
    wanted = referenced_prefix_lists(
        found.get("RouteTables", []),
        found.get("SecurityGroups", []),
        found.get(KIND_TGW_TABLES, []),
    )
    jobs = []
    for prefix_list in found.get("ManagedPrefixLists", []):
        if prefix_list.get("PrefixListId") not in wanted:
            continue
        fetch = partial(
            paginate,
            client,
            PREFIX_LIST_ENTRIES.operation,
            "Entries",
            PrefixListId=prefix_list["PrefixListId"],
        )
        checked = partial(_checked, "ManagedPrefixLists", prefix_list, "Entries", PREFIX_LIST_ENTRIES, fetch)
        jobs.append(Job(PREFIX_LIST_ENTRIES.error_key, checked, partial(store_field, prefix_list, "Entries")))
    return jobs


def _checked(kind: str, item: Item, field: str, addition: Addition, fetch: Callable[[], Any]) -> Any:
    """``fetch()``, the value of ``item[field]``, checked as the snapshot load checks ``field`` of a
    ``kind`` item: a value it would refuse (a CIDR that is not one, a route state it does not take)
    is ``UnexpectedShape``, recorded under the addition's key, never stored to fail the whole load."""
    found = fetch()
    id_field = ID_FIELDS[kind]
    checked_items(kind, addition.operation, field, [{id_field: item[id_field], field: found}])
    return found


def tgw_route_table_jobs(client: Any, tables: list[Item]) -> list[Job]:
    jobs = []
    for table in tables:
        table_id = table["TransitGatewayRouteTableId"]
        associations = partial(
            _checked,
            KIND_TGW_TABLES,
            table,
            "Associations",
            TGW_ASSOCIATIONS,
            partial(
                paginate,
                client,
                TGW_ASSOCIATIONS.operation,
                "Associations",
                TransitGatewayRouteTableId=table_id,
            ),
        )
        routes = partial(
            _checked,
            KIND_TGW_TABLES,
            table,
            "Routes",
            TGW_ROUTES,
            partial(search_tgw_routes, client, table_id),
        )
        jobs += [
            Job(TGW_ASSOCIATIONS.error_key, associations, partial(store_field, table, "Associations")),
            Job(TGW_ROUTES.error_key, routes, partial(store_field, table, "Routes")),
        ]
    return jobs


def search_tgw_routes(client: Any, table_id: str) -> list[Item]:
    """Active and blackhole routes of a TGW route table. MaxResults is left to its default (1000).
    Recent botocore pages this call with NextToken; older models cannot, so a last page that still
    says ``AdditionalRoutesAvailable`` without a token means the list is incomplete: ``Truncated``."""
    params = {
        "TransitGatewayRouteTableId": table_id,
        "Filters": [{"Name": "state", "Values": TGW_ROUTE_STATES}],
    }
    operation = TGW_ROUTES.operation
    if client.can_paginate("search_transit_gateway_routes"):
        pages = pages_of(client, operation, **params)
    else:
        pages = iter([call(client, operation, **params)])
    routes: list[Item] = []
    last: Item = {}
    for page in pages:
        routes.extend(items_of(page, "Routes", operation))
        last = page
    if last.get("AdditionalRoutesAvailable") and not last.get("NextToken"):
        raise Truncated(f"{table_id}: more than {len(routes)} routes and no way to page; Routes not stored")
    return jsonable(routes)


def network_interface_jobs(client: Any, route_tables: list[Item], into: list[Item]) -> list[Job]:
    """DescribeNetworkInterfaces for the ENIs and instances that routes name (filters, unlike ids,
    do not fail on a deleted ENI), at most 200 values per filter."""
    jobs = []
    for filter_name, route_field in (
        ("network-interface-id", "NetworkInterfaceId"),
        ("attachment.instance-id", "InstanceId"),
    ):
        for chunk in chunks(sorted(_route_values(route_tables, route_field)), FILTER_VALUES_MAX):
            fetch = partial(_network_interfaces, client, [{"Name": filter_name, "Values": chunk}])
            jobs.append(Job(NETWORK_INTERFACES.error_key, fetch, into.extend))
    return jobs


def _network_interfaces(client: Any, filters: list[Item]) -> list[Item]:
    """The ENIs ``filters`` select, each checked as the snapshot checks it (an ENI without its id is
    ``UnexpectedShape``)."""
    operation = NETWORK_INTERFACES.operation
    found = paginate(client, operation, "NetworkInterfaces", Filters=filters)
    return checked_items("NetworkInterfaces", operation, "NetworkInterfaces", found)


def store_field(item: JsonDict, field: str, value: Any) -> None:
    item[field] = value


def unique(items: list[Item], id_field: str) -> list[Item]:
    seen: dict[str, Item] = {}
    for item in items:
        seen.setdefault(item[id_field], item)
    return list(seen.values())
