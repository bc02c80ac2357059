"""Gateway rules (GW): internet gateways, NAT gateways, peering on the way out."""

from collections.abc import Iterator

from fargate_netcheck.core.model import CheckCode, Status
from fargate_netcheck.rules_api import Hit, RuleContext, from_checks, rule

GW001 = from_checks(
    id="GW001",
    name="igw-not-attached",
    title="Internet gateway not attached to the VPC",
    severity="error",
    codes=[CheckCode.IGW_NOT_ATTACHED],
    docs="""
    What it checks: the internet gateway a route uses is attached to the route table's VPC.
    Why it matters: a detached gateway forwards nothing.
    Example: `0.0.0.0/0 -> igw-0abc` while igw-0abc is detached or attached to another VPC.
    Fix: attach the gateway to the VPC (aws ec2 attach-internet-gateway) or route to the VPC's own.
    """,
    remediation="Attach the internet gateway to this VPC, or route to the gateway that is attached.",
)

GW002 = from_checks(
    id="GW002",
    name="public-subnet-no-public-ip",
    title="Public subnet, but the task gets no public IP",
    severity="error",
    codes=[CheckCode.NO_PUBLIC_IP],
    docs="""
    What it checks: a task whose subnet routes to an internet gateway is launched with
    `assignPublicIp=ENABLED`.
    Why it matters: an internet gateway only translates addresses that have a public IP. Fargate
    ignores the subnet's `MapPublicIpOnLaunch`; without `assignPublicIp` the task's packets leave
    but replies never come back: `CannotPullContainerError ... i/o timeout`.
    Example: CloudReactor's `deploy_config/vars/common.yml` lists public subnets but leaves
    `assign_public_ip` unset.
    Fix: set `assignPublicIp=ENABLED` (CloudReactor: `assign_public_ip: true`), or move the task to
    private subnets routed to a NAT gateway.
    """,
    remediation="Launch with assignPublicIp=ENABLED, or use private subnets routed to a NAT gateway.",
)

GW003 = from_checks(
    id="GW003",
    name="nat-not-available",
    title="NAT gateway not available",
    severity="error",
    codes=[CheckCode.NAT_NOT_AVAILABLE],
    docs="""
    What it checks: the NAT gateway a route uses is in state `available`.
    Why it matters: pending, failed, deleting or deleted NAT gateways forward nothing.
    Example: `0.0.0.0/0 -> nat-0abc` with nat-0abc `failed` (no free Elastic IP at creation).
    Fix: create a new NAT gateway in a public subnet and point the route at it.
    """,
    remediation="Create a working NAT gateway in a public subnet and point the route at it.",
)

GW004 = from_checks(
    id="GW004",
    name="private-nat-gateway",
    title="Private NAT gateway used for internet egress",
    severity="error",
    codes=[CheckCode.NAT_PRIVATE],
    docs="""
    What it checks: the NAT gateway used for internet traffic has connectivity type `public`
    (a missing ConnectivityType means public).
    Why it matters: a private NAT gateway has no Elastic IP and cannot reach the internet.
    Example: `0.0.0.0/0 -> nat-0abc` where nat-0abc was created with `--connectivity-type private`.
    Fix: route internet traffic to a public NAT gateway in a public subnet.
    """,
    remediation="Route internet traffic to a public NAT gateway.",
)

GW005 = from_checks(
    id="GW005",
    name="nat-in-private-subnet",
    title="NAT gateway in a private subnet",
    severity="error",
    codes=[CheckCode.NAT_PRIVATE_SUBNET],
    docs="""
    What it checks: the subnet a NAT gateway sits in routes the destination to an internet gateway.
    Why it matters: a NAT gateway sends translated traffic by its own subnet's route table; placed
    in a private subnet it has no way out, and every task behind it times out.
    Example: the NAT gateway was created in `private-a`, whose route table sends 0.0.0.0/0 to the
    NAT gateway itself, or has no default route.
    Fix: create the NAT gateway in a public subnet (one whose route table sends 0.0.0.0/0 to an
    attached internet gateway) and point the private route tables at it.
    """,
    remediation="Recreate the NAT gateway in a public subnet (0.0.0.0/0 -> internet gateway).",
)

GW006 = from_checks(
    id="GW006",
    name="peering-not-transitive",
    title="VPC peering used as a way to the internet",
    severity="error",
    codes=[CheckCode.PEERING_NOT_TRANSITIVE, CheckCode.EIGW_IPV4, CheckCode.NAT_IPV6],
    docs="""
    What it checks: the route for an internet destination does not lead into a peering connection
    (or an IPv6-only egress-only gateway for IPv4 traffic, or a NAT gateway for IPv6 traffic outside
    NAT64's 64:ff9b::/96, which it does not forward).
    Why it matters: AWS does not support edge-to-edge routing: a peer VPC's internet or NAT
    gateway is never usable through the peering connection.
    Example: `0.0.0.0/0 -> pcx-0abc` towards a "shared services" VPC with the NAT gateways.
    Fix: give this VPC its own NAT gateway, or use a transit gateway for centralised egress.
    """,
    remediation="Use a NAT gateway in this VPC, or centralise egress with a transit gateway.",
)

GW011 = from_checks(
    id="GW011",
    name="peering-no-return-route",
    title="Replies have no route back over the VPC peering connection",
    severity="error",
    codes=[CheckCode.PEERING_NO_RETURN],
    docs="""
    What it checks: for a destination inside a peer VPC, the route table of each peer subnet that
    holds it sends the task's range (or its NAT's) back over the same peering connection.
    Why it matters: a peering connection needs a route on both sides; requests arrive and the
    replies are dropped (or leave by another way), so connections hang until they time out.
    Example: `172.20.0.0/16 -> pcx-0abc` in the task's table, while the peer's table has only its
    `local` route (or sends `10.0.0.0/16` to a transit gateway).
    Fix: add `<task VPC CIDR> -> pcx-...` to the peer subnet's route table.
    """,
    remediation="Add a route for the task's VPC range to the peering connection in the peer subnet's route table.",
)

GW012 = from_checks(
    id="GW012",
    name="ipv6-through-another-vpc",
    title="IPv6 traffic sent out through another VPC's gateway",
    severity="error",
    codes=[CheckCode.IGW_OTHER_VPC],
    docs="""
    What it checks: IPv6 traffic for the internet leaves by an internet or egress-only internet
    gateway of the task's own VPC, not by one of a VPC it reached through a transit gateway.
    Why it matters: IPv6 addresses are not translated on the way: a gateway carries only its own
    VPC's addresses, so a central egress VPC serves spokes' IPv6 only through NAT66 or proxy
    instances (AWS, "Centralized egress for IPv6").
    Example: a spoke routes `::/0 -> tgw-...` and the egress VPC sends it to its `eigw-...`.
    Fix: give the spoke VPC its own egress-only internet gateway and route `::/0` to it.
    """,
    remediation="Route ::/0 to an egress-only internet gateway of the task's own VPC.",
)

GW010 = from_checks(
    id="GW010",
    name="not-internet-address",
    title="A non-internet destination sent to an internet gateway",
    severity="error",
    codes=[CheckCode.NOT_INTERNET],
    docs="""
    What it checks: a destination routed out through an internet gateway (directly, or behind a
    NAT gateway) or an egress-only internet gateway is internet address space.
    Why it matters: private (10/8, 172.16/12, 192.168/16), shared (100.64/10), documentation,
    benchmarking and reserved addresses are never delivered by the internet: the default route
    swallows them and the connection times out.
    Example: `--destination 172.20.0.0/16` (a partner's network) from a subnet with only
    `0.0.0.0/0 -> nat-...`.
    Fix: route the private range to where it lives (VPC peering, transit gateway, VPN).
    """,
    remediation="Route the private destination to where it lives: a peering, transit gateway or VPN route.",
    fix="Add a route for {cidr} ({destination}) to the peering, transit gateway or VPN where it lives.",
)

GW009 = from_checks(
    id="GW009",
    name="block-public-access",
    title="VPC Block Public Access blocks the way out",
    severity="error",
    codes=[CheckCode.BPA_BLOCKED],
    docs="""
    What it checks: the account's VPC Block Public Access (BPA) in the region lets the task's traffic
    through the internet gateway (or egress-only internet gateway) at the end of its path.
    Why it matters: BPA overrides routes, security groups and ACLs. `block-bidirectional` drops
    all traffic through internet gateways; `block-ingress` lets only NAT gateway and egress-only
    traffic through, so a task with its own public IP never gets its replies. Either way the task
    dies with `CannotPullContainerError ... i/o timeout` although every route looks right.
    Example: BPA `block-bidirectional` turned on by an Organization declarative policy, with no
    exclusion for the subnet of the NAT gateway.
    Fix: exclude the subnet the traffic leaves from (the NAT gateway's subnet; the task's own for a
    public IP) or its VPC: `aws ec2 create-vpc-block-public-access-exclusion --subnet-id ...
    --internet-gateway-exclusion-mode allow-egress` (in `block-ingress` mode: `allow-bidirectional`,
    or move the task behind a NAT gateway).
    """,
    remediation="Add a BPA exclusion for the subnet the traffic leaves from, or route through a NAT gateway.",
)


@rule(
    id="GW100",
    name="public-ip-behind-nat",
    title="Public IP on a task in a NAT-routed subnet",
    severity="info",
    docs="""
    What it checks: tasks launched with `assignPublicIp=ENABLED` into subnets whose internet route
    goes to a NAT gateway.
    Why it matters: the public IP is never used for egress (traffic leaves through the NAT
    gateway), but it costs money and invites confusion.
    Example: a CloudReactor config with `assign_public_ip: true` and private subnets.
    Fix: set `assignPublicIp=DISABLED` for tasks in private subnets.
    """,
    remediation="Set assignPublicIp=DISABLED for tasks in NAT-routed subnets.",
    per_target=True,  # the target's public IP and its own walk's NAT gateway
)
def public_ip_behind_nat(ctx: RuleContext) -> Iterator[Hit]:
    for result in ctx.results:
        target = result.target
        if not target.assign_public_ip:
            continue
        first_nat = next(
            (c for c in result.internet_egress.checks if c.code is CheckCode.NAT and c.status is Status.PASS),
            None,
        )
        if first_nat is not None:
            yield Hit(
                target.subnet_id,
                f"{target.subnet_id} sends internet traffic through {first_nat.resource_id}; "
                "the task's public IP is unused",
                target.target_id,
            )
