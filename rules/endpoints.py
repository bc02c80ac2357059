"""VPC endpoint rules (EP): the private way to ECR (ecr.api, ecr.dkr, S3) and CloudWatch Logs."""

from collections.abc import Iterator

from fargate_netcheck.core.model import CheckCode, Verdict
from fargate_netcheck.rules_api import Hit, RuleContext, from_checks, rule
from fargate_netcheck.trace.endpoints import dns_off, endpoint_ids, item, private_dns_endpoints

EP001 = from_checks(
    id="EP001",
    name="endpoint-refuses-task",
    title="An ECR endpoint's security groups refuse the task",
    severity="error",
    codes=[CheckCode.EP_SG_INGRESS_DENIED],
    docs="""
    What it checks: the security groups of the `ecr.api` and `ecr.dkr` interface endpoints the task
    resolves to allow inbound TCP 443 from the task: a CIDR covering the task subnet, or a rule naming
    one of the task's security groups.
    Why it matters: with private DNS on, ECR names resolve to the endpoints even when a NAT gateway
    exists, so the NAT never helps: the pull hangs until `CannotPullContainerError ... i/o timeout`.
    Example: endpoints created with the VPC's default group, which only admits its own members.
    Fix: add an inbound rule to the endpoint's group: TCP 443 from the VPC CIDR (or from the task's
    security group).
    """,
    remediation="Allow inbound TCP 443 from the task subnets (or the task's security group) on the endpoint's security group.",
)

EP002 = from_checks(
    id="EP002",
    name="task-cannot-reach-endpoints",
    title="The task's security groups do not allow 443 to the endpoints",
    severity="error",
    codes=[CheckCode.EP_TASK_EGRESS_DENIED],
    docs="""
    What it checks: the task's security groups allow outbound TCP 443 to the ECR interface endpoints
    (their subnets' CIDRs, the VPC CIDR, or the endpoints' security group) and to the S3 prefix list
    of the gateway endpoint.
    Why it matters: a task whose egress is narrowed to "the VPC" or to a few public ranges misses one
    of the three, and the image pull fails.
    Example: egress TCP 443 to 10.0.0.0/16 only: the ECR endpoints are reachable, S3 (image layers,
    public ranges through the gateway endpoint) is not.
    Fix: allow TCP 443 to the VPC CIDR and to the S3 prefix list (`pl-...`, com.amazonaws.<region>.s3).
    """,
    remediation="Allow outbound TCP 443 to the VPC CIDR (endpoints) and to the S3 managed prefix list.",
)

EP003 = from_checks(
    id="EP003",
    name="no-s3-gateway-endpoint",
    title="No S3 gateway endpoint and no internet path",
    severity="error",
    codes=[CheckCode.EP_S3_MISSING],
    docs="""
    What it checks: when a task pulls from ECR through interface endpoints, its subnet's route table
    has a route to an S3 gateway endpoint (com.amazonaws.<region>.s3), or the internet path works.
    Why it matters: ECR serves image layers from S3. With `ecr.api` and `ecr.dkr` endpoints but no
    S3 path, authentication succeeds and the layer download times out.
    Example: a private VPC with ECR interface endpoints whose S3 gateway endpoint lists only the
    other route tables.
    Fix: create the S3 gateway endpoint and associate it with the task subnets' route tables.
    """,
    remediation="Associate an S3 gateway endpoint with the task subnet's route table.",
)

EP004 = from_checks(
    id="EP004",
    name="ecr-endpoint-missing",
    title="An ECR interface endpoint is missing and there is no internet path",
    severity="error",
    codes=[CheckCode.EP_SERVICE_MISSING, CheckCode.EP_NO_SUBNETS],
    docs="""
    What it checks: a task pulling through interface endpoints has both `ecr.api` and `ecr.dkr`
    (available, with private DNS and subnets), or else an internet path for the missing one.
    Why it matters: `ecr.api` issues the auth token and `ecr.dkr` serves the registry; without
    either the pull fails with `unable to pull secrets or registry auth` or `i/o timeout`.
    Example: only `com.amazonaws.us-east-1.ecr.dkr` was created in a VPC without NAT.
    Fix: create the missing interface endpoint with private DNS enabled in the task subnets' AZs.
    """,
    remediation="Create the missing ecr.api / ecr.dkr interface endpoint with private DNS enabled.",
)

EP007 = from_checks(
    id="EP007",
    name="endpoint-route-unusable",
    title="A route sends traffic to an endpoint that cannot carry it",
    severity="error",
    codes=[CheckCode.VPCE_NOT_INTERNET, CheckCode.VPCE_NOT_AVAILABLE],
    docs="""
    What it checks: a VPC endpoint used on the path is available, and a gateway endpoint (S3,
    DynamoDB) is never the route for internet traffic.
    Why it matters: a gateway endpoint carries only traffic to its service's prefix list; a pending,
    rejected or failed endpoint carries nothing.
    Example: the S3 gateway endpoint of the task's route table is `pending`; or a firewall endpoint
    was deleted and its replacement is still being created.
    Fix: wait for or recreate the endpoint; route internet traffic to a NAT gateway or firewall
    endpoint, not to a gateway endpoint.
    """,
    remediation="Recreate the endpoint, or route internet traffic to a NAT gateway or firewall endpoint.",
)


@rule(
    id="EP005",
    name="private-dns-without-vpc-dns",
    title="Endpoints with private DNS in a VPC without DNS support or DNS hostnames",
    severity="error",
    docs="""
    What it checks: a VPC that has interface endpoints with private DNS enabled has both
    `EnableDnsSupport` and `EnableDnsHostnames` on.
    Why it matters: private DNS works only with both attributes on. Otherwise service names resolve
    to public addresses: ECR traffic silently leaves through the NAT gateway (or, without one,
    fails), and the endpoints you pay for are unused.
    Example: `enableDnsHostnames` turned off on a VPC created by an old template.
    Fix: `aws ec2 modify-vpc-attribute --vpc-id vpc-... --enable-dns-hostnames` (and
    `--enable-dns-support`).
    """,
    remediation="Turn on EnableDnsSupport and EnableDnsHostnames on the VPC.",
)
def private_dns_without_vpc_dns(ctx: RuleContext) -> Iterator[Hit]:
    g = ctx.graph
    for vpc_id in sorted({r.vpc_id for r in ctx.results if r.vpc_id}):
        off = dns_off(g, vpc_id)
        if not off:
            continue
        services = g.nodes[vpc_id].get("endpoints", {})
        with_dns = sorted(
            e for ids in services.values() for e in ids if item(g, e).get("PrivateDnsEnabled") is True
        )
        if with_dns:
            yield Hit(
                vpc_id,
                f"{vpc_id} has {' and '.join(off)} off, so the private DNS of {', '.join(with_dns)} "
                "has no effect: service names resolve to public addresses",
            )


@rule(
    id="EP006",
    name="no-logs-endpoint",
    title="No internet path and no CloudWatch Logs endpoint",
    severity="warning",
    docs="""
    What it checks: a target in a private VPC (no internet path; its image pull goes through VPC
    endpoints) has a `logs` interface endpoint (com.amazonaws.<region>.logs, available, private
    DNS on) in its VPC. Parameter `awslogs_target_ids`: the targets known to use the awslogs driver
    (when not given, each such target is reported "if the task uses the awslogs log driver").
    Targets whose internet path is broken while ECR has no endpoints are left to the rules that
    explain that path.
    Why it matters: a task whose containers log with the awslogs driver cannot start without a way
    to CloudWatch Logs: `ResourceInitializationError: failed to validate logger args`.
    Example: a VPC with ECR and S3 endpoints for image pulls, but no logs endpoint.
    Fix: create the `logs` interface endpoint with private DNS in the task subnets' AZs.
    """,
    remediation="Create a com.amazonaws.<region>.logs interface endpoint with private DNS enabled.",
)
def no_logs_endpoint(ctx: RuleContext) -> Iterator[Hit]:
    known = ctx.params.get("awslogs_target_ids")
    for result in ctx.results:
        target, walks = result.target, result.deciding  # verdicts and ``via`` only
        if walks.internet_egress.verdict is not Verdict.UNREACHABLE or result.vpc_id is None:
            continue
        if walks.ecr_pull is None or walks.ecr_pull.via != "vpc-endpoints":
            continue
        if known is not None and target.target_id not in known:
            continue
        if private_dns_endpoints(ctx.graph, result.vpc_id, "logs") and not dns_off(ctx.graph, result.vpc_id):
            continue
        present = endpoint_ids(ctx.graph, result.vpc_id, "logs")
        state = (
            f" (its logs endpoint {', '.join(present)} is not available with private DNS)" if present else ""
        )
        condition = "" if known is not None else "if the task uses the awslogs log driver, "
        yield Hit(
            result.vpc_id,
            f"{target.subnet_id} has no internet path and {result.vpc_id} has no usable CloudWatch Logs "
            f"endpoint{state}: {condition}the task cannot send its logs and fails to start",
            target.target_id,
        )
