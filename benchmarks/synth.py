"""Synthetic snapshots: realistic, valid, deterministic by seed (benchmarks and fuzzing).

Each VPC looks like what Terraform's VPC module builds: an internet gateway, one public subnet per
availability zone hosting that zone's NAT gateway, private subnets routed to their zone's NAT
gateway through a shared route table (every tenth one has its own table, with extra peering,
prefix-list and blackhole routes), a few subnets left on the main route table, a default network
ACL plus a custom one with ``acl_entries`` rules for the private subnets, an S3 gateway endpoint,
and ``security_groups`` groups of ``sg_rules`` egress rules each (CIDRs, prefix lists, group
references). Some VPCs are broken on purpose: a failed or private NAT gateway, a blackholed default
route to a deleted NAT gateway, a network ACL denying part of the internet. ``tgw_spokes`` VPCs
reach the internet through a transit gateway and a hub VPC instead.

    python benchmarks/synth.py --subnets 10000 --output /tmp/s10k.json
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import random
from pathlib import Path
from typing import Any

# Sibling modules: benchmarks/ is on sys.path when this runs as a script (and the tests put it there).
from synth_items import Item, RegionItems, route, tags
from synth_security import acls, security_groups

REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2", "eu-central-1", "ca-central-1")
DEDICATED_EVERY = 10  # every tenth private subnet has its own route table
MAIN_TABLE_EVERY = 40  # private subnets 5, 45, 85, ... of a VPC have no explicit association


def generate(
    vpcs: int,
    subnets_per_vpc: int,
    security_groups: int = 8,
    sg_rules: int = 6,
    acl_entries: int = 20,
    tgw_spokes: int = 0,
    seed: int = 0,
    regions: int = 1,
) -> dict[str, Any]:
    """A snapshot (docs/snapshot-format.md) of ``vpcs`` VPCs with ``subnets_per_vpc`` subnets each.

    VPCs are spread over ``regions`` regions in contiguous blocks; the first ``tgw_spokes`` VPCs
    after the first of the first region are spokes of a transit gateway whose hub is that first VPC.
    """
    if vpcs < 1 or subnets_per_vpc < 1 or not 1 <= regions <= len(REGIONS):
        raise ValueError("need vpcs >= 1, subnets_per_vpc >= 1, 1 <= regions <= 6")
    if acl_entries < 4 or security_groups < 1 or sg_rules < 0:
        raise ValueError("need acl_entries >= 4, security_groups >= 1, sg_rules >= 0")
    rng = random.Random(seed)
    account = f"{rng.randrange(10**11, 10**12):012d}"
    cidrs = _vpc_cidrs(vpcs, subnets_per_vpc)
    per_region = math.ceil(vpcs / regions)
    out: dict[str, Any] = {}
    for r in range(regions):
        indices = range(r * per_region, min(vpcs, (r + 1) * per_region))
        if not indices:
            continue
        spokes = min(tgw_spokes, len(indices) - 1) if r == 0 else 0
        builder = _Region(REGIONS[r], account, rng, security_groups, sg_rules, acl_entries)
        out[REGIONS[r]] = builder.build([(i, cidrs[i]) for i in indices], subnets_per_vpc, spokes)
    return {
        "snapshot_version": 1,
        "collected_at": "2026-01-15T09:30:00Z",
        "account_id": account,
        "regions": out,
    }


def _vpc_cidrs(vpcs: int, subnets_per_vpc: int) -> list[ipaddress.IPv4Network]:
    vpc_prefix = max(16, 8 + math.ceil(math.log2(vpcs)))
    if vpc_prefix + max(0, math.ceil(math.log2(subnets_per_vpc))) > 28:
        raise ValueError(f"{vpcs} VPCs of {subnets_per_vpc} subnets do not fit in 10.0.0.0/8 as /28s")
    return list(ipaddress.ip_network("10.0.0.0/8").subnets(new_prefix=vpc_prefix))[:vpcs]


class _Region(RegionItems):
    """How one region's VPCs are laid out and wired (which items exist and what points where)."""

    def build(self, vpcs: list[tuple[int, ipaddress.IPv4Network]], per_vpc: int, spokes: int) -> dict:
        self.prefix_lists()
        vpc_ids = {i: self.ids.new("vpc") for i, _ in vpcs}
        first_plain = spokes + 1 if spokes else 0  # the hub and its spokes peer with nobody
        pcx = {
            i: self.ids.new("pcx") for n, (i, _) in enumerate(vpcs[:-1]) if i % 5 == 0 and n >= first_plain
        }
        peer_of = {i: (vpcs[n + 1], p) for n, (i, _) in enumerate(vpcs) if (p := pcx.get(i))}
        tgw = self.ids.new("tgw") if spokes else None
        spoke_cidrs = [str(c) for _, c in vpcs[1 : spokes + 1]]
        attachments: dict[int, tuple[str, list[str]]] = {}
        for n, (i, cidr) in enumerate(vpcs):
            role = "hub" if tgw and n == 0 else "spoke" if tgw and n <= spokes else "plain"
            peer = peer_of.get(i)
            attach = self._vpc(i, vpc_ids[i], cidr, per_vpc, role, tgw, spoke_cidrs, peer)
            if attach:
                attachments[i] = attach
        for i, (peer, pcx_id) in peer_of.items():
            self.peering(pcx_id, vpc_ids[i], dict(vpcs)[i], vpc_ids[peer[0]], peer[1])
        if tgw:
            self.transit_gateway(tgw, vpcs, vpc_ids, attachments, spokes)
        return self.body

    # -- one VPC ----------------------------------------------------------------------------------
    def _vpc(self, index, vpc_id, cidr, per_vpc, role, tgw, spoke_cidrs, peer):
        b, ids, name = self.body, self.ids, f"app{index:04d}"
        b["Vpcs"].append(
            {
                "CidrBlock": str(cidr),
                "CidrBlockAssociationSet": [
                    {
                        "AssociationId": ids.new("vpc-cidr-assoc"),
                        "CidrBlock": str(cidr),
                        "CidrBlockState": {"State": "associated"},
                    }
                ],
                "DhcpOptionsId": ids.new("dopt"),
                "EnableDnsHostnames": True,
                "EnableDnsSupport": True,
                "InstanceTenancy": "default",
                "IsDefault": False,
                "OwnerId": self.account,
                "State": "available",
                "Tags": tags(name, Environment=("prod", "staging", "dev")[index % 3]),
                "VpcId": vpc_id,
            }
        )
        azs = self.azs[: min(3, per_vpc)]
        n_public = 0 if role == "spoke" else len(azs)
        subnets = self.subnets(vpc_id, name, cidr, per_vpc, azs, n_public)
        public, private = subnets[:n_public], subnets[n_public:]
        igw = nats = None
        if role != "spoke":
            igw = ids.new("igw")
            b["InternetGateways"].append(
                {
                    "Attachments": [{"State": "available", "VpcId": vpc_id}],
                    "InternetGatewayId": igw,
                    "OwnerId": self.account,
                    "Tags": tags(f"{name}-igw"),
                }
            )
            nats = [self.nat(vpc_id, name, s, z, _broken_nat(index, z)) for z, s in enumerate(public)]
        deleted_nat = (
            self.deleted_nat(vpc_id, public[0] if public else private[0]) if index % 4 == 1 else None
        )
        vpce = ids.new("vpce")
        local = route(str(cidr), "GatewayId", "local")
        s3 = route(self.s3_pl, "GatewayId", vpce)
        back = [route(c, "TransitGatewayId", tgw) for c in spoke_cidrs] if role == "hub" else []

        def default(z: int) -> Item:
            if role == "spoke":
                return route("0.0.0.0/0", "TransitGatewayId", tgw)
            return route("0.0.0.0/0", "NatGatewayId", nats[z % len(nats)])

        main_routes = [local, default(0)] if index % 2 == 0 and role != "spoke" else [local]
        main = self.rtb(vpc_id, f"{name}-main", main_routes, [], main=True)
        tables, on_main = [], []
        if public:
            igw_route = route("0.0.0.0/0", "GatewayId", igw)
            tables.append(self.rtb(vpc_id, f"{name}-public", [local, igw_route, s3, *back], public))
        az_tables = [
            self.rtb(vpc_id, f"{name}-private-{az}", [local, default(z), s3, *back], [])
            for z, az in enumerate(azs)
        ]
        for k, subnet in enumerate(private):
            z = self.azs.index(subnet["AvailabilityZone"])
            if k % MAIN_TABLE_EVERY == 5:
                on_main.append(subnet)
                continue  # left on the main route table
            if k % DEDICATED_EVERY == DEDICATED_EVERY - 1:
                routes = [local, default(z), s3]
                if deleted_nat and (k // DEDICATED_EVERY) % 5 == 2:
                    routes[1] = route("0.0.0.0/0", "NatGatewayId", deleted_nat, "blackhole")
                if peer:
                    routes.append(route(str(peer[0][1]), "VpcPeeringConnectionId", peer[1]))
                gone = f"192.168.{k % 256}.0/24"
                routes.append(route(gone, "VpcPeeringConnectionId", ids.new("pcx"), "blackhole"))
                tables.append(self.rtb(vpc_id, f"{name}-{subnet['SubnetId']}", routes, [subnet]))
            else:
                az_tables[z]["Associations"].append(self.assoc(az_tables[z]["RouteTableId"], subnet))
        b["RouteTables"] += [main, *tables, *az_tables]
        b["VpcEndpoints"].append(self.gateway_endpoint(vpce, vpc_id, [t["RouteTableId"] for t in az_tables]))
        groups = security_groups(self, vpc_id, name, cidr)
        if index % 3 == 0 and private:
            self.interface_endpoints(vpc_id, name, cidr, private[: len(azs)], groups[0])
        acls(self, vpc_id, name, cidr, public + on_main, deny_public=index % 9 == 4)
        if role in ("hub", "spoke"):
            return vpc_id, [s["SubnetId"] for s in private[: len(azs)]]
        return None


def _broken_nat(index: int, zone: int) -> str | None:
    """Every seventh VPC's third NAT gateway failed; every eleventh's is a private NAT gateway."""
    if zone != 2:
        return None
    return "failed" if index % 7 == 3 else "private" if index % 11 == 5 else None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic snapshot.")
    parser.add_argument("--subnets", type=int, required=True, help="total subnets (rounded to whole VPCs)")
    parser.add_argument("--per-vpc", type=int, default=200, help="subnets per VPC (default 200)")
    parser.add_argument("--security-groups", type=int, default=8, help="security groups per VPC")
    parser.add_argument("--sg-rules", type=int, default=6, help="egress rules per security group")
    parser.add_argument("--acl-entries", type=int, default=20, help="entries of each custom network ACL")
    parser.add_argument("--tgw-spokes", type=int, default=0, help="VPCs routed through a transit gateway")
    parser.add_argument("--regions", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", "-o", type=Path, required=True)
    args = parser.parse_args(argv)
    vpcs = max(1, math.ceil(args.subnets / args.per_vpc))
    per_vpc = max(1, args.subnets // vpcs)
    data = generate(
        vpcs, per_vpc, args.security_groups, args.sg_rules, args.acl_entries, args.tgw_spokes, args.seed,
        args.regions,
    )  # fmt: skip
    from fargate_netcheck.snapshot.store import write_snapshot  # the same file format as `scan` writes

    write_snapshot(data, args.output)
    size = args.output.stat().st_size
    print(f"wrote {args.output}: {vpcs} VPCs x {per_vpc} subnets = {vpcs * per_vpc}, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
