"""Security groups and network ACLs along a walk (DESIGN.md, "The egress model", steps 4-5).

``Filters`` evaluates each group set and each ACL once per kind of traffic and caches the outcome,
so an audit of thousands of subnets sharing groups and ACLs does the work once. The walks (internet
egress, ECR pull) record its outcomes as checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from fargate_netcheck.graph import region_of, successor
from fargate_netcheck.model import CheckCode, Status, Target
from fargate_netcheck.parse import Network, SgRule
from fargate_netcheck.trace.acl import AclOutcome, evaluate_acl
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.security_groups import SgOutcome, evaluate_egress
from fargate_netcheck.trace.walk import Crossing, Walk

_SG_CODES = {Status.PASS: CheckCode.SG, Status.FAIL: CheckCode.SG_EGRESS_DENIED}


@dataclass(slots=True)
class Filters:
    graph: nx.DiGraph
    ephemeral: tuple[int, int] = (1024, 65535)
    _acls: dict = field(default_factory=dict)
    _sgs: dict = field(default_factory=dict)

    # -- security groups ------------------------------------------------------------------------
    def task_rules(self, walk: Walk, target: Target, vpc_id: str) -> list[SgRule] | None:
        """The egress rules of the task's groups; None (with the reason recorded) when unusable."""
        g = self.graph
        region = region_of(g, target.subnet_id)
        if not region.collected("SecurityGroups"):
            walk.unknown(CheckCode.DATA_MISSING, target.subnet_id, region.gap("SecurityGroups"))
            return None
        rules: list[SgRule] = []
        for sg in target.security_group_ids:
            node = g.nodes.get(sg)
            if node is None or node.get("kind") != "sg":
                walk.failed(CheckCode.SG_MISSING, sg, f"security group {sg} does not exist")
                return None
            if node["item"].get("VpcId") != vpc_id:
                walk.failed(
                    CheckCode.SG_WRONG_VPC,
                    sg,
                    f"security group {sg} belongs to {node['item'].get('VpcId')}, not to {vpc_id} of "
                    f"{target.subnet_id}: ECS refuses to launch the task",
                )
                return None
            rules.extend(node.get("sg_egress", ()))
        return rules

    def task_egress(self, walk: Walk, target: Target, vpc_id: str, dest: Destination, port: int) -> None:
        rules = self.task_rules(walk, target, vpc_id)
        if rules is None:
            return
        label = ", ".join(target.security_group_ids) or "(none)"
        outcome = self.egress_outcome(target.security_group_ids, rules, dest, port)
        blame = target.security_group_ids[0] if len(target.security_group_ids) == 1 else label
        walk.add(
            _SG_CODES.get(outcome.status, CheckCode.SG_PARTIAL),
            outcome.status,
            blame if target.security_group_ids else target.subnet_id,
            f"security groups {label}: {outcome.detail}",
        )

    def egress_outcome(
        self, groups: tuple[str, ...], rules: list[SgRule], dest: Destination, port: int
    ) -> SgOutcome:
        key = (groups, _peer_key(dest.addresses), dest.label, port)
        hit = self._sgs.get(key)
        if hit is not None and hit[0] == dest.addresses:
            return hit[1]
        outcome = evaluate_egress(rules, dest, port, self.prefix_lists(rules))
        self._sgs[key] = (dest.addresses, outcome)
        return outcome

    def prefix_lists(self, rules: list[SgRule]) -> dict[str, tuple[Network, ...] | None]:
        g = self.graph
        ids = {pl for rule in rules for pl in rule.prefix_list_ids}
        return {pl: (g.nodes[pl].get("prefixes") if pl in g else None) for pl in ids}

    # -- network ACLs ---------------------------------------------------------------------------
    def subnet_acl(self, walk: Walk, subnet_id: str) -> str | None:
        """The ACL of a subnet; None (with the reason recorded) when it is not in the snapshot."""
        g = self.graph
        region = region_of(g, subnet_id)
        if not region.collected("NetworkAcls"):
            walk.unknown(CheckCode.DATA_MISSING, subnet_id, region.gap("NetworkAcls"))
            return None
        acl = successor(g, subnet_id, "uses-nacl")
        if acl is None:
            walk.unknown(
                CheckCode.NACL_MISSING, subnet_id, f"no network ACL of {subnet_id} is in the snapshot"
            )
        return acl

    def acl_crossing(self, walk: Walk, crossing: Crossing, dest: Destination, port: int) -> None:
        """Request and replies through one subnet of the path, to ``dest`` on ``port``."""
        subnet_id, source = crossing.subnet_id, crossing.source
        acl = self.subnet_acl(walk, subnet_id)
        if acl is None:
            return
        eph = self.ephemeral
        port_range = (port, port)
        # (egress?, peer addresses, ports, what the traffic is)
        legs = [(True, dest.addresses, port_range, f"request to {dest} on TCP {port}")]
        legs.append((False, dest.addresses, eph, f"replies from {dest} to ports {eph[0]}-{eph[1]}"))
        if source is not None:
            legs.insert(0, (False, (source,), port_range, f"request from {source} on TCP {port}"))
            legs.append((True, (source,), eph, f"replies to {source} on ports {eph[0]}-{eph[1]}"))
        elif not crossing.origin:
            walk.unknown(
                CheckCode.NACL_MISSING, acl, "the task subnet's address range is unknown (no CidrBlock)"
            )
        for egress, peer, ports, what in legs:
            self.acl_leg(walk, subnet_id, acl, egress, peer, ports, what)

    def acl_outcome(
        self, acl: str, egress: bool, peer: tuple[Network, ...], ports: tuple[int, int]
    ) -> AclOutcome:
        key = (acl, egress, _peer_key(peer), ports)
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
        direction = "outbound" if egress else "inbound"
        is_reply = what.startswith("replies")
        code = {
            Status.PASS: CheckCode.NACL,
            Status.FAIL: CheckCode.NACL_REPLY_DENIED if is_reply else CheckCode.NACL_REQUEST_DENIED,
            Status.UNKNOWN: CheckCode.NACL_PARTIAL,
        }[outcome.status]
        verb = {Status.PASS: "allows", Status.FAIL: "blocks", Status.UNKNOWN: "blocks part of"}[
            outcome.status
        ]
        walk.add(
            code,
            outcome.status,
            acl,
            f"network ACL {acl} of {subnet_id} {verb} {direction} {what} ({outcome.deciding})",
        )
        return outcome


def _peer_key(peer: tuple[Network, ...]) -> object:
    """A cache key for a set of addresses. Hashing a tuple of ip_network objects runs Python code
    per network, and the same tuple object (the internet's address space, a prefix list's entries)
    recurs for every subnet: such tuples are keyed by identity. The cache keeps the tuple beside
    the outcome, so its id cannot be reused by another object, and compares it on a hit."""
    return peer[0] if len(peer) == 1 else id(peer)
