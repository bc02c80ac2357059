"""S3 (the image layers) through the gateway endpoint on the task subnet's route table.

The route table must route the S3 prefix list to an available gateway endpoint; a part of its ranges
that a more specific route wins goes that route's way and is walked there. The task's groups and its
subnet's ACL must let TCP 443 to the prefix list's ranges (and the replies back). No route to a
gateway endpoint: S3 is reached over the internet path, which must then be reachable.

The list's IPv4 entries are the way (S3's names resolve to IPv4 addresses). Its entries not read: a
route more specific than 0.0.0.0/0 over S3's published ranges may win part of them, so the way is ``unknown``.
"""

from __future__ import annotations

import ipaddress
import operator
from collections.abc import Callable
from functools import reduce
from typing import TYPE_CHECKING

from fargate_netcheck.core.model import CheckCode, Status, Target, Verdict
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network, Route, SgRule
from fargate_netcheck.trace.destination import Destination, internet_space
from fargate_netcheck.trace.endpoints import gateway_endpoints, is_available
from fargate_netcheck.trace.routing import next_hop, partition, route_pieces, route_tier, subnet_route_table
from fargate_netcheck.trace.walk import Walk, failed_prefix_list, prefix_entries

if TYPE_CHECKING:
    from fargate_netcheck.trace.egress import Tracer

HTTPS = 443
ANY_V4 = ipaddress.ip_network("0.0.0.0/0")
EGRESS_CODES = {Status.PASS: CheckCode.EP_TASK_EGRESS, Status.FAIL: CheckCode.EP_TASK_EGRESS_DENIED}
OverInternet = Callable[[str, str, str], None]  # (resource, what is missing, what): the internet way


class S3Gateway:
    """One task's way to S3 by gateway endpoint, recorded on ``walk``; ``ways`` gets how it went."""

    def __init__(
        self,
        tracer: Tracer,
        target: Target,
        vpc_id: str,
        walk: Walk,
        over_internet: OverInternet,
        ways: list[str],
    ):
        self.tracer, self.target, self.vpc_id, self.walk = tracer, target, vpc_id, walk
        self.g, self.subnet = tracer.graph, target.subnet_id
        self.over_internet, self.ways = over_internet, ways

    def check(self, rules: list[SgRule] | None, what: str) -> None:
        g, walk = self.g, self.walk
        rtb = subnet_route_table(g, walk, self.subnet)
        if rtb is None:
            return
        walk.hop(rtb)
        gateways = gateway_endpoints(g, self.vpc_id, "s3")
        route = next((r for r in g.nodes[rtb].get("routes", ()) if r.target_id in gateways), None)
        if route is None:
            elsewhere = f" ({', '.join(gateways)} is not on it)" if gateways else ""
            self.over_internet(rtb, f"{rtb} has no route to an S3 gateway endpoint{elsewhere}", what)
            return
        vpce = route.target_id
        walk.hop(vpce)
        state = g.nodes[vpce]["item"].get("State", "unknown")
        if not is_available(g.nodes[vpce]["item"]):
            walk.failed(
                CheckCode.VPCE_NOT_AVAILABLE, vpce, f"S3 gateway endpoint {vpce} is {state}, not available"
            )
            return
        if route.state == "blackhole":
            walk.failed(CheckCode.BLACKHOLE, rtb, f"route {route.describe()} in {rtb} is a blackhole")
            return
        pl = route.prefix_list_id or route.destination
        walk.passed(CheckCode.EP_S3, rtb, f"{rtb} routes S3 ({pl}) to gateway endpoint {vpce}")
        self.ways.append(f"S3 via {vpce}")
        listed = prefix_entries(g, pl)
        # The task reaches S3's names over IPv4 (their A records): the list's IPv4 entries are its way.
        ranges = None if listed is None else tuple(n for n in listed if n.version == 4)
        if ranges:
            self._past_gateway(rtb, vpce, pl, ranges)
        elif ranges is None:
            self._rivals(rtb, route)
        else:
            walk.unknown(
                CheckCode.EP_S3_MISSING,
                rtb,
                f"prefix list {pl} of {vpce} holds no IPv4 range: where {rtb} sends S3's IPv4 addresses is not known",
            )
            return
        if rules is not None:
            self._task_egress(pl, ranges, rules)
        self._acl(pl, ranges)

    def _past_gateway(self, rtb: str, vpce: str, pl: str, ranges: tuple[Network, ...]) -> None:
        """The part of the prefix list's ranges that ``rtb`` routes elsewhere (a more specific route
        wins it: AWS routes by longest prefix first), walked the way it goes."""
        family = [n for n in ranges if n.version == ranges[0].version]
        past = [
            p
            for p in route_pieces(self.g, rtb, AddressSet.of(family))
            if p.route is None or p.route.target_id != vpce
        ]
        if not past:
            return
        space = reduce(operator.or_, (p.addresses for p in past))
        by = "; ".join(p.route.describe() if p.route else p.unknown_reason() or "no route" for p in past)
        part = Destination(space, f"{space.summary()} of S3 ({pl})", outside=True)
        result = self.tracer.walk(self.target, part, (HTTPS,))
        what = f"{rtb} routes {part} by {by}, not to {vpce}"
        if result.verdict is Verdict.REACHABLE:
            self.walk.passed(CheckCode.EP_S3, rtb, f"{what}: it is reachable that way ({result.reason})")
            return
        state = result.verdict.value + (f" at {result.blocked_at}" if result.blocked_at else "")
        self.walk.unknown(
            CheckCode.EP_S3_MISSING,
            rtb,
            f"{what}, and that way is {state} ({result.reason}): whether the task reaches S3 depends on the address",
        )

    def _rivals(self, rtb: str, route: Route) -> None:
        """The entries of the list of ``route`` were not read: a route of ``rtb`` more specific than
        0.0.0.0/0 over S3's published ranges (or, those not known, over the internet) may be more
        specific than the list's entry for the same addresses and win them (AWS routes by longest
        prefix first), so where those addresses go is unknown. A default route never wins them."""
        s3 = self.tracer.resolve(Destination.aws("S3"), self.subnet)
        space = s3.space if s3 is not None and s3.space else internet_space(4)
        others = [r for r in self.g.nodes[rtb].get("routes", ()) if r is not route]
        rivals = [
            p
            for p in partition(self.g, others, space, route_tier, next_hop)
            if p.unreadable is not None
            or p.tied
            or p.unlisted is not None
            or any(r.network is None or r.network.prefixlen > 0 for r in p.routes)
        ]
        if not rivals:
            return
        by = "; ".join(
            p.route.describe() if p.route else p.unknown_reason() or "an unknown route" for p in rivals
        )
        failed_prefix_list(self.g, self.walk, route.prefix_list_id or route.destination, self.subnet)
        self.walk.unknown(
            CheckCode.PREFIX_LIST_UNKNOWN,
            rtb,
            f"the entries of prefix list {route.destination} were not read, and {rtb} also routes "
            f"{reduce(operator.or_, (p.addresses for p in rivals)).summary()} of S3's addresses by {by}: whether "
            f"that route or {route.describe()} is the more specific for them is unknown, so is where the task's "
            "S3 traffic goes",
        )

    def _task_egress(self, pl: str, ranges: tuple[Network, ...] | None, rules: list[SgRule]) -> None:
        task_groups = self.target.security_group_ids
        label = ", ".join(task_groups) or "(none)"
        blame = task_groups[0] if len(task_groups) == 1 else label
        if any(r.covers("6", HTTPS) and pl in r.prefix_list_ids for r in rules):
            self.walk.passed(
                CheckCode.EP_TASK_EGRESS, blame, f"security groups {label}: egress allows TCP {HTTPS} to {pl}"
            )
            return
        dest = (
            Destination.of_networks(ranges, f"S3 ({pl})")
            if ranges
            else Destination.of_networks((ANY_V4,), "0.0.0.0/0")
        )
        outcome = self.tracer.filters.egress_outcome(task_groups, rules, dest, HTTPS)
        if ranges is None and outcome.status is not Status.PASS:
            failed_prefix_list(self.tracer.graph, self.walk, pl, self.subnet)  # first: it is why
            self.walk.unknown(
                CheckCode.EP_TASK_EGRESS_PARTIAL,
                blame,
                f"security groups {label} do not allow TCP {HTTPS} to {pl} or to all addresses, and the entries "
                f"of {pl} were not collected",
            )
            return
        code = EGRESS_CODES.get(outcome.status, CheckCode.EP_TASK_EGRESS_PARTIAL)
        self.walk.add(code, outcome.status, blame, f"security groups {label}: {outcome.detail}")

    def _acl(self, pl: str, ranges: tuple[Network, ...] | None) -> None:
        filters, walk, eph = self.tracer.filters, self.walk, self.tracer.filters.ephemeral
        acl = filters.subnet_acl(walk, self.subnet)
        if acl is None:
            return
        peer = ranges or (ANY_V4,)
        legs = [
            (True, (HTTPS, HTTPS), f"request to S3 ({pl}) on TCP {HTTPS}"),
            (False, eph, f"replies from S3 ({pl}) to ports {eph[0]}-{eph[1]}"),
        ]
        for egress, ports, what in legs:
            if ranges is None and filters.acl_outcome(acl, egress, peer, ports).status is not Status.PASS:
                failed_prefix_list(self.tracer.graph, walk, pl, self.subnet)  # first: it is why
                walk.unknown(
                    CheckCode.NACL_PARTIAL,
                    acl,
                    f"network ACL {acl} of {self.subnet} does not pass {what} for every address, and the "
                    f"entries of {pl} were not collected",
                )
                continue
            filters.acl_leg(walk, self.subnet, acl, egress, peer, ports, what)
