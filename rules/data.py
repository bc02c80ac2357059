"""Data rules (DATA): verdicts that could not be decided, and collections that failed."""

from collections.abc import Iterator

from fargate_netcheck.core.model import CheckCode, Status, Verdict
from fargate_netcheck.rules_api import Hit, RuleContext, from_checks, rule
from fargate_netcheck.snapshot.collection import ECS_SERVICES

DATA001 = from_checks(
    id="DATA001",
    name="verdict-unknown",
    title="Egress could not be verified",
    severity="error",
    codes=[c for c in CheckCode if c is not CheckCode.DATA_FAILED],  # DATA002 reports those
    status=Status.UNKNOWN,
    # Only where the unknown decides the verdict: once a path is blocked, what else is
    # undecidable on it changes nothing.
    verdicts=[Verdict.UNKNOWN],
    docs="""
    What it checks: a target's verdict could be decided from the collected data (reported when the
    verdict is `unknown`, once for each check that could not be decided).
    Why it matters: fargate-netcheck never guesses "reachable". Missing permissions
    (AccessDenied on a Describe call), a region or kind not collected, a prefix list whose entries
    are unreadable, a rule that allows only part of the destination, or a hop it cannot follow
    (a VPN gateway, say) leave the verdict `unknown` - which is not a pass.
    Example: `Errors: {"NatGateways": "AccessDenied: ec2:DescribeNatGateways"}` in the snapshot.
    Fix: grant the actions of the shipped IAM policy and scan again; pass `--destination` when a
    rule allows only some addresses; or suppress with a reason when the hop is verified elsewhere.
    """,
    remediation="Collect the missing data (see the reason) or verify that hop by hand and suppress with a reason.",
)


@rule(
    id="DATA002",
    name="collection-failed",
    title="Data a verdict needs could not be collected",
    severity="error",
    docs="""
    What it checks: every kind of resource a target's verdict needs was collected. Reported once
    for each target whose verdict is `unknown` because a Describe call failed (its region's
    `Errors`), for each region whose ECS services (`check --cluster`) could not all be read
    (`Errors.EcsServices`: those services were never checked), and, in an account audit, for each
    region whose subnets and each account that could not be read at all (their subnets were never
    checked).
    Why it matters: a collection that failed is not a clean bill of health. A proxy answering an
    HTML error page, an outage, a timeout, a missing permission or an expired credential leaves
    the data missing; fargate-netcheck then cannot say the task reaches the internet, and a CI
    gate must not pass.
    Example: `Errors: {"NatGateways": "ResponseParserError: Unable to parse response ..."}`: the
    private subnets routed to a NAT gateway are `unknown` and this rule fails the run.
    Fix: look at the message (the report's `collection` section lists every failure), fix the
    cause (permissions: `fargate-netcheck iam-policy`; timeouts: `--read-timeout`,
    `--max-attempts`, `--region-deadline`), and run again.
    """,
    remediation="Fix the cause named in the message and collect again (see the report's collection section).",
    per_target=True,  # each target's own failed checks; the collection's failures name no target
)
def collection_failed(ctx: RuleContext) -> Iterator[Hit]:
    seen: set[tuple[str, str]] = set()
    for result, label, path, check in ctx.checks_by_code().get(CheckCode.DATA_FAILED, ()):
        key = (result.target.target_id, check.reason)
        if check.status is Status.UNKNOWN and path.verdict is Verdict.UNKNOWN and key not in seen:
            seen.add(key)
            yield Hit(check.resource_id, f"{label}: {check.reason}", result.target.target_id)
    collection = ctx.params.get("collection")
    if collection is None:
        return
    for region in collection.regions:  # a cluster's services that could not be read: never checked
        if ECS_SERVICES in region.failures:
            yield Hit(
                f"{region.account}/{region.region}/{ECS_SERVICES}",
                f"the ECS services of {region.account}/{region.region} could not all be read "
                f"({region.failures[ECS_SERVICES]}): those were not checked",
            )
    if not ctx.params.get("audit"):
        return
    for region in collection.regions:
        if "Subnets" in region.failures:
            yield Hit(
                f"{region.account}/{region.region}/Subnets",
                f"the subnets of {region.account}/{region.region} could not be collected "
                f"({region.failures['Subnets']}): none of them was checked",
            )
    for account, steps in sorted(collection.accounts.items()):
        for step, message in sorted(steps.items()):
            yield Hit(
                account,
                f"account {account} could not be read ({step}: {message}): none of its subnets was checked",
            )
