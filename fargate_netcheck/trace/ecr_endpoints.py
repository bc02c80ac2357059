"""The ECR pull through VPC endpoints (see ``ecr`` for when the pull goes this way).

For ``ecr.api`` and ``ecr.dkr``: the endpoint's groups let TCP 443 in from the task subnet (CIDR, or a
group reference to a task group), the task's groups let 443 out to the endpoint's subnets (CIDR, or
the endpoint's groups), and the network ACLs pass request and replies both ways between the task
subnet and each endpoint subnet. S3 (the image layers) by its interface endpoint when one with private
DNS takes S3's names, else by its gateway endpoint: ``s3_gateway``. A
service without its endpoint uses the internet path, which must then be reachable. Endpoint policies
are not evaluated (the reason says so).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import networkx as nx

from fargate_netcheck.core.model import CheckCode, PathResult, Status, Target, Verdict
from fargate_netcheck.graph.build import region_of, subnet_cidr
from fargate_netcheck.snapshot.parse import Network, SgRule
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.endpoints import (
    ECR_SERVICES,
    dns_off,
    doubted,
    doubtful_endpoints,
    private_dns_endpoints,
    vpc_dns,
)
from fargate_netcheck.trace.ipv6 import task_ipv4
from fargate_netcheck.trace.s3_gateway import EGRESS_CODES, HTTPS, S3Gateway
from fargate_netcheck.trace.security_groups import evaluate_ingress
from fargate_netcheck.trace.walk import Walk, unknown_dns_attributes

if TYPE_CHECKING:
    from fargate_netcheck.trace.egress import Tracer

_INGRESS = {Status.PASS: CheckCode.EP_SG_INGRESS, Status.FAIL: CheckCode.EP_SG_INGRESS_DENIED}


class EndpointWalk:
    """One ECR pull through interface endpoints (and S3 through its gateway endpoint)."""

    def __init__(self, tracer: Tracer, target: Target, vpc_id: str, internet_egress: PathResult | None):
        self.tracer, self.target, self.vpc_id = tracer, target, vpc_id
        self.g = tracer.graph
        self.subnet = target.subnet_id
        self.cidr = _cidr(self.g, self.subnet)
        self.walk = Walk(path=[self.subnet])
        # A task in an IPv6-only subnet has no IPv4 address: the IPv4 ways below are not its (unknown).
        self.ipv6_only = not task_ipv4(
            self.walk, self.subnet, (self.g.nodes.get(self.subnet) or {}).get("item") or {}
        )
        self.ways: list[str] = []
        self._acl_pairs: set[str] = set()
        self._internet: dict[str, Callable[[], PathResult]] = {
            service: _once(partial(tracer.internet_for_ecr, target, internet_egress, service))
            for service in ("ECR", "S3")
        }

    def run(self, endpoints: dict[str, list[str]]) -> PathResult:
        if any(endpoints.values()):
            self.walk.passed(
                CheckCode.EP_DNS,
                self.vpc_id,
                f"{self.vpc_id} resolves ECR to its interface endpoints (private DNS on; EnableDnsSupport and "
                "EnableDnsHostnames on)",
            )
        rules = self._task_rules()
        for service in ECR_SERVICES:
            if endpoints[service]:
                self._interface(service, endpoints[service][0], rules)
            else:
                self._over_internet(
                    self.vpc_id,
                    f"{self.vpc_id} has no {service} interface endpoint with private DNS",
                    service,
                )
        self._s3(rules)
        return self._done(f"pulls the image with {', '.join(self.ways)}")

    def run_service(self, service: str, vpce: str) -> PathResult:
        """The way to one other service (logs, secretsmanager, ssm, ...) through its interface endpoint
        ``vpce`` (one with private DNS, in a VPC whose DNS attributes are both on)."""
        self.walk.passed(
            CheckCode.EP_DNS,
            self.vpc_id,
            f"{self.vpc_id} resolves {service} to its interface endpoint {vpce} (private DNS on; "
            "EnableDnsSupport and EnableDnsHostnames on)",
        )
        self._interface(service, vpce, self._task_rules())
        return self._done(f"reaches {service} through {vpce}")

    def run_s3(self, what: str) -> PathResult:
        """The way to S3 (``what`` says for what): its gateway endpoint on the task subnet's route
        table, else the internet."""
        self._s3(self._task_rules(), what)
        return self._done(f"reaches {what} with {', '.join(self.ways)}")

    def _done(self, success: str) -> PathResult:
        self.walk.reached = True  # every service has its way; the checks alone decide the verdict
        self.walk.notes.append("endpoint policies are not evaluated")
        return self.walk.result(success, via="vpc-endpoints")

    def _task_rules(self) -> list[SgRule] | None:
        if self.target.evaluate_security_groups:
            return self.tracer.filters.task_rules(self.walk, self.target, self.vpc_id)
        self.walk.notes.append("task security groups not evaluated (no task security groups given)")
        return None

    def interface(self, service: str, vpce: str) -> PathResult:
        """One interface endpoint alone (a need by name that resolves to it)."""
        self._interface(service, vpce, self._task_rules())
        self.walk.reached = True
        return self.walk.result(f"reaches {service} through interface endpoint {vpce}", via="vpc-endpoint")

    def s3_gateway(self) -> PathResult:
        """S3 through the gateway endpoint on the task subnet's route table (else the internet)."""
        self._s3(self._task_rules())
        self.walk.reached = True
        return self.walk.result(f"reaches S3 with {', '.join(self.ways)}", via="vpc-endpoint")

    # -- interface endpoints --------------------------------------------------------------------
    def _interface(self, service: str, vpce: str, rules: list[SgRule] | None) -> None:
        if self.ipv6_only:
            return
        g, walk = self.g, self.walk
        walk.hop(vpce)
        item = g.nodes[vpce]["item"]
        listed = item.get("SubnetIds") or []
        subnets = [s for s in listed if g.nodes.get(s, {}).get("kind") == "subnet"]
        if not listed:
            walk.failed(
                CheckCode.EP_NO_SUBNETS,
                vpce,
                f"{service} interface endpoint {vpce} has no subnet: it has no network interface to connect to",
            )
            return
        if absent := [s for s in listed if s not in subnets]:
            walk.unknown(
                CheckCode.DATA_MISSING,
                vpce,
                f"subnet {', '.join(absent)} of {service} interface endpoint {vpce} is not in the snapshot: the "
                "task may connect to the endpoint there, through a network ACL and from a range that are unknown",
            )
            if not subnets:
                return
        walk.passed(
            CheckCode.EP_SERVICE,
            vpce,
            f"{service} resolves to interface endpoint {vpce} in {', '.join(subnets)}",
        )
        self.ways.append(f"{service} via {vpce}")
        groups = tuple(grp.get("GroupId", "") for grp in item.get("Groups") or [])
        self._endpoint_ingress(service, vpce, groups)
        if rules is not None:
            self._task_to_endpoint(vpce, groups, subnets, rules)
        for subnet in subnets:
            if subnet != self.subnet and subnet not in self._acl_pairs:
                self._acl_pairs.add(subnet)
                self._acl_pair(subnet)

    def _endpoint_ingress(self, service: str, vpce: str, groups: tuple[str, ...]) -> None:
        g, walk = self.g, self.walk
        if not walk.collected(region_of(g, vpce), "SecurityGroups", vpce):
            return
        if not groups or self.cidr is None:
            walk.unknown(
                CheckCode.DATA_MISSING,
                vpce,
                f"the security groups of {vpce} or the task subnet's range are unknown",
            )
            return
        ingress: list[SgRule] = []
        for gid in groups:
            if not gid:
                walk.unknown(CheckCode.DATA_MISSING, vpce, f"a security group of {vpce} has no GroupId")
                return
            if g.nodes.get(gid, {}).get("kind") != "sg":
                walk.unknown(
                    CheckCode.DATA_MISSING, gid, f"security group {gid} of {vpce} is not in the snapshot"
                )
                return
            if "IpPermissions" not in (g.nodes[gid].get("item") or {}):
                walk.unknown(
                    CheckCode.DATA_MISSING,
                    gid,
                    f"the inbound rules of security group {gid} of {vpce} are not in the snapshot",
                )
                return
            ingress.extend(g.nodes[gid].get("sg_ingress", ()))
        task_groups = self.target.security_group_ids if self.target.evaluate_security_groups else None
        outcome = evaluate_ingress(
            ingress, self.cidr, HTTPS, task_groups, self.tracer.filters.prefix_lists(ingress)
        )
        walk.add(
            _INGRESS.get(outcome.status, CheckCode.EP_SG_INGRESS_PARTIAL),
            outcome.status,
            groups[0] if len(groups) == 1 else ", ".join(groups),
            f"security groups {', '.join(groups)} of {service} endpoint {vpce}: {outcome.detail}",
        )

    def _task_to_endpoint(
        self, vpce: str, groups: tuple[str, ...], subnets: list[str], rules: list[SgRule]
    ) -> None:
        task_groups = self.target.security_group_ids
        label = ", ".join(task_groups) or "(none)"
        blame = task_groups[0] if len(task_groups) == 1 else label
        shared = sorted({grp for r in rules if r.covers("6", HTTPS) for grp in r.group_ids} & set(groups))
        if shared:
            self.walk.passed(
                CheckCode.EP_TASK_EGRESS,
                blame,
                f"security groups {label}: egress allows TCP {HTTPS} to {vpce}'s group {shared[0]}",
            )
            return
        cidrs = tuple(c for c in (_cidr(self.g, s) for s in subnets) if c is not None)
        if not cidrs:
            self.walk.unknown(
                CheckCode.DATA_MISSING, vpce, f"the address ranges of {vpce}'s subnets are unknown"
            )
            return
        dest = self._endpoint_destination(vpce, cidrs)
        # The endpoint's groups hold its interfaces: a rule naming another group does not reach them.
        outcome = self.tracer.filters.egress_outcome(task_groups, rules, dest, HTTPS, holders=groups)
        code = EGRESS_CODES.get(outcome.status, CheckCode.EP_TASK_EGRESS_PARTIAL)
        self.walk.add(code, outcome.status, blame, f"security groups {label}: {outcome.detail}")

    def _endpoint_destination(self, vpce: str, cidrs: tuple[Network, ...]) -> Destination:
        """The endpoint's subnets as a destination, one object per endpoint for the whole run (the
        filters cache outcomes on it)."""
        cache = self.tracer.endpoint_destinations
        found = cache.get(vpce)
        if found is None or found.addresses != cidrs:
            label = f"{vpce} ({', '.join(self.tracer.filters.text(c) for c in cidrs)})"
            found = cache[vpce] = Destination.of_networks(cidrs, label)
        return found

    def _acl_pair(self, other: str) -> None:
        """Request and replies between the task subnet and an endpoint subnet, through both ACLs
        (once per pair of subnets for the run: the checks depend on nothing else)."""
        self.tracer.filters.replay(
            self.walk, ("acl-pair", self.subnet, other), lambda: self._record_acl_pair(other)
        )

    def _record_acl_pair(self, other: str) -> None:
        other_cidr = _cidr(self.g, other)
        if self.cidr is None or other_cidr is None:
            self.walk.unknown(
                CheckCode.NACL_MISSING, other, f"the address range of {self.subnet} or {other} is unknown"
            )
            return
        filters, walk, eph = self.tracer.filters, self.walk, self.tracer.filters.ephemeral
        port = (HTTPS, HTTPS)
        acl = filters.subnet_acl(walk, self.subnet)
        if acl is not None:
            filters.acl_leg(
                walk,
                self.subnet,
                acl,
                True,
                (other_cidr,),
                port,
                f"request to {other} ({filters.text(other_cidr)}) on TCP {HTTPS}",
            )
            filters.acl_leg(
                walk,
                self.subnet,
                acl,
                False,
                (other_cidr,),
                eph,
                f"replies from {other} ({filters.text(other_cidr)}) to ports {eph[0]}-{eph[1]}",
            )
        acl = filters.subnet_acl(walk, other)
        if acl is not None:
            filters.acl_leg(
                walk,
                other,
                acl,
                False,
                (self.cidr,),
                port,
                f"request from {self.subnet} ({filters.text(self.cidr)}) on TCP {HTTPS}",
            )
            filters.acl_leg(
                walk,
                other,
                acl,
                True,
                (self.cidr,),
                eph,
                f"replies to {self.subnet} ({filters.text(self.cidr)}) on ports {eph[0]}-{eph[1]}",
            )

    def _s3(self, rules: list[SgRule] | None, what: str = "S3 (the image layers)") -> None:
        """S3 by its interface endpoint when one with private DNS for the VPC's own queries takes S3's
        names (AWS PrivateLink for S3: bucket names included), else by the gateway endpoint or the
        internet (``S3Gateway``)."""
        if self.ipv6_only:
            return
        interface = private_dns_endpoints(self.g, self.vpc_id, "s3")
        rd = region_of(self.g, self.subnet)
        if interface and not (dns_off(self.g, self.vpc_id) if rd.collected("Vpcs") else []):
            if None in vpc_dns(self.g, self.vpc_id) or not rd.collected("Vpcs"):
                unknown_dns_attributes(
                    self.walk,
                    rd,
                    self.vpc_id,
                    f"whether {what} resolves to {interface[0]} or to public addresses",
                )
                return
            self.walk.passed(
                CheckCode.EP_DNS,
                self.vpc_id,
                f"{self.vpc_id} resolves S3's names ({what}) to its interface endpoint {interface[0]} (private DNS "
                "on; EnableDnsSupport and EnableDnsHostnames on)",
            )
            self._interface("s3", interface[0], rules)
            return
        S3Gateway(self.tracer, self.target, self.vpc_id, self.walk, self._over_internet, self.ways).check(
            rules, what
        )

    # -- services without an endpoint -----------------------------------------------------------
    def _over_internet(self, resource: str, missing: str, what: str) -> None:
        internet = self._internet["S3" if what.startswith("S3") else "ECR"]()
        name = "s3" if what.startswith("S3") else what
        doubt = [] if dns_off(self.g, self.vpc_id) else doubtful_endpoints(self.g, self.vpc_id, name)
        if doubt and internet.verdict is Verdict.REACHABLE:
            found = doubted(self.g, internet, doubt, what)
            self.walk.unknown(CheckCode.VPCE_NOT_AVAILABLE, doubt[0], f"{missing}: {found.reason}")
            return
        if internet.verdict is Verdict.REACHABLE:
            self.walk.passed(
                CheckCode.EP_S3 if what.startswith("S3") else CheckCode.EP_SERVICE,
                resource,
                f"{missing}: {what} is reached over the internet path, which is reachable",
            )
            self.ways.append(f"{what.split(' ')[0]} over the internet")
            return
        code = CheckCode.EP_S3_MISSING if what.startswith("S3") else CheckCode.EP_SERVICE_MISSING
        state = "unreachable" if internet.verdict is Verdict.UNREACHABLE else "unknown"
        where = f" at {internet.blocked_at}" if internet.blocked_at else ""
        reason = f"{missing}, and the internet path is {state}{where}: {what} cannot be reached ({internet.reason})"
        if internet.verdict is Verdict.UNREACHABLE:
            self.walk.failed(code, resource, reason)
        else:
            self.walk.unknown(code, resource, reason)


def _cidr(g: nx.DiGraph, subnet_id: str) -> Network | None:
    return subnet_cidr(g, subnet_id)


def _once(fn: Callable[[], PathResult]) -> Callable[[], PathResult]:
    cache: list[PathResult] = []

    def get() -> PathResult:
        if not cache:
            cache.append(fn())
        return cache[0]

    return get
