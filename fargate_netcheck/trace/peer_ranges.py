"""The address ranges a VPC peering connection carries traffic to: the peer VPC's own CIDR blocks.

A block listed in the peer's ``CidrBlockAssociationSet`` (or ``Ipv6CidrBlockAssociationSet``) is the
VPC's only while ``associated``: DescribeVpcs keeps listing a block ``disassociated`` (or ``failed``)
for a while after it is gone, and one ``associating``, ``disassociating`` or ``failing`` is not
settled (AWS, EC2 API Reference, ``VpcCidrBlockState``). A peer VPC outside the snapshot (another
account's) stands by the ranges its peering connection lists."""

from __future__ import annotations

import networkx as nx

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.addresses import AddressSet


def peer_ranges(
    g: nx.DiGraph, pcx_item: JsonDict, peer_vpc: str | None, vpc_id: str, version: int, active: bool
) -> tuple[AddressSet, AddressSet]:
    """(the peer's own ranges, those whose association is changing) of ``version``; both empty when
    the peering connection is not active."""
    if not active:
        return AddressSet.empty(version), AddressSet.empty(version)
    if peer_vpc is not None:
        own, changing = vpc_ranges_by_state(g.nodes[peer_vpc]["item"])
    else:
        own, changing = _listed_cidrs(peer_side(pcx_item, vpc_id)), []
    return AddressSet.of(_of_family(own, version), version), AddressSet.of(
        _of_family(changing, version), version
    )


# CIDR block association states (VpcCidrBlockState): a block in one of these is being added or
# removed, so whether it is the VPC's is not settled; in any other but ``associated`` it is not.
CIDR_CHANGING = ("associating", "disassociating", "failing")


def vpc_ranges_by_state(item: JsonDict) -> tuple[list[str], list[str]]:
    """The VPC's blocks that are its own (associated, or of no stated state; the primary block
    always) and those whose association is changing (``CIDR_CHANGING``). Blocks ``disassociated``
    or ``failed`` are in neither: DescribeVpcs keeps listing them for a while after they are gone."""
    own: list[str] = [item["CidrBlock"]] if item.get("CidrBlock") else []
    changing: list[str] = []
    for key, field_name, state_field in (
        ("CidrBlockAssociationSet", "CidrBlock", "CidrBlockState"),
        ("Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock", "Ipv6CidrBlockState"),
    ):
        for assoc in item.get(key) or []:
            cidr = assoc.get(field_name)
            if not cidr or cidr in own or cidr in changing:
                continue
            state = (assoc.get(state_field) or {}).get("State") or "associated"
            if state == "associated":
                own.append(cidr)
            elif state in CIDR_CHANGING:
                changing.append(cidr)
    return own, changing


def _of_family(cidrs: list[str], version: int) -> list[str]:
    return [c for c in cidrs if (":" in c) == (version == 6)]


def peer_side(item: dict, vpc_id: str) -> dict:
    """The peering connection's ``VpcInfo`` of the side that is not ``vpc_id`` ({} if none)."""
    for side in ("AccepterVpcInfo", "RequesterVpcInfo"):
        info = item.get(side) or {}
        if info.get("VpcId") and info.get("VpcId") != vpc_id:
            return info
    return {}


def _listed_cidrs(info: dict) -> list[str]:
    """A peer VPC's ranges as its peering connection lists them: what stands for a peer VPC that
    is not in the snapshot (another account's)."""
    cidrs = [b.get("CidrBlock") for b in info.get("CidrBlockSet") or []]
    cidrs += [b.get("Ipv6CidrBlock") for b in info.get("Ipv6CidrBlockSet") or []]
    return [c for c in dict.fromkeys([info.get("CidrBlock"), *cidrs]) if isinstance(c, str) and c]
