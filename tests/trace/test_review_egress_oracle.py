"""The whole internet-egress verdict against a brute-force oracle, on random small VPCs.

The component oracles (test_partition.py: route choice; test_acl_evaluation.py: one ACL) check the
parts; this checks the path end to end. The oracle reads the snapshot's AWS shapes and decides from
AWS's documented behaviour and DESIGN.md "The egress model", never from product code:

- the destination ("the internet", TCP 443) is cut into elementary address intervals at every CIDR
  boundary in the world and at the edges of the non-global blocks; inside one interval every route,
  ACL entry and security group rule treats every address alike, so one address decides it;
- route table: the subnet's explicit association, else the VPC's main table; longest prefix wins;
  a blackhole route, a target that does not exist, ``local`` or no route: blocked;
- internet gateway: attached to the VPC (attachment ``available``/``attached``) and the task has a
  public IP; NAT gateway: ``available``, public (absent ``ConnectivityType`` is public), and the NAT
  subnet's own table sends the address to an attached internet gateway (the NAT has its own address);
  a regional NAT gateway (automatic mode: it serves every AZ) sits in no subnet, so its own route
  table (``RouteTableId``) must send the address to an attached internet gateway, and no NAT subnet
  ACL applies;
- security group egress allows TCP 443 to the address (stateful: the reply needs nothing);
- network ACLs, stateless, lowest number first, first match decides, the ``*`` entry denies:
  the task subnet lets the request out (address, 443) and the reply in (from the address to the
  task's ephemeral port); on the NAT path the NAT subnet lets the request in from the task (source:
  the task's address, 443) and out to the address, the reply in from the address to the NAT's port
  (AWS: "NAT gateway uses ports 1024-65535") and out to the task's address and ephemeral port.

What AWS does not fix is free: the task's private address (anywhere in its subnet), the task's
ephemeral port (the OS picks; AWS's NACL guide: Linux 32768-61000, Windows 49152-65535, "to cover
the different types of clients ... open ephemeral ports 1024-65535"; README: 1024-65535) and the
NAT's source port (1024-65535). Each interval is *reached* when every choice works, *blocked* when
none does, *open* (depends on the choice) otherwise. The verdict AWS guarantees: every interval
reached: reachable; every one blocked: unreachable; anything else: unknown (DESIGN.md "some:
unknown"). The product must never say reachable unless every interval is reached, nor unreachable
when one is."""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass
from typing import Any

from hypothesis import event, example, given, note, settings
from hypothesis import strategies as st
from snapshots import acl_entries, trace, with_name_resolution

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.trace.destination import NOT_INTERNET_V4

VPC = "vpc-app"
TASK_SUBNET, TASK_CIDR = "subnet-task", "10.0.1.0/24"
NAT_SUBNET, NAT_CIDR = "subnet-nat", "10.0.0.0/24"
TASK_PORTS = (1024, 65535)  # the task's ephemeral port: its OS picks (README: 1024-65535)
NAT_PORTS = (1024, 65535)  # AWS: "NAT gateway uses ports 1024-65535"
HTTPS = 443

# The non-global IPv4 blocks (IANA special-purpose registry): never "the internet". Data, not logic:
# the product's own list, so the oracle decides the same question.
NOT_INTERNET = NOT_INTERNET_V4

# Overlapping blocks: halves of the space, AWS-ish /8s and their insides, and non-internet blocks.
ROUTE_CIDRS = [
    "0.0.0.0/0", "0.0.0.0/1", "128.0.0.0/1", "52.0.0.0/8", "52.94.0.0/16", "52.94.76.0/22",
    "3.0.0.0/8", "54.0.0.0/7", "8.8.8.0/24", "192.168.0.0/16", "10.0.0.0/8", "100.64.0.0/10",
]  # fmt: skip
# Filters also meet the VPC's own blocks (the NAT subnet's ACL sees the task's address).
FILTER_CIDRS = [*ROUTE_CIDRS, "10.0.0.0/16", TASK_CIDR, "10.0.1.128/25", NAT_CIDR]
# What hardening guides allow for replies: AWS's "1024-65535", or one OS's range.
REPLY_RANGES = [(32768, 65535), (32768, 60999), (49152, 65535), (1024, 32767), (0, 65535)]
PORT_RANGES = [
    (443, 443), (0, 65535), (80, 443), (443, 1024), (444, 1023), (1024, 65535), (32768, 65535),
    (1024, 32767), (32768, 60999), (49152, 65535), (0, 442), (1024, 1024),
]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The oracle: AWS shapes in, one outcome per elementary interval out. No product code.

REACHED, BLOCKED, OPEN = "reached", "blocked", "open"
# Blocked by ACL legs that each pass for some task address or port, but never all for the same one.
JOINTLY = "ACL legs only together (no task address and port passes them all)"


def _net(cidr: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(cidr)


def _contains(cidr: str, address: int) -> bool:
    net = _net(cidr)
    return int(net.network_address) <= address <= int(net.broadcast_address)


def _cuts(cidrs: list[str]) -> set[int]:
    out: set[int] = set()
    for cidr in cidrs:
        net = _net(cidr)
        out |= {int(net.network_address), int(net.broadcast_address) + 1}
    return out


def _starts(lo: int, hi: int, cuts: set[int]) -> list[tuple[int, int]]:
    """[lo, hi] cut at ``cuts``: the elementary intervals, as (first, last)."""
    points = sorted({lo} | {c for c in cuts if lo < c <= hi})
    return [(p, (points[i + 1] - 1) if i + 1 < len(points) else hi) for i, p in enumerate(points)]


def _is_internet(address: int) -> bool:
    return not any(_contains(cidr, address) for cidr in NOT_INTERNET)


def _table_of(region: dict[str, Any], subnet: str) -> dict[str, Any]:
    """Explicit association, else the main table of the subnet's VPC."""
    vpc = next(s["VpcId"] for s in region["Subnets"] if s["SubnetId"] == subnet)
    tables = [t for t in region["RouteTables"] if t["VpcId"] == vpc]
    for table in tables:
        if any(a.get("SubnetId") == subnet for a in table["Associations"]):
            return table
    return next(t for t in tables if any(a.get("Main") for a in t["Associations"]))


def _longest(table: dict[str, Any], address: int) -> dict[str, Any] | None:
    matching = [r for r in table["Routes"] if _contains(r["DestinationCidrBlock"], address)]
    return max(matching, key=lambda r: _net(r["DestinationCidrBlock"]).prefixlen, default=None)


def _attached_igw(region: dict[str, Any], route: dict[str, Any] | None, vpc: str) -> bool:
    if route is None or route.get("State", "active") != "active":
        return False
    gateway = route.get("GatewayId", "")
    if not gateway.startswith("igw-"):
        return False
    igw = next((g for g in region["InternetGateways"] if g["InternetGatewayId"] == gateway), None)
    return igw is not None and any(
        a["VpcId"] == vpc and a["State"] in ("available", "attached") for a in igw["Attachments"]
    )


def _sg_allows(groups: list[dict[str, Any]], address: int, port: int) -> bool:
    for group in groups:
        for rule in group["IpPermissionsEgress"]:
            protocol = rule["IpProtocol"]
            covers = protocol == "-1" or (
                protocol in ("tcp", "6") and rule["FromPort"] <= port <= rule["ToPort"]
            )
            if covers and any(_contains(r["CidrIp"], address) for r in rule.get("IpRanges", [])):
                return True
    return False


def _acl_of(region: dict[str, Any], subnet: str) -> dict[str, Any]:
    return next(a for a in region["NetworkAcls"] if any(x["SubnetId"] == subnet for x in a["Associations"]))


def _acl_allows(acl: dict[str, Any], egress: bool, peer: int, port: int) -> bool:
    """TCP to (egress) or from (ingress) ``peer`` on destination ``port``: first match decides."""
    for entry in sorted((e for e in acl["Entries"] if e["Egress"] is egress), key=lambda e: e["RuleNumber"]):
        protocol = entry["Protocol"]
        if protocol not in ("-1", "6") or not _contains(entry["CidrBlock"], peer):
            continue
        if protocol == "6" and not entry["PortRange"]["From"] <= port <= entry["PortRange"]["To"]:
            continue
        return entry["RuleAction"] == "allow"
    return False  # the * entry


def _port_cuts(*acls: dict[str, Any]) -> set[int]:
    return {
        edge
        for acl in acls
        for e in acl["Entries"]
        if "PortRange" in e
        for edge in (e["PortRange"]["From"], e["PortRange"]["To"] + 1)
    }


@dataclass(frozen=True)
class Interval:
    first: int
    last: int
    outcome: str
    why: str

    def __str__(self) -> str:
        return f"{ipaddress.IPv4Address(self.first)}-{ipaddress.IPv4Address(self.last)}: {self.outcome} ({self.why})"


def oracle(region: dict[str, Any], subnet: str, group_ids: tuple[str, ...], public: bool) -> list[Interval]:
    """Every elementary interval of the internet and its outcome for TCP 443 from a task in ``subnet``."""
    vpc = next(s["VpcId"] for s in region["Subnets"] if s["SubnetId"] == subnet)
    task_range = _net(next(s["CidrBlock"] for s in region["Subnets"] if s["SubnetId"] == subnet))
    groups = [g for g in region["SecurityGroups"] if g["GroupId"] in group_ids]
    cidrs = list(NOT_INTERNET)
    cidrs += [r["DestinationCidrBlock"] for t in region["RouteTables"] for r in t["Routes"]]
    cidrs += [e["CidrBlock"] for a in region["NetworkAcls"] for e in a["Entries"]]
    cidrs += [r["CidrIp"] for g in groups for p in g["IpPermissionsEgress"] for r in p.get("IpRanges", [])]
    table = _table_of(region, subnet)
    task_acl = _acl_of(region, subnet)
    out = []
    for first, last in _starts(0, 2**32 - 1, _cuts(cidrs)):
        if not _is_internet(first):
            continue
        outcome, why = _decide(region, vpc, table, task_acl, task_range, groups, public, first)
        out.append(Interval(first, last, outcome, why))
    return out


def _decide(region, vpc, table, task_acl, task_range, groups, public, address) -> tuple[str, str]:
    route = _longest(table, address)
    if route is None:
        return BLOCKED, "no route"
    if route.get("State", "active") == "blackhole":
        return BLOCKED, "blackhole"
    nat_acl, undocumented = None, ""
    if route.get("GatewayId", "").startswith("igw-"):
        if not _attached_igw(region, route, vpc):
            return BLOCKED, f"{route['GatewayId']} missing or not attached"
        if not public:
            return BLOCKED, "internet gateway, no public IP"
    elif "NatGatewayId" in route:
        nat = next((n for n in region["NatGateways"] if n["NatGatewayId"] == route["NatGatewayId"]), None)
        if nat is None or nat["State"] != "available":
            return BLOCKED, "NAT missing or not available"
        if nat.get("ConnectivityType", "public") != "public":
            return BLOCKED, "private NAT"
        regional = nat.get("AvailabilityMode") == "regional"  # no subnet: its own table, no ACL
        if regional:
            nat_table = next(t for t in region["RouteTables"] if t["RouteTableId"] == nat["RouteTableId"])
        else:
            nat_table = _table_of(region, nat["SubnetId"])
        onward = _longest(nat_table, address)
        if (
            regional
            and onward is not None
            and onward.get("State", "active") == "active"
            and any(n["NatGatewayId"] == onward.get("NatGatewayId") for n in region["NatGateways"])
        ):
            # AWS documents a regional NAT gateway's table leading to an internet gateway, not on to
            # a NAT gateway (a zonal one's subnet doing that is "a NAT in a private subnet"): open,
            # unless a filter blocks it anyway
            undocumented = "regional NAT's table sends it to a NAT gateway: not documented"
        elif not _attached_igw(region, onward, vpc):
            return BLOCKED, "NAT's route table does not route to an attached internet gateway"
        for start, _ in _starts(int(task_range.network_address), int(task_range.broadcast_address), set()):
            back = _longest(nat_table, start)
            assert back is not None and back.get("GatewayId") == "local", "the generator keeps replies local"
        nat_acl = None if regional else _acl_of(region, nat["SubnetId"])
    else:
        return BLOCKED, f"route to {route.get('GatewayId')}"
    if not _sg_allows(groups, address, HTTPS):
        return BLOCKED, "security group: request out"
    outcome, why = _acls(task_acl, nat_acl, task_range, address)
    return (OPEN, undocumented) if undocumented and outcome != BLOCKED else (outcome, why)


def _acls(task_acl, nat_acl, task_range, address) -> tuple[str, str]:
    """The ACL legs over every free choice: the task's address t, its ephemeral port p, the NAT's
    port q. A leg that fails for every choice blocks on its own (named); legs that each pass for
    some choice may still fail together (the task leg and the reply share t and p)."""
    ports = [lo for lo, _ in _starts(*TASK_PORTS, _port_cuts(task_acl, *([nat_acl] if nat_acl else [])))]
    legs: dict[str, list[bool]] = {
        "task ACL: request out": [_acl_allows(task_acl, True, address, HTTPS)],
        "task ACL: reply in": [_acl_allows(task_acl, False, address, p) for p in ports],
    }
    joint = legs["task ACL: reply in"]
    if nat_acl is not None:
        lo, hi = int(task_range.network_address), int(task_range.broadcast_address)
        task_addresses = [t for t, _ in _starts(lo, hi, _cuts([e["CidrBlock"] for e in nat_acl["Entries"]]))]
        nat_ports = [q for q, _ in _starts(*NAT_PORTS, _port_cuts(nat_acl))]
        legs["NAT ACL: request in from the task"] = [
            _acl_allows(nat_acl, False, t, HTTPS) for t in task_addresses
        ]
        legs["NAT ACL: request out"] = [_acl_allows(nat_acl, True, address, HTTPS)]
        legs["NAT ACL: reply in"] = [_acl_allows(nat_acl, False, address, q) for q in nat_ports]
        legs["NAT ACL: reply out to the task"] = [
            _acl_allows(nat_acl, True, t, p) for t in task_addresses for p in ports
        ]
        joint = [
            _acl_allows(task_acl, False, address, p)
            and _acl_allows(nat_acl, True, t, p)
            and _acl_allows(nat_acl, False, t, HTTPS)
            for t in task_addresses
            for p in ports
        ]
    alone = [name for name, passes in legs.items() if not any(passes)]
    if alone:
        return BLOCKED, ", ".join(alone)
    if not any(joint):
        return BLOCKED, JOINTLY
    partial = [name for name, passes in legs.items() if not all(passes)]
    if partial or not all(joint):
        return OPEN, "depends on the task's address or port: " + ", ".join(partial)
    return REACHED, "via NAT" if nat_acl else "via internet gateway"


def expected(intervals: list[Interval]) -> Verdict:
    outcomes = {i.outcome for i in intervals}
    if outcomes == {REACHED}:
        return Verdict.REACHABLE
    if outcomes == {BLOCKED}:
        return Verdict.UNREACHABLE
    return Verdict.UNKNOWN


# ---------------------------------------------------------------------------------------------
# The world: one VPC, a task subnet and a NAT subnet, written as a snapshot by hand.

cidr_routes = st.sampled_from(ROUTE_CIDRS)
filter_cidrs = st.sampled_from(FILTER_CIDRS)


@st.composite
def route_lists(draw, usual: str) -> list[dict[str, Any]]:
    """Up to 4 random routes (and mostly a default one), most to ``usual``, some to the other
    gateway, a gone one, or blackholed."""
    chosen = draw(st.lists(cidr_routes, max_size=4, unique=True))
    if "0.0.0.0/0" not in chosen and draw(st.integers(0, 3)) < 3:  # most tables have a default route
        chosen.insert(0, "0.0.0.0/0")
    routes = [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}]
    for cidr in chosen:
        other = "nat" if usual == "igw" else "igw"
        target = draw(st.sampled_from([usual] * 12 + [other] * 3 + ["igw-gone", "nat-gone"]))
        route: dict[str, Any] = {"DestinationCidrBlock": cidr, "State": "active"}
        if target.startswith("igw"):
            route["GatewayId"] = "igw-app" if target == "igw" else target
        else:
            route["NatGatewayId"] = "nat-app" if target == "nat" else target
        if target in ("igw-gone", "nat-gone") or draw(st.integers(0, 14)) == 14:
            # a gone target shows either way
            route["State"] = "blackhole" if draw(st.booleans()) else "active"
        if route["State"] == "active" and draw(st.integers(0, 9)) == 9:
            del route["State"]  # absent: active
        routes.append(route)
    return routes


@st.composite
def acl_entry_lists(draw) -> list[dict[str, Any]]:
    """An allow-all ACL (as the default one), or a tight one (TCP 443 and a reply-port range each
    way, as hardening guides write them), with up to 4 random entries before, among or after them."""
    entries = []
    if draw(st.sampled_from(["open", "tight"])) == "open":
        for egress in (True, False):
            if draw(st.integers(0, 9)) < 9:
                entries.append(
                    _acl_entry(draw(st.integers(1, 300)), egress, "allow", "0.0.0.0/0", "-1", None)
                )
    else:
        for egress in (True, False):
            for ports in (
                (HTTPS, HTTPS),
                draw(st.sampled_from([(1024, 65535), *REPLY_RANGES, *PORT_RANGES])),
            ):
                cidr = draw(st.sampled_from(["0.0.0.0/0"] * 20 + FILTER_CIDRS))
                entries.append(_acl_entry(draw(st.integers(1, 300)), egress, "allow", cidr, "6", ports))
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3, 4]))):
        protocol = draw(st.sampled_from(["-1", "6", "6", "17"]))
        ports = draw(st.sampled_from(PORT_RANGES))
        if protocol == "-1" and draw(st.integers(0, 4)) < 4:
            ports = None  # all traffic has no port range (one given anyway is ignored, as AWS does)
        number, egress = draw(st.integers(1, 300)), draw(st.booleans())
        action, cidr = draw(st.sampled_from(["allow", "deny"])), draw(filter_cidrs)
        entries.append(_acl_entry(number, egress, action, cidr, protocol, ports))
    unique: dict[tuple[int, bool], dict[str, Any]] = {}
    for entry in entries:
        unique.setdefault((entry["RuleNumber"], entry["Egress"]), entry)  # AWS: one entry per number
    out = list(unique.values())
    out += [_acl_entry(32767, egress, "deny", "0.0.0.0/0", "-1", None) for egress in (True, False)]
    return out


def _acl_entry(number, egress, action, cidr, protocol, ports) -> dict[str, Any]:
    return acl_entries((number, egress, action, cidr, protocol, ports))[0]


@st.composite
def sg_rules(draw, open_chance: int) -> list[dict[str, Any]]:
    """All egress (as AWS creates a group) ``open_chance`` in 5, then up to 3 random rules, some
    naming only another group (which never covers the internet)."""
    rules = []
    if draw(st.integers(0, 4)) < open_chance:
        rules.append({"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})
    for _ in range(draw(st.integers(0, 3))):
        protocol = draw(st.sampled_from(["-1", "tcp", "tcp", "udp"]))
        cidrs = draw(st.lists(filter_cidrs, min_size=1, max_size=2, unique=True))
        rule: dict[str, Any] = {"IpProtocol": protocol, "IpRanges": [{"CidrIp": c} for c in cidrs]}
        if draw(st.integers(0, 5)) == 5:
            rule["IpRanges"], rule["UserIdGroupPairs"] = [], [{"GroupId": "sg-task"}]
        if protocol != "-1":
            rule["FromPort"], rule["ToPort"] = draw(
                st.sampled_from([*PORT_RANGES[:5], (1, 442), (444, 8443)])
            )
        rules.append(rule)
    return rules


@st.composite
def worlds(draw) -> tuple[dict[str, Any], bool, tuple[str, ...]]:
    igw_state = draw(
        st.sampled_from(
            ["available"] * 10 + ["attached", "attaching", "detaching", "detached", "other VPC", None]
        )
    )
    nat: dict[str, Any] = {
        "NatGatewayId": "nat-app",
        "SubnetId": NAT_SUBNET,
        "VpcId": VPC,
        "State": draw(st.sampled_from(["available"] * 12 + ["pending", "failed", "deleting", "deleted"])),
    }
    connectivity = draw(st.sampled_from(["public", None, None, None, None, None, "private"]))
    if connectivity is not None:
        nat["ConnectivityType"] = connectivity
    # each subnet: its own table, or the main one; or one table for both
    task_table = draw(st.sampled_from(["own"] * 6 + ["main"] * 2 + ["shared"]))
    nat_table = draw(st.sampled_from(["own"] * 3 + ["main"])) if task_table != "shared" else "own"
    tables = [_table("rtb-main", [{"Main": True}], draw(route_lists(draw(st.sampled_from(["igw", "nat"])))))]
    if task_table == "own":
        task_routes = draw(route_lists(draw(st.sampled_from(["igw", "nat"]))))
        tables.append(_table("rtb-task", [{"Main": False, "SubnetId": TASK_SUBNET}], task_routes))
    if nat_table == "own":
        shared = [TASK_SUBNET] if task_table == "shared" else []
        associations = [{"Main": False, "SubnetId": s} for s in [NAT_SUBNET, *shared]]
        tables.append(_table("rtb-nat", associations, draw(route_lists("igw"))))
    if draw(st.integers(0, 4)) == 4:  # a regional NAT gateway: no subnet, a route table of its own
        del nat["SubnetId"]
        nat.update(AvailabilityMode="regional", AutoProvisionZones="enabled", RouteTableId="rtb-natgw")
        tables.append(_table("rtb-natgw", [], draw(route_lists("igw"))))
    if draw(st.integers(0, 5)) < 5:
        acls = [_acl("acl-task", [TASK_SUBNET], draw(acl_entry_lists()))]
        acls.append(_acl("acl-nat", [NAT_SUBNET], draw(acl_entry_lists())))
    else:
        acls = [_acl("acl-both", [TASK_SUBNET, NAT_SUBNET], draw(acl_entry_lists()))]
    igw = [] if igw_state is None else [_attachment(igw_state)]
    sg_task, sg_more = draw(sg_rules(4)), draw(sg_rules(1))
    snap = _snapshot(tables, igw, nat, sg_task, sg_more, acls)
    groups = ("sg-task", "sg-more") if draw(st.integers(0, 3)) == 3 else ("sg-task",)
    return snap, draw(st.sampled_from([True, False])), groups


def _snapshot(tables, igw_attachments, nat, sg_task, sg_more, acls) -> dict[str, Any]:
    body = {
        "Vpcs": [
            {"VpcId": vpc, "CidrBlock": cidr, "EnableDnsSupport": True, "EnableDnsHostnames": True}
            for vpc, cidr in ((VPC, "10.0.0.0/16"), ("vpc-other", "10.1.0.0/16"))
        ],
        "Subnets": [_subnet(NAT_SUBNET, NAT_CIDR), _subnet(TASK_SUBNET, TASK_CIDR)],
        "RouteTables": tables,
        "InternetGateways": [{"InternetGatewayId": "igw-app", "Attachments": igw_attachments}],
        "NatGateways": [nat],
        "EgressOnlyInternetGateways": [],
        "SecurityGroups": [
            {"GroupId": "sg-task", "VpcId": VPC, "IpPermissionsEgress": sg_task},
            {"GroupId": "sg-more", "VpcId": VPC, "IpPermissionsEgress": sg_more},
        ],
        "NetworkAcls": acls,
        "VpcEndpoints": [],
        "ManagedPrefixLists": [],
        "VpcPeeringConnections": [],
    }
    return {
        "snapshot_version": 1,
        "collected_at": "2026-11-26T00:00:00Z",
        "account_id": "123456789012",
        "regions": {"us-east-1": with_name_resolution(body)},
    }


def _attachment(state: str) -> dict[str, str]:
    if state == "other VPC":
        return {"VpcId": "vpc-other", "State": "available"}
    return {"VpcId": VPC, "State": state}


def _table(table_id, associations, routes) -> dict[str, Any]:
    return {"RouteTableId": table_id, "VpcId": VPC, "Associations": associations, "Routes": routes}


def _subnet(subnet_id, cidr) -> dict[str, Any]:
    return {
        "SubnetId": subnet_id,
        "VpcId": VPC,
        "CidrBlock": cidr,
        "AvailabilityZone": "us-east-1a",
        "AvailableIpAddressCount": 250,
        "MapPublicIpOnLaunch": False,
    }


def _acl(acl_id, subnets, entries) -> dict[str, Any]:
    return {
        "NetworkAclId": acl_id,
        "VpcId": VPC,
        "IsDefault": False,
        "Associations": [{"SubnetId": s} for s in subnets],
        "Entries": entries,
    }


# ---------------------------------------------------------------------------------------------
# The comparison.


def compare(
    snap: dict[str, Any], public: bool, groups: tuple[str, ...]
) -> tuple[Verdict, Verdict, list[Interval], str]:
    """(product verdict, oracle verdict, the oracle's intervals, the product's reason)."""
    result = trace(snap, TASK_SUBNET, groups=groups, public=public)
    intervals = oracle(snap["regions"]["us-east-1"], TASK_SUBNET, groups, public)
    return result.verdict, expected(intervals), intervals, result.reason


def check(snap: dict[str, Any], public: bool, groups: tuple[str, ...]) -> tuple[Verdict, Verdict]:
    got, want, intervals, reason = compare(snap, public, groups)
    outcomes = Counter(i.outcome for i in intervals)
    note(f"product: {got.value} ({reason})")
    note(f"oracle: {want.value} {dict(outcomes)}")
    for interval in intervals:
        note(str(interval))
    event(f"product {got.value} / oracle {want.value}")
    event("verdicts agree" if got is want else "verdicts differ")
    if got is Verdict.REACHABLE:  # the worst bug: a wrong "reachable"
        assert outcomes.keys() == {REACHED}, "reachable, but the oracle finds intervals not reached"
    if got is Verdict.UNREACHABLE:
        assert REACHED not in outcomes, "unreachable, but the oracle reaches part of the internet"
        assert OPEN not in outcomes, (
            "unreachable, but part of the internet is reached for some address or port"
        )
    if want is Verdict.REACHABLE:  # every address, task address and port works: nothing to doubt
        assert got is Verdict.REACHABLE, "the oracle reaches every interval"
    if want is Verdict.UNREACHABLE and got is Verdict.UNKNOWN:
        # Conservative, and known: ACL legs that each pass some task address or port, but no one
        # choice passes them all (JOINTLY), read as unknown. Every other blocked interval is
        # blocked by one filter or route for every choice, and those the product adds up (ACL003).
        alone = set.intersection(*(set(i.why.split(", ")) for i in intervals)) - {JOINTLY}
        assert not alone, f"every address is blocked by {alone}, yet the verdict is unknown"
        assert any(i.why == JOINTLY for i in intervals), "each interval is blocked by one check, yet unknown"
        event("product unknown / oracle unreachable: ACL legs block only together (address and port)")
    return got, want


def _hand_written(
    task_default: str = "nat-app",
    public: bool = False,
    sg: tuple[str, ...] = ("0.0.0.0/0",),
    task_acl: tuple[tuple[int, bool, str, str, str, tuple[int, int] | None], ...] = (),
    nat_acl: tuple[tuple[int, bool, str, str, str, tuple[int, int] | None], ...] = (),
) -> tuple[dict[str, Any], bool, tuple[str, ...]]:
    """The usual layout: the task subnet's default route to ``task_default``, the NAT subnet's to the
    attached internet gateway, security group egress TCP 443 to ``sg``, and each subnet's ACL made
    of ``task_acl`` / ``nat_acl`` entries, then allow-all."""
    target = (
        {"NatGatewayId": task_default} if task_default.startswith("nat-") else {"GatewayId": task_default}
    )
    local = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}
    tables = [
        _table("rtb-main", [{"Main": True}], [local]),
        _table(
            "rtb-task", [{"SubnetId": TASK_SUBNET}], [local, {"DestinationCidrBlock": "0.0.0.0/0", **target}]
        ),
        _table(
            "rtb-nat",
            [{"SubnetId": NAT_SUBNET}],
            [local, {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-app"}],
        ),
    ]
    nat = {"NatGatewayId": "nat-app", "SubnetId": NAT_SUBNET, "VpcId": VPC, "State": "available"}
    allow_all = [_acl_entry(1000, egress, "allow", "0.0.0.0/0", "-1", None) for egress in (True, False)]
    deny_all = [_acl_entry(32767, egress, "deny", "0.0.0.0/0", "-1", None) for egress in (True, False)]
    acls = [
        _acl(acl_id, [subnet], [_acl_entry(*entry) for entry in entries] + allow_all + deny_all)
        for acl_id, subnet, entries in (("acl-task", TASK_SUBNET, task_acl), ("acl-nat", NAT_SUBNET, nat_acl))
    ]
    rules = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": c} for c in sg]}]
    attached = [{"VpcId": VPC, "State": "available"}]
    return _snapshot(tables, attached, nat, rules, [], acls), public, ("sg-task",)


NAT_PATH = _hand_written()
PUBLIC_SUBNET_NO_PUBLIC_IP = _hand_written(task_default="igw-app", public=False)
# The security group allows only the lower half, the task ACL denies exactly that half: nothing
# gets out, though neither filter blocks the whole internet on its own.
HALVES_BLOCKED_BY_TWO_FILTERS = _hand_written(
    task_default="igw-app",
    public=True,
    sg=("0.0.0.0/1",),
    task_acl=((100, True, "deny", "0.0.0.0/1", "-1", None),),
)
# Replies allowed only to 32768-65535: a Linux task's default range works, a task picking 1024-32767 does not.
REPLIES_TO_HIGH_PORTS_ONLY = _hand_written(
    task_acl=(
        (100, False, "allow", "0.0.0.0/0", "6", (32768, 65535)),
        (110, False, "deny", "0.0.0.0/0", "-1", None),
    )
)

# The task subnet takes replies only on 1024-32767, the NAT subnet passes them to the task only on
# 32768-65535: each leg passes some port, no port passes both.
REPLY_PORTS_DISJOINT = _hand_written(
    task_acl=(
        (100, False, "allow", "0.0.0.0/0", "6", (1024, 32767)),
        (110, False, "deny", "0.0.0.0/0", "-1", None),
    ),
    nat_acl=(
        (100, True, "allow", TASK_CIDR, "6", (32768, 65535)),
        (110, True, "deny", TASK_CIDR, "-1", None),
    ),
)


def test_the_oracle_on_hand_written_worlds():
    region = lambda world: world[0]["regions"]["us-east-1"]  # noqa: E731
    for world, want in (
        (NAT_PATH, Verdict.REACHABLE),
        (PUBLIC_SUBNET_NO_PUBLIC_IP, Verdict.UNREACHABLE),
        (HALVES_BLOCKED_BY_TWO_FILTERS, Verdict.UNREACHABLE),
        (REPLIES_TO_HIGH_PORTS_ONLY, Verdict.UNKNOWN),
        (REPLY_PORTS_DISJOINT, Verdict.UNREACHABLE),
    ):
        assert expected(oracle(region(world), TASK_SUBNET, world[2], world[1])) is want
    halves = oracle(region(HALVES_BLOCKED_BY_TWO_FILTERS), TASK_SUBNET, ("sg-task",), True)
    assert {i.why for i in halves} == {"task ACL: request out", "security group: request out"}
    assert {
        i.outcome for i in oracle(region(REPLIES_TO_HIGH_PORTS_ONLY), TASK_SUBNET, ("sg-task",), False)
    } == {OPEN}
    disjoint = oracle(region(REPLY_PORTS_DISJOINT), TASK_SUBNET, ("sg-task",), False)
    assert {i.why for i in disjoint} == {JOINTLY}


@example(world=NAT_PATH)
@example(world=PUBLIC_SUBNET_NO_PUBLIC_IP)
@example(world=HALVES_BLOCKED_BY_TWO_FILTERS)
@example(world=REPLIES_TO_HIGH_PORTS_ONLY)
@example(world=REPLY_PORTS_DISJOINT)
@settings(max_examples=300, deadline=None)
@given(world=worlds())
def test_the_egress_verdict_agrees_with_the_brute_force_oracle(world):
    check(*world)
