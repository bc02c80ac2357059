"""Security groups and network ACLs along a walk (README "How it works", steps 4-5).

``Filters`` evaluates each group set and each ACL once per kind of traffic and caches the outcome,
so an audit of thousands of subnets sharing groups and ACLs does the work once. The walks (internet
egress, ECR pull) record its outcomes as checks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import networkx as nx

from fargate_netcheck.core.model import Check, CheckCode, Status, Target
from fargate_netcheck.graph.build import region_of, successor, unread_accounts, vpc_cidrs
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network, SgRule, Span, span_of
from fargate_netcheck.trace.acl import AclOutcome, evaluate_acl
from fargate_netcheck.trace.appliances import FirewallReturn
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.firewall_policy import inspect
from fargate_netcheck.trace.security_groups import SgOutcome, evaluate_egress
from fargate_netcheck.trace.walk import Crossing, Walk, failed_prefix_list, prefix_entries

_SG_CODES = {Status.PASS: CheckCode.SG, Status.FAIL: CheckCode.SG_EGRESS_DENIED}
# (outcome, is it a reply?) -> check code; outcome -> what the ACL does to the traffic
_ACL_CODES = {
    (Status.PASS, False): CheckCode.NACL,
    (Status.PASS, True): CheckCode.NACL,
    (Status.FAIL, False): CheckCode.NACL_REQUEST_DENIED,
    (Status.FAIL, True): CheckCode.NACL_REPLY_DENIED,
    (Status.UNKNOWN, False): CheckCode.NACL_PARTIAL,
    (Status.UNKNOWN, True): CheckCode.NACL_PARTIAL,
}
_ACL_VERBS = {Status.PASS: "allows", Status.FAIL: "blocks", Status.UNKNOWN: "blocks part of"}


@dataclass(frozen=True, slots=True)
class Blocked:
    """The part of a destination one filter blocks on every port (``Filters.together``)."""

    resource: str  # the ACL, or the task's (first) security group
    name: str  # for the reason: "security groups sg-1", "network ACL acl-1 of subnet-1 (replies)"
    addresses: AddressSet
    acl: bool  # a network ACL leg (named first in the finding), not the task's security groups


@dataclass(slots=True)
class Filters:
    graph: nx.DiGraph
    ephemeral: tuple[int, int] = (1024, 65535)
    # Outcomes by key (``_peer_key``), each beside the peer it was computed for (see there).
    _acls: dict[tuple[str, bool, object, tuple[int, int]], tuple[tuple[Network, ...], AclOutcome]] = field(
        default_factory=dict
    )
    _sgs: dict[
        tuple[tuple[str, ...], object, str, int, tuple[str, ...] | None],
        tuple[tuple[Network, ...], SgOutcome],
    ] = field(default_factory=dict)
    _networks: dict[int, tuple[Network, Span, str]] = field(default_factory=dict)
    # what a piece of a walk recorded (``replay``), beside the object its key names by identity
    _recorded: dict[Hashable, tuple[object, tuple[Check, ...]]] = field(default_factory=dict)
    _subnet_acls: dict[str, tuple[bool, str | None]] = field(default_factory=dict)

    def replay(self, walk: Walk, key: Hashable, record: Callable[[], None], keep: object = None) -> None:
        """Append to ``walk`` the checks ``record()`` appends, running it once per ``key`` for the
        run: later walks get the same (frozen) checks. ``record`` must append checks and do nothing
        else to the walk, and ``key`` must name everything they depend on; ``keep``, an object the
        key names by ``id``, is held beside them and compared on a hit, so the id cannot be reused."""
        hit = self._recorded.get(key)
        if hit is not None and hit[0] is keep:
            walk.checks.extend(hit[1])
            return
        start = len(walk.checks)
        record()
        self._recorded[key] = (keep, tuple(walk.checks[start:]))

    def _peer_key(self, peer: tuple[Network, ...]) -> object:
        """A cache key for a set of addresses. Hashing ip_network objects runs Python code per
        network. One network (a subnet's block, held by the graph for the whole run) is keyed by its
        integer span, looked up by identity; a tuple of several (the internet's address space, a
        prefix list's entries) recurs as the same object for every subnet, so it is keyed by
        identity. The caches keep the object beside what they store, so its id cannot be reused by
        another object while the cache lives, and compare it on a hit."""
        if len(peer) != 1:
            return id(peer)
        return self._network(peer[0])[1]

    def text(self, net: Network) -> str:
        """``str(net)``, once per network: the reasons quote a subnet's block for every leg."""
        return self._network(net)[2]

    def _network(self, net: Network) -> tuple[Network, Span, str]:
        hit = self._networks.get(id(net))
        if hit is None or hit[0] is not net:
            hit = self._networks[id(net)] = (net, span_of(net), str(net))
        return hit

    # -- security groups ------------------------------------------------------------------------
    def task_rules(self, walk: Walk, target: Target, vpc_id: str) -> list[SgRule] | None:
        """The egress rules of the task's groups; None (with the reason recorded) when unusable."""
        g = self.graph
        if not walk.collected(region_of(g, target.subnet_id), "SecurityGroups", target.subnet_id):
            return None
        rules: list[SgRule] = []
        for sg in target.security_group_ids:
            node = g.nodes.get(sg)
            if (node is None or node.get("kind") != "sg") and (unread := unread_accounts(g)):
                walk.unknown(
                    CheckCode.DATA_FAILED,
                    sg,
                    f"security group {sg} is not in the snapshot, and it may belong to an account that could "
                    f"not be read: {unread}",
                )
                return None
            if node is None or node.get("kind") != "sg":
                walk.failed(CheckCode.SG_MISSING, sg, f"security group {sg} does not exist")
                return None
            if not node["item"].get("VpcId"):
                walk.unknown(
                    CheckCode.DATA_MISSING,
                    sg,
                    f"security group {sg} has no VpcId in the snapshot: whether it belongs to {vpc_id} of "
                    f"{target.subnet_id} is unknown",
                )
                return None
            if node["item"].get("VpcId") != vpc_id:
                walk.failed(
                    CheckCode.SG_WRONG_VPC,
                    sg,
                    f"security group {sg} belongs to {node['item'].get('VpcId')}, not to {vpc_id} of "
                    f"{target.subnet_id}: ECS refuses to launch the task",
                )
                return None
            if "IpPermissionsEgress" not in node["item"]:  # AWS always sends it, [] when there are none
                walk.unknown(
                    CheckCode.DATA_MISSING,
                    sg,
                    f"security group {sg} has no IpPermissionsEgress in the snapshot: its outbound rules "
                    "are unknown",
                )
                return None
            rules.extend(node.get("sg_egress", ()))
        return rules

    def task_egress(
        self, walk: Walk, target: Target, vpc_id: str, dest: Destination, port: int
    ) -> Blocked | None:
        """Record the task's groups' check; when they allow only part of ``dest``, return the part
        they block, for ``Filters.together``."""
        rules = self.task_rules(walk, target, vpc_id)
        if rules is None:
            return None
        label = ", ".join(target.security_group_ids) or "(none)"
        outcome = self.egress_outcome(target.security_group_ids, rules, dest, port)
        blame = target.security_group_ids[0] if len(target.security_group_ids) == 1 else label
        if outcome.status is Status.UNKNOWN:
            self.failed_lists(walk, rules, target.subnet_id)  # first: a failed collection is why
        resource = blame if target.security_group_ids else target.subnet_id
        walk.add(
            _SG_CODES.get(outcome.status, CheckCode.SG_PARTIAL),
            outcome.status,
            resource,
            f"security groups {label}: {outcome.detail}",
        )
        if outcome.blocked is None:
            return None
        return Blocked(resource, f"security groups {label}", outcome.blocked, acl=False)

    def failed_lists(self, walk: Walk, rules: list[SgRule], near: str) -> None:
        """Each prefix list the rules name whose entries are unknown because collecting them failed,
        recorded as a failed collection (DATA002 names it): the list's own region's
        ``ManagedPrefixListEntries``, or, for a list the snapshot lacks, ``ManagedPrefixLists`` of
        the region of ``near`` (the task's subnet)."""
        for pl_id, entries in sorted(self.prefix_lists(rules).items()):
            if entries is None:
                failed_prefix_list(self.graph, walk, pl_id, near)

    def egress_outcome(
        self,
        groups: tuple[str, ...],
        rules: list[SgRule],
        dest: Destination,
        port: int,
        holders: tuple[str, ...] | None = None,
    ) -> SgOutcome:
        """``holders``: the groups of the network interfaces that hold ``dest``, when known (see
        ``evaluate_egress``)."""
        key = (groups, self._peer_key(dest.addresses), dest.label, port, holders)
        hit = self._sgs.get(key)
        if hit is not None and hit[0] == dest.addresses:
            return hit[1]
        outcome = evaluate_egress(
            rules,
            dest,
            port,
            self.prefix_lists(rules),
            group_ranges=self.group_ranges(rules),
            holders=holders,
        )
        self._sgs[key] = (dest.addresses, outcome)
        return outcome

    def group_ranges(self, rules: list[SgRule]) -> dict[str, tuple[Network, ...]]:
        """The CIDR blocks of the VPC of each group the rules name, for those in the snapshot: where
        the private addresses of the group's network interfaces lie (besides non-internet space)."""
        g = self.graph
        found: dict[str, tuple[Network, ...]] = {}
        for gid in {grp for rule in rules for grp in rule.group_ids if grp}:
            vpc = g.nodes[gid]["item"].get("VpcId") if g.nodes.get(gid, {}).get("kind") == "sg" else None
            if vpc and g.nodes.get(vpc, {}).get("kind") == "vpc":
                found[gid] = tuple(
                    ipaddress.ip_network(c, strict=False) for c in vpc_cidrs(g.nodes[vpc]["item"])
                )
        return found

    def prefix_lists(self, rules: list[SgRule]) -> dict[str, tuple[Network, ...] | None]:
        g = self.graph
        ids = {pl for rule in rules for pl in rule.prefix_list_ids}
        return {pl: prefix_entries(g, pl) for pl in ids}

    # -- network ACLs ---------------------------------------------------------------------------
    def subnet_acl(self, walk: Walk, subnet_id: str) -> str | None:
        """The ACL of a subnet; None (with the reason recorded) when it is not in the snapshot."""
        g = self.graph
        found = self._subnet_acls.get(subnet_id)
        if found is None:
            collected = region_of(g, subnet_id).collected("NetworkAcls")
            found = self._subnet_acls[subnet_id] = (collected, successor(g, subnet_id, "uses-nacl"))
        collected, acl = found
        if not collected:
            walk.missing(region_of(g, subnet_id), "NetworkAcls", subnet_id)
            return None
        if acl is None:
            walk.unknown(
                CheckCode.NACL_MISSING, subnet_id, f"no network ACL of {subnet_id} is in the snapshot"
            )
        elif g.nodes[acl]["item"].get("Entries") is None:  # AWS always lists them, the * deny at least
            walk.unknown(
                CheckCode.NACL_MISSING,
                acl,
                f"network ACL {acl} of {subnet_id} has no Entries in the snapshot",
            )
            return None
        return acl

    def acl_crossing(self, walk: Walk, crossing: Crossing, dest: Destination, port: int) -> list[Blocked]:
        """Request and replies through one subnet of the path, to ``dest`` on ``port``; returns,
        for each leg facing ``dest`` that blocks part of it on every port, that part."""
        subnet_id, source = crossing.subnet_id, crossing.source
        acl = self.subnet_acl(walk, subnet_id)
        if acl is None:
            return []
        eph = self.ephemeral
        port_range = (port, port)
        # (egress?, peer addresses, ports, what the traffic is), in the order the packets meet them
        legs = []
        if crossing.toward_destination:
            legs.append((True, dest.addresses, port_range, f"request to {dest} on TCP {port}"))
            legs.append((False, dest.addresses, eph, f"replies from {dest} to ports {eph[0]}-{eph[1]}"))
        if source is not None and crossing.toward_source:
            text = self.text(source)
            legs.insert(0, (False, (source,), port_range, f"request from {text} on TCP {port}"))
            legs.append((True, (source,), eph, f"replies to {text} on ports {eph[0]}-{eph[1]}"))
        elif not crossing.origin and crossing.toward_source:
            walk.unknown(
                CheckCode.NACL_MISSING, acl, "the task subnet's address range is unknown (no CidrBlock)"
            )
        blocks = []
        for egress, peer, ports, what in legs:
            outcome = self.acl_leg(walk, subnet_id, acl, egress, peer, ports, what)
            if peer is dest.addresses and outcome.blocked is not None:
                leg = "replies in" if what.startswith("replies") else "request out"
                blocks.append(
                    Blocked(acl, f"network ACL {acl} of {subnet_id} ({leg})", outcome.blocked, acl=True)
                )
        return blocks

    def together(self, walk: Walk, dest: Destination, port: int, blocks: list[Blocked]) -> None:
        """The last filters of a walk on ``port``: each Network Firewall it passes (``firewalls``),
        then filters that each block part of ``dest`` on every port (the groups, ACL legs facing
        it) and together all of it: nothing arrives (ACL003), though each check alone is partial."""
        self.firewalls(walk, dest, port)
        versions = {b.addresses.version for b in blocks}
        if len(blocks) < 2 or len(versions) != 1:
            return
        version = versions.pop()
        whole = dest.space if not dest.given else AddressSet.of(dest.addresses, version)
        if whole.version != version:
            return
        covered = AddressSet.empty(whole.version)
        for b in blocks:
            covered = covered | b.addresses
        if not whole or not whole.issubset(covered):
            return
        parts = "; ".join(f"{b.name} blocks {_extent(b.addresses)}" for b in blocks)
        acls = [b.resource for b in blocks if b.acl]
        walk.failed(
            CheckCode.NACL_JOINTLY_DENIED,
            acls[0] if acls else blocks[0].resource,
            f"no address of {dest} gets through on TCP {port}: each filter blocks part of it, and "
            f"together all of it ({parts})",
        )

    def firewalls(self, walk: Walk, dest: Destination, port: int) -> None:
        """The policy of each AWS Network Firewall the walk passes, for TCP ``port`` to ``dest``
        from the range the traffic has at the firewall (``firewall_policy.inspect``), once per run."""
        for leg in walk.returns:
            if not isinstance(leg, FirewallReturn):
                continue
            source = str(leg.source) if leg.source is not None else None

            def record(vpce: str = leg.vpce, source: str | None = source) -> None:
                inspect(self.graph, walk, vpce, source, dest.cidrs, port)

            self.replay(walk, ("nfw", leg.vpce, source, id(dest), port), record, keep=dest)

    def acl_outcome(
        self, acl: str, egress: bool, peer: tuple[Network, ...], ports: tuple[int, int]
    ) -> AclOutcome:
        key = (acl, egress, self._peer_key(peer), ports)
        hit = self._acls.get(key)
        if hit is not None and hit[0] == peer:  # the same tuple: compared item by identity, cheaply
            return hit[1]
        node = self.graph.nodes[acl]
        outcome = evaluate_acl(node["acl_out" if egress else "acl_in"], peer, ports)
        self._acls[key] = (peer, outcome)
        return outcome

    def acl_leg(
        self,
        walk: Walk,
        subnet_id: str,
        acl: str,
        egress: bool,
        peer: tuple[Network, ...],
        ports: tuple[int, int],
        what: str,
    ) -> AclOutcome:
        """One direction of traffic through one ACL, recorded as a check; ``what`` starting with
        "replies" marks replies."""
        outcome = self.acl_outcome(acl, egress, peer, ports)
        status = outcome.status
        code = _ACL_CODES[status, what.startswith("replies")]
        direction = "outbound" if egress else "inbound"
        walk.add(
            code,
            status,
            acl,
            f"network ACL {acl} of {subnet_id} {'may block' if outcome.undecidable else _ACL_VERBS[status]}"
            f" {direction} {what} ({outcome.deciding})",
        )
        return outcome


def _extent(addresses: AddressSet) -> str:
    """A set for a reason: its blocks when few, else how many and the span they lie in."""
    cidrs = addresses.cidrs()
    if len(cidrs) <= 3:
        return ", ".join(cidrs)
    address = ipaddress.IPv4Address if addresses.version == 4 else ipaddress.IPv6Address
    first, last = address(addresses.intervals[0][0]), address(addresses.intervals[-1][1])
    return f"{len(cidrs)} of its blocks, from {first} to {last}"
