"""Configuration rules (CFG, SVC): what a task configuration says it needs."""

from collections.abc import Iterator

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.rules_api import Hit, RuleContext, rule
from fargate_netcheck.trace.endpoints import dns_off, private_dns_endpoints


@rule(
    id="CFG001",
    name="unresolvable-config",
    title="Task configuration cannot be checked as written",
    severity="error",
    docs="""
    What it checks: every task of a deployment config or ECS service resolves to literal subnet
    and security group ids.
    Why it matters: a Jinja expression where an id must be (`"{{ env_subnet }}"`), an empty subnet
    list, or a service without an awsvpc configuration cannot launch on Fargate, or cannot be
    verified until the deployer renders it.
    Example: `env_task_config: {aws: {network: {subnets: ["{{ private_subnet }}"]}}}`.
    Fix: put literal ids in the config, or check the rendered values. A CloudReactor task that
    sets no network takes its Run Environment's: pass it with `--run-environment FILE` or
    `--default-subnet`/`--default-security-group` (the finding says so).
    """,
    remediation="Use literal subnet and security group ids in the task configuration.",
)
def unresolvable(ctx: RuleContext) -> Iterator[Hit]:
    yield from _problems(ctx, "CFG001")


@rule(
    id="CFG002",
    name="not-on-fargate",
    title="Tasks that do not run on Fargate are not checked",
    severity="warning",
    docs="""
    What it checks: every task of an ECS service read with `--cluster` runs on Fargate (launch
    type FARGATE, or a capacity provider strategy of FARGATE and FARGATE_SPOT only; a service with
    neither follows the cluster's default strategy and is checked).
    Why it matters: a task on EC2 or EXTERNAL capacity pulls its image and reaches its logs and
    secrets through its container instance, whose network fargate-netcheck does not evaluate: its
    verdict would say nothing about those tasks. A DRAINING or INACTIVE service launches none.
    Example: a service with `launchType: EC2`, or a strategy weighting an Auto Scaling group's
    capacity provider beside FARGATE (then only its Fargate tasks are checked).
    Fix: nothing, if the service is meant to run on EC2; check that instance's network another
    way. Name the services to check with `--service` to leave it out.
    """,
    remediation="Check the container instances' network another way, or leave the service out (--service).",
)
def not_on_fargate(ctx: RuleContext) -> Iterator[Hit]:
    yield from _problems(ctx, "CFG002")


def _problems(ctx: RuleContext, rule_id: str) -> Iterator[Hit]:
    for problem in ctx.params.get("config_problems", ()):
        if getattr(problem, "rule", "CFG001") != rule_id:
            continue
        where = f" ({problem.path}:{problem.line})" if problem.path else ""
        yield Hit(problem.source, f"{problem.message}{where}", remediation=problem.remediation)


def _needs_rule(service: str, label: str):
    def check(ctx: RuleContext) -> Iterator[Hit]:
        for result in ctx.results:
            target, walks = result.target, result.deciding  # verdicts and ``via`` only
            if service not in target.needs or walks.internet_egress.verdict is not Verdict.UNREACHABLE:
                continue
            if _has_endpoint(ctx, result.vpc_id, service):
                continue
            if service == "logs" and walks.ecr_pull is not None and walks.ecr_pull.via == "vpc-endpoints":
                continue  # a private-by-design VPC: EP006 reports the missing logs endpoint
            yield Hit(
                target.subnet_id,
                f"{target.source} needs {label} at launch, but {target.subnet_id} reaches neither the "
                f"internet nor a {service} interface endpoint",
                target.target_id,
            )

    return check


def _has_endpoint(ctx: RuleContext, vpc_id: str | None, service: str) -> bool:
    """A usable interface endpoint of ``service``: available, private DNS on, VPC DNS attributes on."""
    return bool(private_dns_endpoints(ctx.graph, vpc_id, service)) and not dns_off(ctx.graph, vpc_id)


SVC001 = rule(
    id="SVC001",
    name="secrets-unreachable",
    title="Task reads Secrets Manager secrets it cannot reach",
    severity="error",
    docs="""
    What it checks: a task whose definition takes secrets from Secrets Manager can reach
    Secrets Manager: over the internet, or through a `secretsmanager` interface endpoint with
    private DNS in its VPC.
    Why it matters: the secrets are fetched before the container starts; without a way to them
    the task stops with `ResourceInitializationError: unable to pull secrets or registry auth`.
    Example: private subnets with no NAT gateway and only ECR endpoints.
    Fix: add a NAT route, or a `com.amazonaws.<region>.secretsmanager` interface endpoint.
    """,
    remediation="Give the subnet internet egress, or add a secretsmanager interface endpoint with private DNS.",
)(_needs_rule("secretsmanager", "Secrets Manager secrets"))

SVC002 = rule(
    id="SVC002",
    name="ssm-unreachable",
    title="Task reads SSM parameters it cannot reach",
    severity="error",
    docs="""
    What it checks: a task whose definition takes secrets from SSM Parameter Store can reach
    SSM: over the internet, or through an `ssm` interface endpoint with private DNS in its VPC.
    Why it matters: parameters are fetched before the container starts; without a way to them
    the task stops with `ResourceInitializationError: unable to pull secrets or registry auth`.
    Example: `secrets: [{valueFrom: "arn:aws:ssm:...:parameter/db-password"}]` in an isolated subnet.
    Fix: add a NAT route, or a `com.amazonaws.<region>.ssm` interface endpoint.
    """,
    remediation="Give the subnet internet egress, or add an ssm interface endpoint with private DNS.",
)(_needs_rule("ssm", "SSM parameters"))

SVC003 = rule(
    id="SVC003",
    name="logs-unreachable",
    title="Task logs with awslogs but cannot reach CloudWatch Logs",
    severity="warning",
    docs="""
    What it checks: a task whose containers log with the `awslogs` driver can reach CloudWatch
    Logs: over the internet, or through a `logs` interface endpoint with private DNS in its VPC.
    Why it matters: the log driver is set up at launch; without a way to CloudWatch Logs the task
    fails with `ResourceInitializationError: failed to validate logger args ... context deadline
    exceeded`, or runs without logs.
    Example: an endpoints-only VPC with ECR and S3 endpoints but no `logs` endpoint.
    Fix: add a `com.amazonaws.<region>.logs` interface endpoint, or internet egress.
    """,
    remediation="Add a logs interface endpoint with private DNS, or give the subnet internet egress.",
)(_needs_rule("logs", "CloudWatch Logs (awslogs driver)"))
