"""A failed collection never improves a verdict (docs/snapshot-format.md, "What absence means").

Swept over every snapshot kind: for each rich base snapshot, each kind present in its region (an
empty list included: "collected, there are none" is what a failure must not read as) and every
target (each subnet, public IP on and off, as an account audit sees it with the default needs, and
as a task with each group of its VPC that reads logs/secretsmanager/ssm and pulls an ECR and a
Docker Hub image; three declared names for all), the snapshot is traced as is and again with that
kind's items removed and ``Errors[kind]`` set to an AccessDenied failure. Every walk (internet egress, ECR
pull, each need) keeps its verdict or becomes ``unknown``: never ``reachable`` where it was not,
never ``unreachable`` where it was ``reachable`` or ``unknown``. A target with a walk that became
``unknown`` has an error finding that is DATA002 or names the failed kind (the failure messages
here do not name it, so quoting the message is not enough).

``unsupported-action:`` answers are failures like any other (Route 53 Profiles included), except
for the two VPC Block Public Access kinds: an endpoint without the API has no BPA, read exactly as
a snapshot without BPA (README, "Collection failures"). The failed additions (``VpcAttributes``,
``ManagedPrefixListEntries``, ``TransitGatewayRouteTableAssociations``, ``TransitGatewayRoutes``:
the field left absent, the failure under ``Errors``) are swept the same way.

Known defects are marked ``xfail(strict=True)`` with the defect they show (``KNOWN``): a fix makes
them pass, and the strict mark then asks for its removal.
"""

from __future__ import annotations

import copy
import functools
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from depth.builders import endpoints_only, firewalled, nat_instance, regional_nat, with_egress_only_ipv6
from depth.needs_builders import central_egress_allows_aws
from depth.tgw_builders import tgw_egress
from endpoint_snapshots import with_endpoints
from snapshots import healthy, region, with_name_resolution

from fargate_netcheck.core.model import CheckCode, Report, Severity, Status, Target, TargetResult, Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.needs.catalog import Need
from fargate_netcheck.pipeline import AnalysisOptions, analyze
from fargate_netcheck.snapshot.collection import UNSUPPORTED_MEANS_ABSENT, summarize
from fargate_netcheck.snapshot.schema import KINDS
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import INTERNET, Destination, TraceOptions

IMAGES = ("image:ecr:us-east-1", "image:internet:registry-1.docker.io:443")
TASK_NEEDS = ("logs", "secretsmanager", "ssm", *IMAGES)
# Needs every target has besides the derived ones: a public API, a name a private zone covers and
# one a Resolver rule forwards (in the DNS base).
DECLARED = (Need("api.cloudreactor.io"), Need("api.internal.example"), Need("db.corp.example"))
OPTIONS = AnalysisOptions(plugins=False, needs=DECLARED)
IPV6_OPTIONS = AnalysisOptions(
    trace=TraceOptions(destinations=(INTERNET, Destination.of("::/0"))), plugins=False, needs=DECLARED
)
# Neither names the kind: a finding must name it itself, not merely quote the message.
DENIED = (
    "AccessDenied: User: arn:aws:sts::123456789012:assumed-role/netcheck/ci is not authorized to perform "
    "this action"
)
UNSUPPORTED = "unsupported-action: InvalidAction: The action is not valid for this web service."
# A failed addition: the field it adds, on the items of the kind it adds it to.
ADDITIONS = {
    "VpcAttributes": ("Vpcs", ("EnableDnsSupport", "EnableDnsHostnames")),
    "ManagedPrefixListEntries": ("ManagedPrefixLists", ("Entries",)),
    "TransitGatewayRouteTableAssociations": ("TransitGatewayRouteTables", ("Associations",)),
    "TransitGatewayRoutes": ("TransitGatewayRouteTables", ("Routes",)),
}


# -- the bases -------------------------------------------------------------------------------------
def _endpoints(*services: str) -> dict[str, Any]:
    """with_endpoints() of ``services`` and the S3 gateway, each endpoint with AWS's default policy:
    a NAT path (subnet-private), a public-IP path (subnet-public), endpoints only (subnet-isolated)."""
    snap = with_endpoints(*services, s3=True)
    with_name_resolution(region(snap))
    return snap


def _nat_instance() -> dict[str, Any]:
    """healthy() whose private subnet leaves through NAT instance i-nat (eni-nat in subnet-public)."""
    return nat_instance()


def _bpa(mode: str, exclusions: list[tuple[str, str]]) -> dict[str, Any]:
    """_endpoints() under VPC Block Public Access in ``mode``, with (resource, mode) exclusions."""
    snap = _endpoints("ecr.api", "ecr.dkr", "logs")
    body = region(snap)
    body["VpcBlockPublicAccessOptions"] = [
        {
            "AwsRegion": "us-east-1",
            "State": "update-complete",
            "InternetGatewayBlockMode": mode,
            "ExclusionsAllowed": "allowed",
            "AwsAccountId": "123456789012",
        }
    ]
    body["VpcBlockPublicAccessExclusions"] = [
        {
            "ExclusionId": f"exclusion-{n}",
            "InternetGatewayExclusionMode": exclusion_mode,
            "State": "create-complete",
            "ResourceArn": f"arn:aws:ec2:us-east-1:123456789012:{resource.split('-')[0]}/{resource}",
        }
        for n, (resource, exclusion_mode) in enumerate(exclusions)
    ]
    return snap


def _dns() -> dict[str, Any]:
    """_endpoints() whose VPC has every name input: a SYSTEM rule for amazonaws.com and a FORWARD
    rule for corp.example, a DNS Firewall allowing AWS's names and blocking Docker Hub, a private
    zone internal.example without the needed record, and no Route 53 Profile."""
    snap = _endpoints("ecr.api", "ecr.dkr", "logs", "secretsmanager")
    body = region(snap)
    rules = [
        ("rslvr-rr-aws", "amazonaws.com.", "SYSTEM", []),
        ("rslvr-rr-corp", "corp.example.", "FORWARD", [{"Ip": "192.168.10.53", "Port": 53}]),
    ]
    body["ResolverRules"] = [
        {"Id": rid, "DomainName": name, "RuleType": kind, "TargetIps": ips, "Status": "COMPLETE"}
        for rid, name, kind, ips in rules
    ]
    body["ResolverRuleAssociations"] = [
        {"Id": f"{rid}-assoc", "ResolverRuleId": rid, "VPCId": "vpc-app", "Status": "COMPLETE"}
        for rid, *_ in rules
    ]
    body["DnsFirewallRuleGroupAssociations"] = [
        {
            "Id": "rslvr-frgassoc-1",
            "FirewallRuleGroupId": "rslvr-frg-1",
            "VpcId": "vpc-app",
            "Priority": 101,
            "Status": "COMPLETE",
        }
    ]
    body["DnsFirewallRuleGroups"] = [
        {
            "Id": "rslvr-frg-1",
            "Name": "egress-names",
            "FirewallRules": [
                {"FirewallDomainListId": "rslvr-fdl-aws", "Priority": 10, "Action": "ALLOW"},
                {
                    "FirewallDomainListId": "rslvr-fdl-hub",
                    "Priority": 20,
                    "Action": "BLOCK",
                    "BlockResponse": "NXDOMAIN",
                },
            ],
        }
    ]
    body["DnsFirewallDomainLists"] = [
        {"Id": "rslvr-fdl-aws", "Name": "aws", "Domains": ["*.amazonaws.com."]},
        {"Id": "rslvr-fdl-hub", "Name": "hub", "Domains": ["*.docker.io."]},
    ]
    body["DnsFirewallConfigs"] = [
        {"Id": "rslvr-fc-1", "ResourceId": "vpc-app", "FirewallFailOpen": "DISABLED"}
    ]
    body["HostedZones"] = [
        {
            "Id": "/hostedzone/ZINTERNAL",
            "Name": "internal.example.",
            "Config": {"PrivateZone": True},
            "VPCs": [{"VPCId": "vpc-app", "VPCRegion": "us-east-1"}],
            "ResourceRecordSets": [
                {"Name": "other.internal.example.", "Type": "A", "ResourceRecords": [{"Value": "10.0.2.10"}]}
            ],
        }
    ]
    return snap


def _ipv6() -> dict[str, Any]:
    """healthy() with IPv6 on subnet-private: ::/0 to an egress-only gateway, ECS dual stack on."""
    return with_egress_only_ipv6(healthy())


def _synth(tgw_spokes: int) -> dict[str, Any]:
    """Two synthetic VPCs as tests/fuzz/mutations.py makes them: a TGW hub and its spoke, or two
    peered VPCs; prefix lists, group references, interface endpoints, broken NAT gateways."""
    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import synth

    return synth.generate(2, 4, security_groups=2, sg_rules=3, acl_entries=6, tgw_spokes=tgw_spokes, seed=1)


BASES: dict[str, Callable[[], dict[str, Any]]] = {
    "endpoints-nat-igw": lambda: _endpoints("ecr.api", "ecr.dkr", "logs"),
    "endpoints-only": endpoints_only,  # ECR via interface endpoints and the S3 gateway, no internet
    "nfw-firewalled": firewalled,  # a firewall (GWLB) endpoint between the NAT and the IGW
    "tgw-egress": tgw_egress,  # a spoke VPC out through a transit gateway hub's NAT gateway
    "tgw-nfw-central": central_egress_allows_aws,  # ... and AWS Network Firewall with a domain list
    "dns": _dns,
    "bpa-bidirectional": lambda: _bpa("block-bidirectional", [("subnet-public", "allow-egress")]),
    "bpa-ingress": lambda: _bpa("block-ingress", [("vpc-app", "allow-egress")]),
    "nat-instance": _nat_instance,
    "regional-nat": regional_nat,  # a regional NAT gateway forwarding by its own route table
    "ipv6": _ipv6,
    "synth-tgw": lambda: _synth(1),
    "synth-peering": lambda: _synth(0),
}


def _bodies(snap: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every region body of ``snap`` (either form)."""
    accounts = snap.get("accounts") or {"-": snap}
    for account in accounts.values():
        yield from account.get("regions", {}).values()


def _kinds(snap: dict[str, Any]) -> list[str]:
    """The kinds present (collected, even if empty) in some region of ``snap``, in KINDS order."""
    present = {k for body in _bodies(snap) for k in body if k != "Errors"}
    return [k for k in KINDS if k in present]


def _additions(snap: dict[str, Any]) -> list[str]:
    """The additions some item of ``snap`` carries."""
    return [
        name
        for name, (kind, fields) in ADDITIONS.items()
        if any(f in found for body in _bodies(snap) for found in body.get(kind, ()) for f in fields)
    ]


def failed(snap: dict[str, Any], kind: str, message: str = DENIED) -> dict[str, Any]:
    """``snap`` with ``kind`` (or an addition) failed to collect in every region that had it: its
    items (or the addition's fields) gone, the failure under ``Errors``."""
    out = copy.deepcopy(snap)
    for body in _bodies(out):
        if kind in ADDITIONS:
            owner, fields = ADDITIONS[kind]
            if owner not in body:
                continue
            for found in body[owner]:
                for field in fields:
                    found.pop(field, None)
        elif kind in body:
            del body[kind]
        else:
            continue
        body.setdefault("Errors", {})[kind] = message
    return out


# -- tracing ---------------------------------------------------------------------------------------
def _vpc_of(g: Any, node: str) -> str | None:
    return next((v for _, v, d in g.out_edges(node, data=True) if d.get("kind") == "in-vpc"), None)


def _targets(snap: dict[str, Any]) -> list[Target]:
    """Every subnet, public IP off and on: as an account audit sees it (no groups, the default
    needs) and as a task with each group of its VPC that reads logs, secrets and SSM parameters and
    pulls an ECR and a Docker Hub image. Made on the complete snapshot, so that the same tasks
    (account and region included) are traced after a failure, whatever the failure removed."""
    g = build_graph(parse_snapshot(snap))
    groups_of: dict[str | None, list[str]] = {}
    for node, kind in sorted(g.nodes(data="kind")):
        if kind == "sg":
            groups_of.setdefault(_vpc_of(g, node), []).append(node)
    out = []
    for subnet in sorted(n for n, kind in g.nodes(data="kind") if kind == "subnet"):
        for public in (False, True):
            how = f"{subnet}/{'public' if public else 'private'}"
            audit = make_target(g, "audit", subnet, (), public, evaluate_security_groups=False)
            out.append(replace(audit, target_id=f"audit:{how}"))
            for sg in groups_of.get(_vpc_of(g, subnet), []):
                task = make_target(g, "task:svc", subnet, (sg,), public, needs=TASK_NEEDS)
                out.append(replace(task, target_id=f"task:{how}/{sg}"))
    return out


def _options(name: str) -> AnalysisOptions:
    return IPV6_OPTIONS if name == "ipv6" else OPTIONS


def run(snap: dict[str, Any], targets: list[Target], options: AnalysisOptions) -> Report:
    parsed = parse_snapshot(copy.deepcopy(snap))
    return analyze(parsed, build_graph(parsed), targets, options)


@functools.cache
def base(name: str) -> tuple[dict[str, Any], list[Target], Report]:
    """A base snapshot, its targets and its report (made once per base)."""
    snap = BASES[name]()
    targets = _targets(snap)
    return snap, targets, run(snap, targets, _options(name))


@functools.lru_cache(maxsize=1)  # each case's checks run one after the other
def after(name: str, kind: str, message: str) -> Report:
    snap, targets, _ = base(name)
    return run(failed(snap, kind, message), targets, _options(name))


def walks(result: TargetResult) -> dict[str, Verdict]:
    return {label: path.verdict for label, path in result.walks()}


def _reason(result: TargetResult, label: str) -> str:
    return next(path.reason for walk, path in result.walks() if walk == label)


# -- the property ----------------------------------------------------------------------------------
ALLOWED = {
    Verdict.REACHABLE: {Verdict.REACHABLE, Verdict.UNKNOWN},
    Verdict.UNREACHABLE: {Verdict.UNREACHABLE, Verdict.UNKNOWN},
    Verdict.UNKNOWN: {Verdict.UNKNOWN},
}


def improved(before: Report, later: Report) -> list[str]:
    """Each walk whose verdict got better, or turned ``unreachable`` from ``reachable`` or ``unknown``."""
    out = []
    for old, new in zip(before.targets, later.targets, strict=True):
        assert old.target.target_id == new.target.target_id
        was, now = walks(old), walks(new)
        assert was.keys() == now.keys(), old.target.target_id
        out += [
            f"{new.target.target_id} {label}: {was[label]} -> {now[label]} ({_reason(new, label)})"
            for label in was
            if now[label] not in ALLOWED[was[label]]
        ]
    return out


def unreported(before: Report, later: Report, kind: str) -> list[str]:
    """Each target with a walk that became ``unknown`` but no error finding of its own that is
    DATA002 or names ``kind``."""
    reported = {
        f.target_id
        for f in later.findings
        if f.severity is Severity.ERROR and (f.rule_id == "DATA002" or kind in f.message)
    }
    out = []
    for old, new in zip(before.targets, later.targets, strict=True):
        was, now = walks(old), walks(new)
        turned = [w for w in was if now[w] is Verdict.UNKNOWN and was[w] is not Verdict.UNKNOWN]
        if turned and new.target.target_id not in reported:
            out.append(f"{new.target.target_id} {turned[0]}: {_reason(new, turned[0])}")
    return out


def check(name: str, kind: str, message: str, what: str) -> None:
    _, _, before = base(name)
    later = after(name, kind, message)
    if what == "verdicts":
        assert improved(before, later) == []
    else:
        assert unreported(before, later, kind) == []


# -- known defects (reported; see the module docs) --------------------------------------------------
KNOWN: dict[tuple[str, str], tuple[str, set[str]]] = {}  # none left: every defect it found is fixed


def _cases(pairs: list[tuple[str, str]], label: str) -> list[Any]:
    """Each (base, kind) twice, its verdict check then its report check, marked where a known
    defect fails it."""
    out = []
    for name, kind in pairs:
        for what in ("verdicts", "reported"):
            known = KNOWN.get((kind, what))
            marks = (
                [pytest.mark.xfail(reason=known[0], raises=AssertionError, strict=True)]
                if known and name in known[1]
                else []
            )
            out.append(pytest.param(name, kind, what, marks=marks, id=f"{name}-{kind}-{label}-{what}"))
    return out


SWEEP = [(name, kind) for name, build in BASES.items() for kind in _kinds(build())]


@pytest.mark.parametrize(("name", "kind", "what"), _cases(SWEEP, "denied"))
def test_a_failed_kind_never_improves_a_verdict_and_is_reported(name, kind, what):
    check(name, kind, DENIED, what)


# unsupported-action: a failure like any other kind's, on bases that hold every kind but Network
# Firewall's (BPA's exclusions too, whose "unsupported" with the options read is no answer).
UNSUPPORTED_SWEEP = [
    (name, kind)
    for name in ("dns", "nat-instance", "tgw-egress", "bpa-bidirectional", "bpa-ingress")
    for kind in _kinds(BASES[name]())
    if kind != "VpcBlockPublicAccessOptions"
]


@pytest.mark.parametrize(("name", "kind", "what"), _cases(UNSUPPORTED_SWEEP, "unsupported"))
def test_an_unsupported_action_is_a_failure_for_every_other_kind(name, kind, what):
    check(name, kind, UNSUPPORTED, what)


ADDITION_SWEEP = [(name, addition) for name, build in BASES.items() for addition in _additions(build())]


@pytest.mark.parametrize(("name", "kind", "what"), _cases(ADDITION_SWEEP, "addition"))
def test_a_failed_addition_never_improves_a_verdict_and_is_reported(name, kind, what):
    check(name, kind, DENIED, what)


def test_the_sweep_covers_every_kind_and_addition():
    assert {kind for _, kind in SWEEP} == set(KINDS)
    assert {addition for _, addition in ADDITION_SWEEP} == set(ADDITIONS)


# -- VPC Block Public Access: an endpoint without the API has none ---------------------------------
def _without_bpa(snap: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(snap)
    for body in _bodies(out):
        for kind in UNSUPPORTED_MEANS_ABSENT:
            body.pop(kind, None)
    return out


@pytest.mark.parametrize("name", ["bpa-bidirectional", "bpa-ingress"])
@pytest.mark.parametrize(
    "exclusions", ["unsupported", "collected", "denied"], ids=lambda e: f"exclusions-{e}"
)
def test_bpa_options_unsupported_read_as_off_as_a_snapshot_without_bpa(name, exclusions):
    """The options answered ``unsupported-action:``: BPA is off, whatever the exclusions; every
    verdict is that of the same snapshot without BPA, each internet-gateway check says why, and the
    collection lists the answer as unsupported, not failed (no DATA002)."""
    snap, targets, _ = base(name)
    unanswered = failed(snap, "VpcBlockPublicAccessOptions", UNSUPPORTED)
    if exclusions != "collected":
        message = UNSUPPORTED if exclusions == "unsupported" else DENIED
        unanswered = failed(unanswered, "VpcBlockPublicAccessExclusions", message)
    later = run(unanswered, targets, _options(name))
    off = run(_without_bpa(snap), targets, _options(name))
    assert [walks(r) for r in later.targets] == [walks(r) for r in off.targets]
    bpa_checks = [
        c for r in later.targets for _, path in r.walks() for c in path.checks if c.code is CheckCode.BPA
    ]
    assert bpa_checks and all(c.status is Status.PASS for c in bpa_checks)
    assert all("does not implement VPC Block Public Access" in c.reason for c in bpa_checks)
    assert not [f for f in later.findings if f.rule_id == "DATA002"]
    (collection,) = summarize(parse_snapshot(copy.deepcopy(unanswered))).regions
    assert "VpcBlockPublicAccessOptions" in collection.unsupported
    assert "VpcBlockPublicAccessOptions" not in collection.failures


@pytest.mark.parametrize("name", ["bpa-bidirectional", "bpa-ingress"])
def test_bpa_options_denied_leave_every_internet_gateway_unknown(name):
    """The same options AccessDenied: a failure, never read as off."""
    _, _, before = base(name)
    later = after(name, "VpcBlockPublicAccessOptions", DENIED)
    gates = [
        (r.target.target_id, c)
        for r in later.targets
        for _, path in r.walks()
        for c in path.checks
        if c.resource_id.startswith("igw-") and c.code in (CheckCode.BPA, CheckCode.DATA_FAILED)
    ]
    assert gates and all(c.code is CheckCode.DATA_FAILED and c.status is Status.UNKNOWN for _, c in gates)
    assert improved(before, later) == []
