"""Launch-blocker rules (LB): what stops ECS from placing a task at all, whatever the routes say."""

from collections.abc import Iterator

from fargate_netcheck.core.model import TargetResult
from fargate_netcheck.rules_api import Hit, RuleContext, rule

MAX_SUBNETS = 16  # awsvpcConfiguration limits
MAX_GROUPS = 5


def _free_ips(ctx: RuleContext, result: TargetResult) -> int | None:
    count = ctx.graph.nodes.get(result.target.subnet_id, {}).get("item", {}).get("AvailableIpAddressCount")
    return count if isinstance(count, int) else None


@rule(
    id="LB001",
    name="subnet-full",
    title="Subnet has no free IP addresses",
    severity="error",
    docs="""
    What it checks: the task subnet's `AvailableIpAddressCount` is above 0.
    Why it matters: every Fargate task takes one address (its ENI) in the subnet; in a full subnet
    the launch fails with `ResourceInitializationError ... insufficient free addresses` or the
    service never reaches its desired count.
    Example: a /28 subnet (11 usable addresses) shared by a scaled-out service and Lambda ENIs.
    Fix: free addresses, add larger subnets (or a secondary VPC CIDR) to the task configuration.
    """,
    remediation="Add subnets with free addresses to the task configuration, or free addresses in this one.",
)
def subnet_full(ctx: RuleContext) -> Iterator[Hit]:
    for result in ctx.results:
        if _free_ips(ctx, result) == 0:
            subnet = result.target.subnet_id
            yield Hit(
                subnet,
                f"{subnet} has no free IP addresses: no task can be placed in it",
                result.target.target_id,
            )


@rule(
    id="LB002",
    name="subnet-nearly-full",
    title="Subnet has few free IP addresses",
    severity="warning",
    docs="""
    What it checks: the task subnet has at least `min_free_ips` free addresses (parameter, default 8;
    `--min-free-ips`). A subnet with none is LB001.
    Why it matters: deployments start new tasks before stopping old ones, so a service needs room for
    twice its tasks; a nearly full subnet fails the next deployment or scale-out.
    Example: 3 addresses left in a subnet hosting a service of 4 tasks.
    Fix: add subnets with more room to the task configuration, or raise the subnet size.
    """,
    remediation="Add subnets with more free addresses to the task configuration.",
)
def subnet_nearly_full(ctx: RuleContext) -> Iterator[Hit]:
    minimum = int(ctx.params.get("min_free_ips", 8))
    for result in ctx.results:
        free = _free_ips(ctx, result)
        if free is not None and 0 < free < minimum:
            subnet = result.target.subnet_id
            yield Hit(
                subnet,
                f"{subnet} has only {free} free IP addresses (fewer than {minimum})",
                result.target.target_id,
            )


@rule(
    id="LB003",
    name="vpc-dns-resolution-off",
    title="DNS resolution is off in the VPC",
    severity="error",
    docs="""
    What it checks: the task VPC's `EnableDnsSupport` attribute is on.
    Why it matters: with it off the Amazon DNS server does not answer: the task cannot resolve ECR,
    Secrets Manager or any host name (unless DHCP options point at your own resolvers), and the
    launch fails with `CannotPullContainerError ... no such host`.
    Example: a VPC created by an old template with `EnableDnsSupport: false`.
    Fix: `aws ec2 modify-vpc-attribute --vpc-id vpc-... --enable-dns-support`.
    """,
    remediation="Turn on EnableDnsSupport on the VPC (aws ec2 modify-vpc-attribute --enable-dns-support).",
)
def vpc_dns_resolution_off(ctx: RuleContext) -> Iterator[Hit]:
    for vpc_id in sorted({r.vpc_id for r in ctx.results if r.vpc_id and r.vpc_id in ctx.graph}):
        if ctx.graph.nodes[vpc_id].get("item", {}).get("EnableDnsSupport") is False:
            yield Hit(
                vpc_id, f"{vpc_id} has DNS resolution (EnableDnsSupport) off: tasks cannot resolve host names"
            )


@rule(
    id="LB004",
    name="too-many-subnets-or-groups",
    title="A task configuration lists more subnets or security groups than ECS accepts",
    severity="error",
    docs=f"""
    What it checks: each task configuration (the targets of one source: an ECS service, a deployment
    config, the command line) lists at most {MAX_SUBNETS} subnets and {MAX_GROUPS} security groups.
    Why it matters: `awsvpcConfiguration` accepts no more; `RunTask`, `CreateService` and
    `UpdateService` fail with `InvalidParameterException`.
    Example: a deployment config listing every private subnet of three VPCs.
    Fix: list at most {MAX_SUBNETS} subnets and merge rules into at most {MAX_GROUPS} security groups.
    """,
    remediation=f"List at most {MAX_SUBNETS} subnets and {MAX_GROUPS} security groups in the task configuration.",
)
def too_many_subnets_or_groups(ctx: RuleContext) -> Iterator[Hit]:
    subnets: dict[str, set[str]] = {}
    groups: dict[str, set[str]] = {}
    for result in ctx.results:
        source = result.target.source
        if source == "audit":
            continue
        subnets.setdefault(source, set()).add(result.target.subnet_id)
        groups.setdefault(source, set()).update(result.target.security_group_ids)
    for source in sorted(subnets):
        if len(subnets[source]) > MAX_SUBNETS:
            yield Hit(
                source, f"{source} lists {len(subnets[source])} subnets; ECS accepts at most {MAX_SUBNETS}"
            )
        if len(groups[source]) > MAX_GROUPS:
            yield Hit(
                source,
                f"{source} lists {len(groups[source])} security groups; ECS accepts at most {MAX_GROUPS}",
            )
