"""Needs by name: the Network Firewall (NFW), VPC endpoint policies (EPP) and DNS (DNS) on the
way to each endpoint a task needs (ECR, S3 layers, Logs, secrets, CloudReactor, --need)."""

from collections.abc import Iterator

from fargate_netcheck.checks.need_rules import allow_domain, allow_statement, need_rule
from fargate_netcheck.core.model import CheckCode, PathResult, Status, Verdict
from fargate_netcheck.rules_api import Hit, RuleContext, rule

NFW001 = need_rule(
    id="NFW001",
    name="firewall-drops-need",
    title="AWS Network Firewall drops an endpoint the task needs",
    severity="error",
    codes=[CheckCode.NFW_DROPPED],
    docs="""
    What it checks: every AWS Network Firewall on the path to a need (ECR API and registry, the S3
    layer bucket, CloudWatch Logs, Secrets Manager/SSM, CloudReactor, `--need`) passes the need's
    flow: its stateless rules, then its stateful rules in the policy's rule order, with domain lists
    matched on the TLS SNI (HTTP Host on port 80) and HOME_NET as the firewall sees it.
    Why it matters: a central-egress firewall whose allow-list lacks the AWS endpoints lets the
    TCP handshake through and drops the TLS ClientHello: the pull times out
    (`CannotPullContainerError ... i/o timeout`) though every route and group is right.
    Example: a domain allow-list with `api.cloudreactor.io` and `.snowflakecomputing.com` but not
    `.amazonaws.com`.
    Fix: add the need's domain to the rule group that drops it (the finding names both), e.g.
    `.amazonaws.com` to the allow-list's targets, or a `pass tls` rule with its `tls.sni`.
    """,
    remediation="Allow the need's domain (TLS SNI) in the firewall rule group that drops it.",
    fix=lambda ctx, result, need, check: (
        f"Add '{allow_domain(need)}' to the targets of domain list rule group {check.resource_id} "
        f"(TLS_SNI{', HTTP_HOST' if need.port == 80 else ''}), or put before the drop a rule "
        f'`pass tls $HOME_NET any -> $EXTERNAL_NET {need.port} (tls.sni; content:"{need.name}"; nocase; '
        "startswith; endswith; flow:to_server, established; sid:<n>;)`"
        if "default action" not in check.reason
        else f"The policy's default action drops {need.name}: add a rule group that passes '{allow_domain(need)}' "
        f"(a domain allow-list with TLS_SNI) whose HOME_NET covers the task's VPC"
    ),
)

NFW002 = need_rule(
    id="NFW002",
    name="firewall-undecided",
    title="AWS Network Firewall rules that cannot be evaluated for a need",
    severity="error",
    codes=[CheckCode.NFW_UNKNOWN],
    status=Status.UNKNOWN,
    docs="""
    What it checks: whether the firewall on a need's path can be evaluated: its policy and rule
    groups are in the snapshot, and every rule whose header may match the flow is one
    fargate-netcheck interprets (Suricata `pass|drop|reject|alert` on `tcp|tls|http`, `tls.sni` /
    `http.host` content, `flow`, address and port variables).
    Why it matters: a rule it cannot read (`pcre`, `flowbits`, IP set references, `ja3`) may drop
    the need; the verdict is `unknown` rather than a guess, with the rule quoted.
    Example: `drop tls any any -> any any (tls.sni; pcre:"/^api\\./"; sid:9;)`.
    Fix: check the quoted rule by hand against the need's name and port; collect the firewall
    (network-firewall:Describe*) if it was not collected.
    """,
    remediation="Review the quoted rule for the need's name; make sure the firewall is collected.",
    fix=lambda ctx, result, need, check: (
        f"Check by hand whether the rule quoted above passes TLS to {need.name}:{need.port}; "
        "if the firewall was not collected, grant network-firewall:DescribeFirewall, DescribeFirewallPolicy "
        "and DescribeRuleGroup"
    ),
)

NFW003 = need_rule(
    id="NFW003",
    name="firewall-home-net-misses-task",
    title="A domain list's HOME_NET does not include the task's traffic",
    severity="warning",
    codes=[CheckCode.NFW_HOME_NET],
    status=Status.PASS,
    per_need=False,
    docs="""
    What it checks: each domain list rule group on a need's path has a HOME_NET that includes the
    traffic's source (the task subnet, or the NAT that translated it before the firewall).
    Why it matters: HOME_NET defaults to the firewall's own VPC. Traffic from spoke VPCs behind a
    transit gateway matches none of the generated rules: in default action order it passes (the
    allow-list is bypassed), in strict order the default action (`aws:drop_established`) drops it.
    Example: an inspection VPC 10.0.0.0/16 with an allow-list, spokes 10.1.0.0/16 and 10.2.0.0/16.
    Fix: set HOME_NET (the rule group's variable, or the policy's `PolicyVariables`) to cover the
    inspection VPC and every spoke CIDR.
    """,
    remediation="Include the spoke VPC CIDRs in HOME_NET (rule group variable or policy variable).",
    fix=lambda ctx, result, need, check: (
        f"Set HOME_NET of rule group {check.resource_id} (or the firewall policy's PolicyVariables) to include "
        f"{', '.join(_vpc_cidrs(ctx, result)) or 'the task VPC CIDR'} and the firewall VPC's CIDR"
    ),
)


def _vpc_cidrs(ctx, result) -> list[str]:
    vpc = ctx.graph.nodes.get(result.vpc_id, {}).get("item", {}) if result.vpc_id else {}
    return [vpc["CidrBlock"]] if vpc.get("CidrBlock") else []


EPP001 = need_rule(
    id="EPP001",
    name="endpoint-policy-denies-need",
    title="A VPC endpoint policy denies what the task needs",
    severity="error",
    codes=[CheckCode.EPP_DENIED],
    docs="""
    What it checks: the policy of each VPC endpoint a need goes through allows, as IAM evaluates it,
    what the task asks of it: `s3:GetObject` on `arn:aws:s3:::prod-<region>-starport-layer-bucket/*`
    (ECR image layers through the S3 gateway endpoint), `ecr:GetAuthorizationToken` (ecr.api),
    `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer` (ecr.dkr; a denied `ecr:BatchCheckLayerAvailability`,
    which AWS's pull-only managed policy omits, is `unknown`: EPP002),
    `logs:CreateLogStream`/`PutLogEvents`, `secretsmanager:GetSecretValue`, `ssm:GetParameters`.
    Why it matters: an S3 endpoint policy that allows only the account's own buckets lets the
    registry authenticate, then the layer download fails: `CannotPullContainerError`.
    Example: an S3 gateway endpoint policy with `"Condition": {"StringEquals":
    {"aws:ResourceAccount": "<account>"}}` (the layer bucket belongs to AWS).
    Fix: add the statement the finding gives to the endpoint's policy.
    """,
    remediation="Add a statement allowing the task's calls to the endpoint policy.",
    fix=lambda ctx, result, need, check: (
        f"Add to the policy of {check.resource_id} the statement {allow_statement(result, need, check.resource_id)}"
    ),
)

EPP002 = need_rule(
    id="EPP002",
    name="endpoint-policy-undecided",
    title="A VPC endpoint policy that cannot be decided for a need",
    severity="error",
    codes=[CheckCode.EPP_UNKNOWN],
    status=Status.UNKNOWN,
    docs="""
    What it checks: the endpoint policy can be decided for the need: it was collected, and its
    statements name principals, resources and condition keys that are known (`*`, the account,
    `aws:SourceVpce`, `aws:SourceVpc`, `aws:PrincipalAccount`, `aws:ResourceAccount`).
    Why it matters: a statement on one role, an organisation id or a key fargate-netcheck cannot
    know may or may not let the task through: the verdict is `unknown`, never a pass.
    Example: `"Principal": {"AWS": "arn:aws:iam::<account>:role/ecsTaskExecutionRole"}`.
    Fix: confirm the statement covers the task execution role, or allow the calls for `*` in the
    account with `aws:PrincipalAccount`.
    """,
    remediation="Confirm the endpoint policy covers the task execution role.",
    fix=lambda ctx, result, need, check: (
        f"Confirm that the policy of {check.resource_id} lets the task execution role do what {need.name} needs, "
        f"e.g. {allow_statement(result, need, check.resource_id)}"
    ),
)

DNS001 = need_rule(
    id="DNS001",
    name="dns-firewall-blocks-need",
    title="Route 53 Resolver DNS Firewall blocks a name the task needs",
    severity="error",
    codes=[CheckCode.DNS_BLOCKED],
    docs="""
    What it checks: the DNS Firewall rule groups associated with the task's VPC (by priority, rules
    by priority) do not BLOCK a needed name before an ALLOW rule lets it through.
    Why it matters: the name does not resolve (NODATA, NXDOMAIN or an override): the launch fails
    with `dial tcp: lookup api.ecr.<region>.amazonaws.com: no such host`.
    Example: a rule blocking `*.amazonaws.com` meant for data exfiltration, with no allow rule.
    Fix: add an ALLOW rule for the name with a lower priority number than the blocking rule.
    """,
    remediation="Add an ALLOW rule for the needed name before the blocking rule.",
    fix=lambda ctx, result, need, check: (
        f"In {check.resource_id.rsplit(' rule ', 1)[0]}, add an ALLOW rule for a domain list holding "
        f"'{need.name}' (or '*.amazonaws.com') with a lower priority number than rule "
        f"{check.resource_id.rsplit(' rule ', 1)[-1]}"
    ),
)

DNS002 = need_rule(
    id="DNS002",
    name="private-zone-shadows-need",
    title="A private hosted zone shadows a name the task needs",
    severity="error",
    codes=[CheckCode.DNS_NO_RECORD],
    docs="""
    What it checks: no private hosted zone associated with the task's VPC covers a needed name
    without a record for it.
    Why it matters: Route 53 Resolver answers from the private zone: a name it lacks does not
    resolve (NXDOMAIN), even though the public name exists.
    Example: a private zone `amazonaws.com` created for one endpoint's records.
    Fix: add the record for the name to the zone, or dissociate the zone from the VPC.
    """,
    remediation="Add the needed record to the private hosted zone, or dissociate the zone.",
    fix=lambda ctx, result, need, check: (
        f"Add a record for {need.name} to private hosted zone {check.resource_id}, or dissociate the zone "
        f"from {result.vpc_id}"
    ),
)

DNS003 = need_rule(
    id="DNS003",
    name="need-resolved-elsewhere",
    title="A needed name is resolved by servers fargate-netcheck cannot see",
    severity="error",
    codes=[CheckCode.DNS_ELSEWHERE, CheckCode.DNS_NOT_COLLECTED],
    status=Status.UNKNOWN,
    docs="""
    What it checks: how a needed name resolves is known: the VPC's DHCP options use the
    Amazon-provided resolver, no Resolver FORWARD rule covers it, no private zone record answers it
    with an address the tool does not follow, and what decides that was collected.
    Why it matters: a forwarding rule that sends `amazonaws.com` on-premises, or custom DNS servers,
    answer as they are configured: often without the AWS endpoints, or with private addresses. A
    VPC associated with a Route 53 Profile takes the Profile's private zones, Resolver rules and DNS
    Firewall rule groups (often another account's), which are not read. A snapshot that lacks a
    name-resolution kind (DHCP options, Resolver rules, DNS Firewall, Route 53 Profile associations,
    private zones) while describing others cannot say how the name resolves either.
    Example: a FORWARD rule for `amazonaws.com` to an on-premises resolver.
    Fix: add a SYSTEM rule for the needed name (or its region's subdomain), or make sure the
    resolvers answer it with AWS's addresses; for data that was not collected, scan again with the
    read actions of `fargate-netcheck iam-policy` (the report's collection section says what failed).
    """,
    remediation="Add a SYSTEM Resolver rule for the needed name, or verify the resolvers it is sent to.",
    fix=lambda ctx, result, need, check: (
        f"Collect what is missing ({check.reason.split(':')[0]}) with `fargate-netcheck scan` and the read "
        "actions of `fargate-netcheck iam-policy`, then check again"
        if check.code is CheckCode.DNS_NOT_COLLECTED
        else f"Check what Route 53 Profile {check.resource_id} gives {result.vpc_id} for {need.name} (its private "
        "hosted zones, Resolver rules and DNS Firewall rule groups, which fargate-netcheck does not read)"
        if "uses Route 53 Profile" in check.reason
        else f"Add a Route 53 Resolver SYSTEM rule for {need.name} associated with {result.vpc_id}, or make sure "
        f"what {check.resource_id} sends it to answers {need.name} with AWS's public addresses"
    ),
)

DNS004 = need_rule(
    id="DNS004",
    name="vpc-dns-support-off",
    title="The VPC's DNS resolution is off",
    severity="error",
    codes=[CheckCode.DNS_NO_RESOLVER],
    docs="""
    What it checks: the task VPC's `EnableDnsSupport` is on when it uses the Amazon-provided DNS.
    Why it matters: with it off the Amazon resolver does not answer: no name the task needs resolves.
    Example: `enableDnsSupport` turned off by an old template.
    Fix: `aws ec2 modify-vpc-attribute --vpc-id <vpc> --enable-dns-support`.
    """,
    remediation="Turn on EnableDnsSupport on the VPC.",
    fix=lambda ctx, result, need, check: (
        f"aws ec2 modify-vpc-attribute --vpc-id {result.vpc_id} --enable-dns-support"
    ),
)


# The need checks the rules above report when they fail or cannot be decided.
_REPORTED = frozenset(
    {
        CheckCode.NFW_DROPPED,
        CheckCode.NFW_UNKNOWN,
        CheckCode.EPP_DENIED,
        CheckCode.EPP_UNKNOWN,
        CheckCode.DNS_BLOCKED,
        CheckCode.DNS_NO_RECORD,
        CheckCode.DNS_ELSEWHERE,
        CheckCode.DNS_NOT_COLLECTED,
        CheckCode.DNS_NO_RESOLVER,
    }
)


def _explains(walk: PathResult | None, need: PathResult) -> bool:
    """``walk`` (the internet egress, the ECR pull) ends as ``need`` does, at the same resource, on a
    check of its own that its rules report."""
    if walk is None or (walk.verdict, walk.blocked_at) != (need.verdict, need.blocked_at):
        return False
    if need.verdict is Verdict.UNREACHABLE:
        return any(c.status is Status.FAIL for c in walk.checks)
    # Unknown walks have no blocking resource to compare: the walk explains the need only where
    # it is undecided at the same resource, for the same kind of reason (a failed collection of
    # the VPCs is not explained by an asymmetric return path elsewhere).
    theirs = {(c.code, c.resource_id) for c in walk.unknown()}
    return any((c.code, c.resource_id) in theirs for c in need.unknown())


@rule(
    id="NEED001",
    name="need-not-reachable",
    title="A name the task needs is not reachable on its own path",
    severity="error",
    docs="""
    What it checks: every need of a target (ECR API and registry, the S3 layer bucket, CloudWatch
    Logs, Secrets Manager/SSM, CloudReactor, `--need`, the configuration's `needs`) is reachable
    on the path it takes: its port through the security groups and ACLs, the interface endpoint
    of its service (its security groups, subnets and state), AWS's published ranges for the
    service. Reported when the need is unreachable or unknown and neither the internet egress,
    the ECR pull nor the need's DNS, firewall or endpoint policy findings already say why.
    Why it matters: a target is only OK when everything it needs is; a task whose logs endpoint
    drops its traffic, or whose database port is closed, fails at launch or at its first call
    though "the internet" is reachable.
    Example: `--need db.example.com:5432` with a security group that allows only TCP 443 out; a
    `logs` interface endpoint whose security group does not allow 443 from the task subnet.
    Fix: open the path at the resource the finding names (the security group rule, the ACL
    entry, the endpoint's security group) for the need's port.
    """,
    remediation="Open the need's path (its port, its endpoint) at the resource the finding names.",
    per_target=True,
)
def need_not_reachable(ctx: RuleContext) -> Iterator[Hit]:
    for result in ctx.results:
        for need in result.needs:
            path = need.result
            if path.verdict is Verdict.REACHABLE:
                continue
            # what decided the need (its reason) is a DNS, firewall or endpoint policy check: its rule
            # reports it; otherwise the walk decided, and only the egress or the pull may say so
            if any(
                c.code in _REPORTED and c.status is not Status.PASS and c.reason == path.reason
                for c in path.checks
            ):
                continue
            if _explains(result.internet_egress, path) or (need.ecr and _explains(result.ecr_pull, path)):
                continue
            where = path.blocked_at or next((c.resource_id for c in path.unknown()), None)
            yield Hit(
                where or (path.path[-1] if path.path else result.target.subnet_id),
                f"{need.name}:{need.port} ({need.purpose}, via {need.via}) is {path.verdict.value}: {path.reason}",
                result.target.target_id,
                f"Collect what the reason names as missing, or verify TCP {need.port} to {need.name} at "
                f"{where or 'the hop the reason names'} by hand and suppress with a reason"
                if path.verdict is Verdict.UNKNOWN
                else f"Allow TCP {need.port} to {need.name} at {where}",
            )
