"""AWS-shaped items for synthetic snapshots: what each Describe* item looks like (field names and
shapes of the real API responses). ``benchmarks/synth.py`` decides how many and how they connect."""

from __future__ import annotations

import ipaddress
import math
import random
from typing import Any

Item = dict[str, Any]
KINDS = (
    "Vpcs", "Subnets", "RouteTables", "InternetGateways", "NatGateways", "EgressOnlyInternetGateways",
    "SecurityGroups", "NetworkAcls", "VpcEndpoints", "ManagedPrefixLists", "VpcPeeringConnections",
    "NetworkInterfaces", "TransitGateways", "TransitGatewayAttachments", "TransitGatewayVpcAttachments",
    "TransitGatewayRouteTables",
)  # fmt: skip
S3_CIDRS = ("3.5.0.0/19", "16.182.0.0/16", "52.216.0.0/15", "54.231.0.0/16")
CORP_CIDRS = ("203.0.113.0/24", "198.51.100.0/25", "192.0.2.0/26")
CREATED = "2025-06-01T12:00:00+00:00"


class Ids:
    """AWS-shaped ids (prefix + 17 hex digits), unique: a bijection of a counter mod 2**68."""

    def __init__(self, rng: random.Random) -> None:
        self.salt = rng.getrandbits(68)
        self.n = 0

    def new(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}-{(self.n * 0x9E3779B97F4A7C15 + self.salt) % (1 << 68):017x}"


def tags(name: str, **extra: str) -> list[Item]:
    return [{"Key": "Name", "Value": name}, *({"Key": k, "Value": v} for k, v in extra.items())]


def route(dest: str, target_field: str, target: str, state: str = "active", **extra: Any) -> Item:
    key = "DestinationPrefixListId" if dest.startswith("pl-") else "DestinationCidrBlock"
    origin = "CreateRouteTable" if target == "local" else "CreateRoute"
    return {key: dest, target_field: target, "Origin": origin, "State": state, **extra}


class RegionItems:
    """One region's items, built into ``body`` (kind -> list of items)."""

    def __init__(self, region: str, account: str, rng: random.Random, sgs: int, sg_rules: int, acl: int):
        self.region, self.account, self.rng = region, account, rng
        self.ids = Ids(rng)
        self.sgs, self.sg_rules, self.acl_entries = sgs, sg_rules, acl
        self.body: dict[str, list[Item]] = {kind: [] for kind in KINDS}
        self.vpc_subnets: list[Item] = []
        self.azs = [f"{region}{s}" for s in "abc"]
        self.s3_pl = self.ids.new("pl")
        self.corp_pl = self.ids.new("pl")
        self.eips = int(ipaddress.ip_address("3.80.0.0")) + rng.randrange(1 << 16)
        parts = region.split("-")
        self.az_id_prefix = f"{parts[0]}{parts[1][0]}{parts[2]}"

    def arn(self, kind: str, rid: str) -> str:
        return f"arn:aws:ec2:{self.region}:{self.account}:{kind}/{rid}"

    def subnets(self, vpc_id, name, cidr, per_vpc, azs, n_public) -> list[Item]:
        prefix = cidr.prefixlen + max(0, math.ceil(math.log2(per_vpc)))
        size = 1 << (32 - prefix)
        base = int(cidr.network_address)
        out = []
        for k in range(per_vpc):
            public = k < n_public
            az = azs[k % len(azs)]
            sid = self.ids.new("subnet")
            tier = "public" if public else "private"
            extra = {"Tier": tier}
            if k % 17 == 5:
                extra["Owner"] = f"team{k % 7}@example.com"
            out.append(
                {
                    "AssignIpv6AddressOnCreation": False,
                    "AvailabilityZone": az,
                    "AvailabilityZoneId": f"{self.az_id_prefix}-az{'abc'.index(az[-1]) + 1}",
                    "AvailableIpAddressCount": max(0, size - 5 - self.rng.randrange(size // 2 + 1)),
                    "CidrBlock": f"{ipaddress.IPv4Address(base + k * size)}/{prefix}",
                    "DefaultForAz": False,
                    "EnableDns64": False,
                    "Ipv6CidrBlockAssociationSet": [],
                    "Ipv6Native": False,
                    "MapCustomerOwnedIpOnLaunch": False,
                    "MapPublicIpOnLaunch": public,
                    "OwnerId": self.account,
                    "PrivateDnsNameOptionsOnLaunch": {
                        "EnableResourceNameDnsAAAARecord": False,
                        "EnableResourceNameDnsARecord": False,
                        "HostnameType": "ip-name",
                    },
                    "State": "available",
                    "SubnetArn": self.arn("subnet", sid),
                    "SubnetId": sid,
                    "Tags": tags(f"{name}-{tier}-{az}-{k}", **extra),
                    "VpcId": vpc_id,
                }
            )
        self.body["Subnets"] += out
        self.vpc_subnets = out
        return out

    def assoc(self, rtb_id: str, subnet: Item) -> Item:
        return {
            "AssociationState": {"State": "associated"},
            "Main": False,
            "RouteTableAssociationId": self.ids.new("rtbassoc"),
            "RouteTableId": rtb_id,
            "SubnetId": subnet["SubnetId"],
        }

    def rtb(self, vpc_id, name, routes, subnets, main=False) -> Item:
        rtb_id = self.ids.new("rtb")
        assocs = [self.assoc(rtb_id, s) for s in subnets]
        if main:
            assocs.append(
                {
                    "AssociationState": {"State": "associated"},
                    "Main": True,
                    "RouteTableAssociationId": self.ids.new("rtbassoc"),
                    "RouteTableId": rtb_id,
                }
            )
        return {
            "Associations": assocs,
            "OwnerId": self.account,
            "PropagatingVgws": [],
            "RouteTableId": rtb_id,
            "Routes": [dict(r) for r in routes],
            "Tags": tags(name),
            "VpcId": vpc_id,
        }

    def nat(self, vpc_id, name, subnet, zone, broken: str | None = None) -> str:
        nat_id, eni = self.ids.new("nat"), self.ids.new("eni")
        private_ip = str(ipaddress.ip_network(subnet["CidrBlock"]).network_address + 4 + zone)
        self.eips += 1
        public_ip = str(ipaddress.IPv4Address(self.eips))
        item: Item = {
            "ConnectivityType": "public",
            "CreateTime": CREATED,
            "NatGatewayAddresses": [
                {
                    "AllocationId": self.ids.new("eipalloc"),
                    "AssociationId": self.ids.new("eipassoc"),
                    "IsPrimary": True,
                    "NetworkInterfaceId": eni,
                    "PrivateIp": private_ip,
                    "PublicIp": public_ip,
                    "Status": "succeeded",
                }
            ],
            "NatGatewayId": nat_id,
            "State": "available",
            "SubnetId": subnet["SubnetId"],
            "Tags": tags(f"{name}-nat-{subnet['AvailabilityZone']}"),
            "VpcId": vpc_id,
        }
        if broken == "failed":
            item["State"] = "failed"
            item["FailureCode"] = "Gateway.NotAttached"
            item["FailureMessage"] = f"Network {vpc_id} has no Internet gateway attached"
        elif broken == "private":
            item["ConnectivityType"] = "private"
            del item["NatGatewayAddresses"][0]["PublicIp"]
        self.body["NatGateways"].append(item)
        self.eni(eni, subnet, vpc_id, "nat_gateway", f"Interface for NAT Gateway {nat_id}", private_ip)
        return nat_id

    def deleted_nat(self, vpc_id: str, subnet: Item) -> str:
        nat_id = self.ids.new("nat")
        self.body["NatGateways"].append(
            {
                "ConnectivityType": "public",
                "CreateTime": CREATED,
                "DeleteTime": "2025-09-01T08:00:00+00:00",
                "NatGatewayAddresses": [],
                "NatGatewayId": nat_id,
                "State": "deleted",
                "SubnetId": subnet["SubnetId"],
                "VpcId": vpc_id,
            }
        )
        return nat_id

    def eni(self, eni, subnet, vpc_id, kind, description, ip, groups=()) -> None:
        self.body["NetworkInterfaces"].append(
            {
                "AvailabilityZone": subnet["AvailabilityZone"],
                "Description": description,
                "Groups": [{"GroupId": g} for g in groups],
                "InterfaceType": kind,
                "NetworkInterfaceId": eni,
                "OwnerId": self.account,
                "PrivateIpAddress": ip,
                "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}],
                "RequesterManaged": True,
                "SourceDestCheck": False,
                "Status": "in-use",
                "SubnetId": subnet["SubnetId"],
                "TagSet": [],
                "VpcId": vpc_id,
            }
        )

    # -- endpoints, prefix lists, peering, transit gateway ------------------------------------------
    def gateway_endpoint(self, vpce, vpc_id, rtb_ids) -> Item:
        return {
            "CreationTimestamp": CREATED,
            "DnsEntries": [],
            "Groups": [],
            "NetworkInterfaceIds": [],
            "OwnerId": self.account,
            "PolicyDocument": '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*",'
            '"Action":"*","Resource":"*"}]}',
            "PrivateDnsEnabled": False,
            "RequesterManaged": False,
            "RouteTableIds": rtb_ids,
            "ServiceName": f"com.amazonaws.{self.region}.s3",
            "State": "available",
            "SubnetIds": [],
            "Tags": [],
            "VpcEndpointId": vpce,
            "VpcEndpointType": "Gateway",
            "VpcId": vpc_id,
        }

    def interface_endpoints(self, vpc_id, name, cidr, subnets, group) -> None:
        for service in ("ecr.api", "ecr.dkr", "logs"):
            vpce = self.ids.new("vpce")
            enis = [self.ids.new("eni") for _ in subnets]
            for n, (eni, subnet) in enumerate(zip(enis, subnets, strict=True)):
                ip = str(ipaddress.ip_network(subnet["CidrBlock"]).network_address + 10 + n)
                self.eni(eni, subnet, vpc_id, "vpc_endpoint", f"VPC Endpoint Interface {vpce}", ip, [group])
            self.body["VpcEndpoints"].append(
                {
                    "CreationTimestamp": CREATED,
                    "DnsEntries": [{"DnsName": f"{vpce}.{service}.{self.region}.vpce.amazonaws.com"}],
                    "DnsOptions": {"DnsRecordIpType": "ipv4"},
                    "Groups": [{"GroupId": group, "GroupName": "default"}],
                    "IpAddressType": "ipv4",
                    "NetworkInterfaceIds": enis,
                    "OwnerId": self.account,
                    "PrivateDnsEnabled": True,
                    "RequesterManaged": False,
                    "RouteTableIds": [],
                    "ServiceName": f"com.amazonaws.{self.region}.{service}",
                    "State": "available",
                    "SubnetIds": [s["SubnetId"] for s in subnets],
                    "Tags": tags(f"{name}-{service}"),
                    "VpcEndpointId": vpce,
                    "VpcEndpointType": "Interface",
                    "VpcId": vpc_id,
                }
            )

    def prefix_lists(self) -> None:
        for pl_id, pl_name, owner, cidrs in (
            (self.s3_pl, f"com.amazonaws.{self.region}.s3", "AWS", S3_CIDRS),
            (self.corp_pl, "corp-partners", self.account, CORP_CIDRS),
        ):
            self.body["ManagedPrefixLists"].append(
                {
                    "AddressFamily": "IPv4",
                    "Entries": [{"Cidr": c} for c in cidrs],
                    "MaxEntries": 10,
                    "OwnerId": owner,
                    "PrefixListArn": f"arn:aws:ec2:{self.region}:{owner.lower()}:prefix-list/{pl_id}",
                    "PrefixListId": pl_id,
                    "PrefixListName": pl_name,
                    "State": "create-complete",
                    "Tags": [],
                    "Version": 3,
                }
            )

    def peering(self, pcx_id, vpc_id, cidr, peer_vpc, peer_cidr) -> None:
        def side(v: str, c: Any) -> Item:
            return {"CidrBlock": str(c), "CidrBlockSet": [{"CidrBlock": str(c)}], "OwnerId": self.account,
                    "Region": self.region, "VpcId": v}  # fmt: skip

        self.body["VpcPeeringConnections"].append(
            {
                "AccepterVpcInfo": side(peer_vpc, peer_cidr),
                "RequesterVpcInfo": side(vpc_id, cidr),
                "Status": {"Code": "active", "Message": "Active"},
                "Tags": tags(f"{vpc_id}-to-{peer_vpc}"),
                "VpcPeeringConnectionId": pcx_id,
            }
        )

    def transit_gateway(self, tgw, vpcs, vpc_ids, attachments, spokes) -> None:
        b = self.body
        hub_rtb, spoke_rtb = self.ids.new("tgw-rtb"), self.ids.new("tgw-rtb")
        att_of = {i: self.ids.new("tgw-attach") for i in attachments}
        b["TransitGateways"].append(
            {
                "Options": {"AmazonSideAsn": 64512, "AssociationDefaultRouteTableId": spoke_rtb},
                "OwnerId": self.account,
                "State": "available",
                "Tags": tags("egress-tgw"),
                "TransitGatewayArn": f"arn:aws:ec2:{self.region}:{self.account}:transit-gateway/{tgw}",
                "TransitGatewayId": tgw,
            }
        )
        hub_index = vpcs[0][0]
        for i, (vpc_id, subnet_ids) in attachments.items():
            rtb = hub_rtb if i == hub_index else spoke_rtb
            common = {"State": "available", "Tags": tags(f"attach-{vpc_id}"), "TransitGatewayId": tgw,
                      "TransitGatewayAttachmentId": att_of[i]}  # fmt: skip
            b["TransitGatewayAttachments"].append(
                {
                    **common,
                    "Association": {"State": "associated", "TransitGatewayRouteTableId": rtb},
                    "ResourceId": vpc_id,
                    "ResourceOwnerId": self.account,
                    "ResourceType": "vpc",
                    "TransitGatewayOwnerId": self.account,
                }
            )
            b["TransitGatewayVpcAttachments"].append(
                {**common, "SubnetIds": subnet_ids, "VpcId": vpc_id, "VpcOwnerId": self.account}
            )

        def attachment(i: int) -> Item:
            return {"ResourceId": vpc_ids[i], "ResourceType": "vpc", "TransitGatewayAttachmentId": att_of[i]}

        def assoc(i: int) -> Item:
            return {**attachment(i), "State": "associated"}

        spoke_indices = [i for i, _ in vpcs[1 : spokes + 1]]
        cidr_of = dict(vpcs)
        for rtb, members, routes in (
            (
                spoke_rtb,
                spoke_indices,
                [
                    {
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "State": "active",
                        "Type": "static",
                        "TransitGatewayAttachments": [attachment(hub_index)],
                    }
                ],
            ),
            (
                hub_rtb,
                [hub_index],
                [
                    {
                        "DestinationCidrBlock": str(cidr_of[i]),
                        "State": "active",
                        "Type": "propagated",
                        "TransitGatewayAttachments": [attachment(i)],
                    }
                    for i in spoke_indices
                ],
            ),
        ):
            b["TransitGatewayRouteTables"].append(
                {
                    "Associations": [assoc(i) for i in members],
                    "CreationTime": CREATED,
                    "DefaultAssociationRouteTable": rtb == spoke_rtb,
                    "DefaultPropagationRouteTable": rtb == spoke_rtb,
                    "Routes": routes,
                    "State": "available",
                    "Tags": [],
                    "TransitGatewayId": tgw,
                    "TransitGatewayRouteTableId": rtb,
                }
            )
