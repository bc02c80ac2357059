"""Data rules (DATA): verdicts that could not be decided."""

from fargate_netcheck.model import CheckCode, Status, Verdict
from fargate_netcheck.rules_api import from_checks

DATA001 = from_checks(
    id="DATA001",
    name="verdict-unknown",
    title="Egress could not be verified",
    severity="error",
    codes=list(CheckCode),
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
