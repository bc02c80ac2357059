"""Review: VPC endpoints and the S3 gateway endpoint as the private way to ECR, S3 and AWS services.

Each test is one snapshot AWS can produce where a verdict was wrong (a ``reachable`` that is not).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from depth.builders import endpoints_only, https_rule, interface_endpoint, nat_with_endpoints
from depth.harness import analyse
from snapshots import item, region

from fargate_netcheck.core.model import PathResult, TargetResult, Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import Tracer
from fargate_netcheck.trace.service_path import path_to_service

LAYERS = "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"


def _one(snap: dict[str, Any], subnet: str, groups: tuple[str, ...]) -> TargetResult:
    results, _ = analyse(snap, (subnet, groups, False))
    return results[0]


def _layers(result: TargetResult) -> PathResult:
    return next(n.result for n in result.needs if n.name == LAYERS)


def _service(snap: dict[str, Any], key: str, subnet: str, groups: tuple[str, ...]) -> PathResult:
    g = build_graph(parse_snapshot(snap))
    target = make_target(g, "test", subnet, groups, False, evaluate_security_groups=bool(groups))
    return path_to_service(Tracer(g), target, key, key)


def _endpoint(snap: dict[str, Any], vpce: str) -> dict[str, Any]:
    return next(e for e in region(snap)["VpcEndpoints"] if e["VpcEndpointId"] == vpce)


# -- an S3 interface endpoint with private DNS takes the S3 names ------------------------------------
def _s3_interface_closed() -> dict[str, Any]:
    """nat_with_endpoints() without the S3 gateway endpoint, plus an S3 *interface* endpoint with
    private DNS (for every resolver) whose group admits nothing: S3's names, the layer bucket's
    included, resolve to it (AWS PrivateLink for S3, private DNS), so the NAT is not the way."""
    snap = nat_with_endpoints([https_rule("10.0.0.0/16")])
    reg = region(snap)
    reg["VpcEndpoints"] = [e for e in reg["VpcEndpoints"] if e["VpcEndpointId"] != "vpce-s3"]
    rtb = item(snap, "RouteTables", "rtb-private")
    rtb["Routes"] = [r for r in rtb["Routes"] if r.get("GatewayId") != "vpce-s3"]
    reg["SecurityGroups"].append(
        {"GroupId": "sg-s3-closed", "VpcId": "vpc-app", "IpPermissions": [], "IpPermissionsEgress": []}
    )
    reg["VpcEndpoints"].append(
        interface_endpoint("vpce-s3-if", "vpc-app", "s3", ["subnet-public"], "sg-s3-closed")
    )
    return snap


@pytest.mark.parametrize("key", ["s3-layers", "s3-env-files"])
def test_service_path_to_s3_goes_to_its_interface_endpoint_with_private_dns(key: str) -> None:
    walked = _service(_s3_interface_closed(), key, "subnet-private", ("sg-open",))
    assert walked.verdict is Verdict.UNREACHABLE, walked.reason
    assert walked.blocked_at == "sg-s3-closed"
    assert "vpce-s3-if" in walked.path


def test_ecr_pull_walk_takes_the_s3_interface_endpoint() -> None:
    result = _one(_s3_interface_closed(), "subnet-private", ("sg-open",))
    assert result.ecr_pull is not None
    assert result.ecr_pull.verdict is Verdict.UNREACHABLE
    assert not any(
        "S3 (the image layers) is reached over the internet" in c.reason for c in result.ecr_pull.checks
    )


def test_s3_interface_endpoint_for_inbound_resolvers_only_leaves_s3_on_the_nat() -> None:
    snap = _s3_interface_closed()
    _endpoint(snap, "vpce-s3-if")["DnsOptions"] = {"PrivateDnsOnlyForInboundResolverEndpoint": True}
    walked = _service(snap, "s3-env-files", "subnet-private", ("sg-open",))
    assert walked.verdict is Verdict.REACHABLE, walked.reason


def test_s3_interface_endpoint_with_dns_attributes_unknown_is_unknown() -> None:
    snap = _s3_interface_closed()
    del region(snap)["Vpcs"][0]["EnableDnsHostnames"]
    walked = _service(snap, "s3-env-files", "subnet-private", ("sg-open",))
    assert walked.verdict is Verdict.UNKNOWN, walked.reason


# -- the S3 prefix list's entries not read, and a route more specific than the list's --------------
def _unread_list_with_rival(state: str = "blackhole") -> dict[str, Any]:
    """endpoints_only() whose pl-s3 entries were not collected, with a 52.216.0.0/16 route (inside
    S3's published ranges) that may be more specific than the list's entry holding those addresses."""
    snap = endpoints_only()
    del region(snap)["ManagedPrefixLists"][0]["Entries"]
    item(snap, "RouteTables", "rtb-app")["Routes"].append(
        {"DestinationCidrBlock": "52.216.0.0/16", "GatewayId": "vgw-gone", "State": state}
    )
    return snap


def test_unread_s3_list_beside_a_more_specific_route_is_not_reachable() -> None:
    result = _one(_unread_list_with_rival(), "subnet-app-a", ("sg-task",))
    assert result.ecr_pull is not None
    assert result.ecr_pull.verdict is not Verdict.REACHABLE, result.ecr_pull.reason
    assert _layers(result).verdict is not Verdict.REACHABLE
    walked = _service(_unread_list_with_rival(), "s3-env-files", "subnet-app-a", ("sg-task",))
    assert walked.verdict is Verdict.UNKNOWN, walked.reason
    assert "52.216.0.0/16" in walked.reason


def test_unread_s3_list_beside_only_a_default_route_stays_reachable() -> None:
    """A 0.0.0.0/0 route never beats a prefix list's entry: the layers still go to the endpoint."""
    snap = endpoints_only()
    del region(snap)["ManagedPrefixLists"][0]["Entries"]
    item(snap, "RouteTables", "rtb-app")["Routes"].append(
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "vgw-gone", "State": "blackhole"}
    )
    walked = _service(snap, "s3-env-files", "subnet-app-a", ("sg-task",))
    assert walked.verdict is Verdict.REACHABLE, walked.reason


# -- an IPv6 entry listed first in the S3 prefix list -----------------------------------------------
def test_ipv6_entry_first_does_not_hide_the_ipv4_part_routed_elsewhere() -> None:
    snap = endpoints_only()
    region(snap)["ManagedPrefixLists"][0]["Entries"].insert(0, {"Cidr": "2600:1fa0::/32"})
    item(snap, "RouteTables", "rtb-app")["Routes"].append(
        {"DestinationCidrBlock": "52.216.0.0/16", "GatewayId": "vgw-gone", "State": "blackhole"}
    )
    acl = region(snap)["NetworkAcls"][0]
    for entry in list(acl["Entries"]):  # a dual-stack ACL: IPv6 allowed as well
        if entry["RuleNumber"] == 100:
            six = copy.deepcopy(entry)
            six.pop("CidrBlock")
            six.update(Ipv6CidrBlock="::/0", RuleNumber=101)
            acl["Entries"].append(six)
    result = _one(snap, "subnet-app-a", ("sg-task",))
    assert result.ecr_pull is not None
    assert result.ecr_pull.verdict is Verdict.UNKNOWN, result.ecr_pull.reason
    assert "52.216.0.0/16" in result.ecr_pull.reason
    walked = _service(snap, "s3-env-files", "subnet-app-a", ("sg-task",))
    assert walked.verdict is Verdict.UNKNOWN
    assert "52.216.0.0/16" in walked.reason


# -- interface endpoints with private DNS in a state that is not settled ----------------------------
def _set_state(endpoint: dict[str, Any], state: str | None) -> None:
    """``State`` set to ``state``; None: no State at all."""
    if state is None:
        del endpoint["State"]
    else:
        endpoint["State"] = state


@pytest.mark.parametrize("state", ["pending", "deleting", "partial", None])
def test_ecr_endpoint_with_private_dns_in_transition_is_unknown_not_the_nat(state: str | None) -> None:
    """ecr.dkr's endpoint with private DNS is being created or deleted (or its state is not in the
    snapshot): whether the registry's name resolves to it or to public addresses is not known."""
    snap = nat_with_endpoints([https_rule("10.0.0.0/16")])
    _set_state(_endpoint(snap, "vpce-ecr-dkr"), state)
    result = _one(snap, "subnet-private", ("sg-open",))
    assert result.ecr_pull is not None
    assert result.ecr_pull.verdict is Verdict.UNKNOWN, result.ecr_pull.reason
    assert "vpce-ecr-dkr" in result.ecr_pull.reason
    assert _service(snap, "ecr.dkr", "subnet-private", ("sg-open",)).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize("state", ["failed", "rejected", "deleted", "expired", "pendingAcceptance"])
def test_ecr_endpoint_that_never_serves_leaves_the_pull_on_the_nat(state: str) -> None:
    snap = nat_with_endpoints([https_rule("10.0.0.0/16")])
    _endpoint(snap, "vpce-ecr-dkr")["State"] = state
    result = _one(snap, "subnet-private", ("sg-open",))
    assert result.ecr_pull is not None
    assert result.ecr_pull.verdict is Verdict.REACHABLE, result.ecr_pull.reason


def test_ecr_endpoint_in_transition_without_internet_stays_unreachable() -> None:
    """No NAT, no internet: neither way works while the endpoint is not available."""
    snap = endpoints_only()
    _endpoint(snap, "vpce-ecr-dkr")["State"] = "pending"
    result = _one(snap, "subnet-app-a", ("sg-task",))
    assert result.ecr_pull is not None
    assert result.ecr_pull.verdict is Verdict.UNREACHABLE, result.ecr_pull.reason


def test_logs_endpoint_in_transition_is_unknown_for_a_service_path() -> None:
    snap = nat_with_endpoints([https_rule("10.0.0.0/16")])
    region(snap)["VpcEndpoints"].append(
        dict(
            interface_endpoint("vpce-logs", "vpc-app", "logs", ["subnet-public"], "sg-endpoints"),
            State="deleting",
        )
    )
    walked = _service(snap, "logs", "subnet-private", ("sg-open",))
    assert walked.verdict is Verdict.UNKNOWN, walked.reason
    assert "vpce-logs" in walked.reason


@pytest.mark.parametrize("state", ["pending", "deleting", None])
def test_the_registry_need_held_by_an_endpoint_in_transition_is_unknown_not_public_dns(
    state: str | None,
) -> None:
    """The need by name agrees with the pull: its DNS does not read "resolves through public DNS"
    while an endpoint with private DNS for the name is being created or deleted."""
    snap = nat_with_endpoints([https_rule("10.0.0.0/16")])
    _set_state(_endpoint(snap, "vpce-ecr-dkr"), state)
    registry = next(n for n in _one(snap, "subnet-private", ("sg-open",)).needs if ".dkr.ecr." in n.name)
    assert registry.result.verdict is Verdict.UNKNOWN, registry.result.reason
    assert f"vpce-ecr-dkr has private DNS for {registry.name} and is {state or 'in no state'}" in (
        registry.result.reason
    )
