"""Route-table rules (RT): the subnet's route to the destination."""

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.rules_api import from_checks

RT001 = from_checks(
    id="RT001",
    name="no-route",
    title="No route to the destination",
    severity="error",
    codes=[CheckCode.NO_ROUTE],
    docs="""
    What it checks: the task subnet's route table (its explicit association, otherwise the main
    route table of the same VPC) holds a route that covers the destination (0.0.0.0/0 by default).
    Why it matters: without one, packets to ECR, CloudReactor or your API are dropped and the task
    dies at launch with `CannotPullContainerError ... i/o timeout`.
    Example: a private subnet left on its VPC's main route table, which holds only the `local` route.
    Fix: add `0.0.0.0/0 -> nat-...` (private subnet) or `0.0.0.0/0 -> igw-...` (public subnet with
    `assignPublicIp=ENABLED`), or associate the subnet with a route table that has it.
    """,
    remediation="Add a 0.0.0.0/0 route to a NAT gateway (private subnet) or an internet gateway (public subnet).",
    fix="Add a {cidr} route for {destination} ({family}) to {gateway}, or associate the subnet with a route table that has one.",
)

RT002 = from_checks(
    id="RT002",
    name="blackhole-route",
    title="The chosen route is a blackhole",
    severity="error",
    codes=[CheckCode.BLACKHOLE],
    docs="""
    What it checks: the most specific route for the destination is not in state `blackhole`.
    Why it matters: AWS does not fall back to a less specific route; traffic matching a blackhole
    route is dropped. This happens after a NAT gateway or peering connection is deleted.
    Example: `0.0.0.0/0 -> nat-0abc (blackhole)` after the NAT gateway was replaced.
    Fix: replace the route's target with a live NAT gateway or internet gateway, or delete the route.
    """,
    remediation="Point the blackhole route at a live gateway (aws ec2 replace-route) or delete it.",
)

RT003 = from_checks(
    id="RT003",
    name="route-target-missing",
    title="A route points to a gateway that does not exist",
    severity="error",
    codes=[CheckCode.TARGET_MISSING],
    docs="""
    What it checks: the gateway a chosen route names still exists in the snapshot.
    Why it matters: a route to a deleted gateway carries no traffic.
    Example: `0.0.0.0/0 -> igw-0dead` where no igw-0dead exists any more.
    Fix: replace the route's target with an existing gateway.
    """,
    remediation="Replace the route's target with an existing gateway.",
)

RT004 = from_checks(
    id="RT004",
    name="routing-loop",
    title="The path loops between route tables",
    severity="error",
    codes=[CheckCode.ROUTE_LOOP],
    docs="""
    What it checks: following routes from the task subnet never returns to a route table already
    visited.
    Why it matters: looping traffic never leaves the network.
    Example: a NAT gateway whose own subnet routes 0.0.0.0/0 back through a path to itself.
    Fix: give the last subnet on the path a route to an internet gateway.
    """,
    remediation="Break the loop: the last subnet on the path needs a route to an internet gateway.",
)

RT005 = from_checks(
    id="RT005",
    name="no-ipv6-address",
    title="The task gets no IPv6 address",
    severity="error",
    codes=[CheckCode.TASK_NO_IPV6],
    docs="""
    What it checks: for an IPv6 destination, the task subnet has an associated IPv6 CIDR block and
    the ECS account setting `dualStackIPv6` is in effect (ListAccountSettings, effective settings).
    Why it matters: Fargate gives a task an IPv6 address only then; without one no IPv6 route,
    egress-only gateway or security group rule helps.
    Example: `::/0 -> eigw-...` in the route table of a subnet that has no IPv6 block.
    Fix: associate an IPv6 block with the subnet (aws ec2 associate-subnet-cidr-block) and turn
    on `dualStackIPv6` (aws ecs put-account-setting-default --name dualStackIPv6 --value enabled).
    """,
    remediation="Give the subnet an IPv6 CIDR block and enable the ECS account setting dualStackIPv6.",
    fix="To reach {destination} ({family}) the task needs an IPv6 address: associate an IPv6 CIDR block with the subnet and enable the ECS account setting dualStackIPv6.",
)

RT006 = from_checks(
    id="RT006",
    name="public-range-kept-inside",
    title="Public addresses are a VPC's own range",
    severity="error",
    codes=[CheckCode.KEPT_INSIDE],
    docs="""
    What it checks: no part of an internet or AWS-service destination is routed by a `local`
    route (a range of the task's VPC) or into a peering connection whose peer VPC holds it.
    Why it matters: the most specific route wins, and a VPC's own range is always local; a VPC
    built on public addresses (someone else's, or AWS's own: ECR, S3, CloudWatch) keeps traffic
    to them inside, so the real hosts there are unreachable from the task.
    Example: a VPC with a secondary block 3.80.0.0/12 (AWS addresses in us-east-1): image pulls
    from ECR addresses in it time out although `0.0.0.0/0 -> nat-...` is in place.
    Fix: use private (RFC 1918) or your own provider-independent ranges for VPC blocks, or reach
    the service through a VPC endpoint.
    """,
    remediation="Re-address the VPC (or the peer VPC) from private ranges, or reach the service by a VPC endpoint.",
)
