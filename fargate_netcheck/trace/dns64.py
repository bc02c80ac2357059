"""DNS64 on a dual-stack subnet: IPv4 names reached over IPv6.

With ``EnableDns64`` on a subnet, the Route 53 Resolver answers a name that has only A records with
AAAA records synthesized in ``64:ff9b::/96`` as well (AWS, "DNS64 and NAT64"). A task with an IPv6
address prefers them: RFC 6724's default policy ranks ``64:ff9b::/96`` (as ``::/0``) above IPv4, and
the source and destination labels match. Its connections to IPv4-only names then go to
``64:ff9b::<address>``, which only a NAT gateway translates (NAT64), so the subnet's route table
must send ``64:ff9b::/96`` to one, and the task's groups and ACLs must let that IPv6 traffic out.

So beside every IPv4 walk that is ``reachable`` from such a subnet, the IPv6 walk to the NAT64 image
of its destination (``64:ff9b::/96`` for the whole IPv4 internet) is checked too (``with_dns64``):

- it reaches a NAT gateway the IPv4 walk also leaves through (where the NAT64 translation joins the
  IPv4 path already verified): the verdict stands, with a check that says so;
- the task gets no IPv6 address (no IPv6 block, ``dualStackIPv6`` off): DNS64 changes nothing;
- otherwise (blocked on the way, sent to an egress-only or internet gateway, which carry nothing to
  ``64:ff9b::/96``, or through another NAT gateway whose IPv4 path is not traced) the verdict is
  ``unknown``: clients that fall back to IPv4 (Happy Eyeballs) connect, the others time out.

``EnableDns64`` is in every DescribeSubnets answer; a subnet without it (a hand-written snapshot,
moto) has DNS64 not known: the same check runs, and a NAT64 walk that does not hold makes the
verdict ``unknown``, naming the missing field. ``false``: nothing to check.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from typing import TYPE_CHECKING

from fargate_netcheck.core.model import Check, CheckCode, PathResult, Status, Target, Verdict
from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.ipv6 import subnet_ipv6_blocks

if TYPE_CHECKING:
    from fargate_netcheck.trace.egress import Tracer

NAT64_PREFIX = "64:ff9b::/96"
_PREFIX = int(ipaddress.IPv6Address("64:ff9b::"))


def dns64_matters(subnet: dict) -> bool:
    """A subnet whose IPv4 walks the DNS64 check may change: IPv6 blocks, and DNS64 on or not known."""
    return subnet.get("EnableDns64") is not False and bool(subnet_ipv6_blocks(subnet))


def nat64_image(destination: Destination) -> Destination:
    """The addresses DNS64 synthesizes for ``destination``'s IPv4 addresses: each block a.b.c.d/n as
    64:ff9b::a.b.c.d/(96+n), the well-known prefix NAT64 translates back."""
    networks = [
        ipaddress.IPv6Network((_PREFIX | int(n.network_address), 96 + n.prefixlen))
        for n in destination.space.networks()
        if n.version == 4
    ]
    return Destination(AddressSet.of(networks, 6), f"{destination.label} by NAT64 ({NAT64_PREFIX})")


def with_dns64(tracer: Tracer, target: Target, destination: Destination, result: PathResult) -> PathResult:
    """``result`` (a reachable IPv4 walk to ``destination``), checked against the NAT64 way its
    names may take."""
    subnet = tracer.graph.nodes[target.subnet_id]["item"]
    if result.verdict is not Verdict.REACHABLE or not dns64_matters(subnet):
        return result
    resolved = tracer.resolve(destination, target.subnet_id)
    if resolved is None or not resolved.space:
        return result
    nat64 = tracer.walk(target, nat64_image(resolved), result.ports or None)
    if any(c.code is CheckCode.TASK_NO_IPV6 for c in nat64.failed()):
        return result  # no IPv6 address: the task asks for and uses A records only
    on = subnet.get("EnableDns64") is True
    open_ends = [c for c in nat64.checks if c.status is not Status.PASS]
    joins = all(c.code is CheckCode.NAT_IPV6 and c.resource_id in result.path for c in open_ends)
    if open_ends and joins:
        nats = ", ".join(sorted({c.resource_id for c in open_ends}))
        if not on:
            return result
        check = Check(
            CheckCode.DNS64,
            Status.PASS,
            target.subnet_id,
            f"DNS64 is on in {target.subnet_id}: IPv4-only names also resolve to {NAT64_PREFIX}, which reaches "
            f"{nats} (NAT64) and leaves by the IPv4 path verified here",
        )
        return replace(result, checks=[*result.checks, check])
    why = nat64.reason if nat64.verdict is not Verdict.REACHABLE else "it is not translated by a NAT gateway"
    state = (
        "DNS64 is on"
        if on
        else "EnableDns64 is not in the snapshot (DescribeSubnets gives it), so DNS64 may be on"
    )
    reason = (
        f"{state} in {target.subnet_id} and its tasks get IPv6 addresses: they reach IPv4-only names at "
        f"{NAT64_PREFIX} (synthesized AAAA records, preferred to IPv4), and that way does not hold ({why}); "
        f"route {NAT64_PREFIX} to the NAT gateway of the IPv4 path (and let the task's groups and ACLs pass "
        "it), or turn DNS64 off"
    )
    check = Check(CheckCode.DNS64_NO_NAT64, Status.UNKNOWN, target.subnet_id, reason)
    return replace(
        result,
        verdict=Verdict.UNKNOWN,
        reason=reason,
        checks=[*result.checks, check],
        pieces=None,
    )
