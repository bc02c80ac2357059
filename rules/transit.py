"""Rules for traffic passing through something on its way out: transit gateways (TGW), and NAT
instances and firewall endpoints (GW family, like the other gateways)."""

from fargate_netcheck.core.model import CheckCode, Status
from fargate_netcheck.rules_api import from_checks

TGW001 = from_checks(
    id="TGW001",
    name="tgw-route-missing",
    title="The transit gateway route table drops the traffic",
    severity="error",
    codes=[CheckCode.TGW_NO_ROUTE, CheckCode.TGW_BLACKHOLE],
    docs="""
    What it checks: the transit gateway route table associated with the task VPC's attachment has
    an active route for the destination (longest prefix; static beats propagated).
    Why it matters: a missing route or a `blackhole` route drops the traffic inside the transit
    gateway; nothing in the VPC shows it.
    Example: centralised egress whose spoke route table lost its static `0.0.0.0/0 ->
    tgw-attach-egress`, or kept it as a blackhole after the egress VPC was re-attached.
    Fix: add (or repoint) the static default route in the spoke's TGW route table to the egress
    VPC's attachment.
    """,
    remediation="Add a static 0.0.0.0/0 route to the egress VPC attachment in the spoke's TGW route table.",
)

TGW002 = from_checks(
    id="TGW002",
    name="tgw-attachment-unusable",
    title="The VPC's transit gateway attachment is missing, not available or not associated",
    severity="error",
    codes=[CheckCode.TGW_NO_ATTACHMENT, CheckCode.TGW_NOT_AVAILABLE, CheckCode.TGW_NOT_ASSOCIATED],
    docs="""
    What it checks: the transit gateway a route uses is available, the task's VPC has an available
    attachment to it, and that attachment is associated with a TGW route table.
    Why it matters: without all three the transit gateway forwards nothing from the VPC.
    Example: the attachment is `pendingAcceptance` in the network account, or was disassociated
    from its route table during a migration.
    Fix: accept the attachment, wait for it to be available, and associate it with a route table.
    """,
    remediation="Accept and associate the VPC's transit gateway attachment with a TGW route table.",
)

TGW003 = from_checks(
    id="TGW003",
    name="tgw-no-attachment-in-az",
    title="The transit gateway attachment has no subnet in the task's Availability Zone",
    severity="error",
    codes=[CheckCode.TGW_AZ],
    docs="""
    What it checks: the task VPC's transit gateway attachment has a subnet in the Availability Zone
    of every task subnet that routes to the transit gateway.
    Why it matters: AWS forwards traffic to a transit gateway only from Availability Zones where the
    attachment has a subnet; tasks placed in another AZ have no way out.
    Example: the attachment uses subnets in us-east-1a and 1b; the service also lists a subnet in 1c.
    Fix: add a subnet in that AZ to the attachment (aws ec2 modify-transit-gateway-vpc-attachment
    --add-subnet-ids).
    """,
    remediation="Add a subnet in the task subnet's Availability Zone to the transit gateway attachment.",
)

TGW004 = from_checks(
    id="TGW004",
    name="tgw-no-return-route",
    title="Replies have no route back to the task through the transit gateway",
    severity="error",
    codes=[CheckCode.TGW_NO_RETURN],
    docs="""
    What it checks: on centralised egress, the route table of the egress VPC's NAT subnet routes the
    task's range back to the transit gateway (for a destination inside that VPC: the route table of
    each subnet that holds it), and the TGW route table associated with the egress attachment
    routes it back to the task VPC's attachment.
    Why it matters: requests leave and replies are dropped on the way back: connections hang and the
    pull ends in `context deadline exceeded`.
    Example: a new spoke VPC 10.9.0.0/16 whose CIDR was never added to the egress VPC's public route
    table (`10.0.0.0/8 -> tgw-...` covers only older spokes), or whose attachment does not propagate
    to the egress route table.
    Fix: add `<spoke CIDR> -> tgw-...` to the NAT subnet's route table and propagate the spoke
    attachment into the egress attachment's TGW route table.
    """,
    remediation="Route the spoke CIDR back to the transit gateway in the egress VPC and in the egress TGW route table.",
)

GW007 = from_checks(
    id="GW007",
    name="nat-instance-unusable",
    title="The NAT instance cannot forward the traffic",
    severity="error",
    codes=[
        CheckCode.NAT_INSTANCE_DOWN,
        CheckCode.NAT_INSTANCE_SRC_DST,
        CheckCode.NAT_INSTANCE_NO_PUBLIC_IP,
        CheckCode.NAT_INSTANCE_SG_DENIED,
    ],
    docs="""
    What it checks: the network interface a route sends internet traffic to (a NAT instance) is in
    use, has a public IP and has its source/destination check turned off, and the instance is
    `running`; its security groups let the task's traffic in (from the task subnet's range or one
    of the task's groups) and out to the destination on each port; its subnet must route to an
    internet gateway (GW005).
    Why it matters: with the source/destination check on, EC2 drops every packet not addressed to
    the instance itself; without a public IP the instance cannot translate to the internet; a
    stopped or stopping instance forwards nothing, though its interface stays in use; its groups
    filter the traffic it forwards like any instance's.
    Example: a NAT instance launched from a plain Amazon Linux AMI without `--no-source-dest-check`.
    Fix: `aws ec2 modify-instance-attribute --instance-id i-... --no-source-dest-check`, attach an
    Elastic IP, or replace the instance with a NAT gateway.
    """,
    remediation="Start the NAT instance, turn off its source/destination check, give it a public IP and open its security groups to the task's traffic, or use a NAT gateway.",
)

GW008 = from_checks(
    id="GW008",
    name="firewall-not-evaluated",
    title="Traffic passes a firewall whose rules are not evaluated",
    severity="warning",
    codes=[CheckCode.FIREWALL_POLICY],
    status=Status.PASS,
    docs="""
    What it checks: the path goes through a Gateway Load Balancer or AWS Network Firewall endpoint.
    fargate-netcheck follows the routes through it and checks the way back through the gateway's
    edge route table (a bypassing return path makes the verdict unknown), but does not evaluate the
    firewall's policy or the appliance's rules.
    Why it matters: a `reachable` verdict is only as good as the firewall's rules: a domain allow
    list without `*.dkr.ecr.<region>.amazonaws.com` and the S3 endpoints still breaks image pulls.
    Example: Network Firewall with a stateful domain list allowing only your API's host name.
    Fix: make sure the firewall allows TLS to ECR (api.ecr, *.dkr.ecr), S3 and your destinations,
    then suppress this rule with that reason.
    """,
    remediation="Verify the firewall allows ECR, S3 and your destinations; suppress GW008 with the reason.",
)
