"""Needs by name: each need of a target (``needs.catalog``) walked as the task reaches it.

1. DNS (``dns.resolve`` over the VPC's ``DnsInputs``): blocked, shadowed, unknown, or where the
   name resolves: an interface endpoint (private DNS) or public DNS;
2. the packets: to the interface endpoint (its groups and ACLs, ``EndpointWalk.interface``), to S3
   through the gateway endpoint on the route table (``EndpointWalk.s3_gateway``), or the Tracer's
   internet walk for the need's port, with every Network Firewall on that path evaluated for the
   need's name and port (``firewall_policy``);
3. the VPC endpoint's policy for what the task asks of that service (``needs.endpoint_policy``).

A need's checks hold what only the need adds (DNS, firewall policy, endpoint policy); the hops it
shares with the internet egress and ECR pull walks are reported there once, and its verdict and
``blocked_at`` follow the walk it took. ``ecr_pull`` then summarises the ECR needs (``summarise_ecr``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from fargate_netcheck.core.model import (
    Check,
    CheckCode,
    NeedResult,
    PathResult,
    Status,
    Target,
    TargetResult,
    Verdict,
)
from fargate_netcheck.graph.build import endpoint_service, region_of, successor
from fargate_netcheck.needs.catalog import Need, policy_request
from fargate_netcheck.needs.endpoint_policy import DEFAULT_ENDPOINT_POLICY, evaluate, full_access
from fargate_netcheck.trace.dns import resolve
from fargate_netcheck.trace.dns_decision import DnsDecision, DnsInputs
from fargate_netcheck.trace.dns_inputs import describes_name_resolution, dns_inputs
from fargate_netcheck.trace.ecr_endpoints import EndpointWalk
from fargate_netcheck.trace.egress import INTERNET
from fargate_netcheck.trace.endpoints import gateway_endpoints
from fargate_netcheck.trace.firewall_policy import firewall_checks
from fargate_netcheck.trace.walk import missing_check

if TYPE_CHECKING:
    from fargate_netcheck.trace.egress import Tracer

_ORDER = {Verdict.UNREACHABLE: 0, Verdict.UNKNOWN: 1, Verdict.REACHABLE: 2}


def _dns_check(decision: DnsDecision, name: str, vpc_id: str) -> Check:
    at = decision.at or vpc_id
    if decision.verdict is Verdict.REACHABLE:
        return Check(CheckCode.DNS, Status.PASS, at, decision.reason)
    if decision.verdict is Verdict.UNKNOWN:
        code = CheckCode.DNS_NOT_COLLECTED if decision.missing else CheckCode.DNS_ELSEWHERE
        return Check(code, Status.UNKNOWN, at, decision.reason)
    if "EnableDnsSupport" in decision.reason:
        code = CheckCode.DNS_NO_RESOLVER
    elif "DNS Firewall" in decision.reason:
        code = CheckCode.DNS_BLOCKED
    else:
        code = CheckCode.DNS_NO_RECORD
    return Check(code, Status.FAIL, at, decision.reason)


# The sets of AWS's published ranges (``aws_ranges``) a need over the internet is decided on.
_AWS_SETS = {"ecr.api": "ECR", "ecr.dkr": "ECR", "s3": "S3"}


@dataclass(slots=True)
class NeedWalker:
    tracer: Tracer
    _dns_inputs: dict[str, DnsInputs] = field(default_factory=dict)
    _dns: dict[tuple[str, str], DnsDecision] = field(default_factory=dict)
    _walks: dict[tuple[object, ...], PathResult] = field(default_factory=dict)
    # (endpoint, VPC, account, need) -> the endpoint policy's check (frozen: shared by every walk)
    _policies: dict[tuple[str, str, str | None, Need], Check] = field(default_factory=dict)

    def needs(self, target: Target, result: TargetResult, needs: list[Need]) -> list[NeedResult]:
        return [self.one(target, result, need) for need in needs]

    def one(self, target: Target, result: TargetResult, need: Need) -> NeedResult:
        g = self.tracer.graph
        vpc_id = result.vpc_id
        if vpc_id is None or g.nodes.get(target.subnet_id, {}).get("kind") != "subnet":
            egress = result.internet_egress
            return self._result(need, "internet", egress, [])
        rd = region_of(g, target.subnet_id)
        if not rd.collected("Subnets"):  # listed, but the kind's collection failed: as if missing
            doubt = missing_check(rd, "Subnets", target.subnet_id, f": the way to {need.name} is not known")
            walk = PathResult(Verdict.UNKNOWN, [target.subnet_id], None, doubt.reason, [])
            return self._result(need, "internet", walk, [doubt])
        # named by the subnet, absent from the snapshot; or listed under a kind that failed (Errors)
        if g.nodes.get(vpc_id, {}).get("kind") != "vpc" or not rd.collected("Vpcs"):
            unresolved = "how it resolves names is unknown"
            doubt = (
                missing_check(
                    rd, "Vpcs", vpc_id, f": {vpc_id} of {target.subnet_id} is not known: {unresolved}"
                )
                if not rd.collected("Vpcs")  # not absent: never read (or the call failed)
                else Check(
                    CheckCode.DATA_MISSING,
                    Status.UNKNOWN,
                    vpc_id,
                    f"{vpc_id} of {target.subnet_id} is not in the snapshot: {unresolved}",
                )
            )
            walk = PathResult(Verdict.UNKNOWN, [target.subnet_id, vpc_id], None, doubt.reason, [])
            return self._result(need, "internet", walk, [doubt])
        dns = self._resolve(vpc_id, need.name)
        checks = [_dns_check(dns, need.name, vpc_id)]
        if dns.verdict is not Verdict.REACHABLE:
            blocked = checks[0].resource_id if dns.verdict is Verdict.UNREACHABLE else None
            walk = PathResult(dns.verdict, [target.subnet_id, checks[0].resource_id], blocked, dns.reason, [])
            return self._result(
                need, "vpc-endpoint" if dns.answer not in (None, "public") else "internet", walk, checks
            )
        if dns.answer not in (None, "public"):
            vpce = dns.answer
            walk = self._walk(
                ("interface", target, vpce),
                lambda: self._endpoint(target, result, vpc_id).interface(
                    need.service or self._service(vpce), vpce
                ),
            )
            checks.append(self._policy(target, vpc_id, vpce, need))
            return self._result(need, "vpc-endpoint", walk, checks)
        if need.service == "s3" and self._s3_gateway(target, vpc_id):
            walk = self._walk(("s3", target), lambda: self._endpoint(target, result, vpc_id).s3_gateway())
            gateway = next((h for h in walk.path if h in gateway_endpoints(g, vpc_id, "s3")), None)
            if gateway is not None:
                checks.append(self._policy(target, vpc_id, gateway, need))
                return self._result(need, "vpc-endpoint", walk, checks)
            return self._result(need, "internet", walk, checks)
        walk = self._internet(target, result, need.port, need)
        host = need.name if need.host_known else None
        checks += firewall_checks(g, walk.path, target.subnet_id, INTERNET.cidrs, need.port, host)
        return self._result(need, "internet", walk, checks)

    # -- pieces ---------------------------------------------------------------------------------
    def _resolve(self, vpc_id: str, name: str) -> DnsDecision:
        key = (vpc_id, name)
        if key not in self._dns:
            if vpc_id not in self._dns_inputs:
                self._dns_inputs[vpc_id] = dns_inputs(self.tracer.graph, vpc_id)
            inputs = self._dns_inputs[vpc_id]
            decision = resolve(name, inputs)
            if inputs.assumed and decision.verdict is Verdict.REACHABLE:
                decision = replace(decision, reason=f"{decision.reason} ({inputs.assumed})")
            self._dns[key] = decision
        return self._dns[key]

    def _walk(self, key: tuple, make: Callable[[], PathResult]) -> PathResult:
        key = (key[0], key[1].subnet_id, key[1].security_group_ids, key[1].evaluate_security_groups, *key[2:])
        if key not in self._walks:
            self._walks[key] = make()
        return self._walks[key]

    def _service(self, vpce: str) -> str:
        """The service of interface endpoint ``vpce`` (a need by a name the user gave has none)."""
        node = self.tracer.graph.nodes[vpce]
        return endpoint_service(node.get("item", {}).get("ServiceName"), node.get("region", "")) or vpce

    def _endpoint(self, target: Target, result: TargetResult, vpc_id: str) -> EndpointWalk:
        return EndpointWalk(self.tracer, target, vpc_id, result.internet_egress)

    def _internet(
        self, target: Target, result: TargetResult, port: int, need: Need | None = None
    ) -> PathResult:
        """Over the internet: an AWS service by the region's published ranges (ECR's, S3's, else the
        region's AMAZON ranges, a superset); any other host by the whole internet, whose addresses
        hold it wherever it is."""
        aws = _AWS_SETS.get(need.service or "") if need is not None else "ECR+S3"
        if aws is None and need is not None and need.service is not None:
            aws = "AMAZON"
        if port == 443 and aws is not None:
            return self.tracer.internet_for_ecr(target, result.internet_egress, aws)
        if (
            port == 443
            and self.tracer.options.destinations == (INTERNET,)
            and self.tracer.options.ports == (443,)
        ):
            return result.internet_egress
        return self._walk(
            ("internet", target, target.assign_public_ip, port),
            lambda: self.tracer.walk(target, INTERNET, (port,)),
        )

    def _s3_gateway(self, target: Target, vpc_id: str) -> bool:
        g = self.tracer.graph
        rtb = successor(g, target.subnet_id, "uses-route-table")
        gateways = gateway_endpoints(g, vpc_id, "s3")
        return rtb is not None and any(r.target_id in gateways for r in g.nodes[rtb].get("routes", ()))

    def _policy(self, target: Target, vpc_id: str, vpce: str, need: Need) -> Check:
        """The endpoint policy's check for ``need``: a function of the endpoint, the VPC, the task's
        account and the need alone (what ``policy_request`` reads), so decided once per run."""
        key = (vpce, vpc_id, target.account_id, need)
        found = self._policies.get(key)
        if found is None:
            found = self._policies[key] = self._decide_policy(target.account_id, vpc_id, vpce, need)
        return found

    def _decide_policy(self, account_id: str | None, vpc_id: str, vpce: str, need: Need) -> Check:
        g = self.tracer.graph
        item = g.nodes[vpce].get("item", {})
        service = endpoint_service(item.get("ServiceName", ""), g.nodes[vpce].get("region", ""))
        rd = region_of(g, vpce)
        request = policy_request(need, rd.region, account_id or rd.account_id, vpc_id, vpce)
        if request is None:
            policy = item.get("PolicyDocument")
            if policy is None and not describes_name_resolution(rd):  # an older snapshot: AWS's default
                policy = DEFAULT_ENDPOINT_POLICY
            if policy is not None and full_access(policy):
                return Check(
                    CheckCode.EPP, Status.PASS, vpce, f"{need.name} asks nothing of the policy of {vpce}"
                )
            return Check(
                CheckCode.EPP_UNKNOWN,
                Status.UNKNOWN,
                vpce,
                f"{service} endpoint {vpce} has a policy other than full access (or none in the snapshot), and what "
                f"{need.name} asks of {service} (its actions and resources) is not known: whether it is allowed is unknown",
            )
        if "PolicyDocument" not in item and not describes_name_resolution(rd):
            decision = evaluate(DEFAULT_ENDPOINT_POLICY, request)
            return Check(
                CheckCode.EPP,
                Status.PASS,
                vpce,
                f"{service} endpoint {vpce}: the snapshot records no endpoint policies (written by hand, or by "
                f"an older scan): read as AWS's default full-access policy; {decision.reason}",
            )
        if "PolicyDocument" not in item:
            return Check(
                CheckCode.EPP_UNKNOWN,
                Status.UNKNOWN,
                vpce,
                f"the policy of {service} endpoint {vpce} is not in the snapshot (no PolicyDocument): whether it allows "
                f"{', '.join(request.all_actions)} is unknown",
            )
        decision = evaluate(item["PolicyDocument"], request)
        code, status = {
            Verdict.REACHABLE: (CheckCode.EPP, Status.PASS),
            Verdict.UNREACHABLE: (CheckCode.EPP_DENIED, Status.FAIL),
            Verdict.UNKNOWN: (CheckCode.EPP_UNKNOWN, Status.UNKNOWN),
        }[decision.verdict]
        return Check(code, status, vpce, f"{service} endpoint {vpce}: {decision.reason}")

    @staticmethod
    def _result(need: Need, via: str, walk: PathResult, checks: list[Check]) -> NeedResult:
        """The need's verdict: the walk's failure, else its own checks' failure, else any unknown."""
        failed = next((c for c in checks if c.status is Status.FAIL), None)
        doubt = next((c for c in checks if c.status is Status.UNKNOWN), None)
        path = list(walk.path)  # a rule group or policy that decides is blocked_at, not a hop
        if walk.verdict is Verdict.UNREACHABLE:
            out = PathResult(walk.verdict, list(walk.path), walk.blocked_at, walk.reason, checks, via)
        elif failed is not None:
            out = PathResult(Verdict.UNREACHABLE, path, failed.resource_id, failed.reason, checks, via)
        elif walk.verdict is Verdict.UNKNOWN:
            out = PathResult(walk.verdict, list(walk.path), None, walk.reason, checks, via)
        elif doubt is not None:
            out = PathResult(Verdict.UNKNOWN, path, None, doubt.reason, checks, via)
        else:
            reasons = [c.reason for c in checks if c.code is not CheckCode.DNS]
            out = PathResult(
                Verdict.REACHABLE,
                path,
                None,
                "; ".join([checks[0].reason if checks else "", walk.reason, *reasons]).strip("; "),
                checks,
                via,
            )
        return NeedResult(need.name, need.port, need.purpose, via, out, need.ecr, need.service)


def summarise_ecr(ecr_pull: PathResult | None, needs: list[NeedResult]) -> PathResult | None:
    """``ecr_pull`` as the summary of the ECR needs (API, registry, layers): the pull walk's verdict,
    made worse by an ECR need that is worse (a firewall rule, an endpoint policy, DNS)."""
    if ecr_pull is None:
        return None
    worst = min((n for n in needs if n.ecr), key=lambda n: _ORDER[n.result.verdict], default=None)
    if worst is None or _ORDER[worst.result.verdict] >= _ORDER[ecr_pull.verdict]:
        return ecr_pull
    need = worst.result
    reason = f"{worst.purpose} ({worst.name}:{worst.port}) is {need.verdict.value}: {need.reason}"
    return PathResult(
        need.verdict, list(ecr_pull.path), need.blocked_at, reason, ecr_pull.checks, ecr_pull.via
    )
