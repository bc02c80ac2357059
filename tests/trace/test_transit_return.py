"""A destination inside a VPC reached through a transit gateway (not the internet through its NAT):
the route table of the destination's subnet must send the replies back to the transit gateway."""

from __future__ import annotations

from depth.tgw_builders import tgw_egress
from snapshots import codes, trace

from fargate_netcheck.core.model import CheckCode, Verdict

TASK = ("sg-spoke-task",)


def test_a_subnet_routing_the_spoke_back_to_the_transit_gateway_is_reachable():
    r = trace(tgw_egress(), "subnet-spoke", groups=TASK, destination="10.100.1.0/24")
    assert r.verdict is Verdict.REACHABLE
    assert any(c.code is CheckCode.TGW_RETURN and c.resource_id == "rtb-egress-public" for c in r.checks)


def test_a_subnet_sending_the_replies_elsewhere_is_unreachable():
    # subnet-egress-tgw's table sends 0.0.0.0/0 (and so 10.1.1.0/24) to nat-egress, not tgw-1
    r = trace(tgw_egress(), "subnet-spoke", groups=TASK, destination="10.100.0.0/28")
    assert (r.verdict, r.blocked_at) == (Verdict.UNREACHABLE, "rtb-egress-tgw")
    assert codes(r) == {CheckCode.TGW_NO_RETURN}
    assert "nat-egress" in r.reason and "10.1.1.0/24" in r.reason
