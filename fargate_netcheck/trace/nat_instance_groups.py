"""The security groups of a NAT instance on the path, checked per port like the task's own.

A NAT instance is an EC2 instance: its network interface's groups filter what reaches it and what
it sends on. They are stateful (replies pass), so two questions per port decide: does their
ingress let the task's traffic in (from the task subnet's range, or from one of the task's groups),
and does their egress let it out to the destination? AWS's NAT instance guide asks for both: inbound
from the private subnets, outbound to the internet on the ports used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from fargate_netcheck.core.model import CheckCode, Status, Target
from fargate_netcheck.graph.build import region_of
from fargate_netcheck.snapshot.parse import Network, SgRule
from fargate_netcheck.trace.security_groups import evaluate_ingress

if TYPE_CHECKING:
    from fargate_netcheck.trace.destination import Destination
    from fargate_netcheck.trace.filters import Filters
    from fargate_netcheck.trace.walk import Walk

_CODES = {
    Status.PASS: CheckCode.NAT_INSTANCE_SG,
    Status.FAIL: CheckCode.NAT_INSTANCE_SG_DENIED,
    Status.UNKNOWN: CheckCode.NAT_INSTANCE_SG_PARTIAL,
}


@dataclass(frozen=True, slots=True)
class NatInstanceGroups:
    """A NAT instance's network interface on the walk, and the range the task's traffic arrives from."""

    eni: str
    label: str  # "NAT instance i-... (eni-...)"
    source: Network | None

    def check(
        self, g: nx.DiGraph, filters: Filters, walk: Walk, target: Target, dest: Destination, port: int
    ) -> None:
        """Record the ingress and egress checks of the interface's groups for TCP ``port``."""
        found = self._rules(g, walk)
        if found is None:
            return
        groups, ingress, egress = found
        shown = ", ".join(groups)
        blame = groups[0] if len(groups) == 1 else shown
        if self.source is None:
            walk.unknown(
                CheckCode.NAT_INSTANCE_SG_PARTIAL,
                blame,
                f"the range the task's traffic reaches {self.label} from is unknown: its security groups "
                "cannot be evaluated",
            )
            return
        task_groups = target.security_group_ids if target.evaluate_security_groups else None
        inbound = evaluate_ingress(ingress, self.source, port, task_groups, filters.prefix_lists(ingress))
        walk.add(
            _CODES[inbound.status],
            inbound.status,
            blame,
            f"security groups {shown} of {self.label}: {inbound.detail}",
        )
        outbound = filters.egress_outcome(groups, egress, dest, port)
        walk.add(
            _CODES[outbound.status],
            outbound.status,
            blame,
            f"security groups {shown} of {self.label}: {outbound.detail}",
        )

    def _rules(self, g: nx.DiGraph, walk: Walk) -> tuple[tuple[str, ...], list[SgRule], list[SgRule]] | None:
        if not walk.collected(region_of(g, self.eni), "SecurityGroups", self.eni):
            return None
        listed = g.nodes[self.eni]["item"].get("Groups")
        groups = (
            tuple(str(grp.get("GroupId") or "") for grp in listed if isinstance(grp, dict))
            if isinstance(listed, list)
            else ()
        )
        if not groups or not all(groups):  # AWS always lists an interface's groups
            walk.unknown(
                CheckCode.DATA_MISSING,
                self.eni,
                f"the security groups of {self.label} are not in the snapshot (no Groups): whether they let "
                "the task's traffic through is unknown",
            )
            return None
        ingress: list[SgRule] = []
        egress: list[SgRule] = []
        for gid in groups:
            node = g.nodes.get(gid, {})
            item = node.get("item") or {}
            if node.get("kind") != "sg" or "IpPermissions" not in item or "IpPermissionsEgress" not in item:
                walk.unknown(
                    CheckCode.DATA_MISSING,
                    gid,
                    f"security group {gid} of {self.label}, or its rules, is not in the snapshot: whether it "
                    "lets the task's traffic through is unknown",
                )
                return None
            ingress.extend(node.get("sg_ingress", ()))
            egress.extend(node.get("sg_egress", ()))
        return groups, ingress, egress
