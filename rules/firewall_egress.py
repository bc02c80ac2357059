"""AWS Network Firewall on the egress walks (NFW004): a policy that drops the walk's flow whatever
the host name (a stateless default ``aws:drop``, a rule on the port or the addresses)."""

from fargate_netcheck.core.model import CheckCode, Verdict
from fargate_netcheck.rules_api import from_checks

NFW004 = from_checks(
    id="NFW004",
    name="firewall-drops-egress",
    title="AWS Network Firewall drops the egress on its port or addresses",
    severity="error",
    codes=[CheckCode.NFW_DROPPED],
    verdicts=[Verdict.UNREACHABLE],
    docs="""
    What it checks: every AWS Network Firewall on the internet egress (and ECR pull) walk passes
    TCP to the destination on each checked port, whatever the host name: its stateless rules and
    default actions, then its stateful rules in the policy's rule order. What only the host name
    decides (a domain list) is left to the needs by name (NFW001).
    Why it matters: a firewall that drops the port or the addresses breaks the task's connections
    though every route, group and ACL lets them through.
    Example: a stateless default action of `aws:drop`, or `drop tcp any any -> any 5432 (sid:1;)`
    in front of a database the task needs.
    Fix: pass the flow in the rule group or policy the finding names (a stateless rule forwarding
    it to the stateful engine, a `pass` rule before the drop).
    """,
    remediation="Pass the task's traffic in the firewall rule group or policy the finding names.",
)
