"""VPC Block Public Access (BPA) at the internet gateway: modes, exclusions, and what is not known.

``healthy()``: subnet-private -> nat-app (in subnet-public) -> igw-app; subnet-public -> igw-app.
"""

from __future__ import annotations

from typing import Any

import pytest
from depth.harness import findings
from snapshots import codes, healthy, region, trace

from fargate_netcheck.core.model import CheckCode, Status, Verdict
from fargate_netcheck.snapshot.parse import BlockPublicAccess, BpaExclusion
from fargate_netcheck.trace.bpa import evaluate

ACCOUNT = "123456789012"


def with_bpa(
    mode: str,
    *exclusions: tuple[str, str] | tuple[str, str, str],
    state: str = "update-complete",
    allowed: str = "allowed",
) -> dict[str, Any]:
    """healthy() with BPA in ``mode``; exclusions as (resource id, mode[, state])."""
    snap = healthy()
    body = region(snap)
    body["VpcBlockPublicAccessOptions"] = [
        {
            "AwsAccountId": ACCOUNT,
            "AwsRegion": "us-east-1",
            "State": state,
            "InternetGatewayBlockMode": mode,
            "ExclusionsAllowed": allowed,
        }
    ]
    body["VpcBlockPublicAccessExclusions"] = [
        {
            "ExclusionId": f"exclusion-{i}",
            "InternetGatewayExclusionMode": spec[1],
            "ResourceArn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:{spec[0].split('-')[0]}/{spec[0]}",
            "State": spec[2] if len(spec) > 2 else "create-complete",
        }
        for i, spec in enumerate(exclusions)
    ]
    return snap


def bpa_checks(result) -> list[tuple[Status, str]]:
    return [(c.status, c.reason) for c in result.checks if c.code.value.startswith("bpa")]


def private(snap):
    return trace(snap, "subnet-private")


def public(snap):
    return trace(snap, "subnet-public", public=True)


# -- no BPA, or BPA off ---------------------------------------------------------------------------
def test_snapshot_without_bpa_is_reachable_and_says_bpa_was_assumed_off():
    result = private(healthy())
    assert result.verdict is Verdict.REACHABLE
    [(status, reason)] = bpa_checks(result)
    assert status is Status.PASS and "not in the snapshot" in reason and "assumed off" in reason


def test_bpa_off_lets_both_ways_out():
    snap = with_bpa("off", state="default-state")
    for result in (private(snap), public(snap)):
        assert result.verdict is Verdict.REACHABLE
        assert bpa_checks(result) == [(Status.PASS, "VPC Block Public Access is off in us-east-1")]


# -- block-bidirectional ----------------------------------------------------------------------------
def test_bidirectional_without_exclusion_blocks_nat_and_public_ip_at_the_internet_gateway():
    snap = with_bpa("block-bidirectional")
    for result in (private(snap), public(snap)):
        assert result.verdict is Verdict.UNREACHABLE
        assert result.blocked_at == "igw-app"
        assert codes(result) == {CheckCode.BPA_BLOCKED}
        assert "block-bidirectional" in result.reason and "no exclusion covers" in result.reason


def test_bidirectional_egress_exclusion_of_the_nat_subnet_lets_private_tasks_out():
    result = private(with_bpa("block-bidirectional", ("subnet-public", "allow-egress")))
    assert result.verdict is Verdict.REACHABLE
    assert "exempts subnet-public (exclusion exclusion-0, allow-egress)" in bpa_checks(result)[0][1]


def test_bidirectional_exclusion_of_the_task_subnet_alone_does_not_free_a_nat_path():
    """Traffic reaches the internet gateway with the NAT gateway's address, from its subnet."""
    result = private(with_bpa("block-bidirectional", ("subnet-private", "allow-bidirectional")))
    assert result.verdict is Verdict.UNREACHABLE
    assert "no exclusion covers subnet-public or vpc-app" in result.reason


def test_bidirectional_vpc_exclusion_covers_its_subnets():
    result = public(with_bpa("block-bidirectional", ("vpc-app", "allow-bidirectional")))
    assert result.verdict is Verdict.REACHABLE
    assert "exempts vpc-app (exclusion exclusion-0, allow-bidirectional)" in bpa_checks(result)[0][1]


def test_exclusions_not_allowed_by_the_organization_do_not_apply():
    snap = with_bpa("block-bidirectional", ("subnet-public", "allow-egress"), allowed="not-allowed")
    result = private(snap)
    assert result.verdict is Verdict.UNREACHABLE
    assert "exclusions are not allowed" in result.reason


@pytest.mark.parametrize("state", ["create-in-progress", "update-in-progress", "delete-in-progress"])
def test_exclusion_in_transition_is_unknown_never_a_pass(state):
    result = private(with_bpa("block-bidirectional", ("subnet-public", "allow-egress", state)))
    assert result.verdict is Verdict.UNKNOWN
    assert codes(result) == {CheckCode.BPA_UNKNOWN}
    assert state in result.reason


@pytest.mark.parametrize("state", ["create-failed", "delete-complete", "disable-complete"])
def test_exclusion_that_is_gone_does_not_apply(state):
    result = private(with_bpa("block-bidirectional", ("subnet-public", "allow-egress", state)))
    assert result.verdict is Verdict.UNREACHABLE
    assert codes(result) == {CheckCode.BPA_BLOCKED}
    assert "no exclusion covers subnet-public or vpc-app" in result.reason


# -- block-ingress ----------------------------------------------------------------------------------
def test_ingress_lets_nat_gateway_traffic_out():
    result = private(with_bpa("block-ingress"))
    assert result.verdict is Verdict.REACHABLE
    assert bpa_checks(result) == [
        (
            Status.PASS,
            "VPC Block Public Access (block-ingress) in us-east-1 lets traffic out through NAT gateway nat-app",
        )
    ]


def test_ingress_blocks_a_task_with_its_own_public_ip():
    result = public(with_bpa("block-ingress"))
    assert result.verdict is Verdict.UNREACHABLE
    assert result.blocked_at == "igw-app"
    assert "only NAT gateway and egress-only internet gateway traffic" in result.reason


def test_ingress_ignores_an_egress_exclusion_and_says_why():
    result = public(with_bpa("block-ingress", ("subnet-public", "allow-egress")))
    assert result.verdict is Verdict.UNREACHABLE
    assert "applies only in block-bidirectional mode" in result.reason


def test_ingress_bidirectional_exclusion_frees_a_public_ip_task():
    result = public(with_bpa("block-ingress", ("subnet-public", "allow-bidirectional")))
    assert result.verdict is Verdict.REACHABLE
    assert "exempts subnet-public (exclusion exclusion-0, allow-bidirectional)" in bpa_checks(result)[0][1]


# -- what is not known ----------------------------------------------------------------------------
def test_unreadable_options_are_unknown_as_a_failed_collection():
    snap = healthy()
    region(snap)["Errors"] = {"VpcBlockPublicAccessOptions": "UnauthorizedOperation: not allowed"}
    result = private(snap)
    assert result.verdict is Verdict.UNKNOWN
    assert codes(result) == {CheckCode.DATA_FAILED}  # DATA002: fix the collection, not the network
    assert "UnauthorizedOperation" in result.reason


def test_unreadable_exclusions_matter_only_when_bpa_blocks():
    off = with_bpa("off")
    on = with_bpa("block-bidirectional")
    for snap in (off, on):
        del region(snap)["VpcBlockPublicAccessExclusions"]
        region(snap)["Errors"] = {"VpcBlockPublicAccessExclusions": "AccessDenied: no"}
    assert private(off).verdict is Verdict.REACHABLE
    blocked = private(on)
    assert blocked.verdict is Verdict.UNKNOWN
    assert "could not be collected (AccessDenied: no)" in blocked.reason
    assert codes(blocked) == {CheckCode.DATA_FAILED}


def test_bpa_of_an_unscanned_owner_account_is_not_a_failed_collection():
    from fargate_netcheck.snapshot.parse import BlockPublicAccess
    from fargate_netcheck.trace.bpa import _code

    not_scanned = BlockPublicAccess("us-east-1", None, unreadable="shared from 999999999999, not scanned")
    assert _code(not_scanned, Status.UNKNOWN) is CheckCode.BPA_UNKNOWN


def test_bpa_being_changed_is_unknown():
    result = private(with_bpa("block-bidirectional", state="update-in-progress"))
    assert result.verdict is Verdict.UNKNOWN
    assert "being changed" in result.reason


def test_an_unknown_mode_is_unknown():
    result = private(with_bpa("block-everything"))
    assert result.verdict is Verdict.UNKNOWN
    assert codes(result) == {CheckCode.BPA_UNKNOWN}
    assert "unknown mode 'block-everything'" in result.reason


# -- egress-only internet gateways (the rule table itself) ----------------------------------------
def _setting(mode: str, *exclusions: BpaExclusion) -> BlockPublicAccess:
    by_resource: dict[str, tuple[BpaExclusion, ...]] = {}
    for e in exclusions:
        by_resource[e.resource_id] = (*by_resource.get(e.resource_id, ()), e)
    return BlockPublicAccess("us-east-1", mode, "update-complete", True, by_resource)


def test_ingress_lets_egress_only_gateway_traffic_out_bidirectional_does_not():
    assert evaluate(_setting("block-ingress"), "eigw-1", "subnet-a", "vpc-a", None)[0] is Status.PASS
    assert evaluate(_setting("block-bidirectional"), "eigw-1", "subnet-a", "vpc-a", None)[0] is Status.FAIL
    excluded = _setting(
        "block-bidirectional", BpaExclusion("x", "subnet-a", "allow-egress", "update-complete")
    )
    assert evaluate(excluded, "eigw-1", "subnet-a", "vpc-a", None)[0] is Status.PASS


# -- the rule -------------------------------------------------------------------------------------
def test_gw009_reports_the_blocking_gateway():
    found = findings(
        with_bpa("block-bidirectional"), ("subnet-private", ("sg-open",), False), rule_ids=("GW009",)
    )
    assert [(f.rule_id, f.resource_id) for f in found] == [("GW009", "igw-app")]
    assert "block-bidirectional" in found[0].message


def test_gw009_is_quiet_when_an_exclusion_applies():
    snap = with_bpa("block-bidirectional", ("subnet-public", "allow-egress"))
    assert findings(snap, ("subnet-private", ("sg-open",), False), rule_ids=("GW009",)) == []


# -- shared subnets ---------------------------------------------------------------------------------
OWNER = "999999999999"


def test_a_shared_subnet_in_a_snapshot_without_bpa_is_read_like_the_others():
    snap = healthy()
    next(s for s in region(snap)["Subnets"] if s["SubnetId"] == "subnet-public")["OwnerId"] = OWNER
    result = private(snap)
    assert result.verdict is Verdict.REACHABLE
    assert "assumed off" in bpa_checks(result)[0][1]


def test_a_shared_subnet_follows_its_owners_bpa_and_is_unknown_without_it():
    snap = with_bpa("off")
    nat_subnet = next(s for s in region(snap)["Subnets"] if s["SubnetId"] == "subnet-public")
    nat_subnet["OwnerId"] = OWNER
    result = private(snap)
    assert result.verdict is Verdict.UNKNOWN
    assert f"shared from account {OWNER}" in result.reason

    owner_region = with_bpa("block-bidirectional")["regions"]["us-east-1"]
    owner_bpa = {
        k: owner_region[k] for k in ("VpcBlockPublicAccessOptions", "VpcBlockPublicAccessExclusions")
    }
    both = {
        "snapshot_version": 1,
        "accounts": {
            ACCOUNT: {"regions": snap["regions"]},
            OWNER: {"regions": {"us-east-1": owner_bpa}},
        },
    }
    blocked = private(both)
    assert blocked.verdict is Verdict.UNREACHABLE
    assert codes(blocked) == {CheckCode.BPA_BLOCKED}
