"""Network ACL rules (ACL): stateless filters on every subnet the traffic crosses."""

from fargate_netcheck.core.model import CheckCode
from fargate_netcheck.rules_api import from_checks

_EXAMPLE_FIX = """
    Fix: add allow entries with a rule number lower than any deny that matches: outbound TCP 443
    to 0.0.0.0/0 and inbound TCP 1024-65535 from 0.0.0.0/0 on the task subnet; on a NAT gateway's
    subnet also inbound TCP 443 from the private subnets and outbound TCP 1024-65535 to them.
    """

ACL001 = from_checks(
    id="ACL001",
    name="request-blocked",
    title="Network ACL blocks the request",
    severity="error",
    codes=[CheckCode.NACL_REQUEST_DENIED],
    docs="""
    What it checks: the network ACL of every subnet on the path (the task's, the NAT gateway's)
    lets the request through: outbound TCP to the destination port, and inbound into a NAT
    gateway's subnet from the task subnet. Entries are evaluated lowest rule number first; the
    first match decides.
    Why it matters: ACLs are stateless; a deny (or no allow) drops the request silently.
    Example: a custom ACL with only `100 allow inbound 10.0.0.0/16` and the default `* deny`.
    """
    + _EXAMPLE_FIX,
    remediation="Allow the request in the network ACL (outbound TCP 443 to 0.0.0.0/0) before any matching deny.",
    fix="Allow the request in the network ACL ({family}: outbound {protocol} {port} to {cidr}, for {destination}) before any matching deny.",
)

ACL002 = from_checks(
    id="ACL002",
    name="replies-blocked",
    title="Network ACL drops the replies",
    severity="error",
    codes=[CheckCode.NACL_REPLY_DENIED],
    docs="""
    What it checks: the network ACL of every subnet on the path lets the replies back: inbound
    TCP to the ephemeral ports 1024-65535 from the destination, and on a NAT gateway's subnet
    outbound to the task subnet.
    Why it matters: ACLs are stateless: allowing 443 out is not enough. Without the ephemeral
    range inbound, connections open and then hang: `context deadline exceeded`.
    Example: `100 allow outbound 443 0.0.0.0/0`, `100 allow inbound 443 0.0.0.0/0`, `* deny`.
    """
    + _EXAMPLE_FIX,
    remediation="Allow inbound TCP 1024-65535 from 0.0.0.0/0 in the network ACL before any matching deny.",
    fix="Allow the replies in the network ACL ({family}: inbound {protocol} 1024-65535 from {cidr}, for {destination}) before any matching deny.",
)

ACL003 = from_checks(
    id="ACL003",
    name="blocked-together",
    title="Network ACLs and security groups together block every address",
    severity="error",
    codes=[CheckCode.NACL_JOINTLY_DENIED],
    docs="""
    What it checks: when each filter on the path lets only part of the destination through, that
    some address of it gets through all of them together: the task's security groups (the request
    out) and each network ACL leg that faces the destination (the request out, the replies in on
    at least one port of the ephemeral range).
    Why it matters: each filter alone looks partial, not closed, yet an address one of them blocks
    is never reached, and when those addresses add up to the whole destination no connection ever
    completes: the task times out as if a single rule blocked everything.
    Example: the security group allows TCP 443 only to 0.0.0.0/1, and the task subnet's ACL denies
    all outbound traffic to 0.0.0.0/1.
    Fix: let one range of the destination through every filter: widen the security group, or
    remove the ACL deny, for the addresses the service lives at.
    """,
    remediation="Allow the destination in the security groups and in every network ACL on the path for the same addresses.",
)
