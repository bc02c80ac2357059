"""The network as a networkx graph: resources are nodes, relations are edges.

Node key: the AWS id. Node attributes: ``kind``, ``item`` (the verbatim AWS item), ``account``,
``region``, plus parsed views the trace evaluates (``routes``, ``acl_in``/``acl_out``,
``sg_egress``, ``prefixes``). Edges carry ``rel``:

- subnet -> vpc ``in-vpc``; subnet -> route-table ``uses-route-table`` (``explicit``: bool; the main
  table *of the same VPC* when the subnet has no explicit association; none, and the subnet's
  ``route_table_changing`` says why, while an association of it, or the main association of its VPC
  when it has none of its own, is associating or disassociating; ``route_table_unlisted`` names a
  table of its VPC without ``Associations``, which may be its own or the main one);
  subnet -> nacl ``uses-nacl``
- route-table, sg, nacl, vpce -> vpc ``in-vpc``; nat, vpce -> subnet ``in-subnet``
- route-table -> target ``routes-to`` (``destinations``); a target absent from the snapshot gets a
  node of kind ``missing``
- igw, eigw -> vpc ``attached`` (``state``); pcx -> both vpcs ``peers``
- igw -> route-table ``edge-route-table`` (a gateway route table: an association with GatewayId;
  while one is associating or disassociating, the gateway's ``edge_table_changing`` says so)
- instance -> eni ``has-eni`` (``device_index``; instance nodes exist only through their ENIs);
  eni -> subnet ``in-subnet``
- vpc -> tgw-attachment ``tgw-attachment``; tgw-attachment -> tgw-route-table ``associated``;
  tgw -> tgw-route-table ``has-route-table``

Per-VPC and per-resource indexes, built once so the trace never scans all resources per target:
vpc ``endpoints`` (endpoint service short name such as ``ecr.api`` or ``s3`` -> endpoint ids),
sg ``sg_ingress``, tgw-attachment ``attachment`` (a merged ``TgwAttachment``), tgw-route-table
``tgw_routes`` (None when the routes were not collected) and ``associations_known``.

``graph.graph["regions"]`` maps (account, region) to the snapshot's ``RegionData`` so the trace can
tell "not collected" from "does not exist"; ``graph.graph["block_public_access"]`` maps it to the
region's parsed VPC Block Public Access; ``graph.graph["unread_accounts"]`` maps each account that
could not be read at all to why (whatever it holds is unknown, not absent).
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from fargate_netcheck.core.gc_quiet import gc_quiet
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.graph.transit import add_transit
from fargate_netcheck.snapshot.networks import Networks
from fargate_netcheck.snapshot.parse import (
    BlockPublicAccess,
    Network,
    parse_acl_entries,
    parse_block_public_access,
    parse_prefix_list_entries,
    parse_route,
    parse_sg_rules,
)
from fargate_netcheck.snapshot.schema import ID_FIELDS
from fargate_netcheck.snapshot.store import RegionData, Snapshot

KIND_OF = {
    "Vpcs": "vpc",
    "Subnets": "subnet",
    "RouteTables": "route-table",
    "InternetGateways": "igw",
    "NatGateways": "nat",
    "EgressOnlyInternetGateways": "eigw",
    "SecurityGroups": "sg",
    "NetworkAcls": "nacl",
    "VpcEndpoints": "vpce",
    "ManagedPrefixLists": "prefix-list",
    "VpcPeeringConnections": "pcx",
    "NetworkInterfaces": "eni",
    "Instances": "instance",
    "TransitGateways": "tgw",
    "TransitGatewayAttachments": "tgw-attachment",
    "TransitGatewayRouteTables": "tgw-route-table",
}
# The kind of snapshot data that describes a route target of each kind.
SNAPSHOT_KIND_OF_TARGET = {
    "igw": "InternetGateways",
    "nat": "NatGateways",
    "eigw": "EgressOnlyInternetGateways",
    "pcx": "VpcPeeringConnections",
    "vpce": "VpcEndpoints",
    "tgw": "TransitGateways",
    "eni": "NetworkInterfaces",
}


def unread_accounts(g: nx.DiGraph) -> str:
    """The accounts that could not be read at all and why, or "" (an id missing from the snapshot
    may belong to one of them: it is unknown, not absent)."""
    return "; ".join(f"{account} ({why})" for account, why in g.graph.get("unread_accounts", {}).items())


def build_graph(snapshot: Snapshot) -> nx.DiGraph:
    # Hundreds of thousands of long-lived dicts and tuples, no cyclic garbage: the cyclic collector
    # would rescan the growing heap again and again (half the build's CPU time at 50,000 subnets).
    with gc_quiet():
        return _build(snapshot)


def _build(snapshot: Snapshot) -> nx.DiGraph:
    g = nx.DiGraph(
        regions={(r.account_id, r.region): r for r in snapshot.regions},
        block_public_access={
            (r.account_id, r.region): parse_block_public_access(r.region, r.items, r.errors)
            for r in snapshot.regions
        },
        unread_accounts=snapshot.unread_accounts(),
    )
    networks = Networks()  # each distinct CIDR text parsed once for the whole graph
    for rd in snapshot.regions:
        _add_region(g, rd, networks)
    # Attachments and TGW route tables may sit in different accounts: link them once all are nodes.
    for rd in snapshot.regions:
        add_transit(g, rd)
    # The trace asks "this node's route table / ACL / VPC" tens of thousands of times: index the
    # first neighbour by relation once, now that the graph is complete.
    # Relation -> node -> its first neighbour by that relation (``g.edges(data="rel")`` order): one
    # dict per relation rather than a (node, relation) tuple per edge, for memory and for lookups
    # that build no key.
    index: dict[str | None, dict[str, str]] = {}
    for u, nbrs in g._succ.items():
        for v, data in nbrs.items():
            rel = data.get("rel")
            by_node = index.get(rel)
            if by_node is None:
                by_node = index[rel] = {}
            if u not in by_node:
                by_node[u] = v
    g.graph["successor"] = index
    return g


def region_of(g: nx.DiGraph, node: str) -> RegionData:
    attrs = g.nodes[node]
    found: RegionData = g.graph["regions"][(attrs["account"], attrs["region"])]
    return found


def block_public_access_of(g: nx.DiGraph, node: str) -> BlockPublicAccess:
    """The VPC Block Public Access of the account and region ``node`` is in."""
    attrs = g.nodes[node]
    found: BlockPublicAccess = g.graph["block_public_access"][(attrs["account"], attrs["region"])]
    return found


# Building the graph of a 50,000-subnet account adds ~70,000 nodes and ~180,000 edges. The loops
# below read node attributes from the graph's own node dict (``g._node``: what ``g.nodes[n]``
# returns, without a view object and a Mapping lookup per access) and add edges with
# ``add_edges_from`` over generators: each edge is still added before the next one is made, in the
# same order as one ``add_edge`` call each, so node order, edge order and every ``in g`` test see
# exactly what they saw before.


def _add_region(g: nx.DiGraph, rd: RegionData, networks: Networks) -> None:
    where = {"account": rd.account_id, "region": rd.region}
    attrs = g._node
    for kind, items in rd.items.items():
        node_kind = KIND_OF.get(kind)
        if node_kind is None:
            continue
        id_field = ID_FIELDS[kind]
        # The same id in another account is the same shared resource (RAM-shared subnet,
        # AWS-managed prefix list): its first (lowest) account's view stands.
        g.add_nodes_from(
            (item[id_field], {"kind": node_kind, "item": item, **where})
            for item in items
            if attrs.get(item[id_field], {}).get("kind") != node_kind
        )

    subnets = rd.items.get("Subnets", [])
    for subnet in subnets:
        cidr = subnet.get("CidrBlock")
        attrs[subnet["SubnetId"]]["cidr"] = networks(cidr) if cidr else None
    g.add_edges_from(
        (subnet["SubnetId"], subnet["VpcId"], {"rel": "in-vpc"}) for subnet in subnets if subnet.get("VpcId")
    )
    _add_interfaces(g, rd, where)
    _add_route_tables(g, rd, where, networks)
    _add_acls(g, rd, networks)
    groups = rd.items.get("SecurityGroups", [])
    for sg in groups:
        node = attrs[sg["GroupId"]]
        node["sg_egress"] = parse_sg_rules(sg.get("IpPermissionsEgress") or [], networks)
        node["sg_ingress"] = parse_sg_rules(sg.get("IpPermissions") or [], networks)
    g.add_edges_from((sg["GroupId"], sg["VpcId"], {"rel": "in-vpc"}) for sg in groups if sg.get("VpcId"))
    for kind, id_field in (
        ("InternetGateways", "InternetGatewayId"),
        ("EgressOnlyInternetGateways", "EgressOnlyInternetGatewayId"),
    ):
        for gw in rd.items.get(kind, []):
            for att in gw.get("Attachments") or []:
                if att.get("VpcId"):
                    g.add_edge(gw[id_field], att["VpcId"], rel="attached", state=att.get("State"))
    for nat in rd.items.get("NatGateways", []):
        if nat.get("SubnetId") in g:
            g.add_edge(nat["NatGatewayId"], nat["SubnetId"], rel="in-subnet")
    _add_endpoints(g, rd)
    for pl in rd.items.get("ManagedPrefixLists", []) if rd.collected("ManagedPrefixLists") else ():
        attrs[pl["PrefixListId"]]["prefixes"] = parse_prefix_list_entries(pl, networks)  # else: unknown
    for pcx in rd.items.get("VpcPeeringConnections", []):
        for side in ("RequesterVpcInfo", "AccepterVpcInfo"):
            vpc_id = (pcx.get(side) or {}).get("VpcId")
            if isinstance(vpc_id, str) and vpc_id:
                g.add_edge(pcx["VpcPeeringConnectionId"], vpc_id, rel="peers", side=side)


def _add_route_tables(
    g: nx.DiGraph, rd: RegionData, where: dict[str, str | None], networks: Networks
) -> None:
    main_of_vpc: dict[str, str] = {}
    main_changing: dict[str, str] = {}  # vpc -> why its main association is not settled
    unlisted: dict[str, str] = {}  # vpc -> a route table of it without Associations (not known)
    explicit: dict[str, str] = {}
    changing: set[str] = set()
    attrs = g._node

    def kind_of(node: str) -> str | None:  # an IaC gateway id (no AWS prefix): the kind of its node
        return attrs[node].get("kind") if node in attrs else None

    for rtb in rd.items.get("RouteTables", []):
        rtb_id = rtb["RouteTableId"]
        routes = tuple(
            r
            for r in (parse_route(raw, kind_of, networks) for raw in rtb.get("Routes") or [])
            if r is not None
        )
        attrs[rtb_id]["routes"] = routes
        if rtb.get("Routes") is None:
            attrs[rtb_id]["routes_unlisted"] = True
        if rtb.get("VpcId"):
            g.add_edge(rtb_id, rtb["VpcId"], rel="in-vpc")
        if rtb.get("Associations") is None and rtb.get("VpcId"):  # AWS always lists them, [] for none
            unlisted.setdefault(rtb["VpcId"], rtb_id)
        for assoc in rtb.get("Associations") or []:
            state = (assoc.get("AssociationState") or {}).get("State") or "associated"  # null, as absent
            if state in _CHANGING and assoc.get("SubnetId") in attrs:
                # Either table may carry the subnet's traffic while it changes: neither is assumed.
                attrs[assoc["SubnetId"]]["route_table_changing"] = f"{rtb_id} is {state}"
                changing.add(assoc["SubnetId"])
            if state in _CHANGING and assoc.get("Main") and rtb.get("VpcId"):
                main_changing[rtb["VpcId"]] = f"main route table of {rtb['VpcId']}: {rtb_id} is {state}"
            if state in _CHANGING and assoc.get("GatewayId") in attrs:  # ingress routing in flux
                attrs[assoc["GatewayId"]]["edge_table_changing"] = f"{rtb_id} is {state}"
            if state != "associated":
                continue
            if assoc.get("Main") and rtb.get("VpcId"):
                main_of_vpc[rtb["VpcId"]] = rtb_id
            elif assoc.get("SubnetId"):
                explicit[assoc["SubnetId"]] = rtb_id
            elif assoc.get("GatewayId") in g:
                g.add_edge(assoc["GatewayId"], rtb_id, rel="edge-route-table")
        destinations: dict[str, list[str]] = {}
        for route in routes:
            if route.target_id and route.target_kind != "local":
                destinations.setdefault(route.target_id, []).append(route.destination)
        for target, dests in destinations.items():
            if target not in g:
                g.add_node(target, kind="missing", item={}, **where)
            g.add_edge(rtb_id, target, rel="routes-to", destinations=dests)
    subnets = rd.items.get("Subnets", [])
    for subnet in subnets if main_changing else ():  # on its VPC's main table while it is replaced
        if (why := main_changing.get(subnet.get("VpcId", ""))) and subnet["SubnetId"] not in explicit:
            attrs[subnet["SubnetId"]].setdefault("route_table_changing", why)
            changing.add(subnet["SubnetId"])
    for subnet in subnets if unlisted else ():  # a table whose associations are not known may be its
        if (rtb_id := unlisted.get(subnet.get("VpcId", ""))) and subnet["SubnetId"] not in explicit:
            attrs[subnet["SubnetId"]]["route_table_unlisted"] = rtb_id
            changing.add(subnet["SubnetId"])
    g.add_edges_from(_table_of_subnets(subnets, explicit, main_of_vpc, changing))


_CHANGING = ("associating", "disassociating")


def _table_of_subnets(
    subnets: list[JsonDict], explicit: dict[str, str], main_of_vpc: dict[str, str], changing: set[str]
) -> Iterator[tuple[str, str, dict[str, object]]]:
    for subnet in subnets:
        subnet_id = subnet["SubnetId"]
        if subnet_id in changing:
            continue
        if subnet_id in explicit:
            yield subnet_id, explicit[subnet_id], {"rel": "uses-route-table", "explicit": True}
        elif subnet.get("VpcId") in main_of_vpc:
            # The main route table of the subnet's *own* VPC, never another VPC's.
            yield subnet_id, main_of_vpc[subnet["VpcId"]], {"rel": "uses-route-table", "explicit": False}


def _add_acls(g: nx.DiGraph, rd: RegionData, networks: Networks) -> None:
    default_of_vpc: dict[str, str] = {}
    associated: dict[str, str] = {}
    attrs = g._node
    for acl in rd.items.get("NetworkAcls", []):
        acl_id = acl["NetworkAclId"]
        node = attrs[acl_id]
        node["acl_in"], node["acl_out"] = parse_acl_entries(acl.get("Entries") or [], networks)
        if acl.get("VpcId"):
            g.add_edge(acl_id, acl["VpcId"], rel="in-vpc")
            if acl.get("IsDefault"):
                default_of_vpc[acl["VpcId"]] = acl_id
        for assoc in acl.get("Associations") or []:
            if assoc.get("SubnetId"):
                associated[assoc["SubnetId"]] = acl_id
    g.add_edges_from(
        (subnet_id, acl_id, {"rel": "uses-nacl"})
        for subnet_id, acl_id in (
            # A subnet without an explicit association uses its VPC's default ACL (AWS documents this).
            (s["SubnetId"], associated.get(s["SubnetId"]) or default_of_vpc.get(s.get("VpcId", "")))
            for s in rd.items.get("Subnets", [])
        )
        if acl_id
    )


def _add_endpoints(g: nx.DiGraph, rd: RegionData) -> None:
    by_vpc: dict[str, dict[str, list[str]]] = {}
    for vpce in rd.items.get("VpcEndpoints", []):
        vpce_id = vpce["VpcEndpointId"]
        if vpce.get("VpcId"):
            g.add_edge(vpce_id, vpce["VpcId"], rel="in-vpc")
            service = endpoint_service(vpce.get("ServiceName"), rd.region)
            if service:  # no ServiceName (null or absent): the endpoint of no known service
                by_vpc.setdefault(vpce["VpcId"], {}).setdefault(service, []).append(vpce_id)
        for subnet_id in vpce.get("SubnetIds") or []:
            if subnet_id in g:
                g.add_edge(vpce_id, subnet_id, rel="in-subnet")
    for vpc_id, services in by_vpc.items():
        if vpc_id in g:
            g.nodes[vpc_id]["endpoints"] = {name: tuple(sorted(ids)) for name, ids in services.items()}


def endpoint_service(service_name: str | None, region: str) -> str:
    """``com.amazonaws.us-east-1.ecr.api`` -> ``ecr.api``; other names (endpoint services) unchanged;
    no name (a null or absent ``ServiceName``: the service is not known) -> ``""``."""
    if not isinstance(service_name, str):
        return ""
    for prefix in (f"com.amazonaws.{region}.", f"cn.com.amazonaws.{region}."):
        if service_name.startswith(prefix):
            return service_name[len(prefix) :]
    return service_name


def _add_interfaces(g: nx.DiGraph, rd: RegionData, where: dict[str, str | None]) -> None:
    for eni in rd.items.get("NetworkInterfaces", []):
        eni_id = eni["NetworkInterfaceId"]
        if eni.get("SubnetId") in g:
            g.add_edge(eni_id, eni["SubnetId"], rel="in-subnet")
        attachment = eni.get("Attachment") or {}
        instance = attachment.get("InstanceId")
        if instance:
            if instance not in g:
                g.add_node(instance, kind="instance", item={}, **where)
            g.add_edge(instance, eni_id, rel="has-eni", device_index=attachment.get("DeviceIndex", 0))


def subnet_cidr(g: nx.DiGraph, subnet_id: str) -> Network | None:
    """The subnet's IPv4 block, parsed once when the graph was built (None if unknown)."""
    return g.nodes[subnet_id].get("cidr") if subnet_id in g else None


def successor(g: nx.DiGraph, node: str, rel: str) -> str | None:
    index: dict[str | None, dict[str, str]] | None = g.graph.get("successor")
    if index is not None:
        by_node = index.get(rel)
        return by_node.get(node) if by_node is not None else None
    if node not in g:
        return None
    nbr: str
    for nbr, data in g.succ[node].items():
        if data.get("rel") == rel:
            return nbr
    return None


def successors(g: nx.DiGraph, node: str, rel: str) -> list[str]:
    if node not in g:
        return []
    return [nbr for nbr, data in g.succ[node].items() if data.get("rel") == rel]


def vpc_cidrs(item: JsonDict) -> list[str]:
    cidrs = [a["CidrBlock"] for a in item.get("CidrBlockAssociationSet") or [] if a.get("CidrBlock")]
    if item.get("CidrBlock") and item["CidrBlock"] not in cidrs:
        cidrs.insert(0, item["CidrBlock"])
    cidrs += [
        a["Ipv6CidrBlock"] for a in item.get("Ipv6CidrBlockAssociationSet") or [] if a.get("Ipv6CidrBlock")
    ]
    return cidrs
