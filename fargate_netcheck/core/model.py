"""The analysis model: targets, the checks of a walk, verdicts, findings and the report.

Plain dataclasses and enums; every later stage (trace, rules, report writers) speaks these types.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fargate_netcheck.core.collection_summary import CollectionSummary


class Verdict(StrEnum):
    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"


class Status(StrEnum):
    """Outcome of one check along a path."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


_SEVERITY_RANKS = {"error": 3, "warning": 2, "info": 1}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANKS[self]  # sorting an audit's findings reads it hundreds of thousands of times


class CheckCode(StrEnum):
    """Stable machine codes for what a single check looked at. Rules subscribe to these."""

    DATA_MISSING = "data.missing"
    DATA_FAILED = "data.collection-failed"  # missing because collecting it failed (see Errors)
    SUBNET_MISSING = "subnet.missing"
    ROUTE_TABLE = "route-table"
    ROUTE_TABLE_MISSING = "route-table.missing"
    ROUTE = "route"
    NO_ROUTE = "route.no-route"
    BLACKHOLE = "route.blackhole"
    TARGET_MISSING = "route.target-missing"
    ROUTE_LOOP = "route.loop"
    UNSUPPORTED_TARGET = "route.unsupported-target"
    PREFIX_LIST_UNKNOWN = "route.prefix-list-unknown"
    LOCAL = "route.local"
    KEPT_INSIDE = "route.kept-inside"  # public addresses that are a VPC's own range: never reached
    IGW = "igw"
    IGW_NOT_ATTACHED = "igw.not-attached"
    NO_PUBLIC_IP = "igw.no-public-ip"
    IGW_OTHER_VPC = "igw.other-vpc"  # IPv6 from another VPC (through a transit gateway) at a gateway
    BPA = "bpa"  # VPC Block Public Access lets the traffic through the gateway
    BPA_BLOCKED = "bpa.blocked"
    BPA_UNKNOWN = "bpa.unknown"
    NAT = "nat"
    NAT_NOT_AVAILABLE = "nat.not-available"
    NAT_PRIVATE = "nat.private"
    NAT_PRIVATE_SUBNET = "nat.private-subnet"
    NAT_IPV6 = "nat.ipv6"  # IPv6 at a NAT gateway: only NAT64 (64:ff9b::/96) is translated
    NAT_REGIONAL = "nat.regional"  # a regional NAT gateway not decided: its route table, AZ coverage
    NAT_APPLIANCE = "nat.appliance"  # a filtering proxy attached to the NAT gateway
    EIGW_IPV4 = "eigw.ipv4"
    NOT_INTERNET = "igw.not-internet"  # a private or reserved destination at an internet-facing gateway
    TASK_IPV6 = "task.ipv6"  # the task gets an IPv6 address
    TASK_NO_IPV6 = "task.no-ipv6"  # ... and not: no IPv6 CIDR on the subnet, or ECS dual-stack off
    DNS64 = "task.dns64"  # DNS64 on: IPv4-only names also reached at 64:ff9b::/96, through NAT64
    DNS64_NO_NAT64 = "task.dns64-no-nat64"  # ... and that way does not hold (or DNS64 is not known)
    PEERING = "pcx"
    PEERING_NOT_TRANSITIVE = "pcx.not-transitive"
    PEERING_NO_RETURN = "pcx.no-return"  # the peer's subnet has no route back over the peering
    SG = "sg"
    SG_EGRESS_DENIED = "sg.egress-denied"
    SG_PARTIAL = "sg.partial"
    SG_WRONG_VPC = "sg.wrong-vpc"
    SG_MISSING = "sg.missing"
    SG_NOT_EVALUATED = "sg.not-evaluated"
    NACL = "nacl"
    NACL_REQUEST_DENIED = "nacl.request-denied"
    NACL_REPLY_DENIED = "nacl.reply-denied"
    NACL_PARTIAL = "nacl.partial"
    NACL_JOINTLY_DENIED = "nacl.jointly-denied"  # ACLs (and groups) each block part, together all
    NACL_MISSING = "nacl.missing"
    # ECR pull: which way ECR goes, interface endpoints (ecr.api, ecr.dkr), the S3 gateway endpoint
    ECR_VIA_INTERNET = "ecr.via-internet"
    EP_DNS = "vpce.private-dns"
    EP_SERVICE = "vpce.service"
    EP_SERVICE_MISSING = "vpce.service-missing"
    EP_NO_SUBNETS = "vpce.no-subnets"
    EP_SG_INGRESS = "vpce.sg-ingress"
    EP_SG_INGRESS_DENIED = "vpce.sg-ingress-denied"
    EP_SG_INGRESS_PARTIAL = "vpce.sg-ingress-partial"
    EP_TASK_EGRESS = "vpce.task-egress"
    EP_TASK_EGRESS_DENIED = "vpce.task-egress-denied"
    EP_TASK_EGRESS_PARTIAL = "vpce.task-egress-partial"
    EP_S3 = "vpce.s3"
    EP_S3_MISSING = "vpce.s3-missing"
    VPCE_NOT_AVAILABLE = "vpce.not-available"
    VPCE_NOT_INTERNET = "vpce.gateway-not-internet"
    # Gateway Load Balancer / Network Firewall endpoints on the path
    FIREWALL = "firewall"
    FIREWALL_POLICY = "firewall.policy-not-evaluated"
    FIREWALL_RETURN = "firewall.return"
    FIREWALL_ASYMMETRIC = "firewall.asymmetric"
    # NAT instances (a route to an instance or a network interface)
    NAT_INSTANCE = "nat-instance"
    NAT_INSTANCE_DOWN = "nat-instance.not-in-use"
    NAT_INSTANCE_SRC_DST = "nat-instance.source-dest-check"
    NAT_INSTANCE_NO_PUBLIC_IP = "nat-instance.no-public-ip"
    NAT_INSTANCE_SG = "nat-instance.security-groups"  # its groups let the task's traffic in and out
    NAT_INSTANCE_SG_DENIED = "nat-instance.security-groups-denied"
    NAT_INSTANCE_SG_PARTIAL = "nat-instance.security-groups-partial"
    # Transit gateways
    TGW = "tgw"
    TGW_NOT_AVAILABLE = "tgw.not-available"
    TGW_NO_ATTACHMENT = "tgw.no-attachment"
    TGW_AZ = "tgw.no-attachment-in-az"
    TGW_NOT_ASSOCIATED = "tgw.not-associated"
    TGW_UNREADABLE = "tgw.unreadable"
    TGW_NO_ROUTE = "tgw.no-route"
    TGW_BLACKHOLE = "tgw.blackhole"
    TGW_RETURN = "tgw.return"
    TGW_NO_RETURN = "tgw.no-return"
    # Needs by name: DNS, the Network Firewall policy, VPC endpoint policies
    DNS = "dns"
    DNS_BLOCKED = "dns.firewall-blocked"
    DNS_NO_RECORD = "dns.private-zone-no-record"
    DNS_NO_RESOLVER = "dns.support-off"
    DNS_ELSEWHERE = "dns.resolved-elsewhere"  # own DNS servers, a forwarding rule, a zone's record
    DNS_NOT_COLLECTED = "dns.not-collected"  # a name-resolution kind the answer depends on is missing
    NFW = "nfw"
    NFW_DROPPED = "nfw.dropped"
    NFW_UNKNOWN = "nfw.unknown"
    NFW_HOME_NET = "nfw.home-net"  # a domain list's HOME_NET misses the traffic's source
    EPP = "vpce.policy"
    EPP_DENIED = "vpce.policy-denied"
    EPP_UNKNOWN = "vpce.policy-unknown"


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a target's configuration came from (a deployment config file and line)."""

    path: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """One subnet a task may land in, with the task's security groups and public-IP choice."""

    target_id: str
    source: str  # "cli", "audit", "ecs-service:<cluster>/<service>", "deploy-config:<env>/<task>"
    subnet_id: str
    security_group_ids: tuple[str, ...] = ()
    assign_public_ip: bool | None = False  # None: unknown (a stopped task whose record is gone)
    evaluate_security_groups: bool = True  # False in an account audit: no task groups are known
    security_groups_known: bool = True  # False: the task had groups, but none of our sources has them
    account_id: str | None = None
    region: str | None = None
    location: SourceLocation | None = None
    needs: tuple[str, ...] = ()  # AWS services the task reads at launch: "logs", "secretsmanager", "ssm"
    notes: tuple[str, ...] = ()  # how the configuration was resolved (e.g. "no groups: the VPC default")


@dataclass(frozen=True, slots=True)
class Check:
    """One thing verified along a path: which resource, what was found."""

    code: CheckCode
    status: Status
    resource_id: str
    reason: str


@dataclass(slots=True)
class PathResult:
    """The verdict of one walk (internet egress, ECR pull, ...), with every hop and check."""

    verdict: Verdict
    path: list[str]
    blocked_at: str | None
    reason: str
    checks: list[Check] = field(default_factory=list)
    via: str | None = None  # for ecr_pull: "internet" | "vpc-endpoints"
    pieces: list[PathPiece] | None = None  # when a route table split the destination: each part's walk
    destination: str | None = None  # what the walk tried to reach (None: the internet, IPv4)
    ports: tuple[int, ...] = ()  # the TCP ports it checked (empty: 443)
    family: int = 4

    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.status is Status.FAIL]

    def unknown(self) -> list[Check]:
        return [c for c in self.checks if c.status is Status.UNKNOWN]


@dataclass(frozen=True, slots=True)
class PathPiece:
    """One part of a split destination (its CIDR blocks) and the walk it took."""

    destination: tuple[str, ...]
    result: PathResult

    def label(self, limit: int = 4) -> str:
        """The piece's blocks, the first ``limit`` by name (``1.0.0.0/8, ... (+96 more)``)."""
        shown = ", ".join(self.destination[:limit])
        more = len(self.destination) - limit
        return shown + (f" (+{more} more blocks)" if more > 0 else "")


@dataclass(slots=True)
class NeedResult:
    """One need by name (``api.ecr.<region>.amazonaws.com:443``): how it resolves and is reached."""

    name: str
    port: int
    purpose: str
    via: str  # "internet" | "vpc-endpoint"
    result: PathResult
    ecr: bool = False
    service: str | None = None  # the AWS endpoint service behind it ("ecr.api", "s3", ...)

    @property
    def label(self) -> str:
        return f"need {self.name}:{self.port}"


# Worst first: a target's verdict is the first of these that any of its walks has.
VERDICT_ORDER = (Verdict.UNREACHABLE, Verdict.UNKNOWN, Verdict.REACHABLE)


def worst_verdict(walks: Iterable[PathResult]) -> Verdict:
    """The verdict of a target whose walks these are (``TargetResult.verdict``)."""
    verdicts = {path.verdict for path in walks}
    return next(v for v in VERDICT_ORDER if v in verdicts)


@dataclass(slots=True)
class TargetResult:
    target: Target
    vpc_id: str | None
    internet_egress: PathResult
    ecr_pull: PathResult | None = None
    needs: list[NeedResult] = field(default_factory=list)
    # Set by the trace on a member of a group of targets that share a walk (trace/grouping.py):
    # ``(GroupWalks, labels)``, the group's walks this result is re-labelled from, so a writer can
    # render them once per group. Whatever replaces the paths above must drop it.
    shared: Any = field(default=None, compare=False, repr=False)

    def walks(self) -> list[tuple[str, PathResult]]:
        """Every verdict the target's own verdict is made of: the internet egress, the ECR pull
        (when traced) and each need (``need <name>:<port>``), in that order."""
        out = [("internet egress", self.internet_egress)]
        if self.ecr_pull is not None:
            out.append(("ECR pull", self.ecr_pull))
        out += [(n.label, n.result) for n in self.needs]
        return out

    @property
    def verdict(self) -> Verdict:
        """``reachable`` only when the internet egress, the ECR pull and every need are; else
        ``unreachable`` when any of them is, else ``unknown`` (docs/report-format.md, targets)."""
        return worst_verdict(path for _, path in self.deciding.walks())

    @property
    def deciding(self) -> TargetResult:
        """The result whose walks have this one's verdicts, ``via``, check codes and statuses and
        every resource id but this target's subnet, range and route table: itself, or, for a
        member of a group of targets that share a walk, the group's traced member. Reading it never
        makes a member's walks (trace/members.py)."""
        return self if self.shared is None else self.shared[0].first


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    severity: Severity
    resource_id: str
    target_id: str | None
    message: str
    remediation: str
    suppressed: str | None = None  # the suppression's reason, when one matched
    baseline: str | None = None  # "new" | "unchanged" (resolved ones live in Report.resolved)

    def sort_key(self) -> tuple:
        return (-self.severity.rank, self.rule_id, self.target_id or "", self.resource_id, self.message)


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a report needs to know about a rule (SARIF rule table, HTML docs)."""

    id: str
    name: str
    title: str
    severity: Severity
    docs: str
    remediation: str


@dataclass(slots=True)
class Diagnosis:
    """Why a task stopped. ``headline`` (the first sentence of ``explanation``) says what happened and
    what to change; ``verdict`` and ``blocked_at`` are those of the path to ``service``, the service
    the error names (None: not known)."""

    task_arn: str | None
    stopped_reason: str | None
    cause: str  # network | permissions | capacity | image | other | unclear
    explanation: str
    service: str | None = None
    verdict: str | None = None
    blocked_at: str | None = None
    headline: str = ""
    service_key: str | None = None  # stable: ecr.api, ecr.dkr, s3-layers, secretsmanager, ssm, logs, ...


@dataclass(slots=True)
class Report:
    tool_version: str
    targets: list[TargetResult]
    findings: list[Finding]
    rules: dict[str, RuleInfo]
    collected_at: str | None = None
    account_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # the regions the snapshot covers, sorted
    errors: dict[str, str] = field(default_factory=dict)  # "<account>/<region>/<Kind>" -> message
    diagnosis: Diagnosis | None = None
    resolved: list[Finding] = field(default_factory=list)  # baseline findings gone since
    notes: list[str] = field(default_factory=list)
    topology: list = field(default_factory=list)  # list[fargate_netcheck.report.topology.VpcView]
    collection: CollectionSummary | None = None
    compared: bool = False  # compared with a baseline (``check --baseline``), whatever either holds

    def active_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed is None]

    def has_baseline(self) -> bool:
        """Whether the report was compared with a baseline: every format then shows the change
        (``new``, ``resolved``), none included."""
        return self.compared or bool(self.resolved) or any(f.baseline is not None for f in self.findings)

    def summary(self) -> dict[str, int]:
        """The counts every format shows: targets by their own verdict (``TargetResult.verdict``),
        unsuppressed findings by severity."""
        active = self.active_findings()
        verdicts = Counter(t.verdict for t in self.targets)
        return {
            "targets": len(self.targets),
            "unreachable": verdicts[Verdict.UNREACHABLE],
            "unknown": verdicts[Verdict.UNKNOWN],
            "errors": sum(f.severity is Severity.ERROR for f in active),
            "warnings": sum(f.severity is Severity.WARNING for f in active),
            "infos": sum(f.severity is Severity.INFO for f in active),
        }
